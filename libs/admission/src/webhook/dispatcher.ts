// k8s parity: apiserver pkg/admission/plugin/webhook/{generic,mutating,validating}. Mutating
// webhooks run one after another, configurations in name order and webhooks in listed order,
// with one reinvocation pass for `reinvocationPolicy: IfNeeded` webhooks whose output was changed
// afterwards; validating webhooks run in parallel. A call that fails is skipped under
// failurePolicy Ignore (noted in an audit annotation) and is a 500 under Fail.
import { randomUUID } from 'node:crypto';
import { failure, isPlainObject, StatusError, statusErrors, type KubeObject, type Status } from '@portico/api';
import type { CallContext, EventBusPort, StorageServicePort } from '@portico/proto';
import { applyJsonPatch } from '@portico/registry';

type JsonValue = Parameters<typeof applyJsonPatch>[0];
import type { Attributes, MutationPlugin, Operation, ValidationPlugin } from '../attributes';
import { objectSource, type ObjectSource } from '../cache/resource-cache';
import { ctxOf, getObject } from '../plugins/cluster-state';
import { compileCelCached, evaluateCel, toCel } from '@portico/cel';
import { CallingWebhookError, postReview, serviceResolverFromMap, webhookTarget, type ServiceResolver } from './client';
import { isExemptFromWebhooks, namespaceSelectorMatches, objectSelectorMatches, webhookRulesMatch } from './matching';
import type { Webhook, WebhookConfiguration } from './types';

export interface WebhookSourceOptions {
  storage: StorageServicePort;
  /** Keeps configurations and namespaces current; without it every request Lists them. */
  bus?: EventBusPort;
  serviceResolver?: ServiceResolver;
}

const group = 'admissionregistration.k8s.io';

/** What both dispatchers share: configurations and namespaces (for namespaceSelector). */
export class WebhookSources {
  readonly mutating: ObjectSource;
  readonly validating: ObjectSource;
  /** Namespaces kept current from the bus; undefined without one. */
  readonly namespaces: ObjectSource | undefined;
  readonly resolve: ServiceResolver;

  constructor(private readonly opts: WebhookSourceOptions) {
    this.mutating = objectSource(opts.storage, opts.bus, group, 'mutatingwebhookconfigurations');
    this.validating = objectSource(opts.storage, opts.bus, group, 'validatingwebhookconfigurations');
    this.namespaces = opts.bus === undefined ? undefined : objectSource(opts.storage, opts.bus, '', 'namespaces');
    this.resolve = opts.serviceResolver ?? serviceResolverFromMap(process.env['PORTICO_WEBHOOK_SERVICE_HOSTS']);
  }

  async namespaceLabels(name: string, ctx: CallContext): Promise<Record<string, string> | undefined> {
    const ns = await this.namespace(name, ctx);
    if (ns === undefined) throw statusErrors.notFound({ group: '', resource: 'namespaces' }, name);
    return ns.metadata?.labels as Record<string, string> | undefined;
  }

  /** The namespace object (cached with a bus), undefined when it does not exist. */
  async namespace(name: string, ctx: CallContext): Promise<KubeObject | undefined> {
    if (this.namespaces !== undefined) return this.namespaces.get('', name, ctx);
    return getObject(this.opts.storage, '', 'namespaces', '', name, ctx);
  }

  close(): void {
    this.mutating.close();
    this.validating.close();
    this.namespaces?.close();
  }
}

interface Invocation {
  configuration: string;
  webhook: Webhook;
  index: number;
}


async function invocations(source: ObjectSource, a: Attributes): Promise<Invocation[]> {
  if (isExemptFromWebhooks(a)) return [];
  const out: Invocation[] = [];
  let index = 0;
  for (const cfg of (await source.list(ctxOf(a))) as unknown as readonly WebhookConfiguration[]) {
    for (const h of cfg.webhooks ?? []) {
      out.push({ configuration: cfg.metadata?.name ?? '', webhook: h, index: index++ });
    }
  }
  return out;
}

/** The AdmissionReview request as both versions carry it. */
function reviewRequest(a: Attributes, uid: string, object: KubeObject | undefined): Record<string, unknown> {
  const r = a.request;
  const user = r.user;
  const kind = r.kind ?? { group: '', version: '', kind: '' };
  const resource = r.resource ?? { group: '', version: '', resource: '' };
  const options = r.options.length > 0 ? (JSON.parse(r.options.toString('utf8')) as unknown) : null;
  return {
    uid,
    kind,
    resource,
    ...(a.subresource !== '' ? { subResource: a.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(a.subresource !== '' ? { requestSubResource: a.subresource } : {}),
    ...(a.name !== '' ? { name: a.name } : {}),
    ...(a.namespace !== '' ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: {
      username: user?.username ?? '',
      ...(user?.uid ? { uid: user.uid } : {}),
      ...(user !== undefined && user.groups.length > 0 ? { groups: user.groups } : {}),
      ...(user !== undefined && Object.keys(user.extra).length > 0
        ? { extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, v.values])) }
        : {}),
    },
    object: object ?? null,
    oldObject: a.oldObject ?? null,
    dryRun: a.dryRun,
    options,
  };
}

interface WebhookResult {
  allowed: boolean;
  status: Status | undefined;
  patch: JsonValue | undefined;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

/** VerifyAdmissionResponse: the reasons become `received invalid webhook response: ...`. */
function verifyResponse(body: unknown, version: string, uid: string, mutating: boolean): WebhookResult {
  const invalid = (why: string): never => {
    throw new Error(`received invalid webhook response: ${why}`);
  };
  if (!isPlainObject(body)) return invalid('webhook response was absent');
  const gv = `admission.k8s.io/${version}`;
  if (body['apiVersion'] !== gv || body['kind'] !== 'AdmissionReview') {
    const got = `${typeof body['apiVersion'] === 'string' ? body['apiVersion'] : ''}, Kind=${typeof body['kind'] === 'string' ? body['kind'] : ''}`;
    if (version === 'v1') invalid(`expected webhook response of ${gv}, Kind=AdmissionReview, got ${got}`);
  }
  const res = body['response'];
  if (!isPlainObject(res)) return invalid('webhook response was absent');
  if (version === 'v1' && res['uid'] !== uid) invalid(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(typeof res['uid'] === 'string' ? res['uid'] : '')}`);
  const allowed = res['allowed'] === true;
  let patch: JsonValue | undefined;
  if (res['patch'] !== undefined && res['patch'] !== null && res['patch'] !== '') {
    if (!mutating) invalid('validating webhook may not return response.patch');
    if (version === 'v1' && (res['patchType'] === undefined || res['patchType'] === '')) invalid('webhook returned response.patch but not response.patchType');
    if (res['patchType'] !== undefined && res['patchType'] !== 'JSONPatch') invalid(`webhook returned invalid response.patchType of ${JSON.stringify(res['patchType'])}`);
    const raw = Buffer.from(String(res['patch']), 'base64').toString('utf8');
    try {
      patch = JSON.parse(raw) as JsonValue;
    } catch {
      invalid('webhook returned an invalid response.patch');
    }
  } else if (version === 'v1' && res['patchType'] !== undefined && res['patchType'] !== '' && res['patchType'] !== null) {
    if (!mutating) invalid('validating webhook may not return response.patchType');
  }
  const status = isPlainObject(res['result']) ? (res['result'] as unknown as Status) : isPlainObject(res['status']) ? (res['status'] as unknown as Status) : undefined;
  const warnings = Array.isArray(res['warnings']) ? res['warnings'].filter((w): w is string => typeof w === 'string') : [];
  const auditAnnotations: Record<string, string> = {};
  if (isPlainObject(res['auditAnnotations'])) {
    for (const [k, v] of Object.entries(res['auditAnnotations'])) if (typeof v === 'string') auditAnnotations[k] = v;
  }
  return { allowed, status, patch, warnings, auditAnnotations };
}

/** webhookerrors.ToStatusErr: the webhook's status, raised to at least 400, with the "denied" message. */
function denied(name: string, s: Status | undefined): StatusError {
  const deniedBy = `admission webhook ${JSON.stringify(name)} denied the request`;
  const code = typeof s?.code === 'number' && s.code >= 400 ? s.code : 400;
  const message = s?.message ? `${deniedBy}: ${s.message}` : s?.reason ? `${deniedBy}: ${s.reason}` : `${deniedBy} without explanation`;
  return new StatusError(failure(code, s?.reason ?? '', message, s?.details));
}

const remainingMs = (a: Attributes): number => (a.deadline === undefined ? Number.POSITIVE_INFINITY : a.deadline - Date.now());

/**
 * One webhook: should it be called, then the call. Returns undefined when skipped (no match, or a
 * failure ignored by policy); throws the StatusError the request ends with.
 */
async function invoke(
  sources: WebhookSources,
  inv: Invocation,
  a: Attributes,
  object: KubeObject | undefined,
  kind: 'mutating' | 'validating',
  round: number,
): Promise<WebhookResult | undefined> {
  const h = inv.webhook;
  if (!webhookRulesMatch(h, a)) return undefined;
  const failOpen = (h.failurePolicy ?? 'Fail') === 'Ignore';
  const fail = (reason: string): undefined => {
    const err = new CallingWebhookError(h.name, reason);
    if (!failOpen) throw statusErrors.internal(err.message);
    a.auditAnnotations[`failed-open.${kind}.webhook.admission.k8s.io/round_${round}_index_${inv.index}`] = h.name;
    return undefined;
  };
  try {
    if (!(await namespaceSelectorMatches(h.namespaceSelector, a, (ns) => sources.namespaceLabels(ns, ctxOf(a))))) return undefined;
    if (!objectSelectorMatches(h.objectSelector, a)) return undefined;
  } catch (e) {
    if (e instanceof StatusError) throw statusErrors.internal(e.status.message ?? 'selector error');
    throw e;
  }
  const uid = randomUUID();
  const request = reviewRequest(a, uid, object);
  if ((h.matchConditions ?? []).length > 0) {
    const vars = toCel({ object: object ?? null, oldObject: a.oldObject ?? null, request }) as Record<string, unknown>;
    const errors: string[] = [];
    for (const mc of h.matchConditions ?? []) {
      const c = compileCelCached(mc.expression);
      if (c.program === undefined) {
        errors.push(`compilation failed for matchCondition ${JSON.stringify(mc.name)}: ${c.error}`);
        continue;
      }
      try {
        if (evaluateCel(c.program, vars) !== true) return undefined;
      } catch (e) {
        errors.push(`matchCondition ${JSON.stringify(mc.name)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (errors.length > 0) return fail(`failed evaluating match conditions, failing closed: ${errors.join('; ')}`);
  }
  if (a.dryRun && h.sideEffects !== 'None' && h.sideEffects !== 'NoneOnDryRun') {
    throw statusErrors.badRequest(`admission webhook ${JSON.stringify(h.name)} does not support dry run`);
  }
  const version = (h.admissionReviewVersions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
  if (version === undefined) return fail('webhook does not accept v1 or v1beta1 AdmissionReview');
  const timeoutSeconds = h.timeoutSeconds ?? 10;
  const timeoutMs = Math.min(timeoutSeconds * 1000, remainingMs(a));
  let body: unknown;
  try {
    const target = webhookTarget(h.clientConfig, Math.max(1, Math.ceil(timeoutMs / 1000)), sources.resolve);
    if (timeoutMs <= 0) return fail(`failed to call webhook: Post ${JSON.stringify(target.display)}: context deadline exceeded`);
    body = await postReview(target, { apiVersion: `admission.k8s.io/${version}`, kind: 'AdmissionReview', request }, timeoutMs);
    return { ...verifyResponse(body, version, uid, kind === 'mutating') };
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

function record(a: Attributes, name: string, r: WebhookResult): void {
  a.warnings.push(...r.warnings);
  for (const [k, v] of Object.entries(r.auditAnnotations)) a.auditAnnotations[`${name}/${k}`] = v;
}

const canMutate = (op: Operation): boolean => op === 'CREATE' || op === 'UPDATE';

export class MutatingWebhooks implements MutationPlugin {
  readonly name = 'MutatingAdmissionWebhook';
  constructor(private readonly sources: WebhookSources) {}

  handles(): boolean {
    return true;
  }

  async admit(a: Attributes): Promise<void> {
    const all = await invocations(this.sources.mutating, a);
    if (all.length === 0) return;
    // The object each webhook last returned, to decide on reinvocation.
    const outputs = new Map<number, string>();
    const run = async (inv: Invocation, round: number): Promise<void> => {
      const r = await invoke(this.sources, inv, a, a.object, 'mutating', round);
      if (r === undefined) return;
      if (!r.allowed) throw denied(inv.webhook.name, r.status);
      record(a, inv.webhook.name, r);
      if (r.patch !== undefined && !(Array.isArray(r.patch) && r.patch.length === 0)) {
        if (!canMutate(a.operation) || a.object === undefined) {
          throw statusErrors.badRequest(`admission webhook ${JSON.stringify(inv.webhook.name)} attempted to modify the object, which is not supported for this operation`);
        }
        let patched: JsonValue;
        try {
          patched = applyJsonPatch(a.object as unknown as JsonValue, r.patch);
        } catch (e) {
          throw statusErrors.internal(e instanceof StatusError ? (e.status.message ?? 'invalid patch') : String(e));
        }
        if (!isPlainObject(patched)) throw statusErrors.internal(`admission webhook ${JSON.stringify(inv.webhook.name)} returned a patch that does not produce an object`);
        const before = a.object;
        a.object = patched as unknown as KubeObject;
        for (const field of ['apiVersion', 'kind'] as const) {
          if (a.object[field] !== before[field]) {
            throw statusErrors.internal(`admission webhook ${JSON.stringify(inv.webhook.name)} attempted to change ${field}, which is not allowed`);
          }
        }
        a.auditAnnotations[`mutation.webhook.admission.k8s.io/round_${round}_index_${inv.index}`] = JSON.stringify({
          configuration: inv.configuration,
          webhook: inv.webhook.name,
          mutated: true,
        });
      }
      outputs.set(inv.index, JSON.stringify(a.object));
    };
    for (const inv of all) await run(inv, 0);
    const current = JSON.stringify(a.object);
    const again = all.filter((inv) => inv.webhook.reinvocationPolicy === 'IfNeeded' && outputs.has(inv.index) && outputs.get(inv.index) !== current);
    for (const inv of again) {
      if (outputs.get(inv.index) !== JSON.stringify(a.object)) await run(inv, 1);
    }
  }

  close(): void {
    this.sources.close();
  }
}

export class ValidatingWebhooks implements ValidationPlugin {
  readonly name = 'ValidatingAdmissionWebhook';
  constructor(private readonly sources: WebhookSources) {}

  handles(): boolean {
    return true;
  }

  /** Any validating webhook configured for a request not exempt from webhooks; rules are left to validate. */
  async mayApply(a: Attributes): Promise<boolean> {
    return (await invocations(this.sources.validating, a)).length > 0;
  }

  async validate(a: Attributes): Promise<void> {
    const all = await invocations(this.sources.validating, a);
    if (all.length === 0) return;
    const results = await Promise.allSettled(all.map((inv) => invoke(this.sources, inv, a, a.object, 'validating', 0)));
    let firstError: unknown;
    results.forEach((r, i) => {
      const inv = all[i] as Invocation;
      if (r.status === 'rejected') {
        firstError ??= r.reason;
        return;
      }
      if (r.value === undefined) return;
      record(a, inv.webhook.name, r.value);
      if (!r.value.allowed) firstError ??= denied(inv.webhook.name, r.value.status);
    });
    if (firstError !== undefined) throw firstError;
  }
}
