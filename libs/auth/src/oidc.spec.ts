import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK } from 'jose';
import { describe, expect, it, beforeAll } from 'vitest';
import { createAuthService } from './auth-service';
import { OidcAuthenticator } from './oidc';

const issuer = 'https://issuer.example';

describe('OIDC authenticator', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwksFile = '';
  beforeAll(async () => {
    jwksFile = join(mkdtempSync(join(tmpdir(), 'oidc-')), 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  });
  const sign = (claims: Record<string, unknown>, key = privateKey, exp: string | number = '5m') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience('portico').setIssuedAt().setExpirationTime(exp).setSubject('u-123').sign(key);

  it('maps claims to a user with kube-apiserver’s prefixes', async () => {
    const byEmail = new OidcAuthenticator({ issuerUrl: issuer, clientId: 'portico', jwksFile, usernameClaim: 'email', groupsClaim: 'groups', groupsPrefix: 'oidc:' });
    const token = await sign({ email: 'jane@example.com', email_verified: true, groups: ['dev', 'ops'] });
    expect(await byEmail.authenticate(token)).toEqual({ kind: 'user', user: { username: 'jane@example.com', uid: '', groups: ['oidc:dev', 'oidc:ops'], extra: {} } });
    const bySub = new OidcAuthenticator({ issuerUrl: issuer, clientId: 'portico', jwksFile });
    expect(await bySub.authenticate(token)).toMatchObject({ kind: 'user', user: { username: 'https://issuer.example#u-123', groups: [] } });
    const unverified = await sign({ email: 'x@example.com', email_verified: false });
    expect((await byEmail.authenticate(unverified)).kind).toBe('invalid');
  });

  it('refuses other audiences, other keys and expired tokens, and leaves other issuers alone', async () => {
    const a = new OidcAuthenticator({ issuerUrl: issuer, clientId: 'portico', jwksFile });
    const wrongAud = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience('other').setExpirationTime('5m').setSubject('s').sign(privateKey);
    expect((await a.authenticate(wrongAud)).kind).toBe('invalid');
    expect((await a.authenticate(await sign({}, other.privateKey))).kind).toBe('invalid');
    expect((await a.authenticate(await sign({}, privateKey, Math.floor(Date.now() / 1000) - 3600))).kind).toBe('invalid');
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://elsewhere').setExpirationTime('5m').sign(privateKey);
    expect((await a.authenticate(foreign)).kind).toBe('not-mine');
  });

  it('authenticates through the auth service', async () => {
    const auth = createAuthService({ clientCAPem: '', oidc: { issuerUrl: issuer, clientId: 'portico', jwksFile, groupsClaim: 'groups' } });
    const r = await auth.authenticate({ bearerToken: await sign({ groups: 'dev' }), clientCertificateChain: [], audiences: [] });
    expect(r.user).toEqual({ username: 'https://issuer.example#u-123', uid: '', groups: ['dev', 'system:authenticated'], extra: {} });
  });
});
