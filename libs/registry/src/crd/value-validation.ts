// k8s parity: apiextensions-apiserver pkg/apiserver/validation (validation.go: ConvertJSONSchemaProps,
// kubeOpenAPIResultToFieldErrors; formats.go) on top of kube-openapi pkg/validation/validate and
// errors (the message texts). ajv walks the schema; the checks whose outcome or wording depends on
// Go's decoded types (type, int64 vs float64, numeric bounds, int32/float ranges) are one custom
// keyword that does what kube-openapi's typeValidator and numberValidator do.
import { Ajv, type AnySchemaObject, type ErrorObject } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types';
import { compareBytes, fieldErrors, goQuote, isPlainObject, type FieldError, type JsonObject, type JsonValue } from '@portico/api';
import { stringFormat } from './formats';
import { goJsonMarshal } from '../patch/json';
import { goBadValue, goFloat, isGoInt64 } from './go-values';

/** Builds the field error once the failing value's kube-openapi name ("spec.items[0].name") is known. */
type PendingError = (name: string, field: string, prefix: string) => FieldError;

const valueKeyword = 'x-portico-value';

/** What kube-openapi's type and number validators need from one schema node. */
interface ValueRules {
  /** spec.Schema.Type after ConvertJSONSchemaProps: [type], or [integer, string] for int-or-string. */
  types: string[];
  nullable: boolean;
  /** The format after StripUnsupportedFormatsPostProcessor (empty when kube ignores it). */
  format: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum: boolean;
  exclusiveMaximum: boolean;
  multipleOf?: number;
}

/** schType/format of typeValidator.schemaInfoForType for a decoded JSON value. */
function goTypeOf(data: unknown): [string, string] {
  if (data === null) return ['null', ''];
  if (typeof data === 'boolean') return ['boolean', ''];
  if (typeof data === 'string') return ['string', ''];
  if (typeof data === 'number') return isGoInt64(data) ? ['integer', 'int64'] : ['number', 'float64'];
  if (Array.isArray(data)) return ['array', ''];
  return ['object', ''];
}

const maxJSONFloat = 2 ** 53;

/** swag.IsFloat64AJSONInteger. */
function isFloat64AJSONInteger(f: number): boolean {
  if (!Number.isFinite(f) || f < -maxJSONFloat || f > maxJSONFloat) return false;
  return Math.abs(f - Math.trunc(f)) < 1e-9;
}

const nilField = (prefix: string): string => (prefix === '' ? '<nil>' : prefix);

/** errors.InvalidType, mapped by kubeOpenAPIResultToFieldErrors to field.TypeInvalid. */
const invalidType =
  (typeName: string, value: string): PendingError =>
  (name, field) =>
    fieldErrors.typeInvalid(field, value, `${name} in body must be of type ${typeName}: ${goQuote(value)}`);

/** A plain error (not *errors.Validation): field.Invalid at the validator's root with value "". */
const plainError =
  (message: (name: string) => string): PendingError =>
  (name, _field, prefix) =>
    fieldErrors.invalid(nilField(prefix), '', message(name));

/** typeValidator.Validate. */
function checkType(r: ValueRules, data: unknown): PendingError[] {
  if (r.types.length === 0 && r.format === '') return [];
  const types = r.types;
  if (data === null) {
    return types.length > 0 && !types.includes('null') && !r.nullable ? [invalidType(types.join(','), 'null')] : [];
  }
  const [schType, format] = goTypeOf(data);
  const isFloatInt = schType === 'number' && typeof data === 'number' && isFloat64AJSONInteger(data) && types.includes('integer');
  const isIntFloat = schType === 'integer' && types.includes('number');
  const stringOrSlice = typeof data === 'string' || Array.isArray(data);
  if (!stringOrSlice && r.format !== '' && !(types.includes(schType) || format === r.format || isFloatInt || isIntFloat)) {
    return [invalidType(r.format, format)];
  }
  if (!(types.includes('number') || types.includes('integer')) && r.format !== '' && stringOrSlice) return [];
  if (!(types.includes(schType) || isFloatInt || isIntFloat)) return [invalidType(types.join(','), schType)];
  return [];
}

/** IsValueValidAgainstRange: whether a number fits the node's single numeric type and format. */
function fitsNumberType(v: number, typeName: string, format: string): boolean {
  if (typeName === 'integer') {
    if (!isGoInt64(v)) return false;
    return format !== 'int32' || (v >= -(2 ** 31) && v < 2 ** 31);
  }
  if (typeName === 'number' && format === 'float') return Math.abs(v) <= 3.4028234663852886e38;
  return true;
}

function rangeMessage(prefix: string, typeName: string, format: string): (name: string) => string {
  return (name) =>
    format !== ''
      ? `${prefix} value must be of type ${typeName} with format ${format} in ${name}`
      : `${prefix} value must be of type ${typeName} (default format) in ${name}`;
}

/** numberValidator.Validate. */
function checkNumber(r: ValueRules, data: number): PendingError[] {
  // numberValidator only knows the type (and its numeric format) when exactly one type is given.
  let typeName = '';
  let format = '';
  if (r.types.length === 1) {
    if (r.types[0] === 'integer') {
      typeName = 'integer';
      if (r.format === 'int32' || r.format === 'int64') format = r.format;
    } else if (r.types[0] === 'number') {
      typeName = 'number';
      if (r.format === 'float' || r.format === 'double') format = r.format;
    }
  }
  const errs: PendingError[] = [];
  if (!fitsNumberType(data, typeName, format)) errs.push(plainError(rangeMessage('Checked', typeName, format)));
  const native = isGoInt64(data);
  const invalid =
    (detail: (name: string) => string, value: unknown = data): PendingError =>
    (name, field) =>
      fieldErrors.invalid(field, goBadValue(value), detail(name));

  if (r.multipleOf !== undefined) {
    const factor = r.multipleOf;
    const boundOK = fitsNumberType(factor, typeName, format);
    if (!boundOK) errs.push(plainError(rangeMessage('MultipleOf', typeName, format)));
    if (boundOK && native) {
      // MultipleOfNativeType: the factor is truncated to int64 for an int64 value.
      const f = Math.trunc(factor);
      if (f <= 0) errs.push(invalid((name) => `factor MultipleOf declared for ${name} must be positive: ${f}`, f));
      else if (data % f !== 0) errs.push(invalid((name) => `${name} in body should be a multiple of ${f}`));
    } else if (factor <= 0) {
      errs.push(invalid((name) => `factor MultipleOf declared for ${name} must be positive: ${goFloat(factor)}`, factor));
    } else {
      const mult = factor < 1 ? (1 / factor) * data : data / factor;
      if (!isFloat64AJSONInteger(mult)) errs.push(invalid((name) => `${name} in body should be a multiple of ${goFloat(factor)}`));
    }
  }
  const bound = (limit: number | undefined, exclusive: boolean, upper: boolean): void => {
    if (limit === undefined) return;
    const boundOK = fitsNumberType(limit, typeName, format);
    if (!boundOK) errs.push(plainError(rangeMessage(upper ? 'Maximum boundary' : 'Minimum boundary', typeName, format)));
    // MaximumNativeType/MinimumNativeType compare an int64 value with the bound truncated to int64.
    const b = boundOK && native ? Math.trunc(limit) : limit;
    const text = boundOK && native ? String(b) : goFloat(limit);
    const fails = upper ? (exclusive ? data >= b : data > b) : exclusive ? data <= b : data < b;
    if (!fails) return;
    const relation = upper ? (exclusive ? 'less than' : 'less than or equal to') : exclusive ? 'greater than' : 'greater than or equal to';
    errs.push(invalid((name) => `${name} in body should be ${relation} ${text}`));
  };
  bound(r.maximum, r.exclusiveMaximum, true);
  bound(r.minimum, r.exclusiveMinimum, false);
  return errs;
}

/** The failures with the position of their validator in kube-openapi's order (see validatorRank). */
function checkValue(r: ValueRules, data: unknown): { pending: PendingError; rank: number }[] {
  const errs: { pending: PendingError; rank: number }[] = checkType(r, data).map((pending) => ({ pending, rank: validatorRank.type }));
  if (typeof data === 'number') for (const pending of checkNumber(r, data)) errs.push({ pending, rank: validatorRank.number });
  return errs;
}

/** StripUnsupportedFormatsPostProcessorForVersion at 1.33. */
function supportedFormat(format: string, types: string[]): string {
  if (format === '') return '';
  const schemaType = types.length === 1 ? types[0] : '';
  switch (schemaType) {
    case '':
    case 'string':
      return stringFormat(format) !== undefined ? format : '';
    case 'integer':
      return format === 'int32' || format === 'int64' ? format : '';
    case 'number':
      return format === 'float' || format === 'double' ? format : '';
    default:
      return '';
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Keywords ajv checks with the same outcome kube-openapi's string, slice, object and common
 * validators have, each with the shape it must have to be passed on (CRD validation rejects the
 * others; a stored CRD with one must still compile).
 */
const passThrough: Record<string, (v: unknown) => boolean> = {
  enum: Array.isArray,
  minLength: isCount,
  maxLength: isCount,
  pattern: (v) => typeof v === 'string',
  minItems: isCount,
  maxItems: isCount,
  uniqueItems: (v) => typeof v === 'boolean',
  minProperties: isCount,
  maxProperties: isCount,
  required: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
};

interface Conversion {
  formats: Set<string>;
  /** Composite keyword location → its branch schemas (for choosing which failures kube keeps). */
  branches: Map<string, JsonObject[]>;
}

/** ConvertJSONSchemaProps, into the ajv schema this module evaluates. */
function convert(schema: JsonObject, at: string, c: Conversion): AnySchemaObject {
  const out: AnySchemaObject = {};
  const types = schema['x-kubernetes-int-or-string'] === true ? ['integer', 'string'] : typeof schema['type'] === 'string' ? [schema['type']] : [];
  const format = supportedFormat(typeof schema['format'] === 'string' ? schema['format'] : '', types);
  const rules: ValueRules = {
    types,
    nullable: schema['nullable'] === true,
    format,
    exclusiveMinimum: schema['exclusiveMinimum'] === true,
    exclusiveMaximum: schema['exclusiveMaximum'] === true,
  };
  const minimum = num(schema['minimum']);
  const maximum = num(schema['maximum']);
  const multipleOf = num(schema['multipleOf']);
  if (minimum !== undefined) rules.minimum = minimum;
  if (maximum !== undefined) rules.maximum = maximum;
  if (multipleOf !== undefined) rules.multipleOf = multipleOf;
  if (types.length > 0 || format !== '' || minimum !== undefined || maximum !== undefined || multipleOf !== undefined) out[valueKeyword] = rules;
  if (format !== '' && stringFormat(format) !== undefined) {
    out['format'] = format;
    c.formats.add(format);
  }
  for (const [k, valid] of Object.entries(passThrough)) if (valid(schema[k])) out[k] = schema[k];

  const props = schema['properties'];
  if (isPlainObject(props)) {
    const converted: Record<string, AnySchemaObject> = {};
    // Sorted, so that errors come out in a stable order (Go visits its maps at random).
    for (const k of Object.keys(props).sort()) {
      const sub = props[k];
      if (isPlainObject(sub)) converted[k] = convert(sub as JsonObject, `${at}/properties/${escapePointer(k)}`, c);
    }
    out['properties'] = converted;
  }
  const additional = schema['additionalProperties'];
  if (additional === false) out['additionalProperties'] = false;
  else if (isPlainObject(additional)) out['additionalProperties'] = convert(additional as JsonObject, `${at}/additionalProperties`, c);
  const items = schema['items'];
  if (isPlainObject(items)) out['items'] = convert(items as JsonObject, `${at}/items`, c);

  // kube-openapi checks only type and enum on a null, so the junctors sit behind "not null".
  const junctors: AnySchemaObject = {};
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[k];
    if (!Array.isArray(list)) continue;
    const branches = list.filter((b): b is JsonObject => isPlainObject(b));
    c.branches.set(`${at}/else/${k}`, branches);
    junctors[k] = branches.map((b, i) => convert(b, `${at}/else/${k}/${i}`, c));
  }
  const not = schema['not'];
  if (isPlainObject(not)) junctors['not'] = convert(not as JsonObject, `${at}/else/not`, c);
  if (Object.keys(junctors).length > 0) {
    out['if'] = { type: 'null' };
    out['else'] = junctors;
  }
  return out;
}

const escapePointer = (k: string): string => k.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapePointer = (k: string): string => k.replaceAll('~1', '/').replaceAll('~0', '~');

/** The kube-openapi name of the value at a JSON pointer: "spec.items[0].name". */
function nameAt(root: unknown, pointer: string): string {
  if (pointer === '') return '';
  let name = '';
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur)) {
      name = `${name}[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      name = name === '' ? seg : `${name}.${seg}`;
      cur = isPlainObject(cur) ? cur[seg] : undefined;
    }
  }
  return name;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapePointer(raw);
    cur = Array.isArray(cur) ? cur[Number(seg)] : isPlainObject(cur) ? cur[seg] : undefined;
  }
  return cur;
}

/** How many instance levels a schema location descends (properties/x, items, additionalProperties). */
function instanceDepth(schemaPath: string): number {
  const segs = schemaPath.replace(/^#\/?/, '').split('/').filter((s) => s !== '');
  let depth = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === 'properties') {
      depth++;
      i++;
    } else if (s === 'items' || s === 'additionalProperties') depth++;
    else if (s === 'allOf' || s === 'anyOf' || s === 'oneOf') i++;
  }
  return depth;
}

const truncatePointer = (pointer: string, depth: number): string => (depth === 0 ? '' : `/${pointer.slice(1).split('/').slice(0, depth).join('/')}`);

/**
 * A stand-in for kube-openapi's MatchCount (how many checks of a failing branch passed), used to
 * pick the branch whose failures are reported: a branch whose type fits the value wins, then the
 * one that names more of the object's fields; ties go to the first branch, as in Go.
 */
function matchScore(branch: JsonObject, data: unknown): number {
  let score = 0;
  const type = branch['type'];
  if (typeof type === 'string') {
    const [schType] = goTypeOf(data);
    if (type === schType || (type === 'number' && schType === 'integer')) score += 10;
  }
  const props = branch['properties'];
  if (isPlainObject(props) && isPlainObject(data)) for (const k of Object.keys(props)) if (k in data) score++;
  return score;
}

const composite = (at: string): { path: string; keyword: string; index: number } | undefined => {
  const m = /^(.*\/(allOf|anyOf|oneOf))\/(\d+)(?:\/|$)/.exec(at);
  return m ? { path: m[1] as string, keyword: m[2] as string, index: Number(m[3]) } : undefined;
};

/** ajv's failures, reduced to the ones kube-openapi reports, with the junctors' own messages. */
function selectErrors(errors: ErrorObject[], data: unknown, c: Conversion): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const under = (e: ErrorObject, path: string, instancePath: string): boolean =>
    e.schemaPath.startsWith(`${path}/`) && (e.instancePath === instancePath || e.instancePath.startsWith(`${instancePath}/`));

  errors.forEach((e, idx) => {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') return;
    const inner = errors.slice(0, idx).filter((x) => !dropped.has(x) && under(x, e.schemaPath, e.instancePath));
    const passing: unknown = e.params['passingSchemas'];
    if (Array.isArray(passing)) {
      // More than one oneOf branch passed: kube-openapi keeps no branch failures.
      for (const x of inner) dropped.add(x);
      return;
    }
    const branches = c.branches.get(e.schemaPath) ?? [];
    const value = valueAt(data, e.instancePath);
    let best = -1;
    let bestScore = -1;
    branches.forEach((b, i) => {
      const s = matchScore(b, value);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    });
    const prefix = `${e.schemaPath}/${best}`;
    for (const x of inner) if (!(x.schemaPath === prefix || x.schemaPath.startsWith(`${prefix}/`))) dropped.add(x);
  });

  const kept = errors.filter((e) => !dropped.has(e));
  // ajv reports no error of its own for allOf: add kube-openapi's after the branches' failures.
  const out: ErrorObject[] = [];
  const allOfFailures = new Map<string, { last: ErrorObject; failing: Set<number>; path: string; instancePath: string }>();
  for (const e of kept) {
    let at = e.schemaPath;
    for (let m = composite(at); m !== undefined; m = composite(at)) {
      if (m.keyword === 'allOf') {
        const instancePath = truncatePointer(e.instancePath, instanceDepth(m.path));
        const key = `${m.path}\u0000${instancePath}`;
        const entry = allOfFailures.get(key) ?? { last: e, failing: new Set<number>(), path: m.path, instancePath };
        entry.failing.add(m.index);
        entry.last = e;
        allOfFailures.set(key, entry);
      }
      at = m.path.slice(0, -m.keyword.length - 1);
    }
  }
  const after = new Map<ErrorObject, ErrorObject[]>();
  for (const entry of allOfFailures.values()) {
    const total = c.branches.get(entry.path)?.length ?? 0;
    const synthetic: ErrorObject = {
      keyword: 'allOf',
      instancePath: entry.instancePath,
      schemaPath: entry.path,
      params: { noneValidated: entry.failing.size >= total },
    };
    after.set(entry.last, [...(after.get(entry.last) ?? []), synthetic]);
  }
  for (const e of kept) {
    out.push(e);
    out.push(...(after.get(e) ?? []));
  }
  return out;
}

/**
 * Where each validator of a schema node runs in kube-openapi's SchemaValidator (type, junctors,
 * string, format, number, slice, common, object), and inside the slice and object validators.
 */
const validatorRank = {
  type: 1,
  junctors: 2,
  string: 3,
  format: 4,
  number: 5,
  items: 6,
  sliceCounts: 7,
  enum: 8,
  propertyCounts: 9,
  additionalProperties: 10,
  properties: 11,
  required: 12,
} as const;

const keywordRank: Record<string, number> = {
  minLength: validatorRank.string,
  maxLength: validatorRank.string,
  pattern: validatorRank.string,
  format: validatorRank.format,
  minItems: validatorRank.sliceCounts,
  maxItems: validatorRank.sliceCounts,
  uniqueItems: validatorRank.sliceCounts,
  enum: validatorRank.enum,
  minProperties: validatorRank.propertyCounts,
  maxProperties: validatorRank.propertyCounts,
  additionalProperties: validatorRank.additionalProperties,
  required: validatorRank.required,
};

// anyOf, oneOf, allOf, not run in this order; anyOf/oneOf/not add their message before the
// failures they keep, allOf after.
const junctorRank: Record<string, number> = { anyOf: 0, oneOf: 1, allOf: 2, not: 3 };

type SortKey = (number | string)[];

/** The position of an error in kube-openapi's depth-first walk, read off ajv's schema and instance paths. */
function sortKey(e: ErrorObject): SortKey {
  const segs = e.schemaPath.split('/').slice(1).map(unescapePointer);
  const inst = e.instancePath === '' ? [] : e.instancePath.split('/').slice(1).map(unescapePointer);
  const key: SortKey = [];
  let ii = 0;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    if (seg === 'properties' && !last) {
      key.push(validatorRank.properties, segs[++i] as string);
      ii++;
    } else if (seg === 'items' && !last) {
      key.push(validatorRank.items, Number(inst[ii++]));
    } else if (seg === 'additionalProperties' && !last) {
      key.push(validatorRank.additionalProperties, inst[ii++] ?? '');
    } else if (seg === 'else') {
      continue;
    } else if (seg in junctorRank) {
      const branch = last ? undefined : segs[i + 1];
      if (branch !== undefined && /^\d+$/.test(branch)) {
        key.push(validatorRank.junctors, junctorRank[seg] as number, Number(branch));
        i++;
      } else {
        key.push(validatorRank.junctors, junctorRank[seg] as number, seg === 'allOf' ? Number.MAX_SAFE_INTEGER : -1);
      }
    } else if (seg === valueKeyword) {
      key.push(typeof e.params['rank'] === 'number' ? e.params['rank'] : validatorRank.type);
    } else {
      key.push(keywordRank[seg] ?? validatorRank.type);
    }
  }
  return key;
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'string' && typeof y === 'string') return compareBytes(x, y);
    return typeof x === 'number' ? -1 : 1;
  }
  return a.length - b.length;
}

/** ajv's errors in the order kube-openapi reports them (object keys in byte order, where Go's are random). */
function kubeOrder(errors: ErrorObject[]): ErrorObject[] {
  const keyed = errors.map((e) => ({ e, key: sortKey(e) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.map((k) => k.e);
}

const join = (prefix: string, name: string): string => (name === '' ? prefix : prefix === '' ? name : `${prefix}.${name}`);

/** kubeOpenAPIResultToFieldErrors for one ajv failure. */
function toFieldErrors(e: ErrorObject, data: unknown, prefix: string): FieldError[] {
  const name = nameAt(data, e.instancePath);
  const field = name === '' ? nilField(prefix) : join(prefix, name);
  const value = valueAt(data, e.instancePath);
  const p = e.params;
  const n = (k: string): number => (typeof p[k] === 'number' ? (p[k] as number) : -1);
  const size = (): number => (Array.isArray(value) ? value.length : isPlainObject(value) ? Object.keys(value).length : 0);
  switch (e.keyword) {
    case valueKeyword: {
      const pending: unknown = p['pending'];
      return typeof pending === 'function' ? [(pending as PendingError)(name, field, prefix)] : [];
    }
    case 'format':
      return [fieldErrors.typeInvalid(field, value, `${name} in body must be of type ${String(p['format'])}: ${goQuote(String(value))}`)];
    case 'required': {
      const missing = String(p['missingProperty']);
      return [fieldErrors.required(join(prefix, name === '' ? missing : `${name}.${missing}`))];
    }
    case 'enum': {
      const allowed: unknown = p['allowedValues'];
      const values = Array.isArray(allowed) ? allowed.map((v: unknown) => (typeof v === 'string' ? v : goJsonMarshal(v as JsonValue))) : [];
      return [fieldErrors.notSupported(field, goBadValue(value), values)];
    }
    case 'maxLength':
      return [fieldErrors.tooLong(field, n('limit'))];
    case 'minLength':
      return [fieldErrors.invalid(field, value, `${name} in body should be at least ${n('limit')} chars long`)];
    case 'pattern':
      return [fieldErrors.invalid(field, value, `${name} in body should match '${String(p['pattern'])}'`)];
    case 'maxItems':
      return [fieldErrors.tooMany(field, size(), n('limit'))];
    case 'minItems':
      return [fieldErrors.invalid(field, size(), `${name} in body should have at least ${n('limit')} items`)];
    case 'uniqueItems':
      return [fieldErrors.invalid(field, '', `${name} in body shouldn't contain duplicates`)];
    case 'maxProperties':
      return [fieldErrors.tooMany(field, size(), n('limit'))];
    case 'minProperties':
      return [fieldErrors.invalid(field, size(), `${name} in body should have at least ${n('limit')} properties`)];
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      return [fieldErrors.invalid(field, key, `${name}.${key} in body is a forbidden property`)];
    }
    case 'anyOf':
      return [fieldErrors.invalid(nilField(prefix), '', `${goQuote(name)} must validate at least one schema (anyOf)`)];
    case 'oneOf': {
      const passing: unknown = p['passingSchemas'];
      const found = Array.isArray(passing) ? `Found ${passing.length} valid alternatives` : 'Found none valid';
      return [fieldErrors.invalid(nilField(prefix), '', `${goQuote(name)} must validate one and only one schema (oneOf). ${found}`)];
    }
    case 'allOf':
      return [
        fieldErrors.invalid(nilField(prefix), '', `${goQuote(name)} must validate all the schemas (allOf)${p['noneValidated'] === true ? '. None validated' : ''}`),
      ];
    case 'not':
      return [fieldErrors.invalid(nilField(prefix), '', `${goQuote(name)} must not validate the schema (not)`)];
    default:
      // "if"/"else" are this module's wrapping; everything else is reported by its own keyword.
      return [];
  }
}

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * Go's regexp (RE2) syntax as JavaScript: leading inline flags, \z, \pL, named groups (?P<n>)
 * and POSIX classes. A pattern JavaScript still cannot compile is not enforced rather than failing
 * every value: kube-apiserver compiled it, so it is valid RE2.
 */
function goRegExp(pattern: string, flags: string): { test: (s: string) => boolean } {
  let source = pattern;
  let extra = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1] as string) if (f === 'i' || f === 'm' || f === 's') extra += f;
  }
  source = source
    .replaceAll('\\z', '$')
    .replaceAll('(?P<', '(?<')
    .replace(/\\([pP])([A-Z])/g, '\\$1{$2}')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m: string, neg: string, name: string) => {
      const cls = posixClasses[name];
      return cls === undefined ? m : neg === '' ? cls : m;
    });
  try {
    return new RegExp(source, flags + extra);
  } catch {
    return { test: () => true };
  }
}

function newAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    addUsedSchema: false,
    unicodeRegExp: true,
    code: { regExp: Object.assign(goRegExp, { code: 'goRegExp' }) as never },
  });
  ajv.addKeyword({
    keyword: valueKeyword,
    schemaType: 'object',
    errors: true,
    compile(rules: ValueRules): DataValidateFunction {
      const fn: DataValidateFunction = (data: unknown) => {
        const pending = checkValue(rules, data);
        if (pending.length === 0) return true;
        fn.errors = pending.map((p) => ({ keyword: valueKeyword, params: p }));
        return false;
      };
      return fn;
    },
  });
  return ajv;
}

export interface ValueValidator {
  /** Every failure of the value against the schema; `prefix` roots the paths (as ValidateCustomResource's fldPath). */
  validate(value: unknown, prefix?: string): FieldError[];
}

let shared: Ajv | undefined;
const registeredFormats = new Set<string>();

/** NewSchemaValidator for one openAPIV3Schema, compiled once. */
export function compileValueValidator(schema: JsonObject | JsonValue): ValueValidator {
  const c: Conversion = { formats: new Set(), branches: new Map() };
  const converted = isPlainObject(schema) ? convert(schema as JsonObject, '#', c) : {};
  // One ajv for every schema: creating one costs milliseconds, and compiled functions outlive it.
  const ajv = (shared ??= newAjv());
  for (const f of c.formats) {
    const check = stringFormat(f);
    if (check === undefined || registeredFormats.has(f)) continue;
    ajv.addFormat(f, { type: 'string', validate: check });
    registeredFormats.add(f);
  }
  const run = ajv.compile(converted);
  // Forget the schema so that recompiled CRDs do not pile up in ajv's cache.
  ajv.removeSchema(converted);
  return {
    validate(value, prefix = '') {
      if (run(value)) return [];
      const errors = kubeOrder(selectErrors(run.errors ?? [], value, c));
      return errors.flatMap((e) => toFieldErrors(e, value, prefix));
    },
  };
}
