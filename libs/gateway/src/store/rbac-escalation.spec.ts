import { describe, expect, it } from 'vitest';
import { escalationMessage, normalizeRule, uncoveredRules } from './rbac-escalation';

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames: string[] = []) => normalizeRule({ verbs, apiGroups, resources, resourceNames });

describe('RBAC escalation checks', () => {
  it('finds what the author does not hold, as kube-apiserver breaks rules down', () => {
    const own = [r(['get', 'list'], [''], ['configmaps']), r(['get'], [''], ['*/status']), r(['*'], ['apps'], ['deployments'], ['web'])];
    expect(uncoveredRules(own, [r(['get'], [''], ['configmaps'])])).toEqual([]);
    expect(uncoveredRules(own, [r(['get'], [''], ['pods/status'])])).toEqual([]);
    expect(uncoveredRules(own, [r(['delete'], ['apps'], ['deployments'], ['web'])])).toEqual([]);
    expect(uncoveredRules(own, [r(['delete'], ['apps'], ['deployments'])])).toHaveLength(1);
    expect(uncoveredRules(own, [r(['get', 'delete'], [''], ['configmaps', 'secrets'])])).toHaveLength(3);
    expect(uncoveredRules([normalizeRule({ verbs: ['get'], nonResourceURLs: ['/healthz/*'] })], [normalizeRule({ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] })])).toEqual([]);
    expect(uncoveredRules([r(['*'], ['*'], ['*'])], [r(['escalate'], ['rbac.authorization.k8s.io'], ['roles'])])).toEqual([]);
  });

  it('words the refusal as kube-apiserver does', () => {
    const missing = uncoveredRules([], [r(['get', 'list'], [''], ['secrets']), r(['get'], ['apps'], ['deployments'])]);
    expect(escalationMessage({ username: 'jane', uid: '', groups: ['dev', 'system:authenticated'], extra: {} }, missing, '')).toBe(
      'user "jane" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}',
    );
  });
});
