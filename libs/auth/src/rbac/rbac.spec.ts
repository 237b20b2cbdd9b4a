import { Decision, InProcessBus, WatchEventMessage, watchSubject, type AuthorizeRequest, type ListRequest, type StorageServicePort, type UpdateRequest } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { aggregatedRules } from './aggregation';
import { Informer } from './informer';
import { RbacAuthorizer } from './rbac-authorizer';
import { RbacIndex } from './rbac-index';
import { ruleAllows } from './rule-match';
import type { ClusterRole } from './types';
import { createAuthService } from '../auth-service';

const attrs = (a: Partial<AuthorizeRequest> & { groups?: string[]; username?: string }): AuthorizeRequest => ({
  user: { username: a.username ?? 'jane', uid: '', groups: a.groups ?? ['system:authenticated'], extra: {} },
  verb: 'get',
  apiGroup: '',
  apiVersion: 'v1',
  resource: '',
  subresource: '',
  namespace: '',
  name: '',
  path: '',
  resourceRequest: true,
  ...a,
});

const allowed = (a: RbacAuthorizer, r: AuthorizeRequest) => a.authorize(r).decision === Decision.DECISION_ALLOW;

describe('RBAC rule matching', () => {
  it('matches verbs, groups, resources, subresources and names as kube-apiserver does', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'pods/log', '*/scale'], resourceNames: [] };
    expect(ruleAllows(attrs({ resource: 'pods' }), rule)).toBe(true);
    expect(ruleAllows(attrs({ resource: 'pods', subresource: 'log' }), rule)).toBe(true);
    expect(ruleAllows(attrs({ resource: 'pods', subresource: 'exec' }), rule)).toBe(false);
    expect(ruleAllows(attrs({ resource: 'deployments', apiGroup: 'apps', subresource: 'scale' }), rule)).toBe(true);
    expect(ruleAllows(attrs({ resource: 'deployments', apiGroup: 'apps' }), rule)).toBe(false);
    expect(ruleAllows(attrs({ resource: 'pods', verb: 'delete' }), rule)).toBe(false);
    expect(ruleAllows(attrs({ resource: 'pods', apiGroup: 'batch' }), rule)).toBe(false);
    const named = { verbs: ['*'], apiGroups: ['*'], resources: ['configmaps'], resourceNames: ['a'] };
    expect(ruleAllows(attrs({ resource: 'configmaps', name: 'a' }), named)).toBe(true);
    expect(ruleAllows(attrs({ resource: 'configmaps', name: 'b' }), named)).toBe(false);
    // list and create carry no name, so a name-restricted rule does not grant them.
    expect(ruleAllows(attrs({ resource: 'configmaps', verb: 'list' }), named)).toBe(false);
    // A `*` resource covers subresources too.
    expect(ruleAllows(attrs({ resource: 'pods', subresource: 'status' }), { verbs: ['get'], apiGroups: [''], resources: ['*'] })).toBe(true);
  });

  it('matches non-resource URLs exactly, by `*` prefix, or `*`', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    const nr = (path: string, verb = 'get') => attrs({ resourceRequest: false, path, verb });
    expect(ruleAllows(nr('/healthz'), rule)).toBe(true);
    expect(ruleAllows(nr('/healthz/etcd'), rule)).toBe(false);
    expect(ruleAllows(nr('/apis/apps/v1'), rule)).toBe(true);
    expect(ruleAllows(nr('/apis'), rule)).toBe(false);
    expect(ruleAllows(nr('/healthz', 'post'), rule)).toBe(false);
    expect(ruleAllows(nr('/anything'), { verbs: ['*'], nonResourceURLs: ['*'] })).toBe(true);
  });
});

function seed(index: RbacIndex): void {
  index.replace('clusterroles', [
    { metadata: { name: 'cm-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }] },
    { metadata: { name: 'health' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz/*'] }] },
  ]);
  index.replace('roles', [{ metadata: { name: 'secret-reader', namespace: 'team' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] }]);
  index.replace('clusterrolebindings', [
    { metadata: { name: 'health' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'health' }, subjects: [{ kind: 'Group', name: 'ops' }] },
    { metadata: { name: 'dangling' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'gone' }, subjects: [{ kind: 'User', name: 'jane' }] },
  ]);
  index.replace('rolebindings', [
    // A RoleBinding to a ClusterRole grants it within the binding's namespace only.
    { metadata: { name: 'read-cm', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'bot' }] },
    { metadata: { name: 'read-secret', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' }, subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }] },
  ]);
}

describe('RBAC authorizer', () => {
  const index = new RbacIndex();
  seed(index);
  const rbac = new RbacAuthorizer(index);
  const bot = { username: 'system:serviceaccount:team:bot', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] };

  it('grants through RoleBindings in their namespace, with RBAC’s reason', () => {
    const r = rbac.authorize(attrs({ ...bot, resource: 'configmaps', namespace: 'team', verb: 'list' }));
    expect(r.decision).toBe(Decision.DECISION_ALLOW);
    expect(r.reason).toBe('RBAC: allowed by RoleBinding "read-cm/team" of ClusterRole "cm-reader" to ServiceAccount "bot/team"');
    expect(allowed(rbac, attrs({ ...bot, resource: 'configmaps', namespace: 'other', verb: 'list' }))).toBe(false);
    expect(allowed(rbac, attrs({ ...bot, resource: 'configmaps', verb: 'list' }))).toBe(false);
    expect(allowed(rbac, attrs({ ...bot, resource: 'secrets', namespace: 'team' }))).toBe(false);
    expect(allowed(rbac, attrs({ username: 'jane', resource: 'secrets', namespace: 'team', name: 'x' }))).toBe(true);
  });

  it('only lets ClusterRoleBindings grant non-resource URLs', () => {
    const r = rbac.authorize(attrs({ groups: ['ops'], resourceRequest: false, path: '/healthz/etcd' }));
    expect(r.reason).toBe('RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "health" to Group "ops"');
    expect(allowed(rbac, attrs({ groups: ['dev'], resourceRequest: false, path: '/healthz/etcd' }))).toBe(false);
  });

  it('reports bindings to missing roles as the reason of a denial', () => {
    const r = rbac.authorize(attrs({ username: 'jane', resource: 'pods', namespace: 'team' }));
    expect(r.decision).toBe(Decision.DECISION_NO_OPINION);
    expect(r.reason).toBe('RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found');
  });

  it('lists the rules that apply (SelfSubjectRulesReview)', () => {
    const { resourceRules, nonResourceRules } = rbac.rulesFor({ username: 'jane', uid: '', groups: ['ops'], extra: {} }, 'team');
    expect(resourceRules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [] }]);
    expect(nonResourceRules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/healthz/*'] }]);
  });
});

describe('aggregated ClusterRoles', () => {
  it('take the union of the matching roles’ rules, in name order, without duplicates', () => {
    const view: ClusterRole = { metadata: { name: 'view', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] } };
    const lbl = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' };
    const b: ClusterRole = { metadata: { name: 'b', labels: lbl }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    const a: ClusterRole = { metadata: { name: 'a', labels: lbl }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }] };
    expect(aggregatedRules(view, [a, b, view])).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }]);
    expect(aggregatedRules(b, [a, b])).toBeUndefined();
  });
});

/** Storage with just enough behaviour for the informers: list, update (publishing the event). */
function fakeStorage(bus: InProcessBus) {
  let rev = 10;
  const objects = new Map<string, Record<string, unknown>>();
  const last = new Map<string, number>();
  const key = (resource: string, name: string) => `${resource}/${name}`;
  const publish = (resource: string, type: string, obj: Record<string, unknown>, silently = false) => {
    rev++;
    (obj.metadata as Record<string, unknown>).resourceVersion = String(rev);
    const prev = last.get(resource) ?? 0;
    last.set(resource, rev);
    if (silently) return;
    bus.publish(
      watchSubject('rbac.authorization.k8s.io', resource),
      WatchEventMessage.encode({ type, resourceVersion: String(rev), prevResourceVersion: String(prev), publisherEpoch: 'e1', object: Buffer.from(JSON.stringify(obj)), prevObject: Buffer.alloc(0) }).finish(),
    );
  };
  const storage = {
    list: async (req: ListRequest) => ({
      items: [...objects.entries()].filter(([k]) => k.startsWith(`${req.ref?.resource}/`)).map(([, o]) => Buffer.from(JSON.stringify(o))),
      resourceVersion: String(rev),
      continue: '',
      status: undefined,
    }),
    update: async (req: UpdateRequest) => {
      const o = JSON.parse(req.object.toString()) as Record<string, unknown>;
      const k = key(req.ref?.resource ?? '', req.ref?.name ?? '');
      const cur = objects.get(k);
      if (cur === undefined || (cur.metadata as { resourceVersion: string }).resourceVersion !== req.expectedResourceVersion) {
        return { succeeded: false, object: Buffer.alloc(0), status: undefined };
      }
      objects.set(k, o);
      publish(req.ref?.resource ?? '', 'MODIFIED', o);
      return { succeeded: true, object: Buffer.from(JSON.stringify(o)), status: undefined };
    },
  } as unknown as StorageServicePort;
  return {
    storage,
    put(resource: string, obj: Record<string, unknown>, silently = false) {
      const name = (obj.metadata as { name: string }).name;
      const existed = objects.has(key(resource, name));
      objects.set(key(resource, name), obj);
      publish(resource, existed ? 'MODIFIED' : 'ADDED', obj, silently);
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await tick();
  expect(cond()).toBe(true);
}

describe('RBAC kept current from storage and the bus', () => {
  it('lists, follows events, and relists when an event is missing', async () => {
    const bus = new InProcessBus();
    const fake = fakeStorage(bus);
    fake.put('clusterroles', { metadata: { name: 'r1' }, rules: [] });
    const seen: string[][] = [];
    const names = new Set<string>();
    const inf = new Informer('rbac.authorization.k8s.io', 'clusterroles', fake.storage, bus, {
      replace: (objs) => {
        names.clear();
        for (const o of objs) names.add((o as { metadata: { name: string } }).metadata.name);
        seen.push([...names]);
      },
      upsert: (o) => names.add((o as { metadata: { name: string } }).metadata.name),
      remove: (o) => names.delete((o as { metadata: { name: string } }).metadata.name),
    });
    inf.start();
    await inf.synced;
    expect([...names]).toEqual(['r1']);
    fake.put('clusterroles', { metadata: { name: 'r2' }, rules: [] });
    expect(names.has('r2')).toBe(true);
    // r3 is stored but its event is lost; the next event names it as its predecessor.
    fake.put('clusterroles', { metadata: { name: 'r3' }, rules: [] }, true);
    fake.put('clusterroles', { metadata: { name: 'r4' }, rules: [] });
    await until(() => names.has('r3') && names.has('r4'));
    expect(seen.length).toBe(2);
    inf.stop();
  });

  it('authorizes from what storage holds, and fills in aggregated roles', async () => {
    const bus = new InProcessBus();
    const fake = fakeStorage(bus);
    const auth = createAuthService({ clientCAPem: '', storage: fake.storage, bus });
    await auth.rbacSynced;
    const req = attrs({ username: 'amy', resource: 'pods', namespace: 'ns1', verb: 'list' });
    expect((await auth.authorize(req)).decision).toBe(Decision.DECISION_NO_OPINION);
    fake.put('clusterroles', { metadata: { name: 'view' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { v: 'true' } }] } });
    fake.put('clusterroles', { metadata: { name: 'pods', labels: { v: 'true' } }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }] });
    fake.put('rolebindings', { metadata: { name: 'amy-view', namespace: 'ns1' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'amy' }] });
    await until(() => (auth.rbacIndex.getClusterRole('view')?.rules ?? []).length === 1);
    const r = await auth.authorize(req);
    expect(r.decision).toBe(Decision.DECISION_ALLOW);
    expect(r.reason).toBe('RBAC: allowed by RoleBinding "amy-view/ns1" of ClusterRole "view" to User "amy"');
    await auth.close();
  });
});
