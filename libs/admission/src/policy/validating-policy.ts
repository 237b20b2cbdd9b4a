// k8s parity: apiserver pkg/admission/plugin/policy/validating (dispatcher, validator) and
// plugin/policy/matching. For each binding (in name order) whose policy exists and whose policy
// matchConstraints and binding matchResources both match: params are resolved, matchConditions
// filter, then each validation runs; a failure is acted on per validationActions (Deny, Warn,
// Audit). Evaluation errors follow the policy's failurePolicy (default Fail).
import { failure, StatusError, type KubeObject, type MetaLabelSelector } from '@portico/api';
import type { CallContext, EventBusPort, StorageServicePort } from '@portico/proto';
import { builtinResources } from '@portico/registry';
import type { Attributes, ValidationPlugin } from '../attributes';
import { objectSource, type ObjectSource } from '../cache/resource-cache';
import { ctxOf, getObject } from '../plugins/cluster-state';
import { compileCelCached, evaluateCel, fromCel, toCel } from '@portico/cel';
import { namespaceSelectorMatches, objectSelectorMatches, ruleMatches } from '../webhook/matching';
import type { RuleWithOperations } from '../webhook/types';

interface NamedRule extends RuleWithOperations {
  resourceNames?: string[];
}

interface MatchResources {
  namespaceSelector?: MetaLabelSelector;
  objectSelector?: MetaLabelSelector;
  resourceRules?: NamedRule[];
  excludeResourceRules?: NamedRule[];
  matchPolicy?: string;
}

interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

interface PolicySpec {
  paramKind?: { apiVersion?: string; kind?: string };
  matchConstraints?: MatchResources;
  validations?: Validation[];
  failurePolicy?: 'Fail' | 'Ignore';
  auditAnnotations?: Array<{ key: string; valueExpression: string }>;
  matchConditions?: Array<{ name: string; expression: string }>;
  variables?: Array<{ name: string; expression: string }>;
}

interface BindingSpec {
  policyName?: string;
  paramRef?: { name?: string; namespace?: string; selector?: MetaLabelSelector; parameterNotFoundAction?: 'Allow' | 'Deny' };
  matchResources?: MatchResources;
  validationActions?: Array<'Deny' | 'Warn' | 'Audit'>;
}

type Policy = KubeObject & { spec?: PolicySpec };
type Binding = KubeObject & { spec?: BindingSpec };

const group = 'admissionregistration.k8s.io';

const codeForReason: Record<string, number> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

function namedRuleMatches(r: NamedRule, a: Attributes, equivalent: boolean): boolean {
  if (!ruleMatches(r, a, equivalent)) return false;
  return (r.resourceNames ?? []).length === 0 || (r.resourceNames ?? []).includes(a.name);
}

async function matchResourcesMatch(m: MatchResources | undefined, a: Attributes, nsLabels: (ns: string) => Promise<Record<string, string> | undefined>, requireRules: boolean): Promise<boolean> {
  if (m === undefined) return !requireRules;
  const equivalent = (m.matchPolicy ?? 'Equivalent') === 'Equivalent';
  const rules = m.resourceRules ?? [];
  if (rules.length > 0 || requireRules) {
    if (!rules.some((r) => namedRuleMatches(r, a, equivalent))) return false;
  }
  if ((m.excludeResourceRules ?? []).some((r) => namedRuleMatches(r, a, equivalent))) return false;
  if (!objectSelectorMatches(m.objectSelector, a)) return false;
  return namespaceSelectorMatches(m.namespaceSelector, a, nsLabels);
}

/** Deferred failure of one policy evaluation: handled per failurePolicy. */
class PolicyEvaluationError extends Error {}

export interface PolicyOptions {
  storage: StorageServicePort;
  bus?: EventBusPort;
}

export class ValidatingAdmissionPolicies implements ValidationPlugin {
  readonly name = 'ValidatingAdmissionPolicy';
  private readonly policies: ObjectSource;
  private readonly bindings: ObjectSource;
  private kinds: Map<string, { group: string; resource: string; namespaced: boolean }> | undefined;

  constructor(
    private readonly opts: PolicyOptions,
    private readonly namespaceObject: (name: string, ctx: CallContext) => Promise<KubeObject | undefined>,
  ) {
    this.policies = objectSource(opts.storage, opts.bus, group, 'validatingadmissionpolicies');
    this.bindings = objectSource(opts.storage, opts.bus, group, 'validatingadmissionpolicybindings');
  }

  handles(): boolean {
    return true;
  }

  close(): void {
    this.policies.close();
    this.bindings.close();
  }

  private eval(expression: string, vars: Record<string, unknown>): unknown {
    const c = compileCelCached(expression);
    if (c.program === undefined) throw new PolicyEvaluationError(`compilation error: ${c.error}`);
    try {
      return evaluateCel(c.program, vars);
    } catch (e) {
      throw new PolicyEvaluationError(`expression '${expression}' resulted in error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Any binding at all (cached): matching is left to validate, which sees the final object. */
  async mayApply(a: Attributes): Promise<boolean> {
    return (await this.bindings.list(ctxOf(a))).length > 0;
  }

  async validate(a: Attributes): Promise<void> {
    const ctx = ctxOf(a);
    const bindings = (await this.bindings.list(ctx)) as readonly Binding[];
    if (bindings.length === 0) return;
    const policies = new Map(((await this.policies.list(ctx)) as readonly Policy[]).map((p) => [p.metadata?.name ?? '', p]));
    const nsLabels = async (ns: string) => (await this.namespaceObject(ns, ctx))?.metadata?.labels as Record<string, string> | undefined;
    for (const binding of bindings) {
      const policy = policies.get(binding.spec?.policyName ?? '');
      if (policy === undefined || policy.spec === undefined) continue;
      if (!(await matchResourcesMatch(policy.spec.matchConstraints, a, nsLabels, true))) continue;
      if (!(await matchResourcesMatch(binding.spec?.matchResources, a, nsLabels, false))) continue;
      await this.evaluate(policy, binding, a, ctx);
    }
  }

  private async evaluate(policy: Policy, binding: Binding, a: Attributes, ctx: CallContext): Promise<void> {
    const spec = policy.spec ?? {};
    const pName = policy.metadata?.name ?? '';
    const bName = binding.metadata?.name ?? '';
    const actions = binding.spec?.validationActions ?? ['Deny'];
    const failOpen = spec.failurePolicy === 'Ignore';
    const prefix = `ValidatingAdmissionPolicy '${pName}' with binding '${bName}' denied request: `;
    const deny = (message: string, reason: string, code?: number): StatusError =>
      new StatusError(failure(code ?? codeForReason[reason] ?? 422, reason, `${prefix}${message}`, { causes: [{ message }] }));
    try {
      const paramsList = await this.params(spec, binding, a, ctx);
      if (paramsList === 'deny') {
        throw deny(`failed to configure binding: no params found for policy binding with \`Deny\` parameterNotFoundAction`, 'Invalid');
      }
      const namespaceObject = a.namespace !== '' ? await this.namespaceObject(a.namespace, ctx) : undefined;
      for (const params of paramsList) {
        const base = toCel({
          object: a.object ?? null,
          oldObject: a.oldObject ?? null,
          request: this.requestVar(a),
          params: params ?? null,
          namespaceObject: namespaceObject ?? null,
        }) as Record<string, unknown>;
        const variables: Record<string, unknown> = {};
        const vars = { ...base, variables };
        for (const v of spec.variables ?? []) {
          let cached: { value: unknown } | undefined;
          Object.defineProperty(variables, v.name, {
            enumerable: true,
            get: () => {
              cached ??= { value: this.eval(v.expression, vars) };
              return cached.value;
            },
          });
        }
        let matched = true;
        for (const mc of spec.matchConditions ?? []) {
          if (this.eval(mc.expression, vars) !== true) {
            matched = false;
            break;
          }
        }
        if (!matched) continue;
        for (const [i, val] of (spec.validations ?? []).entries()) {
          if (this.eval(val.expression, vars) === true) continue;
          let message = val.message !== undefined && val.message !== '' ? val.message : `failed expression: ${val.expression.trim()}`;
          if (val.messageExpression !== undefined && val.messageExpression !== '') {
            try {
              const m = this.eval(val.messageExpression, vars);
              if (typeof m === 'string' && m.trim() !== '' && !m.includes('\n')) message = m;
            } catch {
              // kube-apiserver falls back to message when messageExpression fails.
            }
          }
          const reason = val.reason ?? 'Invalid';
          if (actions.includes('Audit')) {
            const key = 'validation.policy.admission.k8s.io/validation_failure';
            const prev = a.auditAnnotations[key] !== undefined ? (JSON.parse(a.auditAnnotations[key]) as unknown[]) : [];
            prev.push({ message, policy: pName, binding: bName, expressionIndex: i, validationActions: actions });
            a.auditAnnotations[key] = JSON.stringify(prev);
          }
          if (actions.includes('Warn')) a.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${pName}' with binding '${bName}': ${message}`);
          if (actions.includes('Deny')) throw deny(message, reason);
        }
        for (const aa of spec.auditAnnotations ?? []) {
          const v = fromCel(this.eval(aa.valueExpression, vars));
          if (typeof v === 'string' && v !== '') a.auditAnnotations[`${pName}/${aa.key}`] = v;
        }
      }
    } catch (e) {
      if (!(e instanceof PolicyEvaluationError)) throw e;
      if (failOpen) return;
      throw deny(e.message, 'Invalid');
    }
  }

  private requestVar(a: Attributes): Record<string, unknown> {
    const r = a.request;
    return {
      uid: r.uid,
      kind: r.kind ?? null,
      resource: r.resource ?? null,
      subResource: a.subresource,
      requestKind: r.kind ?? null,
      requestResource: r.resource ?? null,
      requestSubResource: a.subresource,
      name: a.name,
      namespace: a.namespace,
      operation: a.operation,
      userInfo: {
        username: r.user?.username ?? '',
        uid: r.user?.uid ?? '',
        groups: r.user?.groups ?? [],
        extra: Object.fromEntries(Object.entries(r.user?.extra ?? {}).map(([k, v]) => [k, v.values])),
      },
      dryRun: a.dryRun,
      options: r.options.length > 0 ? (JSON.parse(r.options.toString('utf8')) as unknown) : null,
    };
  }

  /** The param objects a binding selects: [undefined] without paramKind; 'deny' when none and the binding says Deny. */
  private async params(spec: PolicySpec, binding: Binding, a: Attributes, ctx: CallContext): Promise<Array<KubeObject | undefined> | 'deny'> {
    if (spec.paramKind === undefined) return [undefined];
    const ref = binding.spec?.paramRef;
    if (ref === undefined) throw new PolicyEvaluationError(`failed to configure binding: paramRef is required when paramKind is set`);
    const target = this.resourceFor(spec.paramKind.apiVersion ?? '', spec.paramKind.kind ?? '');
    if (target === undefined) throw new PolicyEvaluationError(`failed to configure policy: failed to find resource referenced by paramKind: '${spec.paramKind.apiVersion}, Kind=${spec.paramKind.kind}'`);
    const namespace = target.namespaced ? (ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : a.namespace) : '';
    if (target.namespaced && namespace === '') throw new PolicyEvaluationError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
    let found: KubeObject[] = [];
    if (ref.name !== undefined && ref.name !== '') {
      const obj = await getObject(this.opts.storage, target.group, target.resource, namespace, ref.name, ctx);
      if (obj !== undefined) found = [obj];
    } else {
      const res = await this.opts.storage.list(
        {
          ref: { group: target.group, resource: target.resource, namespace, name: '' },
          resourceVersion: '',
          resourceVersionMatch: '',
          limit: '0',
          continue: '',
          labelSelector: selectorString(ref.selector),
          fieldSelector: '',
        },
        ctx,
      );
      if (res.status !== undefined) throw new StatusError(failure(res.status.code, res.status.reason, res.status.message));
      found = res.items.map((b) => JSON.parse(Buffer.from(b).toString('utf8')) as KubeObject);
    }
    if (found.length === 0) {
      if ((ref.parameterNotFoundAction ?? 'Deny') === 'Deny') return 'deny';
      return [];
    }
    return found;
  }

  private resourceFor(apiVersion: string, kind: string): { group: string; resource: string; namespaced: boolean } | undefined {
    if (this.kinds === undefined) {
      this.kinds = new Map();
      for (const d of builtinResources()) {
        this.kinds.set(`${d.group}/${d.kind}`, { group: d.group, resource: d.resource, namespaced: d.namespaced });
      }
    }
    const g = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const known = this.kinds.get(`${g}/${kind}`);
    if (known !== undefined) return known;
    if (kind === '') return undefined;
    // Custom resources: their conventional plural; namespaced unless proven otherwise.
    return { group: g, resource: `${kind.toLowerCase()}s`, namespaced: true };
  }
}

function selectorString(sel: MetaLabelSelector | undefined): string {
  if (sel === undefined) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

