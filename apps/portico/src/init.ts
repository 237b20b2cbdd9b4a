// `portico init`: the cluster PKI and an admin kubeconfig, without starting anything. Used by the
// docker-compose init service and to prepare the Helm chart's PKI Secret.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureClusterPki } from '@portico/auth';
import { writeKubeconfig } from './kubeconfig';

export interface InitOptions {
  dataDir: string;
  /** Extra names and addresses for the serving certificate (service DNS names, load balancer). */
  hosts: string[];
  /** The API server URL written into the kubeconfig. */
  server: string;
}

export async function initCluster(opts: InitOptions): Promise<{ pkiDir: string; kubeconfigPath: string }> {
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pkiDir = join(dataDir, 'pki');
  const pki = await ensureClusterPki(pkiDir, { hosts: opts.hosts });
  const kubeconfigPath = await writeKubeconfig(join(dataDir, 'kubeconfig'), pki, opts.server);
  return { pkiDir, kubeconfigPath };
}
