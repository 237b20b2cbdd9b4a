// k8s parity: the "rbac/bootstrap-roles" post-start hook (pkg/registry/rbac/rest/storage_rbac.go)
// with the roles and bindings of plugin/pkg/auth/authorizer/rbac/bootstrappolicy. Missing objects
// are created; existing ones marked rbac.authorization.kubernetes.io/autoupdate (the default) get
// the rules and subjects they lack added back (reconciliation never removes what an admin added).
// The aggregated roles (admin, edit, view) are created empty: the auth service fills them in.
import { isDeepStrictEqual } from 'node:util';
import { isStatusError, type KubeObject } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { ApiResources } from '../discovery/api-resources';
import type { Logger } from '../logger';
import type { GenericStore, WriteOptions } from '../store/generic-store';

const group = 'rbac.authorization.k8s.io';
const apiVersion = `${group}/v1`;
const autoupdate = 'rbac.authorization.kubernetes.io/autoupdate';
const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const aggregateTo = (role: 'admin' | 'edit' | 'view') => `rbac.authorization.k8s.io/aggregate-to-${role}`;

interface Rule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const rw = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const read = ['get', 'list', 'watch'];
const r = (verbs: string[], apiGroups: string[], resources: string[]): Rule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): Rule => ({ verbs, nonResourceURLs });

function clusterRole(name: string, rules: Rule[], extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KubeObject {
  const role: KubeObject = {
    apiVersion,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...bootstrapLabels, ...extra.labels }, annotations: { [autoupdate]: 'true' } },
  };
  if (extra.aggregateFrom !== undefined) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] };
  else role.rules = rules;
  return role;
}

function clusterRoleBinding(name: string, role: string, subjects: Array<{ kind: 'Group' | 'User'; name: string }>): KubeObject {
  return {
    apiVersion,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { [autoupdate]: 'true' } },
    roleRef: { apiGroup: group, kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => ({ ...s, apiGroup: group })),
  };
}

/** The bootstrap ClusterRoles (kube-apiserver 1.33, the ones an API server without nodes and controllers needs). */
export const bootstrapClusterRoles: readonly KubeObject[] = [
  clusterRole('cluster-admin', [r(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  clusterRole('admin', [], { aggregateFrom: aggregateTo('admin') }),
  clusterRole('edit', [], { aggregateFrom: aggregateTo('edit'), labels: { [aggregateTo('admin')]: 'true' } }),
  clusterRole('view', [], { aggregateFrom: aggregateTo('view'), labels: { [aggregateTo('edit')]: 'true' } }),
  clusterRole(
    'system:aggregate-to-admin',
    [r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), r([...rw.slice(0, 3), 'get', 'list', 'patch', 'update', 'watch'], [group], ['rolebindings', 'roles'])],
    { labels: { [aggregateTo('admin')]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-edit',
    [
      r(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      r(['impersonate'], [''], ['serviceaccounts']),
      r(rw, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      r(['create'], [''], ['pods/eviction']),
      r(rw, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      r(['create'], [''], ['serviceaccounts/token']),
      r(rw, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      r(rw, ['autoscaling'], ['horizontalpodautoscalers']),
      r(rw, ['batch'], ['cronjobs', 'jobs']),
      r(rw, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      r(rw, ['policy'], ['poddisruptionbudgets']),
      r(rw, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      r(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], ['coordination.k8s.io'], ['leases']),
    ],
    { labels: { [aggregateTo('edit')]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      r(read, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      r(read, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      r(read, [''], ['namespaces']),
      r(read, ['discovery.k8s.io'], ['endpointslices']),
      r(read, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      r(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      r(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      r(read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
      r(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      r(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
    { labels: { [aggregateTo('view')]: 'true' } },
  ),
  clusterRole('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
  clusterRole('system:basic-user', [
    r(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    r(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ]),
  clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
  clusterRole('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
  clusterRole('system:auth-delegator', [r(['create'], ['authentication.k8s.io'], ['tokenreviews']), r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])]),
  clusterRole('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])]),
];

export const bootstrapClusterRoleBindings: readonly KubeObject[] = [
  clusterRoleBinding('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
  clusterRoleBinding('system:discovery', 'system:discovery', [{ kind: 'Group', name: 'system:authenticated' }]),
  clusterRoleBinding('system:basic-user', 'system:basic-user', [{ kind: 'Group', name: 'system:authenticated' }]),
  clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
    { kind: 'Group', name: 'system:authenticated' },
    { kind: 'Group', name: 'system:unauthenticated' },
  ]),
  clusterRoleBinding('system:monitoring', 'system:monitoring', [{ kind: 'Group', name: 'system:monitoring' }]),
  clusterRoleBinding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [{ kind: 'Group', name: 'system:serviceaccounts' }]),
];

const systemUser = { username: 'system:apiserver', uid: '', groups: ['system:masters'], extra: {} };
const writeOptions = (): WriteOptions => ({ dryRun: false, fieldManager: 'kube-apiserver', user: systemUser, ctx: { deadline: Date.now() + 10_000 }, warnings: [] });

type List = unknown[];
const arr = (v: unknown): List => (Array.isArray(v) ? v : []);

/** What reconciliation adds to an existing object, or undefined when it already has everything. */
export function reconcile(existing: KubeObject, wanted: KubeObject): KubeObject | undefined {
  const annotations = (existing.metadata?.annotations ?? {}) as Record<string, string>;
  if (annotations[autoupdate] === 'false') return undefined;
  const next = structuredClone(existing);
  let changed = false;
  const addMissing = (field: 'rules' | 'subjects') => {
    const have = arr(next[field]);
    for (const w of arr(wanted[field])) {
      if (!have.some((h) => isDeepStrictEqual(h, w))) {
        have.push(w);
        changed = true;
      }
    }
    if (changed) next[field] = have;
  };
  if (wanted.kind === 'ClusterRole') {
    if (wanted.aggregationRule !== undefined) {
      if (!isDeepStrictEqual(existing.aggregationRule, wanted.aggregationRule)) {
        next.aggregationRule = wanted.aggregationRule;
        changed = true;
      }
    } else addMissing('rules');
  } else addMissing('subjects');
  const labels = (next.metadata?.labels ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries((wanted.metadata?.labels ?? {}) as Record<string, string>)) {
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  }
  if (next.metadata !== undefined) next.metadata.labels = labels;
  return changed ? next : undefined;
}

async function ensure(store: GenericStore, desc: ResourceDescriptor, wanted: KubeObject, logger: Logger): Promise<void> {
  const name = wanted.metadata?.name ?? '';
  try {
    await store.create(desc, '', structuredClone(wanted), writeOptions());
    logger.info({ kind: wanted.kind, name }, 'created bootstrap RBAC object');
    return;
  } catch (e) {
    if (!(isStatusError(e) && e.reason === 'AlreadyExists')) throw e;
  }
  await store.guaranteedUpdate(
    desc,
    '',
    name,
    writeOptions(),
    async (current) => (current === undefined ? structuredClone(wanted) : (reconcile(current, wanted) ?? current)),
    false,
  );
}

/** Creates or reconciles the bootstrap ClusterRoles, then their bindings. */
export async function ensureBootstrapPolicy(store: GenericStore, api: ApiResources, logger: Logger): Promise<void> {
  const roles = api.lookup(group, 'v1', 'clusterroles');
  const bindings = api.lookup(group, 'v1', 'clusterrolebindings');
  if (roles === undefined || bindings === undefined) {
    logger.warn({}, 'the registry serves no rbac.authorization.k8s.io/v1; bootstrap RBAC policy not written');
    return;
  }
  for (const role of bootstrapClusterRoles) await ensure(store, roles, role, logger);
  for (const binding of bootstrapClusterRoleBindings) await ensure(store, bindings, binding, logger);
}
