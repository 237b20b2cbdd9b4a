// Printers of rbac.authorization.k8s.io/v1 bindings (k8s parity: printers.go printRoleBinding,
// printClusterRoleBinding). Roles and ClusterRoles have no printer: kube-apiserver gives them the
// default convertor (Name, Created At).
import type { KubeObject } from '@portico/api';
import { ageColumn, ageOf, column, doc, nameColumn, nameOf, printer, rec, recs, str } from './helpers';
import type { TableCell, TableConvertor } from './types';

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts. */
function subjects(obj: KubeObject): [users: string, groups: string, serviceAccounts: string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of recs(obj['subjects'])) {
    switch (s['kind']) {
      case 'ServiceAccount':
        sas.push(`${str(s['namespace'])}/${str(s['name'])}`);
        break;
      case 'User':
        users.push(str(s['name']));
        break;
      case 'Group':
        groups.push(str(s['name']));
        break;
    }
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function printBinding(obj: KubeObject, now: Date): TableCell[] {
  const ref = rec(obj['roleRef']);
  return [nameOf(obj), `${str(ref['kind'])}/${str(ref['name'])}`, ageOf(obj, now), ...subjects(obj)];
}

export const roleBindings = printer(
  [
    nameColumn,
    column('Role', 'string', doc('rbac/v1beta1.RoleBinding.roleRef')),
    ageColumn,
    column('Users', 'string', 'Users in the roleBinding', { priority: 1 }),
    column('Groups', 'string', 'Groups in the roleBinding', { priority: 1 }),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', { priority: 1 }),
  ],
  printBinding,
);

export const clusterRoleBindings = printer(
  [
    nameColumn,
    column('Role', 'string', doc('rbac/v1beta1.ClusterRoleBinding.roleRef')),
    ageColumn,
    column('Users', 'string', 'Users in the clusterRoleBinding', { priority: 1 }),
    column('Groups', 'string', 'Groups in the clusterRoleBinding', { priority: 1 }),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the clusterRoleBinding', { priority: 1 }),
  ],
  printBinding,
);

export const rbacConvertors: Record<string, TableConvertor> = { rolebindings: roleBindings, clusterrolebindings: clusterRoleBindings };
