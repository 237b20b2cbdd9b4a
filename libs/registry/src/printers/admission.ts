// Printers of admissionregistration.k8s.io (k8s parity: printers.go printMutatingWebhook,
// printValidatingWebhook, printValidatingAdmissionPolicy(Binding), printMutatingAdmissionPolicy(Binding)).
import { compareBytes, type KubeObject } from '@portico/api';
import { ageColumn, ageOf, arr, column, goSliceText, nameColumn, nameOf, printer, ptr, rec, recs, str, stringMap, strings } from './helpers';
import type { TableCell, TableConvertor } from './types';

const webhookColumns = [nameColumn, column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn];
const printWebhooks = (obj: KubeObject, now: Date): TableCell[] => [nameOf(obj), arr(obj['webhooks']).length, ageOf(obj, now)];

export const mutatingWebhookConfigurations = printer(webhookColumns, printWebhooks);
export const validatingWebhookConfigurations = printer(webhookColumns, printWebhooks);

const paramKindColumn = column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy');

function paramKind(spec: Record<string, unknown>): string {
  const pk = ptr(spec['paramKind']);
  return pk === undefined ? '<unset>' : `${str(pk['apiVersion'])}/${str(pk['kind'])}`;
}

export const validatingAdmissionPolicies = printer(
  [nameColumn, column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'), paramKindColumn, ageColumn],
  (obj, now) => {
    const spec = rec(obj['spec']);
    return [nameOf(obj), arr(spec['validations']).length, paramKind(spec), ageOf(obj, now)];
  },
);

export const mutatingAdmissionPolicies = printer(
  [nameColumn, column('Mutations', 'integer', 'Mutation indicates the number of mutations rules defined in this configuration'), paramKindColumn, ageColumn],
  (obj, now) => {
    const spec = rec(obj['spec']);
    return [nameOf(obj), arr(spec['mutations']).length, paramKind(spec), ageOf(obj, now)];
  },
);

/** The gogo-generated String() of a *metav1.LabelSelector, which the binding printers show. */
export function labelSelectorGoString(sel: Record<string, unknown>): string {
  const exprs = recs(sel['matchExpressions'])
    .map((e) => `LabelSelectorRequirement{Key:${str(e['key'])},Operator:${str(e['operator'])},Values:${goSliceText(strings(e['values']))},},`)
    .join('');
  const labels = stringMap(sel['matchLabels']);
  const pairs = Object.keys(labels)
    .sort(compareBytes)
    .map((k) => `${k}: ${labels[k] as string},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${pairs}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

function printPolicyBinding(obj: KubeObject, now: Date): TableCell[] {
  const spec = rec(obj['spec']);
  let paramName = '<unset>';
  const ref = ptr(spec['paramRef']);
  if (ref !== undefined) {
    const name = str(ref['name']);
    const selector = ptr(ref['selector']);
    if (name.length > 0) {
      // A name without a namespace may be cluster-scoped or in every namespace: "*/".
      paramName = str(ref['namespace']) !== '' ? `${str(ref['namespace'])}/${name}` : `*/${name}`;
    } else if (selector !== undefined) {
      paramName = labelSelectorGoString(selector);
    }
  }
  return [nameOf(obj), str(spec['policyName']), paramName, ageOf(obj, now)];
}

const bindingColumns = [
  nameColumn,
  column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
  column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
  ageColumn,
];

export const validatingAdmissionPolicyBindings = printer(bindingColumns, printPolicyBinding);
export const mutatingAdmissionPolicyBindings = printer(bindingColumns, printPolicyBinding);

export const admissionConvertors: Record<string, TableConvertor> = {
  mutatingwebhookconfigurations: mutatingWebhookConfigurations,
  validatingwebhookconfigurations: validatingWebhookConfigurations,
  validatingadmissionpolicies: validatingAdmissionPolicies,
  validatingadmissionpolicybindings: validatingAdmissionPolicyBindings,
  mutatingadmissionpolicies: mutatingAdmissionPolicies,
  mutatingadmissionpolicybindings: mutatingAdmissionPolicyBindings,
};
