// Authentication and authorization (issue 5) as a cluster user meets them with kubectl: users with
// client certificates minted by `portico kubeconfig`, a ServiceAccount token from `kubectl create
// token` bound through RBAC, whoami, can-i (with --list and --as), impersonation allowed and
// refused, escalation refused, anonymous limited, and bad credentials answered with a bare 401.
// RBAC changes reach the auth service through storage and the event bus and the gateway caches
// decisions for 5 s, so checks after a change poll until it is in force (no timing assertions).
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinaries, runKubectl } from '@portico/testing';
import { SignJWT, exportJWK } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readKubeconfig, rawRequest, type KubeconfigCredentials } from '../support/https';
import { describeRun } from '../support/kubectl-output';
import { type Portico, WORKSPACE_ROOT } from '../support/portico';
import { expectFailureStatus, uniqueSuffix } from '../support/status';

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not in force in time: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A static token file and a test OIDC issuer, configured through Portico's environment. */
export interface AuthFixtures {
  env: Record<string, string>;
  staticToken: string;
  oidcToken(claims: Record<string, unknown>): Promise<string>;
  cleanup(): void;
}

const oidcIssuer = 'https://oidc.e2e.portico.test';

export async function authFixtures(): Promise<AuthFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-authn-'));
  const staticToken = `e2e-${uniqueSuffix()}-${uniqueSuffix()}`;
  writeFileSync(join(dir, 'tokens.csv'), `${staticToken},alice,alice-uid,"ops,dev"\n`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'e2e', alg: 'RS256', use: 'sig' }] }));
  const key: KeyObject = privateKey;
  return {
    env: {
      PORTICO_TOKEN_AUTH_FILE: join(dir, 'tokens.csv'),
      PORTICO_OIDC_ISSUER_URL: oidcIssuer,
      PORTICO_OIDC_CLIENT_ID: 'portico',
      PORTICO_OIDC_USERNAME_CLAIM: 'email',
      PORTICO_OIDC_GROUPS_CLAIM: 'groups',
      PORTICO_OIDC_GROUPS_PREFIX: 'oidc:',
      PORTICO_OIDC_JWKS_FILE: join(dir, 'jwks.json'),
    },
    staticToken,
    oidcToken: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'e2e' }).setIssuer(oidcIssuer).setAudience('portico').setIssuedAt().setExpirationTime('10m').setSubject('s-1').sign(key),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function authSuite(portico: () => Portico, fixtures: () => AuthFixtures): void {
  let bin = '';
  let dir = '';
  let admin = '';
  let jane = '';
  let creds: KubeconfigCredentials;
  const ns = `e2e-auth-${uniqueSuffix()}`;
  const as = (kubeconfig: string, args: string[]) => runKubectl(bin, args, { kubeconfig, timeoutMs: 60_000 });
  const ok = async (kubeconfig: string, args: string[]) => {
    const r = await as(kubeconfig, args);
    expect(r.code, describeRun(r)).toBe(0);
    return r.stdout;
  };
  const fails = async (kubeconfig: string, args: string[]) => {
    const r = await as(kubeconfig, args);
    expect(r.code, describeRun(r)).not.toBe(0);
    return r.stderr.trim();
  };
  /** A kubeconfig with only the cluster CA and a bearer token, as for a pod's service account. */
  const tokenKubeconfig = (name: string, token: string) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'p', cluster: { server: creds.server, 'certificate-authority-data': creds.ca.toString('base64') } }],
        users: [{ name: 'u', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'p', user: 'u' } }],
        'current-context': 'c',
      }),
      { mode: 0o600 },
    );
    return path;
  };

  beforeAll(async () => {
    bin = (await kubectlBinaries()).kubectl133;
    dir = mkdtempSync(join(tmpdir(), 'portico-e2e-auth-'));
    admin = portico().kubeconfigPath;
    creds = readKubeconfig(admin);
    jane = join(dir, 'jane.kubeconfig');
    const minted = spawnSync(
      process.execPath,
      ['--conditions=@portico/source', '--import', 'tsx', 'apps/portico/src/main.ts', 'kubeconfig', '--data-dir', portico().dataDir, '--user', 'jane', '--group', 'dev', '-o', jane],
      { cwd: WORKSPACE_ROOT, encoding: 'utf8' },
    );
    expect(minted.status, minted.stderr).toBe(0);
    await ok(admin, ['create', 'namespace', ns]);
    await ok(admin, ['create', 'serviceaccount', 'bot', '-n', ns]);
    await ok(admin, ['create', 'configmap', 'c1', '-n', ns, '--from-literal=a=b']);
    await ok(admin, ['create', 'secret', 'generic', 's1', '-n', ns, '--from-literal=a=b']);
    await ok(admin, ['create', 'role', 'cm-read', '--verb=get,list', '--resource=configmaps', '-n', ns]);
    await ok(admin, ['create', 'rolebinding', 'bot-cm', '--role=cm-read', `--serviceaccount=${ns}:bot`, '-n', ns]);
  }, 240_000);

  afterAll(async () => {
    if (admin !== '') await as(admin, ['delete', 'namespace', ns, '--wait=false']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl auth whoami shows the certificate’s user and groups', async () => {
    expect(await ok(admin, ['auth', 'whoami'])).toBe('ATTRIBUTE   VALUE\nUsername    admin\nGroups      [system:masters system:authenticated]\n');
    expect(await ok(jane, ['auth', 'whoami'])).toBe('ATTRIBUTE   VALUE\nUsername    jane\nGroups      [dev system:authenticated]\n');
  });

  it('kubectl api-resources lists the review resources, and can-i resolves them', async () => {
    // They store nothing, but kube-apiserver lists them (verbs [create]) and kubectl relies on that.
    const rows = (out: string) => out.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    const authz = await ok(jane, ['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide']);
    expect(authz.split('\n')[0]?.trim().split(/\s+/)).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
    expect(rows(authz)).toEqual([
      ['localsubjectaccessreviews', 'authorization.k8s.io/v1', 'true', 'LocalSubjectAccessReview', 'create'],
      ['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview', 'create'],
      ['selfsubjectrulesreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectRulesReview', 'create'],
      ['subjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SubjectAccessReview', 'create'],
    ]);
    expect(rows(await ok(jane, ['api-resources', '--api-group=authentication.k8s.io']))).toEqual([
      ['selfsubjectreviews', 'authentication.k8s.io/v1', 'false', 'SelfSubjectReview'],
      ['tokenreviews', 'authentication.k8s.io/v1', 'false', 'TokenReview'],
    ]);
    // system:basic-user lets every authenticated user create the self reviews, and only those.
    const canI = async (args: string[]) => {
      const r = await as(jane, ['auth', 'can-i', ...args]);
      expect(r.stderr, describeRun(r)).not.toContain("doesn't have a resource type");
      return r.stdout.trim();
    };
    expect(await canI(['create', 'selfsubjectaccessreviews'])).toBe('yes');
    expect(await canI(['create', 'selfsubjectreviews.authentication.k8s.io'])).toBe('yes');
    expect(await canI(['create', 'subjectaccessreviews'])).toBe('no');
    expect(await canI(['create', 'tokenreviews'])).toBe('no');
    expect((await as(admin, ['auth', 'can-i', 'create', 'localsubjectaccessreviews', '-n', ns])).stdout.trim()).toBe('yes');
    // The OpenAPI document describes them, so kubectl explain knows the kind.
    expect(await ok(jane, ['explain', 'selfsubjectaccessreviews.spec.resourceAttributes.verb'])).toContain('FIELD: verb <string>');
  });

  it('a user without bindings gets kube-apiserver’s Forbidden, and can-i says no', async () => {
    expect(await fails(jane, ['get', 'configmaps', '-n', ns])).toBe(
      `Error from server (Forbidden): configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    const r = await as(jane, ['auth', 'can-i', 'list', 'configmaps', '-n', ns]);
    expect(r.stdout.trim()).toBe('no');
    // system:discovery: every authenticated user may read the discovery paths.
    expect(await ok(jane, ['auth', 'can-i', 'get', '/apis/apps'])).toBe('yes\n');
  });

  it('a ServiceAccount token from kubectl create token reads ConfigMaps but not Secrets', async () => {
    const token = (await ok(admin, ['create', 'token', 'bot', '-n', ns])).trim();
    expect(token.split('.')).toHaveLength(3);
    const bot = tokenKubeconfig('bot.kubeconfig', token);
    expect(await ok(bot, ['get', 'configmaps', 'c1', '-n', ns, '-o', 'jsonpath={.data.a}'])).toBe('b');
    expect(await fails(bot, ['get', 'secrets', '-n', ns])).toBe(
      `Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:${ns}:bot" cannot list resource "secrets" in API group "" in the namespace "${ns}"`,
    );
    expect(await ok(bot, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'])).toBe(
      `system:serviceaccount:${ns}:bot ["system:serviceaccounts","system:serviceaccounts:${ns}","system:authenticated"]`,
    );
    const list = await ok(bot, ['auth', 'can-i', '--list', '-n', ns]);
    expect(list).toMatch(/^configmaps\s+\[\]\s+\[\]\s+\[get list\]$/m);
    expect(list).not.toMatch(/^secrets/m);
  });

  it('kubectl auth can-i --as asks for another user, and impersonation needs the impersonate verb', async () => {
    expect((await as(admin, ['auth', 'can-i', 'list', 'configmaps', '-n', ns, `--as=system:serviceaccount:${ns}:bot`])).stdout.trim()).toBe('yes');
    expect((await as(admin, ['auth', 'can-i', 'list', 'secrets', '-n', ns, `--as=system:serviceaccount:${ns}:bot`])).stdout.trim()).toBe('no');
    // kubectl whoami words any 403 its own way; the Status itself is checked on the wire.
    expect(await fails(jane, ['auth', 'whoami', '--as=admin', '--as-group=system:masters'])).toBe(
      'error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it',
    );
    const refused = await rawRequest(readKubeconfig(jane), {
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps`,
      headers: { 'impersonate-user': 'admin', 'impersonate-group': 'system:masters' },
    });
    expectFailureStatus(refused.json, {
      code: 403,
      reason: 'Forbidden',
      message: 'users "admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
    });
    await ok(admin, ['create', 'clusterrole', `impersonate-bot-${ns}`, '--verb=impersonate', '--resource=serviceaccounts', '--resource-name=bot']);
    await ok(admin, ['create', 'rolebinding', 'jane-impersonates-bot', `--clusterrole=impersonate-bot-${ns}`, '--user=jane', '-n', ns]);
    await eventually(async () => (await as(jane, ['get', 'configmaps', 'c1', '-n', ns, `--as=system:serviceaccount:${ns}:bot`])).code === 0, 'impersonation binding');
    expect(await ok(jane, ['auth', 'whoami', `--as=system:serviceaccount:${ns}:bot`, '-o', 'jsonpath={.status.userInfo.username}'])).toBe(`system:serviceaccount:${ns}:bot`);
    await ok(admin, ['delete', 'rolebinding', 'jane-impersonates-bot', '-n', ns]);
    await ok(admin, ['delete', 'clusterrole', `impersonate-bot-${ns}`]);
  });

  it('refuses a role or binding granting more than its author holds', async () => {
    await ok(admin, ['create', 'rolebinding', 'jane-admin', '--clusterrole=admin', '--user=jane', '-n', ns]);
    await eventually(async () => (await as(jane, ['auth', 'can-i', 'create', 'roles', '-n', ns])).stdout.trim() === 'yes', 'jane is admin in the namespace');
    await ok(jane, ['create', 'role', 'cm-only', '--verb=get', '--resource=configmaps', '-n', ns]);
    expect(await fails(jane, ['create', 'role', 'nodes', '--verb=get', '--resource=nodes', '-n', ns])).toBe(
      `Error from server (Forbidden): roles.rbac.authorization.k8s.io "nodes" is forbidden: user "jane" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`,
    );
    expect(await fails(jane, ['create', 'rolebinding', 'grab', '--clusterrole=cluster-admin', '--user=jane', '-n', ns])).toContain(
      'rolebindings.rbac.authorization.k8s.io "grab" is forbidden: user "jane" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
    );
    await ok(jane, ['create', 'rolebinding', 'bob-view', '--clusterrole=view', '--user=bob', '-n', ns]);
  });

  it('a revoked binding stops working, and so does a deleted ServiceAccount’s token', async () => {
    const token = (await ok(admin, ['create', 'token', 'bot', '-n', ns])).trim();
    const bot = tokenKubeconfig('bot2.kubeconfig', token);
    await ok(bot, ['get', 'configmaps', '-n', ns]);
    await ok(admin, ['delete', 'rolebinding', 'bot-cm', '-n', ns]);
    await eventually(async () => (await as(bot, ['get', 'configmaps', '-n', ns])).code !== 0, 'revocation');
    await ok(admin, ['delete', 'serviceaccount', 'bot', '-n', ns]);
    // Successful token authentications are cached for 10 s, as in kube-apiserver.
    await eventually(async () => (await as(bot, ['auth', 'whoami'])).code !== 0, 'token of a deleted ServiceAccount');
    expect(await fails(bot, ['auth', 'whoami'])).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('a static token file user and an OIDC user authenticate, and RBAC applies to them', async () => {
    const alice = tokenKubeconfig('alice.kubeconfig', fixtures().staticToken);
    expect(await ok(alice, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo}'])).toBe(
      '{"groups":["ops","dev","system:authenticated"],"uid":"alice-uid","username":"alice"}',
    );
    const oidc = tokenKubeconfig('oidc.kubeconfig', await fixtures().oidcToken({ email: 'erin@example.com', email_verified: true, groups: ['readers'] }));
    expect(await ok(oidc, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'])).toBe(
      'erin@example.com ["oidc:readers","system:authenticated"]',
    );
    expect(await fails(oidc, ['get', 'configmaps', '-n', ns])).toContain(
      `Error from server (Forbidden): configmaps is forbidden: User "erin@example.com" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    await ok(admin, ['create', 'rolebinding', 'oidc-readers', '--clusterrole=view', '--group=oidc:readers', '-n', ns]);
    await eventually(async () => (await as(oidc, ['get', 'configmaps', 'c1', '-n', ns])).code === 0, 'the OIDC group binding');
    const wrong = tokenKubeconfig('wrong.kubeconfig', `${fixtures().staticToken}x`);
    expect(await fails(wrong, ['auth', 'whoami'])).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('a kubernetes.io/service-account-token Secret is filled with a token that works', async () => {
    await ok(admin, ['create', 'serviceaccount', 'legacy', '-n', ns]);
    await ok(admin, ['create', 'rolebinding', 'legacy-cm', '--role=cm-read', `--serviceaccount=${ns}:legacy`, '-n', ns]);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'legacy-token', namespace: ns, annotations: { 'kubernetes.io/service-account.name': 'legacy' } },
      type: 'kubernetes.io/service-account-token',
    };
    const created = await runKubectl(bin, ['create', '-f', '-'], { kubeconfig: admin, input: JSON.stringify(secret) });
    expect(created.code, describeRun(created)).toBe(0);
    let token = '';
    await eventually(async () => {
      const r = await as(admin, ['get', 'secret', 'legacy-token', '-n', ns, '-o', 'jsonpath={.data.token}']);
      token = Buffer.from(r.stdout, 'base64').toString('utf8');
      return token !== '';
    }, 'the token controller');
    const filled = JSON.parse(await ok(admin, ['get', 'secret', 'legacy-token', '-n', ns, '-o', 'json'])) as {
      data: Record<string, string>;
      metadata: { annotations: Record<string, string> };
    };
    expect(Buffer.from(filled.data['namespace'] ?? '', 'base64').toString()).toBe(ns);
    expect(Buffer.from(filled.data['ca.crt'] ?? '', 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(filled.metadata.annotations['kubernetes.io/service-account.uid']).toMatch(/^[0-9a-f-]{36}$/);
    const legacy = tokenKubeconfig('legacy.kubeconfig', token);
    expect(await ok(legacy, ['get', 'configmaps', 'c1', '-n', ns, '-o', 'jsonpath={.metadata.name}'])).toBe('c1');
    await ok(admin, ['delete', 'secret', 'legacy-token', '-n', ns]);
    await eventually(async () => (await as(legacy, ['auth', 'whoami'])).code !== 0, 'the token of a deleted Secret');
    // Deleting the ServiceAccount deletes its token Secrets (the tokens controller).
    const again = await runKubectl(bin, ['create', '-f', '-'], { kubeconfig: admin, input: JSON.stringify({ ...secret, metadata: { ...secret.metadata, name: 'legacy-token-2' } }) });
    expect(again.code, describeRun(again)).toBe(0);
    await eventually(async () => (await as(admin, ['get', 'secret', 'legacy-token-2', '-n', ns, '-o', 'jsonpath={.data.token}'])).stdout !== '', 'the second token');
    await ok(admin, ['delete', 'serviceaccount', 'legacy', '-n', ns]);
    await eventually(async () => (await as(admin, ['get', 'secret', 'legacy-token-2', '-n', ns])).code !== 0, 'the token Secret of a deleted ServiceAccount');
  });

  it('answers TokenReview and SubjectAccessReview as their backends', async () => {
    await ok(admin, ['create', 'serviceaccount', 'reviewed', '-n', ns]);
    const token = (await ok(admin, ['create', 'token', 'reviewed', '-n', ns])).trim();
    const review = (spec: Record<string, unknown>) =>
      rawRequest(creds, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/tokenreviews',
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }),
      });
    const good = await review({ token });
    expect(good.status).toBe(201);
    expect(good.json).toMatchObject({
      kind: 'TokenReview',
      status: {
        authenticated: true,
        user: { username: `system:serviceaccount:${ns}:reviewed`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] },
        audiences: ['https://kubernetes.default.svc.cluster.local'],
      },
    });
    expect((await review({ token: `${token}x` })).json).toMatchObject({ status: { user: {}, error: 'invalid bearer token' } });
    expect((await review({ token, audiences: ['vault'] })).json).toMatchObject({ status: { user: {}, error: 'invalid bearer token' } });
    const sar = await rawRequest(creds, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: 'jane', groups: ['dev'], resourceAttributes: { namespace: ns, verb: 'create', resource: 'roles', group: 'rbac.authorization.k8s.io' } },
      }),
    });
    expect(sar.status).toBe(201);
    expect(sar.json).toMatchObject({
      status: { allowed: true, reason: `RBAC: allowed by RoleBinding "jane-admin/${ns}" of ClusterRole "admin" to User "jane"` },
    });
    const lsar = await rawRequest(creds, {
      method: 'POST',
      path: `/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`,
      body: JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'LocalSubjectAccessReview',
        spec: { user: 'nobody', resourceAttributes: { namespace: ns, verb: 'get', resource: 'secrets' } },
      }),
    });
    expect(lsar.json).toMatchObject({ status: { allowed: false } });
  });

  it('anonymous requests get the public paths and nothing else', async () => {
    const version = await rawRequest(creds, { method: 'GET', path: '/version', anonymous: true });
    expect(version.status).toBe(200);
    const api = await rawRequest(creds, { method: 'GET', path: '/api', anonymous: true });
    expectFailureStatus(api.json, { code: 403, reason: 'Forbidden', message: 'forbidden: User "system:anonymous" cannot get path "/api"' });
    const cms = await rawRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps`, anonymous: true });
    expectFailureStatus(cms.json, {
      code: 403,
      reason: 'Forbidden',
      message: `configmaps is forbidden: User "system:anonymous" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    });
  });

  it('forged, wrong-audience and unknown tokens and foreign certificates are a bare 401', async () => {
    await ok(admin, ['create', 'serviceaccount', 'bot3', '-n', ns]);
    const vault = (await ok(admin, ['create', 'token', 'bot3', '-n', ns, '--audience=vault'])).trim();
    const good = (await ok(admin, ['create', 'token', 'bot3', '-n', ns])).trim();
    const [h, p] = good.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    const signature = good.split('.')[2];
    const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
    for (const token of [vault, `${h}.${forgedPayload}.${signature}`, `${good}x`, 'not-a-token', `${h}.${p}.`]) {
      const r = await rawRequest(creds, { method: 'GET', path: '/api/v1/namespaces', anonymous: true, headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(401);
      expect(r.json).toEqual(unauthorized);
    }
    const foreign = mkdtempSync(join(tmpdir(), 'portico-e2e-foreign-ca-'));
    try {
      const run = (...args: string[]) => execFileSync('openssl', args, { cwd: foreign, stdio: 'pipe' });
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
      run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=portico-ca');
      run('req', '-new', ...ec, '-keyout', 'c.key', '-out', 'c.csr', '-subj', '/O=system:masters/CN=admin');
      run('x509', '-req', '-in', 'c.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'c.crt', '-days', '2');
      const r = await rawRequest(
        { ...creds, cert: readFileSync(join(foreign, 'c.crt')), key: readFileSync(join(foreign, 'c.key')) },
        { method: 'GET', path: '/api/v1/namespaces' },
      );
      expect(r.status).toBe(401);
      expect(r.json).toEqual(unauthorized);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });
}
