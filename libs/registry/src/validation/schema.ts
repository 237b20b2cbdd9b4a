// The generic checks every built-in kind gets from its OpenAPI schema (the generated tables):
// what Go's JSON decoder refuses (a string where an int32 is expected, an int32 out of range, a
// quantity that does not parse, a timestamp that is not RFC 3339, base64 that is not), the
// declarative defaults (`+default` markers: ContainerPort.protocol, ServicePort.protocol,
// ReplicationControllerSpec.replicas), and the canonical JSON form of quantities and times.
//
// Decode errors come back as the text kube-apiserver puts after `<Kind> in version "v1" cannot be
// handled as a <Kind>: `, e.g. `json: cannot unmarshal string into Go struct field
// PodSpec.spec.containers.ports.containerPort of type int32`: the innermost Go struct, then the
// JSON path from the root (no indexes), as encoding/json reports them.
//
// Differences from Go: named string types (v1.RestartPolicy) are reported as `string`, and named
// map types other than ResourceList as `map[string]…`; the schema does not carry Go type names.
import { type FieldError, fieldErrors } from '@portico/api';
import { decodeGoBase64, jsonKind, parseGoTime, formatGoTime } from '../codec';
import { openapiSchemaNameForKind, openapiSchemas, type SchemaNode } from '../generated';
import { canonicalQuantity, quantityFormatError } from './quantity';

const quantityRef = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const intOrStringRef = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const timeRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const microTimeRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
/** Types that take any JSON (runtime.RawExtension, managed fields' FieldsV1). */
const anyJson = new Set(['io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `io.k8s.api.core.v1.Container` → `v1.Container`, the way Go prints a type. */
function goTypeOfRef(ref: string): string {
  const parts = ref.split('.');
  const name = parts[parts.length - 1] as string;
  const pkg = parts[parts.length - 2] as string;
  return `${pkg}.${name}`;
}

const shortName = (ref: string): string => ref.slice(ref.lastIndexOf('.') + 1);

/** The Go type a schema node decodes into, as encoding/json names it in type errors. */
function goType(node: SchemaNode | undefined): string {
  if (node === undefined) return 'interface {}';
  if (node.ref !== undefined) return goTypeOfRef(node.ref);
  switch (node.type) {
    case 'string':
      return node.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${goType(node.items)}`;
    case 'object': {
      const ap = node.additionalProperties;
      if (typeof ap === 'object') {
        if (ap.ref === quantityRef) return 'v1.ResourceList';
        return `map[string]${goType(ap)}`;
      }
      return 'map[string]interface {}';
    }
  }
  return 'interface {}';
}

/** Resolves a ref to its definition; siblings of the ref (default, description) stay on `node`. */
function resolve(node: SchemaNode): SchemaNode {
  if (node.ref === undefined) return node;
  return openapiSchemas[node.ref] ?? {};
}

interface Context {
  /** The innermost Go struct's name and the JSON field path (no indexes). */
  struct: string;
  field: string;
  /** First type error (encoding/json keeps decoding and reports it at the end). */
  soft?: string;
  /** First error from an Unmarshaler (it stops decoding at once, and wins over `soft`). */
  hard?: string;
  /** Field errors for the same problems, with indexed paths. */
  fieldErrors: FieldError[];
}

const typeError = (jsonKindText: string, ctx: Context, type: string): string =>
  ctx.struct === ''
    ? `json: cannot unmarshal ${jsonKindText} into Go value of type ${type}`
    : `json: cannot unmarshal ${jsonKindText} into Go struct field ${ctx.struct}.${ctx.field} of type ${type}`;

function soft(ctx: Context, msg: string, path: string, value: unknown, detail: string): void {
  ctx.soft ??= msg;
  ctx.fieldErrors.push(fieldErrors.typeInvalid(path, value, detail));
}

function hard(ctx: Context, msg: string, path: string, value: unknown): void {
  ctx.hard ??= msg;
  ctx.fieldErrors.push(fieldErrors.invalid(path, value, msg));
}

const int32Range = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const int64Range = { min: -(2 ** 63), max: 2 ** 63 - 1 };

function checkValue(value: unknown, node: SchemaNode, ctx: Context, path: string): void {
  if (value === null || value === undefined) return;
  const ref = node.ref;
  if (ref === quantityRef) {
    if (canonicalQuantity(value) === undefined) hard(ctx, quantityFormatError, path, value);
    return;
  }
  if (ref === intOrStringRef) {
    if (typeof value === 'string') return;
    if (typeof value === 'number' && Number.isInteger(value) && value >= int32Range.min && value <= int32Range.max) return;
    const what = typeof value === 'number' ? `number ${value}` : jsonKind(value);
    hard(ctx, `json: cannot unmarshal ${what} into Go value of type int32`, path, value);
    return;
  }
  if (ref === timeRef || ref === microTimeRef) {
    if (typeof value !== 'string') {
      hard(ctx, `json: cannot unmarshal ${jsonKind(value)} into Go value of type string`, path, value);
      return;
    }
    const t = parseGoTime(value, ref === microTimeRef);
    if ('error' in t) hard(ctx, t.error, path, value);
    return;
  }
  if (ref !== undefined && anyJson.has(ref)) return;
  const def = resolve(node);
  if (def.preserveUnknownFields || (ref !== undefined && def.type === undefined && def.properties === undefined)) return;
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') {
        soft(ctx, typeError(jsonKind(value), ctx, goType(node)), path, value, `expected ${def.format === 'byte' ? 'base64 string' : 'string'}`);
        return;
      }
      if (def.format === 'byte') {
        const d = decodeGoBase64(value);
        if ('error' in d) soft(ctx, d.error, path, value, d.error);
      }
      return;
    case 'integer': {
      const range = def.format === 'int32' ? int32Range : int64Range;
      if (typeof value !== 'number') {
        soft(ctx, typeError(jsonKind(value), ctx, goType(node)), path, value, 'expected integer');
        return;
      }
      if (!Number.isInteger(value) || value < range.min || value > range.max) {
        soft(ctx, typeError(`number ${value}`, ctx, goType(node)), path, value, `expected ${def.format ?? 'int64'}`);
      }
      return;
    }
    case 'number':
      if (typeof value !== 'number') soft(ctx, typeError(jsonKind(value), ctx, 'float64'), path, value, 'expected number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') soft(ctx, typeError(jsonKind(value), ctx, 'bool'), path, value, 'expected boolean');
      return;
    case 'array':
      if (!Array.isArray(value)) {
        soft(ctx, typeError(jsonKind(value), ctx, goType(node)), path, value, 'expected array');
        return;
      }
      if (def.items !== undefined) value.forEach((v, i) => checkValue(v, def.items as SchemaNode, ctx, `${path}[${i}]`));
      return;
    case 'object':
    case undefined: {
      if (!isObj(value)) {
        if (def.type === undefined && def.properties === undefined) return;
        soft(ctx, typeError(jsonKind(value), ctx, goType(node)), path, value, 'expected object');
        return;
      }
      if (def.properties !== undefined) {
        const inner: Context = ref !== undefined ? { ...ctx, struct: shortName(ref) } : ctx;
        for (const [k, v] of Object.entries(value)) {
          const prop = def.properties[k];
          if (prop === undefined) continue;
          const sub: Context = { ...inner, field: ctx.field === '' ? k : `${ctx.field}.${k}` };
          checkValue(v, prop, sub, path === '' ? k : `${path}.${k}`);
          ctx.soft ??= sub.soft;
          ctx.hard ??= sub.hard;
        }
        return;
      }
      const ap = def.additionalProperties;
      if (typeof ap === 'object') for (const [k, v] of Object.entries(value)) checkValue(v, ap, ctx, `${path}[${k}]`);
      return;
    }
  }
}

/** The schema definition that describes a kind, if the tables have one. */
export function schemaNameForKind(group: string, version: string, kind: string): string | undefined {
  return openapiSchemaNameForKind(group, version, kind);
}

/**
 * What Go's decoder rejects in `obj` decoded into the type `schemaName`: the error text of the
 * first problem (an Unmarshaler's error wins over a plain type mismatch, as in encoding/json),
 * and every problem as a field error with its indexed path.
 */
export function checkAgainstSchema(obj: unknown, schemaName: string): { decodeError?: string; fieldErrors: FieldError[] } {
  const ctx: Context = { struct: shortName(schemaName), field: '', fieldErrors: [] };
  const def = openapiSchemas[schemaName];
  if (def !== undefined && isObj(obj) && def.properties !== undefined) {
    for (const [k, v] of Object.entries(obj)) {
      const prop = def.properties[k];
      if (prop === undefined) continue;
      const sub: Context = { ...ctx, field: k };
      checkValue(v, prop, sub, k);
      ctx.soft ??= sub.soft;
      ctx.hard ??= sub.hard;
    }
  }
  const decodeError = ctx.hard ?? ctx.soft;
  return decodeError === undefined ? { fieldErrors: ctx.fieldErrors } : { decodeError, fieldErrors: ctx.fieldErrors };
}

/** The decoder's error text for `obj`, or undefined when it decodes. */
export function schemaDecodeError(obj: unknown, schemaName: string): string | undefined {
  return checkAgainstSchema(obj, schemaName).decodeError;
}

const objectMetaRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * Applies the schema's defaults where a value is absent: the declarative `+default`s, and the zero
 * values Go always writes for fields that are neither pointers nor omitempty (`"status": {}`,
 * `"resources": {}`, `"port": 0`), so stored objects have the shape kube-apiserver gives them.
 * Also rewrites quantities and times to the form Go marshals them in. Mutates.
 */
export function applySchemaDefaults(obj: unknown, schemaName: string): void {
  const def = openapiSchemas[schemaName];
  if (def !== undefined && isObj(obj)) walkDefaults(obj, def, schemaName);
}

/** The Go zero value of a struct type, as JSON (its non-omitempty fields filled in). */
export function zeroValueOf(schemaName: string): Json {
  const out: Json = {};
  applySchemaDefaults(out, schemaName);
  return out;
}

function walkDefaults(value: Json, def: SchemaNode, name?: string): void {
  if (def.properties === undefined) {
    const ap = def.additionalProperties;
    if (typeof ap === 'object') for (const k of Object.keys(value)) value[k] = normalized(value[k], ap);
    return;
  }
  for (const [k, prop] of Object.entries(def.properties)) {
    const v = value[k];
    const d = prop.default;
    if (d !== undefined && (v === undefined || v === null || (v === '' && typeof d === 'string' && d !== ''))) {
      value[k] = structuredClone(d);
      if (isObj(value[k])) value[k] = normalized(value[k], prop);
      continue;
    }
    if (v !== undefined) value[k] = normalized(v, prop);
  }
  // metav1.Time is a struct: Go writes an unset creationTimestamp as null (templates show it).
  if (name === objectMetaRef && !('creationTimestamp' in value)) value.creationTimestamp = null;
}

/** One value in canonical form (quantities, times), its children defaulted. */
function normalized(v: unknown, node: SchemaNode): unknown {
  if (v === null || v === undefined) return v;
  if (node.ref === quantityRef) return canonicalQuantity(v) ?? v;
  if (node.ref === timeRef || node.ref === microTimeRef) {
    if (typeof v !== 'string') return v;
    const t = parseGoTime(v, node.ref === microTimeRef);
    return 'error' in t ? v : formatGoTime(t, node.ref === microTimeRef);
  }
  if (node.ref === intOrStringRef || (node.ref !== undefined && anyJson.has(node.ref))) return v;
  const def = resolve(node);
  if (def.type === 'array' && Array.isArray(v) && def.items !== undefined) {
    const items = def.items;
    return v.map((x) => normalized(x, items));
  }
  if (isObj(v) && (def.properties !== undefined || typeof def.additionalProperties === 'object')) walkDefaults(v, def, node.ref);
  return v;
}
