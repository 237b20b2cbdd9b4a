// k8s parity: apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm.go.
import { isPlainObject } from '@portico/api';
import { deepCopyJson, type StructuralSchema } from './structural';

const isNonNullableNull = (x: unknown, s: StructuralSchema | undefined): boolean => x === null && s !== undefined && !s.nullable;

/**
 * structuraldefaulting.Default: missing properties (and non-nullable nulls) get a copy of their
 * default first, then every field is descended into, so the defaults inside a defaulted object
 * apply too. A null array item or map value is replaced only where the node has a default: the
 * caller pruned the other non-nullable nulls before.
 */
export function applyStructuralDefaults(x: unknown, s: StructuralSchema | undefined): void {
  if (s === undefined) return;
  if (Array.isArray(x)) {
    const items = s.items;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items?.default !== undefined) x[i] = deepCopyJson(items.default);
      applyStructuralDefaults(x[i], items);
    }
    return;
  }
  if (!isPlainObject(x)) return;
  for (const [k, prop] of s.properties) {
    if (prop.default === undefined || prop.default === null) continue;
    if (!(k in x) || isNonNullableNull(x[k], prop)) x[k] = deepCopyJson(prop.default);
  }
  for (const k of Object.keys(x)) {
    const prop = s.properties.get(k);
    if (prop !== undefined) applyStructuralDefaults(x[k], prop);
    else if (s.additionalProperties !== undefined) {
      const ap = s.additionalProperties;
      if (isNonNullableNull(x[k], ap) && ap.default !== undefined) x[k] = deepCopyJson(ap.default);
      applyStructuralDefaults(x[k], ap);
    }
  }
}
