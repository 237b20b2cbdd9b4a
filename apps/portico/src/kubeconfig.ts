import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigCredentials {
  caCertPem: string;
  adminCertPem: string;
  adminKeyPem: string;
}

const WILDCARD_OR_LOOPBACK = new Set(['', '0.0.0.0', '::', '127.0.0.1', 'localhost']);

/**
 * The host clients should dial for a server bound to `host`: loopback for wildcard and loopback
 * binds (the serving certificate always carries 127.0.0.1), the address itself otherwise.
 */
export function dialHost(host: string): string {
  if (WILDCARD_OR_LOOPBACK.has(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Extra SANs the serving certificate needs for a bind address (none for wildcard or loopback). */
export function servingHosts(host: string): string[] {
  return WILDCARD_OR_LOOPBACK.has(host) || host === '::1' ? [] : [host];
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** A kubeconfig with cluster `portico`, user `admin` (client certificate) and context `portico`. */
export function kubeconfigYaml(creds: KubeconfigCredentials, server: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'portico', cluster: { 'certificate-authority-data': b64(creds.caCertPem), server } }],
    users: [
      {
        name: 'admin',
        user: { 'client-certificate-data': b64(creds.adminCertPem), 'client-key-data': b64(creds.adminKeyPem) },
      },
    ],
    contexts: [{ name: 'portico', context: { cluster: 'portico', user: 'admin' } }],
    'current-context': 'portico',
    preferences: {},
  });
}

/**
 * Writes the kubeconfig atomically with mode 0600 (it holds the admin key) and returns its
 * absolute path.
 */
export async function writeKubeconfig(path: string, creds: KubeconfigCredentials, server: string): Promise<string> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, kubeconfigYaml(creds, server), { mode: 0o600 });
  // The mode given to writeFile is filtered by the umask.
  await chmod(tmp, 0o600);
  await rename(tmp, target);
  return target;
}
