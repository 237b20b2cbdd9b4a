// The registry's share of a create or update, without a store: what the gateway does between
// decoding a request body and writing it (decode checks, conversion to the storage form,
// defaulting, BeforeCreate / BeforeUpdate), for tests of the resource definitions.
import { type KubeObject, StatusError, isStatusError } from '@portico/api';
import type { ResourceDescriptor } from '../descriptor';
import { beforeCreate, beforeUpdate } from '../metadata';

export const testNow = new Date('2025-01-02T03:04:05Z');

export interface WriteResult {
  /** The object as stored (storage form). */
  stored: KubeObject;
  /** The object in the descriptor's own version. */
  served: KubeObject;
  warnings: string[];
}

function decode(desc: ResourceDescriptor, input: KubeObject): KubeObject {
  const obj = structuredClone(input);
  const err = desc.strategy.decodeError?.(obj);
  if (err !== undefined) throw new Error(`decode: ${err}`);
  return desc.toStorage === undefined ? obj : desc.toStorage(obj);
}

const served = (desc: ResourceDescriptor, stored: KubeObject) => (desc.fromStorage === undefined ? structuredClone(stored) : desc.fromStorage(structuredClone(stored)));

/** POST: decode, default, BeforeCreate. Throws the StatusError kube-apiserver would answer. */
export function simulateCreate(desc: ResourceDescriptor, input: KubeObject, namespace = 'default'): WriteResult {
  const obj = decode(desc, input);
  desc.strategy.applyDefaults(obj);
  const { warnings } = beforeCreate(desc, obj, { namespace: desc.namespaced ? namespace : '', now: testNow, uid: 'uid-1' });
  obj.metadata = { ...obj.metadata, resourceVersion: '1' };
  return { stored: obj, served: served(desc, obj), warnings };
}

/** PUT of `input` over the stored object `old` (storage form), on the main resource or a subresource. */
export function simulateUpdate(desc: ResourceDescriptor, input: KubeObject, old: KubeObject, subresource?: string): WriteResult {
  const obj = decode(desc, input);
  desc.strategy.applyDefaults(obj);
  if (obj.metadata?.resourceVersion === undefined) obj.metadata = { ...obj.metadata, resourceVersion: old.metadata?.resourceVersion };
  const { warnings } = beforeUpdate(desc, obj, old, subresource === undefined ? {} : { subresource });
  return { stored: obj, served: served(desc, obj), warnings };
}

/** The field errors ("path: detail") of a rejected write, or the message of another error. */
export function writeErrors(write: () => unknown): string[] {
  try {
    write();
  } catch (e) {
    if (isStatusError(e)) {
      const causes = (e as StatusError).status.details?.causes ?? [];
      return causes.length === 0 ? [e.status.message ?? ''] : causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? '')));
    }
    if (e instanceof Error) return [e.message];
    throw e;
  }
  return [];
}
