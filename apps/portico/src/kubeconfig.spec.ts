import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dialHost, kubeconfigYaml, servingHosts, writeKubeconfig } from './kubeconfig';

const creds = { caCertPem: 'CA PEM\n', adminCertPem: 'CERT PEM\n', adminKeyPem: 'KEY PEM\n' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const scratch = mkdtempSync(join(tmpdir(), 'portico-kubeconfig-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kubeconfig', () => {
  it('names cluster portico, user admin and context portico, with embedded certificates', () => {
    expect(parse(kubeconfigYaml(creds, 'https://127.0.0.1:6443'))).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'portico', cluster: { 'certificate-authority-data': b64('CA PEM\n'), server: 'https://127.0.0.1:6443' } },
      ],
      users: [{ name: 'admin', user: { 'client-certificate-data': b64('CERT PEM\n'), 'client-key-data': b64('KEY PEM\n') } }],
      contexts: [{ name: 'portico', context: { cluster: 'portico', user: 'admin' } }],
      'current-context': 'portico',
      preferences: {},
    });
  });

  it('is written with mode 0600 and its absolute path returned, also over an existing file', async () => {
    const path = join(scratch, 'sub', 'kubeconfig');
    const written = await writeKubeconfig(path, creds, 'https://127.0.0.1:1');
    expect(isAbsolute(written)).toBe(true);
    expect(statSync(written).mode & 0o777).toBe(0o600);
    await writeKubeconfig(path, creds, 'https://127.0.0.1:2');
    expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(readFileSync(written, 'utf8')).toContain('https://127.0.0.1:2');
  });

  it('dials loopback for wildcard and loopback binds, and the address itself otherwise', () => {
    expect(dialHost('127.0.0.1')).toBe('127.0.0.1');
    expect(dialHost('0.0.0.0')).toBe('127.0.0.1');
    expect(dialHost('::')).toBe('127.0.0.1');
    expect(dialHost('::1')).toBe('[::1]');
    expect(dialHost('10.1.2.3')).toBe('10.1.2.3');
    expect(servingHosts('0.0.0.0')).toEqual([]);
    expect(servingHosts('10.1.2.3')).toEqual(['10.1.2.3']);
  });
});
