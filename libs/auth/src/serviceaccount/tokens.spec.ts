import { generateKeyPairSync } from 'node:crypto';
import type { GetRequest, StorageServicePort } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { createAuthService } from '../auth-service';
import { StaticTokenAuthenticator, parseCsvLine } from '../token-file';
import { ServiceAccountTokens } from './tokens';

const pems = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pub: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

function storageWith(objects: Record<string, { uid: string; data?: Record<string, string> }>): StorageServicePort {
  return {
    get: async (req: GetRequest) => {
      const o = objects[`${req.ref?.resource}/${req.ref?.namespace}/${req.ref?.name}`];
      if (o === undefined) return { object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'not found', details: undefined } };
      return { object: Buffer.from(JSON.stringify({ metadata: { name: req.ref?.name, uid: o.uid }, data: o.data })), status: undefined };
    },
  } as unknown as StorageServicePort;
}

const issueReq = (extra: Partial<Parameters<ServiceAccountTokens['issue']>[0]> = {}) => ({
  namespace: 'team',
  serviceAccountName: 'bot',
  serviceAccountUid: 'sa-uid',
  audiences: [],
  expirationSeconds: '0',
  boundObject: undefined,
  legacySecretName: '',
  ...extra,
});

describe('service-account tokens', () => {
  const k = pems();
  let now = Date.UTC(2030, 0, 1);
  const tokens = new ServiceAccountTokens({ signingKeyPem: k.key, publicKeyPems: [k.pub], now: () => now });
  const storage = storageWith({ 'serviceaccounts/team/bot': { uid: 'sa-uid' }, 'pods/team/p1': { uid: 'pod-uid' } });

  it('issues a JWT with kube-apiserver’s claims and authenticates it as the service account', async () => {
    const r = await tokens.issue(issueReq());
    expect(r.status).toBeUndefined();
    expect(r.expirationTimestamp).toBe('2030-01-01T01:00:00Z');
    expect(r.audiences).toEqual(['https://kubernetes.default.svc.cluster.local']);
    const [header, payload] = r.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'ES256' });
    expect(payload).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:team:bot',
      'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'bot', uid: 'sa-uid' } },
    });
    const v = await tokens.verify(r.token, [], storage);
    expect(v.kind).toBe('user');
    if (v.kind !== 'user') return;
    expect(v.user).toMatchObject({ username: 'system:serviceaccount:team:bot', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] });
    expect(v.user.extra['authentication.kubernetes.io/credential-id']?.values[0]).toMatch(/^JTI=/);
  });

  it('binds to a pod, and stops working when the pod or the service account is gone or replaced', async () => {
    const r = await tokens.issue(issueReq({ boundObject: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'pod-uid' } }));
    const v = await tokens.verify(r.token, [], storage);
    expect(v.kind === 'user' && v.user.extra['authentication.kubernetes.io/pod-name']?.values).toEqual(['p1']);
    expect((await tokens.verify(r.token, [], storageWith({ 'serviceaccounts/team/bot': { uid: 'sa-uid' } }))).kind).toBe('invalid');
    expect((await tokens.verify(r.token, [], storageWith({ 'serviceaccounts/team/bot': { uid: 'other' }, 'pods/team/p1': { uid: 'pod-uid' } }))).kind).toBe('invalid');
  });

  it('refuses expired, forged, wrong-audience and too-short tokens', async () => {
    const r = await tokens.issue(issueReq({ expirationSeconds: '600', audiences: ['vault'] }));
    expect((await tokens.verify(r.token, ['vault'], storage)).kind).toBe('user');
    expect((await tokens.verify(r.token, [], storage)).kind).toBe('invalid');
    const saved = now;
    now += 661_000;
    expect(await tokens.verify(r.token, ['vault'], storage)).toEqual({ kind: 'invalid', reason: 'service account token has expired' });
    now = saved;
    const other = pems();
    const forger = new ServiceAccountTokens({ signingKeyPem: other.key, publicKeyPems: [other.pub], now: () => now });
    const forged = await forger.issue(issueReq());
    expect((await tokens.verify(forged.token, [], storage)).kind).toBe('invalid');
    const [h, p] = r.token.split('.');
    expect((await tokens.verify(`${h}.${p}.AAAA`, ['vault'], storage)).kind).toBe('invalid');
    expect((await tokens.verify('not-a-jwt', [], storage)).kind).toBe('not-mine');
    const short = await tokens.issue(issueReq({ expirationSeconds: '599' }));
    expect(short.status).toMatchObject({ code: 422, message: 'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes' });
  });

  it('publishes its verification keys as a JWKS', async () => {
    const { keys } = await tokens.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ use: 'sig', kty: 'EC', crv: 'P-256', alg: 'ES256' });
    const r = await tokens.issue(issueReq());
    const header = JSON.parse(Buffer.from(r.token.split('.')[0] as string, 'base64url').toString()) as { kid: string };
    expect(keys[0]?.['kid']).toBe(header.kid);
    expect(tokens.signingAlgs).toEqual(['ES256']);
  });

  it('issues legacy Secret tokens that stay valid while their Secret holds them', async () => {
    const r = await tokens.issue(issueReq({ legacySecretName: 'bot-token', expirationSeconds: '1' }));
    expect(r.expirationTimestamp).toBe('');
    const payload = JSON.parse(Buffer.from(r.token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toEqual({
      iss: 'kubernetes/serviceaccount',
      sub: 'system:serviceaccount:team:bot',
      'kubernetes.io/serviceaccount/namespace': 'team',
      'kubernetes.io/serviceaccount/secret.name': 'bot-token',
      'kubernetes.io/serviceaccount/service-account.name': 'bot',
      'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
    });
    const holding = storageWith({ 'serviceaccounts/team/bot': { uid: 'sa-uid' }, 'secrets/team/bot-token': { uid: 's', data: { token: Buffer.from(r.token).toString('base64') } } });
    const v = await tokens.verify(r.token, [], holding);
    expect(v.kind === 'user' && v.user.username).toBe('system:serviceaccount:team:bot');
    const emptied = storageWith({ 'serviceaccounts/team/bot': { uid: 'sa-uid' }, 'secrets/team/bot-token': { uid: 's', data: {} } });
    expect((await tokens.verify(r.token, [], emptied)).kind).toBe('invalid');
    expect((await tokens.verify(r.token, ['vault'], holding)).kind).toBe('invalid');
  });

  it('authenticates through the auth service, and an invalid token is a plain failure', async () => {
    const auth = createAuthService({ clientCAPem: '', storage, serviceAccountTokens: { signingKeyPem: k.key, publicKeyPems: [k.pub], now: () => now } });
    const r = await auth.issueServiceAccountToken(issueReq());
    const ok = await auth.authenticate({ bearerToken: r.token, clientCertificateChain: [], audiences: [] });
    expect(ok.user?.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']);
    const bad = await auth.authenticate({ bearerToken: `${r.token}x`, clientCertificateChain: [], audiences: [] });
    expect(bad).toEqual({ authenticated: false, audiences: [], status: undefined });
  });
});

describe('static token file', () => {
  it('parses kube-apiserver’s CSV and finds users by token', () => {
    expect(parseCsvLine('t1,alice,1,"dev,ops"')).toEqual(['t1', 'alice', '1', 'dev,ops']);
    const a = new StaticTokenAuthenticator('t1,alice,1,"dev,ops"\n\nt2,bob,2\n,empty,3\n');
    expect(a.size).toBe(2);
    expect(a.authenticate('t1')).toEqual({ username: 'alice', uid: '1', groups: ['dev', 'ops'], extra: {} });
    expect(a.authenticate('t2')?.groups).toEqual([]);
    expect(a.authenticate('t')).toBeUndefined();
    expect(a.authenticate('')).toBeUndefined();
    expect(() => new StaticTokenAuthenticator('t1,alice\n')).toThrow('must have at least 3 columns');
  });

  it('authenticates through the auth service', async () => {
    const auth = createAuthService({ clientCAPem: '', tokenFile: { csv: 'secret-token,alice,1,dev\n' } });
    const ok = await auth.authenticate({ bearerToken: 'secret-token', clientCertificateChain: [], audiences: [] });
    expect(ok.user).toEqual({ username: 'alice', uid: '1', groups: ['dev', 'system:authenticated'], extra: {} });
    expect((await auth.authenticate({ bearerToken: 'secret-tokem', clientCertificateChain: [], audiences: [] })).authenticated).toBe(false);
  });
});
