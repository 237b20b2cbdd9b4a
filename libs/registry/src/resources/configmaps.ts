// k8s parity: kubernetes pkg/registry/core/configmap/strategy.go and pkg/apis/core/validation
// ValidateConfigMap / ValidateConfigMapUpdate.
import { type FieldError, FieldPath, type KubeObject, compareBytes, fieldErrors, isConfigMapKey, nameIsDNSSubdomain } from '@portico/api';
import { decodeGoBase64, goTypeError, jsonKind } from '../codec';
import { deepEqualJson, validateCoreObjectMeta, validateCoreObjectMetaUpdate } from '../core-validation';
import { defineResource, defineStrategy, metaOf, omitEmptyMap, record } from '../define';

/** core.MaxSecretSize: the bound on a ConfigMap's (and a Secret's) data. */
export const maxSecretSize = 1024 * 1024;

const immutableWhenSet = 'field is immutable when `immutable` is set';

/** Byte length of a binaryData value (base64 in JSON), or 0 when it does not decode. */
export function decodedLength(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const d = decodeGoBase64(value);
  return 'bytes' in d ? d.bytes.length : 0;
}

/** What encoding/json rejects when decoding a ConfigMap: non-string data, non-base64 binaryData. */
function decodeError(obj: KubeObject): string | undefined {
  for (const [field, goType] of [
    ['data', 'map[string]string'],
    ['binaryData', 'map[string][]uint8'],
  ] as const) {
    const v = obj[field];
    if (v === undefined || v === null) continue;
    if (record(v) === undefined) return goTypeError(jsonKind(v), 'ConfigMap', field, goType);
    for (const value of Object.values(v as Record<string, unknown>)) {
      if (value === null) continue;
      if (typeof value !== 'string') return goTypeError(jsonKind(value), 'ConfigMap', field, field === 'data' ? 'string' : '[]uint8');
      if (field === 'binaryData') {
        const d = decodeGoBase64(value);
        if ('error' in d) return d.error;
      }
    }
  }
  if (obj.immutable !== undefined && obj.immutable !== null && typeof obj.immutable !== 'boolean') {
    return goTypeError(jsonKind(obj.immutable), 'ConfigMap', 'immutable', 'bool');
  }
  return undefined;
}

/** The typed object's JSON form: base64 re-encoded canonically, null data values "". */
function applyDefaults(obj: KubeObject): void {
  const data = record(obj.data);
  if (data) for (const k of Object.keys(data)) if (data[k] === null) data[k] = '';
  const binary = record(obj.binaryData);
  if (binary) {
    for (const [k, v] of Object.entries(binary)) {
      if (typeof v !== 'string') continue;
      const d = decodeGoBase64(v);
      if ('bytes' in d) binary[k] = d.bytes.toString('base64');
    }
  }
  if (obj.immutable === null) delete obj.immutable;
}

/**
 * Go writes empty maps as absent (omitempty). Done here rather than on decode because validation
 * still tells an empty map from an absent one (reflect.DeepEqual), as it does in Go.
 */
function canonicalize(obj: KubeObject): void {
  omitEmptyMap(obj, 'data');
  omitEmptyMap(obj, 'binaryData');
}

/** ValidateConfigMap: keys, no key in both maps, at most 1 MiB of values. */
export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs = validateCoreObjectMeta(metaOf(obj), true, nameIsDNSSubdomain);
  const data = (record(obj.data) ?? {}) as Record<string, unknown>;
  const binary = (record(obj.binaryData) ?? {}) as Record<string, unknown>;
  let total = 0;
  const dataPath = FieldPath.root('data');
  for (const key of Object.keys(data).sort(compareBytes)) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(String(dataPath.key(key)), key, msg));
    if (Object.prototype.hasOwnProperty.call(binary, key)) {
      errs.push(fieldErrors.invalid(String(dataPath.key(key)), key, 'duplicate of key present in binaryData'));
    }
    const v = data[key];
    total += typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0;
  }
  const binaryPath = FieldPath.root('binaryData');
  for (const key of Object.keys(binary).sort(compareBytes)) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(String(binaryPath.key(key)), key, msg));
    total += decodedLength(binary[key]);
  }
  // field.NewPath("") prints as "[]": the error is about the whole object.
  if (total > maxSecretSize) errs.push(fieldErrors.tooLong('[]', maxSecretSize));
  return errs;
}

/** ValidateConfigMapUpdate: once immutable, data, binaryData and the flag itself stay. */
export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old));
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(fieldErrors.forbidden('immutable', immutableWhenSet));
    if (!deepEqualJson(obj.data, old.data)) errs.push(fieldErrors.forbidden('data', immutableWhenSet));
    if (!deepEqualJson(obj.binaryData, old.binaryData)) errs.push(fieldErrors.forbidden('binaryData', immutableWhenSet));
  }
  errs.push(...validateConfigMap(obj));
  return errs;
}

export const configMapStrategy = defineStrategy({
  decodeError,
  applyDefaults,
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
  canonicalize,
});

export const configmaps = defineResource({
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  strategy: configMapStrategy,
});
