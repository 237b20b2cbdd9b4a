import { describe, expect, it } from 'vitest';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, reconcile } from './rbac-policy';

const byName = (name: string) => {
  const found = bootstrapClusterRoles.find((r) => r.metadata?.name === name);
  if (found === undefined) throw new Error(name);
  return found;
};

describe('bootstrap RBAC policy', () => {
  it('binds cluster-admin to system:masters and the public paths to everyone', () => {
    const b = bootstrapClusterRoleBindings.find((x) => x.metadata?.name === 'system:public-info-viewer');
    expect(b?.subjects).toEqual([
      { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'Group', name: 'system:unauthenticated', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(bootstrapClusterRoleBindings[0]?.subjects).toEqual([{ kind: 'Group', name: 'system:masters', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(byName('view').aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    expect(byName('view').metadata?.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
  });

  it('adds back missing rules, keeps what an admin added, and leaves autoupdate=false alone', () => {
    const wanted = byName('system:discovery');
    const existing = { ...structuredClone(wanted), rules: [{ verbs: ['get'], nonResourceURLs: ['/custom'] }] };
    const next = reconcile(existing, wanted);
    expect(next?.rules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/custom'] }, ...(wanted.rules as unknown[])]);
    expect(reconcile(structuredClone(wanted), wanted)).toBeUndefined();
    const pinned = { ...existing, metadata: { ...existing.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } } };
    expect(reconcile(pinned, wanted)).toBeUndefined();
  });

  it('never overwrites the rules the aggregation filled in', () => {
    const wanted = byName('admin');
    const existing = { ...structuredClone(wanted), rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    expect(reconcile(existing, wanted)).toBeUndefined();
  });
});
