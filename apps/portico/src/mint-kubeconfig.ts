// `portico kubeconfig`: a client certificate signed by the cluster CA (CN = user, O = each group,
// as the x509 authenticator reads them) wrapped in a kubeconfig. What the user may do is up to
// RBAC; with group system:masters it is everything.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { issueCertificate } from '@portico/auth';
import { parse, stringify } from 'yaml';

export interface MintKubeconfigOptions {
  dataDir: string;
  user: string;
  groups: string[];
  /** The API server URL; defaults to the one in the data dir's admin kubeconfig. */
  server?: string;
  validityDays?: number;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

async function serverFromAdminKubeconfig(dataDir: string): Promise<string> {
  const doc = parse(await readFile(join(dataDir, 'kubeconfig'), 'utf8')) as { clusters?: Array<{ cluster?: { server?: string } }> };
  const server = doc.clusters?.[0]?.cluster?.server;
  if (server === undefined || server === '') throw new Error(`no server in ${join(dataDir, 'kubeconfig')}; pass --server`);
  return server;
}

/** Returns the kubeconfig text; the private key is in it, so callers write it 0600. */
export async function mintKubeconfig(opts: MintKubeconfigOptions): Promise<string> {
  const pkiDir = join(resolve(opts.dataDir), 'pki');
  const ca = { certPem: await readFile(join(pkiDir, 'ca.crt'), 'utf8'), keyPem: await readFile(join(pkiDir, 'ca.key'), 'utf8') };
  const issued = await issueCertificate(ca, {
    commonName: opts.user,
    organizations: opts.groups,
    usage: 'client',
    ...(opts.validityDays === undefined ? {} : { validityDays: opts.validityDays }),
  });
  const server = opts.server ?? (await serverFromAdminKubeconfig(resolve(opts.dataDir)));
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'portico', cluster: { 'certificate-authority-data': b64(ca.certPem), server } }],
    users: [{ name: opts.user, user: { 'client-certificate-data': b64(issued.certPem), 'client-key-data': b64(issued.keyPem) } }],
    contexts: [{ name: `${opts.user}@portico`, context: { cluster: 'portico', user: opts.user } }],
    'current-context': `${opts.user}@portico`,
    preferences: {},
  });
}
