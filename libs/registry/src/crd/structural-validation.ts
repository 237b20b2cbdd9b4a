// k8s parity: apiextensions-apiserver pkg/apiserver/schema/listtype/validation.go
// (ValidateListSetsAndMaps) and objectmeta/validation.go (embedded resources' TypeMeta/ObjectMeta),
// the two structural checks the custom-resource strategy runs after OpenAPI validation.
import {
  FieldPath,
  fieldErrors,
  isDNS1035Label,
  isPlainObject,
  validateObjectMeta,
  validatePathSegmentName,
  type FieldError,
  type JsonValue,
  type ObjectMeta,
} from '@portico/api';
import { goJsonMarshal } from '../patch/json';
import { goBadValue } from './go-values';
import { asResourceRoot, type StructuralSchema } from './structural';

const unspecifiedKey = Symbol('unspecifiedKeyValue');

/** validateListSet: the index of each value's second appearance. */
function nonUniqueIndices(values: readonly unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<unknown, number>();
  const out: number[] = [];
  values.forEach((x, i) => {
    // Go compares scalars as interface values (int64 1 and float64 1 differ; here they cannot) and
    // compounds by their JSON.
    const key = Array.isArray(x) || isPlainObject(x) ? `\u0000${goJsonMarshal(x as JsonValue)}` : typeof x === 'string' ? `s${x}` : x;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

function validateListMap(path: FieldPath, s: StructuralSchema, list: readonly unknown[]): FieldError[] {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== null && !isPlainObject(x)) {
      return [fieldErrors.invalid(String(path.index(i)), goBadValue(x), 'must be an object for an array of list-type map')];
    }
  }
  if (list.length <= 1) return [];
  if (s.listMapKeys.length === 1) {
    const keyField = s.listMapKeys[0] as string;
    const keys = list.map((x) => (isPlainObject(x) && keyField in x ? x[keyField] : unspecifiedKey));
    return nonUniqueIndices(keys).map((i) => {
      const k = keys[i];
      return fieldErrors.duplicate(String(path.index(i)), goBadValue(k === unspecifiedKey ? {} : { [keyField]: k }));
    });
  }
  const keys = list.map((x) => {
    const key: Record<string, unknown> = {};
    if (isPlainObject(x)) for (const f of s.listMapKeys) if (f in x) key[f] = x[f];
    return key;
  });
  return nonUniqueIndices(keys).map((i) => fieldErrors.duplicate(String(path.index(i)), goBadValue(keys[i])));
}

function listSetsAndMapsOf(path: FieldPath, s: StructuralSchema, x: unknown): FieldError[] {
  if (Array.isArray(x)) {
    const errs: FieldError[] = [];
    if (s.listType === 'set') for (const i of nonUniqueIndices(x)) errs.push(fieldErrors.duplicate(String(path.index(i)), goBadValue(x[i])));
    else if (s.listType === 'map') errs.push(...validateListMap(path, s, x));
    if (s.items !== undefined) x.forEach((v, i) => errs.push(...listSetsAndMapsOf(path.index(i), s.items as StructuralSchema, v)));
    return errs;
  }
  if (isPlainObject(x)) return validateListSetsAndMaps(path, s, x);
  return [];
}

/** ValidateListSetsAndMaps: x-kubernetes-list-type set and map uniqueness, as Duplicate value errors. */
export function validateListSetsAndMaps(path: FieldPath, s: StructuralSchema, obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const keys = Object.keys(obj).sort();
  if (s.additionalProperties !== undefined) for (const k of keys) errs.push(...listSetsAndMapsOf(path.key(k), s.additionalProperties, obj[k]));
  for (const k of keys) {
    const sub = s.properties.get(k);
    if (sub !== undefined) errs.push(...listSetsAndMapsOf(path.child(k), sub, obj[k]));
  }
  return errs;
}

/** schema.ParseGroupVersion's error for an apiVersion with more than one slash. */
function parseGroupVersionError(apiVersion: string): string | undefined {
  return apiVersion.split('/').length > 2 ? `unexpected GroupVersion string: ${apiVersion}` : undefined;
}

function validateEmbeddedResource(path: FieldPath, x: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  if (!('apiVersion' in x)) errs.push(fieldErrors.required(String(path.child('apiVersion'))));
  if (!('kind' in x)) errs.push(fieldErrors.required(String(path.child('kind'))));
  for (const k of Object.keys(x).sort()) {
    const v = x[k];
    if (k === 'apiVersion') {
      const p = String(path.child('apiVersion'));
      if (typeof v !== 'string') errs.push(fieldErrors.invalid(p, goBadValue(v), 'must be a string'));
      else if (v.length === 0) errs.push(fieldErrors.invalid(p, v, 'must not be empty'));
      else {
        const err = parseGroupVersionError(v);
        if (err !== undefined) errs.push(fieldErrors.invalid(p, v, err));
      }
    } else if (k === 'kind') {
      const p = String(path.child('kind'));
      if (typeof v !== 'string') errs.push(fieldErrors.invalid(p, goBadValue(v), 'must be a string'));
      else if (v.length === 0) errs.push(fieldErrors.invalid(p, v, 'must not be empty'));
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length > 0) errs.push(fieldErrors.invalid(p, v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
      }
    } else if (k === 'metadata' && isPlainObject(v)) {
      const meta = { ...v } as ObjectMeta;
      // An embedded object may leave its name to whoever creates it.
      if (typeof meta.name !== 'string' || meta.name.length === 0) meta.name = 'fakename';
      const namespaced = typeof meta.namespace === 'string' && meta.namespace.length > 0;
      errs.push(...validateObjectMeta(meta, { namespaced, nameValidator: validatePathSegmentName, path: path.child('metadata') }));
    }
  }
  return errs;
}

function validateEmbedded(path: FieldPath, x: unknown, s: StructuralSchema | undefined): FieldError[] {
  if (s === undefined) return [];
  if (Array.isArray(x)) return x.flatMap((v, i) => validateEmbedded(path.index(i), v, s.items));
  if (!isPlainObject(x)) return [];
  const errs: FieldError[] = s.embeddedResource ? validateEmbeddedResource(path, x) : [];
  for (const k of Object.keys(x).sort()) {
    const prop = s.properties.get(k);
    if (prop !== undefined) errs.push(...validateEmbedded(path.child(k), x[k], prop));
    else if (s.additionalProperties !== undefined) errs.push(...validateEmbedded(path.key(k), x[k], s.additionalProperties));
  }
  return errs;
}

/**
 * objectmeta.Validate: apiVersion/kind/metadata of x-kubernetes-embedded-resource objects (and of
 * the value itself when isResourceRoot).
 */
export function validateEmbeddedResources(path: FieldPath, x: unknown, s: StructuralSchema, isResourceRoot: boolean): FieldError[] {
  return validateEmbedded(path, x, isResourceRoot ? asResourceRoot(s) : s);
}
