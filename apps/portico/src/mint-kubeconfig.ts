// `portico kubeconfig`: a client certificate signed by the cluster CA (CN = user, O = each group,
// as the x509 authenticator reads them) wrapped in a kubeconfig. What the user may do is up to
// RBAC; with group system:masters it is everything.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
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
  const { issueCertificate } = await import('@portico/auth');
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

export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description('issue a client certificate for a user and groups, and print (or write) a kubeconfig for it')
    .addOption(new Option('--data-dir <dir>', 'where the cluster PKI lives').env('PORTICO_DATA_DIR').default('./.portico'))
    .requiredOption('--user <name>', 'the user name (certificate CN)')
    .addOption(new Option('--group <name>', 'a group (certificate O); repeatable').default([]).argParser((v: string, prev: string[]) => [...prev, v]))
    .option('--server <url>', 'API server URL (default: the one in <data-dir>/kubeconfig)')
    .option('--days <n>', 'certificate validity in days', (v) => Number.parseInt(v, 10), 365)
    .option('-o, --output <file>', 'write the kubeconfig here (mode 0600) instead of stdout')
    .action(async (opts: { dataDir: string; user: string; group: string[]; server?: string; days: number; output?: string }) => {
      const text = await mintKubeconfig({
        dataDir: opts.dataDir,
        user: opts.user,
        groups: opts.group,
        validityDays: opts.days,
        ...(opts.server === undefined ? {} : { server: opts.server }),
      });
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      const { writeFile, chmod } = await import('node:fs/promises');
      await writeFile(opts.output, text, { mode: 0o600 });
      await chmod(opts.output, 0o600);
      process.stdout.write(`export KUBECONFIG=${resolve(opts.output)}\n`);
    });
}
