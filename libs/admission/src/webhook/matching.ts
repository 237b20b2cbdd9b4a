// k8s parity: apiserver pkg/admission/plugin/webhook/predicates (rules, namespace, object) and
// generic/webhook.go ShouldCallHook. Rules match on operation, group, version, resource/subresource
// with "*" wildcards and on scope. matchPolicy Equivalent matches any version of the same group and
// resource: Portico serves one version per resource, so the object goes out in the served version.
import { isPlainObject, labelSelectorFromMetav1, type KubeObject, type MetaLabelSelector } from '@portico/api';
import type { Attributes } from '../attributes';
import type { RuleWithOperations, Webhook } from './types';

const has = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === '*' || x === v);

export function ruleMatches(rule: RuleWithOperations, a: Attributes, equivalent: boolean): boolean {
  if (!has(rule.operations, a.operation)) return false;
  if (!has(rule.apiGroups, a.group)) return false;
  if (!equivalent && !has(rule.apiVersions, a.version)) return false;
  const resourceMatch = (rule.resources ?? []).some((r) => {
    const slash = r.indexOf('/');
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? '' : r.slice(slash + 1);
    return (res === '*' || res === a.resource) && (sub === '*' || sub === a.subresource);
  });
  if (!resourceMatch) return false;
  switch (rule.scope ?? '*') {
    case 'Cluster':
      return a.namespace === '';
    case 'Namespaced':
      return a.namespace !== '';
    default:
      return true;
  }
}

export function rulesMatch(rules: readonly RuleWithOperations[] | undefined, a: Attributes, matchPolicy: string | undefined): boolean {
  const equivalent = (matchPolicy ?? 'Equivalent') === 'Equivalent';
  return (rules ?? []).some((r) => ruleMatches(r, a, equivalent));
}

const isEmptySelector = (s: MetaLabelSelector | undefined): boolean =>
  s === undefined || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);

const labelsOf = (o: KubeObject | undefined): Record<string, string> | undefined =>
  o !== undefined && isPlainObject(o.metadata) ? (o.metadata.labels as Record<string, string> | undefined) : undefined;

/** objectSelector: either the new or the old object may match. */
export function objectSelectorMatches(sel: MetaLabelSelector | undefined, a: Attributes): boolean {
  if (isEmptySelector(sel)) return true;
  const s = labelSelectorFromMetav1(sel);
  return (a.object !== undefined && s.matches(labelsOf(a.object) ?? {})) || (a.oldObject !== undefined && s.matches(labelsOf(a.oldObject) ?? {}));
}

/**
 * namespaceSelector: cluster-scoped requests always match, except Namespace objects, which are
 * tested with their own labels; namespaced requests with their namespace's labels.
 */
export async function namespaceSelectorMatches(
  sel: MetaLabelSelector | undefined,
  a: Attributes,
  namespaceLabels: (name: string) => Promise<Record<string, string> | undefined>,
): Promise<boolean> {
  if (isEmptySelector(sel)) return true;
  const s = labelSelectorFromMetav1(sel);
  if (a.group === '' && a.resource === 'namespaces') {
    return s.matches(labelsOf(a.object ?? a.oldObject) ?? {});
  }
  if (a.namespace === '') return true;
  return s.matches((await namespaceLabels(a.namespace)) ?? {});
}

/** The admissionregistration resources themselves are never sent to webhooks (no lock-out). */
const exempt = new Set([
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

export function isExemptFromWebhooks(a: Attributes): boolean {
  return a.group === 'admissionregistration.k8s.io' && exempt.has(a.resource);
}

export function webhookRulesMatch(h: Webhook, a: Attributes): boolean {
  return rulesMatch(h.rules, a, h.matchPolicy);
}
