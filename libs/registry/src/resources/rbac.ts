// k8s parity: kubernetes pkg/apis/rbac/v1/defaults.go, pkg/apis/rbac/validation/validation.go,
// pkg/registry/rbac/*/strategy.go. The escalation checks of the RBAC REST storage need an
// authorizer and belong to the gateway/auth side.
import { type FieldError, FieldPath, GoSyntax, type KubeObject, fieldErrors, goQuote, goStringSlice, isDNS1123Subdomain, isValidPathSegmentName } from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { type Obj, child, goLabelSelector, isObj, obj, objs, s, selectorKind, setDefault, strs, validateLabelSelector } from '../validation/common';

type Errs = FieldError[];

const rbacGroup = 'rbac.authorization.k8s.io';

/** ValidateRBACName: a path segment. */
const rbacName = (name: string, prefix: boolean) => (prefix ? [] : isValidPathSegmentName(name));

/** ValidatePolicyRule. */
function validatePolicyRule(rule: Obj, namespaced: boolean, p: FieldPath): Errs {
  const errs: Errs = [];
  if (strs(rule.verbs).length === 0) errs.push(fieldErrors.required(String(p.child('verbs')), 'verbs must contain at least one value'));
  const urls = strs(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErrors.invalid(String(p.child('nonResourceURLs')), goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (strs(rule.apiGroups).length > 0 || strs(rule.resources).length > 0 || strs(rule.resourceNames).length > 0) {
      errs.push(fieldErrors.invalid(String(p.child('nonResourceURLs')), goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (strs(rule.apiGroups).length === 0) errs.push(fieldErrors.required(String(p.child('apiGroups')), 'resource rules must supply at least one api group'));
  if (strs(rule.resources).length === 0) errs.push(fieldErrors.required(String(p.child('resources')), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(role: KubeObject, namespaced: boolean): Errs {
  const errs: Errs = [];
  objs(role.rules).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, FieldPath.root('rules').index(i))));
  return errs;
}

function validateClusterRole(role: KubeObject): Errs {
  const errs = [...coreMeta(role, false, rbacName), ...validateRules(role, false)];
  if (isObj(role.aggregationRule)) {
    const selectors = objs(role.aggregationRule.clusterRoleSelectors);
    const p = FieldPath.root('aggregationRule').child('clusterRoleSelectors');
    if (selectors.length === 0) errs.push(fieldErrors.required(String(p), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((sel, i) => {
      errs.push(...validateLabelSelector(sel, p.index(i)));
      if (selectorKind(sel) === 'invalid') errs.push(fieldErrors.invalid(String(p.index(i)), goLabelSelector(sel), 'invalid label selector.'));
    });
  }
  return errs;
}

/** ValidateRoleBindingSubject. */
function validateSubject(subject: Obj, namespaced: boolean, p: FieldPath): Errs {
  const errs: Errs = [];
  const name = s(subject.name);
  if (name === '') errs.push(fieldErrors.required(String(p.child('name'))));
  const group = s(subject.apiGroup);
  switch (s(subject.kind)) {
    case 'ServiceAccount':
      if (name.length > 0) for (const m of isDNS1123Subdomain(name)) errs.push(fieldErrors.invalid(String(p.child('name')), name, m));
      if (group.length > 0) errs.push(fieldErrors.notSupported(String(p.child('apiGroup')), group, ['']));
      if (!namespaced && s(subject.namespace) === '') errs.push(fieldErrors.required(String(p.child('namespace'))));
      break;
    case 'User':
    case 'Group':
      if (group !== rbacGroup) errs.push(fieldErrors.notSupported(String(p.child('apiGroup')), group, [rbacGroup]));
      break;
    default:
      errs.push(fieldErrors.notSupported(String(p.child('kind')), s(subject.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(binding: KubeObject, namespaced: boolean): Errs {
  const errs = coreMeta(binding, namespaced, rbacName);
  const ref = obj(binding.roleRef);
  const rp = FieldPath.root('roleRef');
  if (s(ref.apiGroup) !== rbacGroup) errs.push(fieldErrors.notSupported(String(rp.child('apiGroup')), s(ref.apiGroup), [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(s(ref.kind))) errs.push(fieldErrors.notSupported(String(rp.child('kind')), s(ref.kind), kinds));
  const name = s(ref.name);
  if (name === '') errs.push(fieldErrors.required(String(rp.child('name'))));
  else for (const m of isValidPathSegmentName(name)) errs.push(fieldErrors.invalid(String(rp.child('name')), name, m));
  objs(binding.subjects).forEach((subj, i) => errs.push(...validateSubject(subj, namespaced, FieldPath.root('subjects').index(i))));
  return errs;
}

/** %#v of an rbac.RoleRef. */
function goRoleRef(ref: Obj): GoSyntax {
  return new GoSyntax(`rbac.RoleRef{APIGroup:${goQuote(s(ref.apiGroup))}, Kind:${goQuote(s(ref.kind))}, Name:${goQuote(s(ref.name))}}`);
}

function validateBindingUpdate(binding: KubeObject, old: KubeObject, namespaced: boolean): Errs {
  const errs = [...validateBinding(binding, namespaced), ...coreMetaUpdate(binding, old)];
  const ref = obj(binding.roleRef);
  const oldRef = obj(old.roleRef);
  if (['apiGroup', 'kind', 'name'].some((k) => s(ref[k]) !== s(oldRef[k]))) errs.push(fieldErrors.invalid('roleRef', goRoleRef(ref), 'cannot change roleRef'));
  return errs;
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding and SetDefaults_Subject. */
function defaultBinding(binding: KubeObject): void {
  setDefault(child(binding as Obj, 'roleRef'), 'apiGroup', rbacGroup);
  for (const subj of objs(binding.subjects)) {
    if (s(subj.apiGroup) !== '') continue;
    if (subj.kind === 'ServiceAccount') subj.apiGroup = '';
    else if (subj.kind === 'User' || subj.kind === 'Group') subj.apiGroup = rbacGroup;
  }
}

export const roles = builtin({
  group: rbacGroup,
  version: 'v1',
  resource: 'roles',
  kind: 'Role',
  strategy: { allowCreateOnUpdate: true },
  validate: (role) => [...coreMeta(role, true, rbacName), ...validateRules(role, true)],
  validateUpdate: (role, old) => [...coreMeta(role, true, rbacName), ...validateRules(role, true), ...coreMetaUpdate(role, old)],
});

export const clusterroles = builtin({
  group: rbacGroup,
  version: 'v1',
  resource: 'clusterroles',
  kind: 'ClusterRole',
  strategy: { allowCreateOnUpdate: true },
  validate: validateClusterRole,
  validateUpdate: (role, old) => [...validateClusterRole(role), ...coreMetaUpdate(role, old)],
});

export const rolebindings = builtin({
  group: rbacGroup,
  version: 'v1',
  resource: 'rolebindings',
  kind: 'RoleBinding',
  strategy: { allowCreateOnUpdate: true },
  defaults: defaultBinding,
  validate: (rb) => validateBinding(rb, true),
  validateUpdate: (rb, old) => validateBindingUpdate(rb, old, true),
});

export const clusterrolebindings = builtin({
  group: rbacGroup,
  version: 'v1',
  resource: 'clusterrolebindings',
  kind: 'ClusterRoleBinding',
  strategy: { allowCreateOnUpdate: true },
  defaults: defaultBinding,
  validate: (crb) => validateBinding(crb, false),
  validateUpdate: (crb, old) => validateBindingUpdate(crb, old, false),
});
