// k8s parity: apiextensions-apiserver pkg/apiserver/conversion/webhook_converter.go. Custom resources
// go to the CRD's conversion webhook in one ConversionReview; the answer is checked as
// kube-apiserver checks it (uid, result, count, apiVersion, kind, identity) and only labels and
// annotations of the converted metadata survive, the rest is the original's. Every failure is a
// Status in kube's words: the webhook is someone else's code and must never take a request down.
import { randomUUID } from 'node:crypto';
import { aggregateFieldErrors, goDynamicType, validateAnnotations, validateLabels, type FieldError } from '@portico/api';
import type { CallContext, ConversionWebhookClientConfig, ConvertObjectsRequest, ConvertObjectsResponse, Status } from '@portico/proto';
import { postJson, webhookTarget, type ServiceResolver } from '../webhook/client';
import type { WebhookClientConfig } from '../webhook/types';

/** kube-apiserver's webhook client default; conversion webhooks have no timeoutSeconds of their own. */
export const conversionTimeoutMs = 30_000;

type JsonMap = Record<string, unknown>;

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** schema.GroupVersion.String() of a parsed apiVersion; one that does not parse prints empty. */
function groupVersionString(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length > 2) return '';
  return parts.length === 2 && parts[0] === '' ? (parts[1] ?? '') : apiVersion;
}

/** schema.GroupVersionKind.String(): `<group>/<version>, Kind=<kind>`. */
function gvkString(obj: JsonMap): string {
  const gv = groupVersionString(str(obj['apiVersion']));
  const slash = gv.indexOf('/');
  const [group, version] = slash < 0 ? ['', gv] : [gv.slice(0, slash), gv.slice(slash + 1)];
  return `${group}/${version}, Kind=${str(obj['kind'])}`;
}

const metaOf = (obj: JsonMap): JsonMap => (isMap(obj['metadata']) ? obj['metadata'] : {});

/** A failure whose message is already the whole of kube's error text. */
class ConversionFailure extends Error {}

const fail = (message: string): never => {
  throw new ConversionFailure(message);
};

/**
 * The Status a failed conversion travels as: kube-apiserver's storage layer wraps a decode failure
 * in an InternalError, which is what clients see on get, list, watch and update.
 */
function internalError(message: string): Status {
  return {
    code: 500,
    reason: 'InternalError',
    message: `Internal error occurred: ${message}`,
    details: { name: '', group: '', kind: '', uid: '', causes: [{ reason: '', message, field: '' }], retryAfterSeconds: 0 },
  };
}

/** An empty object (apiVersion and kind only) converts without the webhook, as kube's nopConverter. */
const isEmptyObject = (obj: JsonMap): boolean => {
  const keys = Object.keys(obj);
  return keys.length === 2 && 'apiVersion' in obj && 'kind' in obj;
};

function clientConfigOf(cc: ConversionWebhookClientConfig | undefined): WebhookClientConfig {
  const out: WebhookClientConfig = {};
  if (cc === undefined) return out;
  if (cc.url !== '') out.url = cc.url;
  if (cc.service !== undefined) {
    out.service = {
      namespace: cc.service.namespace,
      name: cc.service.name,
      ...(cc.service.path !== '' ? { path: cc.service.path } : {}),
      port: cc.service.port === 0 ? 443 : cc.service.port,
    };
  }
  // A whitespace-only caBundle counts as none (kube treats it so before building the client).
  const pem = Buffer.from(cc.caBundle, 'base64').toString('utf8');
  if (pem.trim() !== '') {
    // client-go's wording when the bundle holds no certificate; node would otherwise fail inside TLS.
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) fail('unable to load root certificates: unable to parse bytes as PEM block');
    out.caBundle = cc.caBundle;
  }
  return out;
}

/** Picks the first ConversionReview version the CRD lists that Portico speaks, as kube does. */
function reviewVersionOf(versions: readonly string[]): 'v1' | 'v1beta1' {
  for (const v of versions) if (v === 'v1' || v === 'v1beta1') return v;
  return fail('no supported conversion review versions');
}

/** getConvertedObjectsFromResponse: the converted objects of a well-formed, successful review. */
function convertedObjectsOf(body: unknown, version: 'v1' | 'v1beta1', uid: string): unknown[] {
  const review = isMap(body) ? body : {};
  if (version === 'v1') {
    // Verified only for v1: kube's v1beta1 handling never checked kind or uid, and webhooks rely on it.
    const expected = 'apiextensions.k8s.io/v1, Kind=ConversionReview';
    const got = gvkString(review);
    if (got !== expected) fail(`expected webhook response of ${expected}, got ${got}`);
  }
  const response = review['response'];
  if (!isMap(response)) return fail('no response provided');
  if (version === 'v1' && str(response['uid']) !== uid) fail(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(str(response['uid']))}`);
  const result = isMap(response['result']) ? response['result'] : {};
  const status = str(result['status']);
  if (status !== 'Success') {
    const message = str(result['message']);
    fail(message !== '' ? message : `response.result.status was '${status}', not 'Success'`);
  }
  const converted = response['convertedObjects'];
  return Array.isArray(converted) ? converted : [];
}

/** getRawExtensionObject: what unstructured decoding makes of one converted object. */
function decodeConverted(raw: unknown): JsonMap {
  if (raw === null || raw === undefined) return fail(`Object 'Kind' is missing in 'null'`);
  if (!isMap(raw)) {
    const type = Array.isArray(raw) ? 'array' : typeof raw === 'boolean' ? 'bool' : typeof raw;
    return fail(`json: cannot unmarshal ${type} into Go value of type map[string]interface {}`);
  }
  if (str(raw['kind']) === '') fail(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  return raw;
}

/** validateConvertedObject: the webhook may not change what identifies the object. */
function identityError(original: JsonMap, converted: JsonMap): string | undefined {
  const a = metaOf(original);
  const b = metaOf(converted);
  const pairs: [string, string, string][] = [
    ['name', str(a['name']), str(b['name'])],
    ['namespace', str(a['namespace']), str(b['namespace'])],
    ['UID', str(a['uid']), str(b['uid'])],
  ];
  for (const [what, e, g] of pairs) if (e !== g) return `must have the same ${what}: ${e} != ${g}`;
  return undefined;
}

/**
 * restoreObjectMeta: the original's metadata with the converted labels and annotations (validated
 * when the webhook changed them). Mutates `converted`; returns an error text instead when the
 * webhook's metadata cannot be taken.
 */
function restoreObjectMeta(original: JsonMap, converted: JsonMap): string | undefined {
  if (!('metadata' in converted)) return 'missing metadata in converted object';
  const fromWebhook = converted['metadata'];
  if (!isMap(fromWebhook)) return `invalid metadata of type ${goDynamicType(fromWebhook)} in converted object`;
  const restored: unknown = original['metadata'] === undefined ? {} : structuredClone(original['metadata']);
  if (!isMap(restored)) return `invalid metadata of type ${goDynamicType(restored)} in input object`;
  for (const field of ['labels', 'annotations'] as const) {
    const next = fromWebhook[field];
    if (next === undefined || next === null) {
      delete restored[field];
      continue;
    }
    if (!isMap(next)) return `invalid metadata.${field} of type ${goDynamicType(next)} in converted object`;
    const prev = restored[field];
    if (prev !== undefined && prev !== null && !isMap(prev)) return `invalid metadata.${field} of type ${goDynamicType(prev)} in original object`;
    const before = isMap(prev) ? prev : {};
    let changed = Object.keys(before).length !== Object.keys(next).length;
    for (const [k, v] of Object.entries(next)) {
      if (typeof v !== 'string') return `metadata.${field}[${k}] must be a string, but is ${goDynamicType(v)} in converted object`;
      if (before[k] !== v) changed = true;
    }
    if (changed) {
      const values = next as Record<string, string>;
      // kube's path for annotations reads "metadata.annotation"; kept so that the message matches.
      const errs: FieldError[] = field === 'labels' ? validateLabels(values, 'metadata.labels') : validateAnnotations(values, 'metadata.annotation');
      if (errs.length > 0) return aggregateFieldErrors(errs);
    }
    restored[field] = next;
  }
  converted['metadata'] = restored;
  return undefined;
}

/**
 * A converted list comes back whole in one answer. It carries the objects the request brought,
 * and a request reaches admission only within its gRPC server's 64 MiB message limit.
 */
const maxResponseBytes = 64 * 1024 * 1024;

/** The objects of the request, converted; throws a ConversionFailure with kube's text. */
async function convert(req: ConvertObjectsRequest, ctx: CallContext | undefined, resolve: ServiceResolver): Promise<Buffer[]> {
  const desired = req.desiredApiVersion;
  const inputs = req.objects.map((b, i) => {
    const obj: unknown = JSON.parse(b.toString('utf8'));
    return isMap(obj) ? obj : fail(`object at index ${i} is not a JSON object`);
  });
  const out: Buffer[] = [...req.objects];
  const pending: number[] = [];
  inputs.forEach((obj, i) => {
    if (obj['apiVersion'] === desired) return;
    if (isEmptyObject(obj)) out[i] = Buffer.from(JSON.stringify({ ...obj, apiVersion: desired }));
    else pending.push(i);
  });
  const firstIndex = pending[0];
  if (firstIndex === undefined) return out;
  const first = inputs[firstIndex] as JsonMap;
  // A list names the list in kube's messages; Portico sends the items, so the first one stands in.
  const asList = req.objects.length > 1;
  const prefix = `conversion webhook for ${gvkString(first)}`;

  const version = reviewVersionOf(req.conversionReviewVersions);
  const uid = randomUUID();
  const remaining = ctx?.deadline === undefined ? Number.POSITIVE_INFINITY : ctx.deadline - Date.now();
  const timeoutMs = Math.min(conversionTimeoutMs, remaining);
  let body: unknown;
  try {
    const target = webhookTarget(clientConfigOf(req.clientConfig), Math.max(1, Math.ceil(timeoutMs / 1000)), resolve);
    const review = {
      apiVersion: `apiextensions.k8s.io/${version}`,
      kind: 'ConversionReview',
      request: { uid, desiredAPIVersion: desired, objects: pending.map((i) => inputs[i]) },
    };
    if (timeoutMs <= 0) throw new Error(`Post ${JSON.stringify(target.display)}: context deadline exceeded`);
    body = await postJson(target, review, timeoutMs, { maxResponseBytes, ...(ctx?.signal !== undefined ? { signal: ctx.signal } : {}) });
  } catch (e) {
    return fail(`${prefix} failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  let converted: unknown[];
  try {
    converted = convertedObjectsOf(body, version, uid);
  } catch (e) {
    return fail(`${prefix} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (converted.length !== pending.length) fail(`${prefix} returned ${converted.length} objects, expected ${pending.length}`);

  const desiredGV = groupVersionString(desired);
  pending.forEach((inputIndex, i) => {
    const original = inputs[inputIndex] as JsonMap;
    const at = asList ? `invalid converted object at index ${i}` : 'invalid object at index 0';
    let obj: JsonMap;
    try {
      obj = decodeConverted(converted[i]);
    } catch (e) {
      // kube returns a single object's decode error bare.
      const why = e instanceof Error ? e.message : String(e);
      return fail(asList ? `${prefix} returned ${at}: ${why}` : why);
    }
    const gotGV = groupVersionString(str(obj['apiVersion']));
    if (gotGV !== desiredGV) fail(`${prefix} returned ${at}: invalid groupVersion (expected ${desiredGV}, received ${gotGV})`);
    if (str(obj['kind']) !== str(original['kind'])) fail(`${prefix} returned ${at}: invalid kind (expected ${str(original['kind'])}, received ${str(obj['kind'])})`);
    const identity = identityError(original, obj);
    if (identity !== undefined) fail(`${prefix} returned ${asList ? at : 'invalid object'}: ${identity}`);
    const meta = restoreObjectMeta(original, obj);
    if (meta !== undefined) fail(`${prefix} returned invalid metadata${asList ? ` in object at index ${i}` : ''}: ${meta}`);
    out[inputIndex] = Buffer.from(JSON.stringify(obj));
  });
  return out;
}

/** The admission service's ConvertObjects: one ConversionReview per call, failures as a Status. */
export class ConversionWebhooks {
  constructor(private readonly resolve: ServiceResolver) {}

  async convertObjects(req: ConvertObjectsRequest, ctx?: CallContext): Promise<ConvertObjectsResponse> {
    try {
      return { objects: await convert(req, ctx, this.resolve), status: undefined };
    } catch (e) {
      return { objects: [], status: internalError(e instanceof Error ? e.message : String(e)) };
    }
  }
}
