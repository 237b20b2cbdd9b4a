// The scale subresource (k8s parity: pkg/registry/apps/deployment/storage ScaleREST and its
// siblings for replicasets, statefulsets and replicationcontrollers): an autoscaling/v1 Scale view
// of the object's replica count. GET reads it, PUT and PATCH change spec.replicas through the
// object's own update path (admission, strategy, compare-and-swap retries).
import type { IncomingMessage } from 'node:http';
import {
  decodeJson,
  fieldErrors,
  isPlainObject,
  labelSelectorFromMetav1,
  statusErrors,
  type JsonObject,
  type JsonValue,
  type KubeObject,
} from '@portico/api';
import { applyJsonPatch, applyMergePatch, type ResourceDescriptor } from '@portico/registry';
import { parseMediaType } from './negotiation';
import type { GenericStore, WriteOptions } from '../store/generic-store';

export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function replicasOf(obj: KubeObject, field: 'spec' | 'status'): number {
  const part = obj[field];
  const r = isPlainObject(part) ? part['replicas'] : undefined;
  return typeof r === 'number' ? r : 0;
}

/** The label selector as the string Scale.status.selector carries (a map for replicationcontrollers). */
function selectorString(obj: KubeObject): string | undefined {
  const spec = obj['spec'];
  if (!isPlainObject(spec) || !isPlainObject(spec['selector'])) return undefined;
  const sel = spec['selector'] as Record<string, unknown>;
  const isLabelSelector = 'matchLabels' in sel || 'matchExpressions' in sel;
  const metav1 = isLabelSelector ? sel : { matchLabels: sel };
  return labelSelectorFromMetav1(metav1 as Parameters<typeof labelSelectorFromMetav1>[0]).toString();
}

/** A custom resource's scale paths (`.spec.replicas`): dot-separated fields, as the CRD validation allows. */
type ScalePaths = NonNullable<NonNullable<ResourceDescriptor['customResource']>['scale']>;

const pathFields = (path: string): string[] => path.split('.').filter((f) => f !== '');

function valueAt(obj: KubeObject, path: string): unknown {
  let v: unknown = obj;
  for (const f of pathFields(path)) v = isPlainObject(v) ? v[f] : undefined;
  return v;
}

/** Sets a value, creating the objects on the way (kube: unstructured.SetNestedField). Mutates. */
function setValueAt(obj: KubeObject, path: string, value: JsonValue): void {
  const fields = pathFields(path);
  let cur: Record<string, unknown> = obj;
  fields.forEach((f, i) => {
    if (i === fields.length - 1) cur[f] = value;
    else {
      if (!isPlainObject(cur[f])) cur[f] = {};
      cur = cur[f] as Record<string, unknown>;
    }
  });
}

export function scaleOf(obj: KubeObject, paths?: ScalePaths): Scale {
  const m = obj.metadata ?? {};
  const metadata: Record<string, unknown> = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
  let specReplicas: number;
  let statusReplicas: number;
  let selector: string | undefined;
  if (paths !== undefined) {
    // k8s parity: apiextensions-apiserver pkg/registry/customresource ScaleREST (scaleFromCustomResource).
    const sr = valueAt(obj, paths.specReplicasPath);
    const st = valueAt(obj, paths.statusReplicasPath);
    specReplicas = typeof sr === 'number' ? sr : 0;
    statusReplicas = typeof st === 'number' ? st : 0;
    const sel = paths.labelSelectorPath === undefined ? undefined : valueAt(obj, paths.labelSelectorPath);
    selector = typeof sel === 'string' ? sel : undefined;
  } else {
    specReplicas = replicasOf(obj, 'spec');
    statusReplicas = replicasOf(obj, 'status');
    selector = selectorString(obj);
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: metadata as Scale['metadata'],
    spec: { replicas: specReplicas },
    status: { replicas: statusReplicas, ...(selector !== undefined && selector !== '' ? { selector } : {}) },
  };
}

function validateScale(name: string, scale: JsonObject): number {
  const spec = scale['spec'];
  const replicas = isPlainObject(spec) ? spec['replicas'] : undefined;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
    throw statusErrors.badRequest(`Scale in version "autoscaling/v1" cannot be handled as a Scale: json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  const r = typeof replicas === 'number' ? replicas : 0;
  if (r < 0) {
    throw statusErrors.invalid('autoscaling', 'Scale', name, [fieldErrors.invalid('spec.replicas', r, 'must be greater than or equal to 0')]);
  }
  return r;
}

export interface ServeScaleArgs {
  req: IncomingMessage;
  verb: string;
  body: Buffer | undefined;
  desc: ResourceDescriptor;
  namespace: string;
  name: string;
  store: GenericStore;
  writeOptions: () => WriteOptions;
  respond: (code: number, body: KubeObject) => void;
}

export async function serveScale(a: ServeScaleArgs): Promise<void> {
  const { desc, namespace, name, store } = a;
  const paths = desc.customResource?.scale;
  if (a.verb === 'get') {
    const raw = await store.get(desc, namespace, name, '', a.writeOptions().ctx);
    return a.respond(200, scaleOf(JSON.parse(raw.toString('utf8')) as KubeObject, paths));
  }
  const o = a.writeOptions();
  let desired: (current: Scale) => JsonObject;
  let pinned = '';
  if (a.verb === 'update') {
    const scale = decodeJson(a.body ?? Buffer.alloc(0), 'Scale');
    if (!isPlainObject(scale)) throw statusErrors.badRequest('the body of a scale update must be a Scale object');
    const meta = scale['metadata'];
    if (isPlainObject(meta) && typeof meta['name'] === 'string' && meta['name'] !== name) {
      throw statusErrors.badRequest(`the name of the object (${meta['name']}) does not match the name on the URL (${name})`);
    }
    pinned = isPlainObject(meta) && typeof meta['resourceVersion'] === 'string' ? meta['resourceVersion'] : '';
    desired = () => scale as JsonObject;
  } else if (a.verb === 'patch') {
    const type = parseMediaType(a.req.headers['content-type'] ?? '').type;
    const patch = decodeJson(a.body ?? Buffer.alloc(0), 'patch') as JsonValue;
    switch (type) {
      case 'application/json-patch+json':
        desired = (current) => applyJsonPatch(current as unknown as JsonValue, patch) as JsonObject;
        break;
      // Scale has no lists, so a strategic merge patch merges exactly like a JSON merge patch.
      case 'application/merge-patch+json':
      case 'application/strategic-merge-patch+json':
        desired = (current) => applyMergePatch(current as unknown as JsonValue, patch) as JsonObject;
        break;
      default:
        throw statusErrors.unsupportedMediaType(type, [
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ]);
    }
  } else {
    throw statusErrors.methodNotSupported({ group: desc.group, resource: `${desc.resource}/scale` }, a.verb);
  }
  const r = await store.guaranteedUpdate(
    desc,
    namespace,
    name,
    { ...o, subresource: 'scale' },
    async (current) => {
      if (current === undefined) throw statusErrors.notFound({ group: desc.group, resource: desc.resource }, name);
      const scale = desired(scaleOf(current, paths));
      const scaleMeta = scale['metadata'];
      const scaleRv = isPlainObject(scaleMeta) && typeof scaleMeta['resourceVersion'] === 'string' ? scaleMeta['resourceVersion'] : '';
      if (scaleRv !== '' && scaleRv !== current.metadata?.resourceVersion) throw statusErrors.modified({ group: desc.group, resource: desc.resource }, name);
      const replicas = validateScale(name, scale);
      const next = structuredClone(current);
      if (paths !== undefined) setValueAt(next, paths.specReplicasPath, replicas);
      else next['spec'] = { ...(isPlainObject(next['spec']) ? next['spec'] : {}), replicas };
      return next;
    },
    pinned !== '',
  );
  a.respond(200, scaleOf(r.object, paths));
}
