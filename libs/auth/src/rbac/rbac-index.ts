// The RBAC objects the authorizer decides from, held in memory and kept current by the informers
// (rbac-informer.ts). k8s parity: pkg/registry/rbac/validation/rule.go (DefaultRuleResolver), read
// from listers as kube-apiserver's RBAC authorizer does.
import type { UserInfo } from '@portico/proto';
import { serviceAccountUsername } from '../serviceaccount/tokens';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from './types';

export type RbacResource = 'roles' | 'rolebindings' | 'clusterroles' | 'clusterrolebindings';
export const rbacResources: readonly RbacResource[] = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'];

/** Where a rule came from, in RBAC's words (`ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`). */
export type RuleSource = string;

/** Called per applicable rule (or resolution error); returning false stops the visit. */
export type RuleVisitor = (source: RuleSource | undefined, rule: PolicyRule | undefined, err: string | undefined) => boolean;

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') {
    return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace !== undefined && s.namespace !== '' ? s.namespace : bindingNamespace}`)}`;
  }
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** appliesToUser: a User by name, a Group by membership, a ServiceAccount by its user name. */
export function subjectAppliesTo(user: UserInfo, s: Subject, namespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      // A RoleBinding may leave the namespace out: it means the binding's own namespace.
      const ns = s.namespace !== undefined && s.namespace !== '' ? s.namespace : namespace;
      if (ns === '') return false;
      return user.username === serviceAccountUsername(ns, s.name);
    }
    default:
      return false;
  }
}

function firstApplyingSubject(user: UserInfo, subjects: readonly Subject[] | null | undefined, namespace: string): Subject | undefined {
  for (const s of subjects ?? []) if (subjectAppliesTo(user, s, namespace)) return s;
  return undefined;
}

const byName = (a: { metadata: { name: string } }, b: { metadata: { name: string } }) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

export class RbacIndex {
  private readonly clusterRoles = new Map<string, ClusterRole>();
  private readonly clusterRoleBindings = new Map<string, ClusterRoleBinding>();
  private readonly roles = new Map<string, Map<string, Role>>();
  private readonly roleBindings = new Map<string, Map<string, RoleBinding>>();
  private sortedCRBs: ClusterRoleBinding[] | undefined;
  private readonly sortedRBs = new Map<string, RoleBinding[]>();
  private readonly listeners = new Set<(resource: RbacResource) => void>();

  /** Notified after every change (the aggregation controller listens). */
  onChange(l: (resource: RbacResource) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  replace(resource: RbacResource, objects: readonly object[]): void {
    this.clear(resource);
    for (const o of objects) this.put(resource, o, false);
    this.changed(resource);
  }

  upsert(resource: RbacResource, obj: object): void {
    this.put(resource, obj, true);
  }

  remove(resource: RbacResource, obj: object): void {
    const meta = (obj as { metadata?: { name?: string; namespace?: string } }).metadata ?? {};
    const name = meta.name ?? '';
    const ns = meta.namespace ?? '';
    switch (resource) {
      case 'clusterroles':
        this.clusterRoles.delete(name);
        break;
      case 'clusterrolebindings':
        this.clusterRoleBindings.delete(name);
        this.sortedCRBs = undefined;
        break;
      case 'roles':
        this.roles.get(ns)?.delete(name);
        break;
      case 'rolebindings':
        this.roleBindings.get(ns)?.delete(name);
        this.sortedRBs.delete(ns);
        break;
    }
    this.changed(resource);
  }

  getClusterRole(name: string): ClusterRole | undefined {
    return this.clusterRoles.get(name);
  }

  getRole(namespace: string, name: string): Role | undefined {
    return this.roles.get(namespace)?.get(name);
  }

  listClusterRoles(): ClusterRole[] {
    return [...this.clusterRoles.values()].sort(byName);
  }

  listClusterRoleBindings(): ClusterRoleBinding[] {
    return (this.sortedCRBs ??= [...this.clusterRoleBindings.values()].sort(byName));
  }

  listRoleBindings(namespace: string): RoleBinding[] {
    let list = this.sortedRBs.get(namespace);
    if (list === undefined) {
      list = [...(this.roleBindings.get(namespace)?.values() ?? [])].sort(byName);
      this.sortedRBs.set(namespace, list);
    }
    return list;
  }

  /** GetRoleReferenceRules: the rules a binding's roleRef points at, or the lister's NotFound text. */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): { rules: readonly PolicyRule[]; err?: string } {
    switch (ref.kind) {
      case 'Role': {
        const role = this.getRole(bindingNamespace, ref.name);
        if (role === undefined) return { rules: [], err: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
        return { rules: role.rules ?? [] };
      }
      case 'ClusterRole': {
        const role = this.getClusterRole(ref.name);
        if (role === undefined) return { rules: [], err: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
        return { rules: role.rules ?? [] };
      }
      default:
        return { rules: [], err: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
    }
  }

  /** VisitRulesFor: cluster-wide bindings first, then the namespace's RoleBindings. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    for (const b of this.listClusterRoleBindings()) {
      const subject = firstApplyingSubject(user, b.subjects, '');
      if (subject === undefined) continue;
      const { rules, err } = this.roleReferenceRules(b.roleRef, '');
      if (err !== undefined) {
        if (!visit(undefined, undefined, err)) return;
        continue;
      }
      const source = `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, '')}`;
      for (const r of rules) if (!visit(source, r, undefined)) return;
    }
    if (namespace === '') return;
    for (const b of this.listRoleBindings(namespace)) {
      const subject = firstApplyingSubject(user, b.subjects, namespace);
      if (subject === undefined) continue;
      const { rules, err } = this.roleReferenceRules(b.roleRef, namespace);
      if (err !== undefined) {
        if (!visit(undefined, undefined, err)) return;
        continue;
      }
      const source = `RoleBinding ${JSON.stringify(`${b.metadata.name}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, namespace)}`;
      for (const r of rules) if (!visit(source, r, undefined)) return;
    }
  }

  /** RulesFor: every rule that applies to the user in the namespace, and the resolution errors. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (rule !== undefined) rules.push(rule);
      if (err !== undefined) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  private clear(resource: RbacResource): void {
    switch (resource) {
      case 'clusterroles':
        this.clusterRoles.clear();
        break;
      case 'clusterrolebindings':
        this.clusterRoleBindings.clear();
        this.sortedCRBs = undefined;
        break;
      case 'roles':
        this.roles.clear();
        break;
      case 'rolebindings':
        this.roleBindings.clear();
        this.sortedRBs.clear();
        break;
    }
  }

  private put(resource: RbacResource, obj: object, notify: boolean): void {
    const meta = (obj as { metadata?: { name?: string; namespace?: string } }).metadata;
    if (meta?.name === undefined) return;
    const ns = meta.namespace ?? '';
    const nsMap = <T>(m: Map<string, Map<string, T>>): Map<string, T> => {
      let inner = m.get(ns);
      if (inner === undefined) m.set(ns, (inner = new Map()));
      return inner;
    };
    switch (resource) {
      case 'clusterroles':
        this.clusterRoles.set(meta.name, obj as ClusterRole);
        break;
      case 'clusterrolebindings':
        this.clusterRoleBindings.set(meta.name, obj as ClusterRoleBinding);
        this.sortedCRBs = undefined;
        break;
      case 'roles':
        nsMap(this.roles).set(meta.name, obj as Role);
        break;
      case 'rolebindings':
        nsMap(this.roleBindings).set(meta.name, obj as RoleBinding);
        this.sortedRBs.delete(ns);
        break;
    }
    if (notify) this.changed(resource);
  }

  private changed(resource: RbacResource): void {
    for (const l of this.listeners) l(resource);
  }
}
