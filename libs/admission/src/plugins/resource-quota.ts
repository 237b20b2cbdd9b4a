// k8s parity: apiserver pkg/admission/plugin/resourcequota and kubernetes pkg/quota/v1/evaluator/core.
// The last validating plugin: for each ResourceQuota in the namespace, the usage a create adds is
// checked against spec.hard, and on success the quota's status (hard, used) is written with
// optimistic concurrency, so concurrent admissions serialize on the quota. Portico has no quota
// controller, so usage is recounted from storage on each admission instead of trusting a status
// that deletes never decrease.
import { isPlainObject, statusErrors, type KubeObject } from '@portico/api';
import type { StorageServicePort } from '@portico/proto';
import type { Attributes, Operation, ValidationPlugin } from '../attributes';
import { Quantity } from '@portico/cel';
import type { CachedLister } from '../cache/resource-cache';
import { ctxOf, listObjects } from './cluster-state';

type Usage = Map<string, Quantity>;

const one = Quantity.parse('1');
const zero = Quantity.parse('0');

/** The object-count names quota accepted before count/<resource> existed. */
const legacyCounts: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
};

const obj = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

function add(u: Usage, k: string, q: Quantity): void {
  u.set(k, (u.get(k) ?? zero).add(q));
}

function containerResources(c: Record<string, unknown>): { requests: Record<string, string>; limits: Record<string, string> } {
  const r = obj(c['resources']);
  const limits = obj(r['limits']) as Record<string, string>;
  // Requests default to limits (the API's defaulting, applied here in case it has not run).
  const requests = { ...limits, ...(obj(r['requests']) as Record<string, string>) };
  return { requests, limits };
}

const computeNames = ['cpu', 'memory', 'ephemeral-storage'];

/** podComputeUsageHelper: sum of containers, at least the largest init container, plus overhead. */
export function podUsage(pod: KubeObject): Usage {
  const spec = obj(pod['spec']);
  const u: Usage = new Map([
    ['pods', one],
    ['count/pods', one],
  ]);
  for (const kind of ['requests', 'limits'] as const) {
    for (const name of computeNames) {
      let sum: Quantity | undefined;
      for (const c of arr(spec['containers'])) {
        const v = containerResources(c)[kind][name];
        if (v !== undefined) sum = (sum ?? zero).add(Quantity.parse(String(v)));
      }
      for (const c of arr(spec['initContainers'])) {
        const v = containerResources(c)[kind][name];
        if (v !== undefined) {
          const q = Quantity.parse(String(v));
          if (sum === undefined || q.compareTo(sum) > 0) sum = q;
        }
      }
      const overhead = obj(spec['overhead'])[name];
      if (sum !== undefined && overhead !== undefined) sum = sum.add(Quantity.parse(String(overhead)));
      if (sum === undefined) continue;
      u.set(`${kind}.${name}`, sum);
      if (kind === 'requests' && name !== 'ephemeral-storage') u.set(name, sum);
    }
  }
  return u;
}

function isTerminalPod(pod: KubeObject): boolean {
  const phase = obj(pod['status'])['phase'];
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The usage one object of a resource contributes. */
function usageOf(group: string, resource: string, o: KubeObject): Usage {
  if (group === '' && resource === 'pods') return isTerminalPod(o) ? new Map() : podUsage(o);
  const u: Usage = new Map();
  u.set(group === '' ? `count/${resource}` : `count/${resource}.${group}`, one);
  if (group === '') {
    const legacy = legacyCounts[resource];
    if (legacy !== undefined) u.set(legacy, one);
    if (resource === 'services') {
      const type = obj(o['spec'])['type'];
      if (type === 'LoadBalancer') add(u, 'services.loadbalancers', one);
      if (type === 'NodePort' || type === 'LoadBalancer') {
        const ports = arr(obj(o['spec'])['ports']).filter((p) => type === 'NodePort' || p['nodePort'] !== undefined || type === 'LoadBalancer');
        if (ports.length > 0) add(u, 'services.nodeports', Quantity.parse(String(ports.length)));
      }
    }
    if (resource === 'persistentvolumeclaims') {
      const storage = obj(obj(obj(o['spec'])['resources'])['requests'])['storage'];
      if (storage !== undefined) u.set('requests.storage', Quantity.parse(String(storage)));
      const sc = obj(o['spec'])['storageClassName'];
      if (typeof sc === 'string' && sc !== '') {
        u.set(`${sc}.storageclass.storage.k8s.io/persistentvolumeclaims`, one);
        if (storage !== undefined) u.set(`${sc}.storageclass.storage.k8s.io/requests.storage`, Quantity.parse(String(storage)));
      }
    }
  }
  return u;
}

interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values: string[];
}

/** spec.scopes and spec.scopeSelector as one list of requirements (kube's getScopeSelectorsFromQuota). */
function quotaScopes(quota: KubeObject): ScopeRequirement[] {
  const spec = obj(quota['spec']);
  const out: ScopeRequirement[] = ((spec['scopes'] as unknown[] | undefined) ?? []).map((s) => ({ scopeName: String(s), operator: 'Exists', values: [] }));
  for (const e of arr(obj(spec['scopeSelector'])['matchExpressions'])) {
    out.push({ scopeName: String(e['scopeName'] ?? ''), operator: String(e['operator'] ?? ''), values: ((e['values'] as unknown[] | undefined) ?? []).map(String) });
  }
  return out;
}

function isBestEffort(pod: KubeObject): boolean {
  return [...arr(obj(pod['spec'])['containers']), ...arr(obj(pod['spec'])['initContainers'])].every((c) => {
    const r = containerResources(c);
    return Object.keys(r.requests).length === 0 && Object.keys(r.limits).length === 0;
  });
}

/** The pod evaluator's MatchingScopes: does the pod fall under every scope of the quota? */
function podMatchesScopes(pod: KubeObject, scopes: readonly ScopeRequirement[]): boolean {
  const spec = obj(pod['spec']);
  return scopes.every((s) => {
    let matched: boolean;
    switch (s.scopeName) {
      case 'Terminating':
        matched = spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null && Number(spec['activeDeadlineSeconds']) >= 0;
        break;
      case 'NotTerminating':
        matched = spec['activeDeadlineSeconds'] === undefined || spec['activeDeadlineSeconds'] === null;
        break;
      case 'BestEffort':
        matched = isBestEffort(pod);
        break;
      case 'NotBestEffort':
        matched = !isBestEffort(pod);
        break;
      case 'PriorityClass': {
        const pc = typeof spec['priorityClassName'] === 'string' ? spec['priorityClassName'] : '';
        if (s.operator === 'Exists') return pc !== '';
        if (s.operator === 'DoesNotExist') return pc === '';
        if (s.operator === 'In') return s.values.includes(pc);
        if (s.operator === 'NotIn') return !s.values.includes(pc);
        return false;
      }
      case 'CrossNamespacePodAffinity': {
        const affinity = obj(spec['affinity']);
        const terms = [...arr(obj(affinity['podAffinity'])['requiredDuringSchedulingIgnoredDuringExecution']), ...arr(obj(affinity['podAntiAffinity'])['requiredDuringSchedulingIgnoredDuringExecution'])];
        matched = terms.some((t) => (Array.isArray(t['namespaces']) && t['namespaces'].length > 0) || t['namespaceSelector'] !== undefined);
        break;
      }
      default:
        return false;
    }
    return s.operator === 'DoesNotExist' ? !matched : matched;
  });
}

const isBinaryResource = (k: string): boolean => k.includes('memory') || k.includes('storage');

function pretty(u: Usage, keys: readonly string[]): string {
  return [...keys]
    .sort()
    .map((k) => `${k}=${(u.get(k) ?? zero).format(isBinaryResource(k))}`)
    .join(',');
}

/** Hard resources with compute constraints a pod must state (kube's pod evaluator Constraints). */
function missingCompute(pod: KubeObject, hard: readonly string[]): string | undefined {
  const spec = obj(pod['spec']);
  const missing = new Map<string, string[]>();
  for (const key of hard) {
    const [kind, name] = key.includes('.') ? (key.split('.', 2) as [string, string]) : ['requests', key];
    if ((kind !== 'requests' && kind !== 'limits') || !computeNames.slice(0, 2).includes(name)) continue;
    for (const c of [...arr(spec['containers']), ...arr(spec['initContainers'])]) {
      const r = containerResources(c);
      if (r[kind][name] === undefined) {
        const k = `${kind}.${name}`;
        missing.set(k, [...(missing.get(k) ?? []), String(c['name'] ?? '')]);
      }
    }
  }
  if (missing.size === 0) return undefined;
  return `must specify ${[...missing.keys()]
    .sort()
    .map((k) => `${k} for: ${[...new Set(missing.get(k))].sort().join(',')}`)
    .join('; ')}`;
}

export class ResourceQuotaAdmission implements ValidationPlugin {
  readonly name = 'ResourceQuota';
  constructor(
    private readonly storage: StorageServicePort,
    private readonly lister: CachedLister,
  ) {}

  handles(op: Operation): boolean {
    return op === 'CREATE';
  }

  /** The same test validate starts with: does the namespace have quotas at all (cached)? */
  async mayApply(a: Attributes): Promise<boolean> {
    if (a.namespace === '' || a.subresource !== '') return false;
    return (await this.lister.list('', 'resourcequotas', a.namespace, ctxOf(a))).length > 0;
  }

  async validate(a: Attributes): Promise<void> {
    if (a.namespace === '' || a.subresource !== '' || a.object === undefined) return;
    const ctx = ctxOf(a);
    // The cache says whether the namespace has quotas at all; when it does, quotas and usage are
    // read fresh from storage, since their resourceVersions guard the status write.
    if ((await this.lister.list('', 'resourcequotas', a.namespace, ctx)).length === 0) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      const { items: quotas } = await listObjects(this.storage, '', 'resourcequotas', a.namespace, ctx);
      if (quotas.length === 0) return;
      const delta = usageOf(a.group, a.resource, a.object);
      if (delta.size === 0) return;
      let conflicted = false;
      let existing: KubeObject[] | undefined;
      for (const quota of quotas) {
        const hard = obj(obj(quota['spec'])['hard']) as Record<string, string>;
        const qname = quota.metadata?.name ?? '';
        const scopes = quotaScopes(quota);
        const podResource = a.group === '' && a.resource === 'pods';
        // Scoped quotas only track pods, and only the pods in their scopes.
        if (scopes.length > 0 && (!podResource || !podMatchesScopes(a.object, scopes))) continue;
        const tracked = Object.keys(hard).filter((k) => delta.has(k));
        if (a.group === '' && a.resource === 'pods') {
          const missing = missingCompute(a.object, Object.keys(hard));
          if (missing !== undefined) throw statusErrors.forbidden({ group: a.group, resource: a.resource }, a.name, `failed quota: ${qname}: ${missing}`);
        }
        if (tracked.length === 0) continue;
        existing ??= (await listObjects(this.storage, a.group, a.resource, a.namespace, ctx)).items.filter((o) => o.metadata?.name !== a.name || a.name === '');
        const used: Usage = new Map();
        for (const o of existing) {
          if (scopes.length > 0 && !podMatchesScopes(o, scopes)) continue;
          for (const [k, q] of usageOf(a.group, a.resource, o)) add(used, k, q);
        }
        const exceeded = tracked.filter((k) => (used.get(k) ?? zero).add(delta.get(k) as Quantity).compareTo(Quantity.parse(String(hard[k]))) > 0);
        if (exceeded.length > 0) {
          const hardUsage: Usage = new Map(exceeded.map((k) => [k, Quantity.parse(String(hard[k]))]));
          throw statusErrors.forbidden(
            { group: a.group, resource: a.resource },
            a.name,
            `exceeded quota: ${qname}, requested: ${pretty(delta, exceeded)}, used: ${pretty(used, exceeded)}, limited: ${pretty(hardUsage, exceeded)}`,
          );
        }
        if (a.dryRun) continue;
        if (!(await this.recordUsage(quota, hard, tracked, used, delta, ctx))) {
          conflicted = true;
          break;
        }
      }
      if (!conflicted) return;
    }
    throw statusErrors.conflict({ group: '', resource: 'resourcequotas' }, '', 'please retry');
  }

  /** Writes status.hard and status.used (with this request's usage); false on a conflict. */
  private async recordUsage(quota: KubeObject, hard: Record<string, string>, tracked: string[], used: Usage, delta: Usage, ctx: ReturnType<typeof ctxOf>): Promise<boolean> {
    const status = obj(quota['status']);
    const nextUsed = { ...(obj(status['used']) as Record<string, string>) };
    for (const k of tracked) nextUsed[k] = (used.get(k) ?? zero).add(delta.get(k) as Quantity).format(isBinaryResource(k));
    const next = { ...quota, status: { ...status, hard: { ...hard }, used: nextUsed } };
    const rv = quota.metadata?.resourceVersion ?? '';
    if (next.metadata !== undefined) next.metadata = { ...next.metadata, resourceVersion: undefined };
    const res = await this.storage.update(
      { ref: { group: '', resource: 'resourcequotas', namespace: quota.metadata?.namespace ?? '', name: quota.metadata?.name ?? '' }, object: Buffer.from(JSON.stringify(next)), expectedResourceVersion: rv },
      ctx,
    );
    if (res.status !== undefined && res.status.code !== 409) return true; // the quota went away meanwhile: nothing to record
    return res.succeeded;
  }
}
