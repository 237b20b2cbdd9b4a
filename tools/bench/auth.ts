// Authorization and authentication costs (issue 5 item 7):
//  - RBAC decisions per second in the auth service itself (its RbacAuthorizer over an index holding
//    the bootstrap policy plus `--roles` Roles and RoleBindings spread over namespaces), allowed and
//    denied requests alternating;
//  - ConfigMap creates per second through `portico start` as a ServiceAccount token bound through
//    RBAC (a RoleBinding to `edit`) against the admin client certificate (system:masters), as a ratio.
//
// Part of `npm run bench` (--benches auth); alone:
//   node --conditions=@portico/source --import tsx tools/bench/auth.ts [--duration 10 --connections 16]
// tools/ belongs to no tagged project; it measures the libraries and Portico as the e2e suites start it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RbacAuthorizer, RbacIndex } from '@portico/auth';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { readKubeconfig, startPortico } from '@portico/e2e';
import { closedLoop, type HttpsLoadClient, httpsClient, type LoadPhase, loadPhase, runStandalone, standaloneArgs, until } from './https-load';

export interface AuthReport {
  settings: { durationSec: number; connections: number; roles: number };
  decisionsPerSec: number;
  creates: { certificate: Phase; serviceAccountToken: Phase; certificateAgain: Phase };
  tokenVsCertificate: number;
}

type Phase = LoadPhase;

/** RBAC decisions/s over a populated index, bounded by time. */
export function benchDecisions(roles: number, durationSec: number): number {
  const index = new RbacIndex();
  const rb = 'rbac.authorization.k8s.io';
  index.replace('clusterroles', [
    { metadata: { name: 'cluster-admin' }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }] },
    { metadata: { name: 'view' }, rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps', 'batch'], resources: ['configmaps', 'pods', 'services', 'deployments', 'jobs'] }] },
    { metadata: { name: 'system:discovery' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version', '/healthz'] }] },
  ]);
  index.replace('clusterrolebindings', [
    { metadata: { name: 'cluster-admin' }, roleRef: { apiGroup: rb, kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] },
    { metadata: { name: 'system:discovery' }, roleRef: { apiGroup: rb, kind: 'ClusterRole', name: 'system:discovery' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  ]);
  const namespaces = 50;
  index.replace(
    'roles',
    Array.from({ length: roles }, (_, i) => ({ metadata: { name: `r${i}`, namespace: `ns${i % namespaces}` }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: [`res${i}`] }] })),
  );
  index.replace(
    'rolebindings',
    Array.from({ length: roles }, (_, i) => ({
      metadata: { name: `b${i}`, namespace: `ns${i % namespaces}` },
      roleRef: { apiGroup: rb, kind: i % 2 === 0 ? 'Role' : 'ClusterRole', name: i % 2 === 0 ? `r${i}` : 'view' },
      subjects: [{ kind: 'ServiceAccount', name: `sa${i}`, namespace: `ns${i % namespaces}` }],
    })),
  );
  const authz = new RbacAuthorizer(index);
  const requests = Array.from({ length: 64 }, (_, i) => ({
    user: { username: `system:serviceaccount:ns${i % namespaces}:sa${i}`, uid: '', groups: ['system:serviceaccounts', `system:serviceaccounts:ns${i % namespaces}`, 'system:authenticated'], extra: {} },
    verb: i % 2 === 0 ? 'get' : 'delete',
    apiGroup: '',
    apiVersion: 'v1',
    resource: i % 2 === 0 ? `res${i}` : 'configmaps',
    subresource: '',
    namespace: `ns${i % namespaces}`,
    name: 'x',
    path: '',
    resourceRequest: true,
  }));
  let n = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(durationSec * 1e9));
  const started = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let k = 0; k < 1000; k++) authz.authorize(requests[(n + k) % requests.length] as (typeof requests)[number]);
    n += 1000;
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

type Send = HttpsLoadClient['json'];

async function measure(send: Send, label: string, path: string, connections: number, durationSec: number): Promise<Phase> {
  // Names are unique per run: generateName's five random characters collide a few times in
  // thousands of creates, and those 409s would be counted against the credential.
  const prefix = `b-${label.replace(/[^a-z]/g, '').slice(0, 20)}-${Date.now().toString(36)}`;
  let seq = 0;
  const run = await closedLoop({ connections, durationSec, okCode: 201 }, async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${seq++}` }, data: { v: 'x'.repeat(1024) } };
    return (await send('POST', path, body)).status;
  });
  return loadPhase(label, [run]);
}

export function authMarkdown(r: AuthReport): string[] {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const c = r.creates;
  return [
    `Authorization (RBAC in the auth service, ${r.settings.roles} Roles and RoleBindings): ${f(r.decisionsPerSec)} decisions/s on one core.`,
    '',
    `Creates through \`portico start\` (${r.settings.connections} clients, ${r.settings.durationSec} s each, ConfigMaps of 1 KiB):`,
    '',
    '| credential | creates/s | p50 ms | p99 ms | failed |',
    '|---|---:|---:|---:|---:|',
    ...[c.certificate, c.serviceAccountToken, c.certificateAgain].map((p) => `| ${p.label} | ${f(p.opsPerSec)} | ${f(p.p50Ms, 1)} | ${f(p.p99Ms, 1)} | ${p.failed} |`),
    '',
    `ServiceAccount token ÷ admin certificate (the mean of the two certificate runs, which bracket it): ${f(r.tokenVsCertificate, 2)}.`,
  ];
}

export async function benchAuth(settings: { durationSec: number; connections: number; roles?: number }, say: (line: string) => void = () => {}): Promise<AuthReport> {
  const roles = settings.roles ?? 500;
  say('bench: auth, RBAC decisions…');
  const decisionsPerSec = benchDecisions(roles, Math.min(settings.durationSec, 5));
  const portico = await startPortico('embedded', { env: { PORTICO_LOG_LEVEL: 'warn' } });
  const creds = readKubeconfig(portico.kubeconfigPath);
  const adminClient = httpsClient(creds, { maxSockets: 64 });
  const clients = [adminClient];
  try {
    const admin = adminClient.json;
    const ns = 'bench-auth';
    await admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await admin('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'writer' } });
    await admin('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'writer-edit' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: 'writer', namespace: ns }],
    });
    const tr = await admin('POST', `/api/v1/namespaces/${ns}/serviceaccounts/writer/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    const token = (tr.json as { status?: { token?: string } }).status?.token ?? '';
    if (token === '') throw new Error(`no token: ${JSON.stringify(tr.json)}`);
    const saClient = httpsClient(creds, { maxSockets: 64, token });
    clients.push(saClient);
    const sa = saClient.json;
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    await until('the RoleBinding to take effect', async () => (await sa('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'probe-' } })).status === 201);
    await measure(admin, 'warm-up', path, Math.min(4, settings.connections), 2);
    say('bench: auth, creates with the admin certificate…');
    const certificate = await measure(admin, 'admin client certificate (system:masters)', path, settings.connections, settings.durationSec);
    say('bench: auth, creates with a ServiceAccount token bound through RBAC…');
    const serviceAccountToken = await measure(sa, 'ServiceAccount token, RoleBinding to edit', path, settings.connections, settings.durationSec);
    // The namespace grows through the runs; a second certificate run after the token run shows how
    // much of a difference is the data set rather than the credential.
    const certificateAgain = await measure(admin, 'admin client certificate, again', path, settings.connections, settings.durationSec);
    return {
      settings: { durationSec: settings.durationSec, connections: settings.connections, roles },
      decisionsPerSec,
      creates: { certificate, serviceAccountToken, certificateAgain },
      tokenVsCertificate: serviceAccountToken.opsPerSec / ((certificate.opsPerSec + certificateAgain.opsPerSec) / 2),
    };
  } finally {
    for (const c of clients) c.close();
    await portico.stop(5_000);
  }
}

if (require.main === module) {
  runStandalone(
    'auth',
    (say) => benchAuth(standaloneArgs({ durationSec: 10, connections: 16, roles: 500 }, { '--roles': 'roles' }), say),
    authMarkdown,
    (r) => Object.values(r.creates).every((p) => p.failed === 0),
  );
}
