import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Authenticator, ensureClusterPki } from '@portico/auth';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mintKubeconfig } from './mint-kubeconfig';

describe('portico kubeconfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-mint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mints a client certificate of the cluster CA for the user and groups', async () => {
    const pki = await ensureClusterPki(join(dir, 'pki'));
    const text = await mintKubeconfig({ dataDir: dir, user: 'jane', groups: ['dev', 'ops'], server: 'https://127.0.0.1:6443' });
    const doc = parse(text) as {
      users: Array<{ name: string; user: Record<string, string> }>;
      clusters: Array<{ cluster: Record<string, string> }>;
      'current-context': string;
    };
    expect(doc['current-context']).toBe('jane@portico');
    expect(doc.clusters[0]?.cluster['server']).toBe('https://127.0.0.1:6443');
    const cert = Buffer.from(doc.users[0]?.user['client-certificate-data'] ?? '', 'base64').toString();
    const r = new X509Authenticator(pki.caCertPem).authenticate([new Uint8Array(new X509Certificate(cert).raw)]);
    expect(r).toEqual({ kind: 'user', user: { username: 'jane', uid: '', groups: ['dev', 'ops'], extra: {} } });
  });
});
