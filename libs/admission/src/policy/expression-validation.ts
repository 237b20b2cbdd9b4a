// k8s parity: pkg/apis/admissionregistration/validation (the CEL compile checks). The registry's
// strategies validate shapes; compiling CEL is admission's, so the expressions of webhook
// configurations and policies are compiled here and a bad one is a 422 at creation, with the
// field path and the compiler's message, as kube-apiserver reports it.
import { fieldErrors, isPlainObject, statusErrors, type FieldError, type KubeObject } from '@portico/api';
import type { Attributes, ValidationPlugin } from '../attributes';
import { compileCel } from '@portico/cel';

const group = 'admissionregistration.k8s.io';

function check(errs: FieldError[], path: string, expr: unknown): void {
  if (typeof expr !== 'string' || expr.trim() === '') return;
  const c = compileCel(expr);
  if (c.error !== undefined) errs.push(fieldErrors.invalid(path, expr, c.error));
}

const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

/** The CEL errors of a webhook configuration or policy (empty when every expression compiles). */
export function admissionExpressionErrors(resource: string, obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (resource === 'validatingwebhookconfigurations' || resource === 'mutatingwebhookconfigurations') {
    list(obj['webhooks']).forEach((h, i) =>
      list(h['matchConditions']).forEach((mc, j) => check(errs, `webhooks[${i}].matchConditions[${j}].expression`, mc['expression'])),
    );
  }
  if (resource === 'validatingadmissionpolicies') {
    const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
    list(spec['matchConditions']).forEach((mc, i) => check(errs, `spec.matchConditions[${i}].expression`, mc['expression']));
    list(spec['variables']).forEach((v, i) => check(errs, `spec.variables[${i}].expression`, v['expression']));
    list(spec['validations']).forEach((v, i) => {
      check(errs, `spec.validations[${i}].expression`, v['expression']);
      check(errs, `spec.validations[${i}].messageExpression`, v['messageExpression']);
    });
    list(spec['auditAnnotations']).forEach((a, i) => check(errs, `spec.auditAnnotations[${i}].valueExpression`, a['valueExpression']));
  }
  return errs;
}

const kinds: Record<string, string> = {
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
};

export class AdmissionExpressionValidation implements ValidationPlugin {
  readonly name = 'AdmissionExpressionValidation';

  handles(op: string): boolean {
    return op === 'CREATE' || op === 'UPDATE';
  }

  async mayApply(a: Attributes): Promise<boolean> {
    return a.group === group && a.subresource === '' && kinds[a.resource] !== undefined;
  }

  async validate(a: Attributes): Promise<void> {
    if (a.group !== group || a.subresource !== '' || a.object === undefined) return;
    const kind = kinds[a.resource];
    if (kind === undefined) return;
    const errs = admissionExpressionErrors(a.resource, a.object);
    if (errs.length > 0) throw statusErrors.invalid(group, kind, a.name, errs);
  }
}
