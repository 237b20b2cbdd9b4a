import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { clusterrolebindings, clusterroles, rolebindings, roles } from './rbac';

const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' };

describe('rbac', () => {
  it('may be created by PUT, as kube-apiserver allows', () => {
    for (const d of [roles, rolebindings, clusterroles, clusterrolebindings]) expect(d.strategy.allowCreateOnUpdate).toBe(true);
  });

  it('defaults subject apiGroups', () => {
    const { stored } = simulateCreate(rolebindings, { metadata: { name: 'b' }, roleRef, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa' }] });
    expect(stored.subjects).toEqual([
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'sa', apiGroup: '' },
    ]);
  });

  it('validates roleRef and subjects, and keeps roleRef', () => {
    expect(writeErrors(() => simulateCreate(rolebindings, { metadata: { name: 'b' }, roleRef: { apiGroup: 'x', kind: 'Foo', name: '' }, subjects: [{ kind: 'Robot', name: 'r' }] }))).toEqual([
      'roleRef.apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Foo": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
    const { stored } = simulateCreate(rolebindings, { metadata: { name: 'b' }, roleRef });
    expect(writeErrors(() => simulateUpdate(rolebindings, { ...stored, roleRef: { ...roleRef, name: 'other' } }, stored))).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
    ]);
  });

  it('validates rules', () => {
    expect(writeErrors(() => simulateCreate(roles, { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] }))).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ]);
    expect(writeErrors(() => simulateCreate(clusterroles, { metadata: { name: 'r' }, rules: [{ verbs: ['get'] }], aggregationRule: { clusterRoleSelectors: [] } }))).toEqual([
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
    expect(writeErrors(() => simulateCreate(clusterroles, { metadata: { name: 'system:viewer' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }))).toEqual([]);
  });
});
