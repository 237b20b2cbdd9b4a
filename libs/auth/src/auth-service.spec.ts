import { X509Certificate } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decision } from '@portico/proto';
import { describe, expect, it, beforeAll } from 'vitest';
import { createAuthService } from './auth-service';
import { createCertificateAuthority, ensureClusterPki, issueCertificate, type ClusterPki } from './pki';

const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
const authz = (groups: string[], extra: Partial<Parameters<ReturnType<typeof createAuthService>['authorize']>[0]>) => ({
  user: { username: 'u', uid: '', groups, extra: {} },
  verb: 'get',
  apiGroup: '',
  apiVersion: '',
  resource: '',
  subresource: '',
  namespace: '',
  name: '',
  path: '',
  resourceRequest: false,
  ...extra,
});

describe('auth service', () => {
  let pki: ClusterPki;
  beforeAll(async () => {
    pki = await ensureClusterPki(join(await mkdtemp(join(tmpdir(), 'pki-')), 'pki'));
  });

  it('reuses the PKI on a second call', async () => {
    const again = await ensureClusterPki(pki.dir);
    expect(again.caCertPem).toBe(pki.caCertPem);
    expect(again.adminKeyPem).toBe(pki.adminKeyPem);
  });

  it('authenticates the admin certificate as admin in system:masters', async () => {
    const auth = createAuthService({ clientCAPem: pki.caCertPem });
    const r = await auth.authenticate({ bearerToken: '', clientCertificateChain: [Buffer.from(der(pki.adminCertPem))], audiences: [] });
    expect(r.authenticated).toBe(true);
    expect(r.user?.username).toBe('admin');
    expect(r.user?.groups).toEqual(['system:masters', 'system:authenticated']);
  });

  it('refuses a certificate from another CA and a server certificate', async () => {
    const auth = createAuthService({ clientCAPem: pki.caCertPem });
    const otherCa = await createCertificateAuthority('other');
    const forged = await issueCertificate(otherCa, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
    const r1 = await auth.authenticate({ bearerToken: '', clientCertificateChain: [Buffer.from(der(forged.certPem))], audiences: [] });
    expect(r1.authenticated).toBe(false);
    const r2 = await auth.authenticate({ bearerToken: '', clientCertificateChain: [Buffer.from(der(pki.servingCertPem))], audiences: [] });
    expect(r2.authenticated).toBe(false);
  });

  it('treats no credential as system:anonymous and an unknown token as a failure', async () => {
    const auth = createAuthService({ clientCAPem: pki.caCertPem });
    const anon = await auth.authenticate({ bearerToken: '', clientCertificateChain: [], audiences: [] });
    expect(anon.user).toMatchObject({ username: 'system:anonymous', groups: ['system:unauthenticated'] });
    const bad = await auth.authenticate({ bearerToken: 'nope', clientCertificateChain: [], audiences: [] });
    expect(bad.authenticated).toBe(false);
  });

  it('lets system:masters do anything and others only the public paths', async () => {
    const auth = createAuthService({ clientCAPem: pki.caCertPem });
    const resource = { resourceRequest: true, verb: 'delete', resource: 'namespaces', name: 'x' };
    expect((await auth.authorize(authz(['system:masters'], resource))).decision).toBe(Decision.DECISION_ALLOW);
    expect((await auth.authorize(authz(['system:unauthenticated'], resource))).decision).toBe(Decision.DECISION_NO_OPINION);
    expect((await auth.authorize(authz(['system:unauthenticated'], { path: '/healthz' }))).decision).toBe(Decision.DECISION_ALLOW);
    expect((await auth.authorize(authz(['system:unauthenticated'], { path: '/api' }))).decision).toBe(Decision.DECISION_NO_OPINION);
    expect((await auth.authorize(authz(['system:authenticated'], { path: '/api/v1' }))).decision).toBe(Decision.DECISION_ALLOW);
  });
});
