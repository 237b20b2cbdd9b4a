// Typed values for server-side apply: the OpenAPI tables seen as structured-merge-diff atoms, and
// the walks SSA needs over a document with its schema (validate, field set, compare, merge,
// remove). k8s parity: kube-openapi pkg/schemaconv (ToSchemaFromOpenAPI) and
// sigs.k8s.io/structured-merge-diff typed (validate.go, tofieldset.go, compare.go, merge.go,
// remove.go), including their empty/null "leaf" rules and duplicate-key handling.
import { goQuote } from '@portico/api';
import { openapiSchemas, type SchemaNode } from '../generated';
import { FieldSet, fieldElement, indexElement, keyElement, pathElementString, serializePathElement, valueElement, type PathElement } from './fieldpath';
import { goTypeName, goV, isObject, jsonEqual, type JsonObject, type JsonValue } from './json';

export type Scalar = 'numeric' | 'string' | 'boolean' | 'untyped';

export interface TypeRef {
  named?: string;
  inline?: Atom;
  /** A field-level x-kubernetes-map-type override of the referenced type. */
  elementRelationship?: 'atomic' | 'separable';
}

export interface ListAtom {
  elementType: TypeRef;
  relationship: 'atomic' | 'associative';
  keys: readonly string[];
}

export interface MapAtom {
  fields: ReadonlyMap<string, { type: TypeRef; default?: JsonValue }>;
  /** The type of keys that are not fields; undefined when there may be none (a closed struct). */
  elementType?: TypeRef;
  relationship: 'atomic' | 'separable' | '';
}

export interface Atom {
  scalar?: Scalar;
  list?: ListAtom;
  map?: MapAtom;
}

export const untypedAtomicName = '__untyped_atomic_';
export const deducedName = '__untyped_deduced_';
const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const rawExtensionName = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

const untypedAtomic: Atom = {
  scalar: 'untyped',
  list: { elementType: { named: untypedAtomicName }, relationship: 'atomic', keys: [] },
  map: { fields: new Map(), elementType: { named: untypedAtomicName }, relationship: 'atomic' },
};
const deduced: Atom = {
  scalar: 'untyped',
  list: { elementType: { named: untypedAtomicName }, relationship: 'atomic', keys: [] },
  map: { fields: new Map(), elementType: { named: deducedName }, relationship: 'separable' },
};

/**
 * A schema: the OpenAPI definitions converted on demand, plus the two untyped types. A
 * `lenient` schema reads undeclared fields as deduced instead of failing (live objects).
 */
export class TypeSchema {
  private readonly atoms = new Map<string, Atom>();
  private readonly overridden = new Map<string, Atom>();

  constructor(
    readonly defs: Readonly<Record<string, SchemaNode>> = openapiSchemas,
    readonly preserveUnknownFields = false,
  ) {}

  /** The root type of a kind: its definition, or deduced for kinds without a schema. */
  rootType(definition: string | undefined): TypeRef {
    return definition === undefined || this.defs[definition] === undefined ? { named: deducedName } : { named: definition };
  }

  resolve(tr: TypeRef): Atom | undefined {
    const base = tr.named !== undefined ? this.named(tr.named) : tr.inline;
    if (base === undefined || tr.elementRelationship === undefined) return base;
    const key = `${tr.named ?? ''}\u0000${tr.elementRelationship}`;
    let a = this.overridden.get(key);
    if (a === undefined) {
      if (base.map !== undefined) a = { map: { ...base.map, relationship: tr.elementRelationship } };
      else if (base.list !== undefined) a = { list: { ...base.list, relationship: tr.elementRelationship === 'atomic' ? 'atomic' : 'associative' } };
      else return undefined;
      this.overridden.set(key, a);
    }
    return a;
  }

  private named(name: string): Atom | undefined {
    if (name === untypedAtomicName) return untypedAtomic;
    if (name === deducedName) return deduced;
    let a = this.atoms.get(name);
    if (a !== undefined) return a;
    const def = this.defs[name];
    if (def === undefined) return undefined;
    if (name === quantityName) a = { scalar: 'untyped' };
    else if (name === rawExtensionName) a = untypedAtomic;
    else a = this.parse(def, this.preserveUnknownFields || def.preserveUnknownFields === true);
    this.atoms.set(name, a);
    return a;
  }

  private parse(m: SchemaNode, preserve: boolean): Atom {
    switch (m.type) {
      case undefined:
        return { scalar: 'untyped', list: this.parseList(m, preserve), map: this.parseObject(m, preserve) };
      case 'object':
        return { map: this.parseObject(m, preserve) };
      case 'array':
        return { list: this.parseList(m, preserve) };
      case 'integer':
      case 'number':
        return { scalar: 'numeric' };
      case 'boolean':
        return { scalar: 'boolean' };
      case 'string':
        return { scalar: m.format === undefined || m.format === '' || m.format === 'byte' ? 'string' : 'untyped' };
      default:
        return { scalar: 'untyped' };
    }
  }

  private makeRef(node: SchemaNode, preserve: boolean): TypeRef {
    if (node.ref !== undefined) {
      const tr: TypeRef = { named: node.ref };
      if (node.mapType !== undefined) tr.elementRelationship = node.mapType === 'atomic' ? 'atomic' : 'separable';
      return tr;
    }
    return { inline: this.parse(node, preserve || node.preserveUnknownFields === true) };
  }

  private parseObject(m: SchemaNode, preserveIn: boolean): MapAtom {
    const preserve = preserveIn || m.preserveUnknownFields === true;
    const fields = new Map<string, { type: TypeRef; default?: JsonValue }>();
    for (const [name, prop] of Object.entries(m.properties ?? {})) {
      const f: { type: TypeRef; default?: JsonValue } = { type: this.makeRef(prop, preserve) };
      if (prop.default !== undefined) f.default = prop.default;
      fields.set(name, f);
    }
    let elementType: TypeRef | undefined;
    const ap = m.additionalProperties;
    if (ap === undefined) elementType = preserve || fields.size === 0 ? { named: deducedName } : undefined;
    else if (typeof ap === 'object') elementType = this.makeRef(ap, preserve);
    else if (ap) elementType = { named: deducedName };
    const relationship = m.mapType === 'atomic' ? 'atomic' : m.mapType === 'granular' ? 'separable' : '';
    const out: MapAtom = { fields, relationship };
    if (elementType !== undefined) out.elementType = elementType;
    return out;
  }

  private parseList(m: SchemaNode, preserve: boolean): ListAtom {
    let relationship: 'atomic' | 'associative' = 'atomic';
    let keys: readonly string[] = [];
    if (m.listType !== undefined) {
      if (m.listType === 'set') relationship = 'associative';
      else if (m.listType === 'map') {
        relationship = 'associative';
        keys = m.listMapKeys ?? [];
      }
    } else if (m.patchStrategy === 'merge' || m.patchStrategy === 'merge,retainKeys') {
      relationship = 'associative';
      if (m.patchMergeKey !== undefined) keys = [m.patchMergeKey];
    }
    const elementType = m.items !== undefined ? this.makeRef(m.items, preserve) : { named: untypedAtomicName };
    return { elementType, relationship, keys };
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface ValidationError {
  path: string;
  message: string;
}

/** typed.ValidationErrors.Error(). */
export function validationErrorsText(errs: readonly ValidationError[]): string {
  const one = (e: ValidationError) => (e.path === '' ? e.message : `${e.path}: ${e.message}`);
  if (errs.length === 1) return one(errs[0] as ValidationError);
  return ['errors:', ...errs.map((e) => `  ${one(e)}`)].join('\n');
}

const err = (message: string): ValidationError[] => [{ path: '', message }];
const prefixed = (errs: ValidationError[], prefix: string): ValidationError[] => errs.map((e) => ({ path: prefix + e.path, message: e.message }));

// ---------------------------------------------------------------------------------------------
// Helpers shared by the walks

const isScalarValue = (v: JsonValue): boolean => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/** Which of an atom's forms applies to a value (all of them for absent, null or mismatched values). */
function deduceAtom(atom: Atom, v: JsonValue | undefined): Atom {
  if (v === undefined || v === null) return atom;
  if (isScalarValue(v)) return atom.scalar !== undefined ? { scalar: atom.scalar } : atom;
  if (Array.isArray(v)) return atom.list !== undefined ? { list: atom.list } : atom;
  return atom.map !== undefined ? { map: atom.map } : atom;
}

function atomsEqual(a: Atom, b: Atom): boolean {
  return a.scalar === b.scalar && a.list === b.list && a.map === b.map;
}

function validateScalar(t: Scalar, v: JsonValue | undefined, prefix: string): ValidationError[] {
  if (v === undefined || v === null) return [];
  switch (t) {
    case 'numeric':
      if (typeof v !== 'number') return err(`${prefix}expected numeric (int or float), got ${goTypeName(v)}`);
      return [];
    case 'string':
      if (typeof v !== 'string') return err(`${prefix}expected string, got &value.valueUnstructured{Value:${goSharpV(v)}}`);
      return [];
    case 'boolean':
      if (typeof v !== 'boolean') return err(`${prefix}expected boolean, got &{${goV(v)}}`);
      return [];
    case 'untyped':
      if (!isScalarValue(v)) return err(`${prefix}expected any scalar, got &{${goV(v)}}`);
      return [];
  }
}

function goSharpV(v: JsonValue): string {
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (isObject(v)) return `map[string]interface {}{${Object.keys(v).sort().map((k) => `${goQuote(k)}:${goSharpV(v[k] as JsonValue)}`).join(', ')}}`;
  return goV(v);
}

/** The path element of a list item (listItemToPathElement); a string is the error. */
export function listItemPathElement(schema: TypeSchema, list: ListAtom, child: JsonValue, index: number): PathElement | string {
  if (list.relationship !== 'associative') return indexElement(index);
  if (list.keys.length > 0) {
    if (child === null) return 'associative list with keys may not have a null element';
    if (!isObject(child)) return 'associative list with keys may not have non-map elements';
    const fields: [string, JsonValue][] = [];
    const elem = schema.resolve(list.elementType);
    for (const k of list.keys) {
      if (k in child) fields.push([k, child[k] as JsonValue]);
      else {
        if (elem?.map === undefined) return `couldn't find default value for ${k}: associative list may not have non-map types`;
        const def = elem.map.fields.get(k)?.default;
        if (def !== undefined && def !== null) fields.push([k, def]);
      }
    }
    if (fields.length === 0) {
      return `associative list with keys has an element that omits all key fields [${list.keys.map(goQuote).join(' ')}] (and doesn't have default values for any key fields)`;
    }
    return keyElement(fields);
  }
  if (isObject(child)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(child)) return 'not supported: associative list with lists as elements';
  if (child === null) return "associative list without keys has an element that's an explicit null";
  return valueElement(child);
}

function fieldType(schema: TypeSchema, m: MapAtom, key: string, lenient: boolean): TypeRef | undefined {
  const f = m.fields.get(key);
  if (f !== undefined) return f.type;
  if (m.elementType !== undefined) return m.elementType;
  return lenient ? { named: deducedName } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Validate

export interface ValidateOptions {
  allowDuplicates?: boolean;
  /** Read undeclared fields as deduced instead of reporting them. */
  lenient?: boolean;
}

/** TypedValue.Validate: schema errors, undeclared fields and duplicate keys. */
export function validate(schema: TypeSchema, v: JsonValue, tr: TypeRef, o: ValidateOptions = {}): ValidationError[] {
  const atom = schema.resolve(tr);
  if (atom === undefined) return err(`schema error: no type found matching: ${tr.named ?? 'inlined type'}`);
  const a = deduceAtom(atom, v);
  if (a.map !== undefined) {
    if (v === null) return [];
    if (!isObject(v)) return err(`expected map, got ${goSharpV(v)}`);
    const errs: ValidationError[] = [];
    for (const [key, val] of Object.entries(v)) {
      const ft = fieldType(schema, a.map, key, o.lenient === true);
      const pe = `.${key}`;
      if (ft === undefined) {
        errs.push({ path: pe, message: 'field not declared in schema' });
        break;
      }
      errs.push(...prefixed(validate(schema, val, ft, o), pe));
    }
    return errs;
  }
  if (a.scalar !== undefined) return validateScalar(a.scalar, v, '');
  if (a.list !== undefined) {
    if (v === null) return [];
    if (!Array.isArray(v)) return err(`expected list, got ${goSharpV(v)}`);
    const errs: ValidationError[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      const child = v[i] as JsonValue;
      const pe = listItemPathElement(schema, a.list, child, i);
      if (typeof pe === 'string') {
        errs.push(...err(`element ${i}: ${pe}`));
        return errs;
      }
      if (a.list.relationship === 'associative') {
        const k = serializePathElement(pe);
        if (seen.has(k) && o.allowDuplicates !== true) errs.push(...err(`duplicate entries for key ${pathElementString(pe)}`));
        seen.add(k);
      }
      errs.push(...prefixed(validate(schema, child, a.list.elementType, o), pathElementString(pe)));
    }
    return errs;
  }
  return err(`schema error: invalid atom: ${tr.named !== undefined ? `named type: ${tr.named}` : 'inlined'}`);
}

// ---------------------------------------------------------------------------------------------
// ToFieldSet

/** TypedValue.ToFieldSet: the fields a value sets (leaves, atomic nodes, empty maps, list items). */
export function toFieldSet(schema: TypeSchema, v: JsonValue, tr: TypeRef): FieldSet {
  const set = new FieldSet();
  walkFieldSet(schema, v, tr, [], set);
  return set;
}

function walkFieldSet(schema: TypeSchema, v: JsonValue, tr: TypeRef, path: PathElement[], set: FieldSet): void {
  const atom = schema.resolve(tr);
  if (atom === undefined) return;
  const a = deduceAtom(atom, v);
  if (a.map !== undefined) {
    if (a.map.relationship === 'atomic') {
      set.insert(path);
      return;
    }
    if (!isObject(v)) return;
    for (const [key, val] of Object.entries(v)) {
      const pe = fieldElement(key);
      const ft = fieldType(schema, a.map, key, true) as TypeRef;
      const childPath = [...path, pe];
      walkFieldSet(schema, val, ft, childPath, set);
      if (val === null || (isObject(val) && Object.keys(val).length === 0) || !a.map.fields.has(key)) set.insert(childPath);
    }
    return;
  }
  if (a.scalar !== undefined) {
    set.insert(path);
    return;
  }
  if (a.list !== undefined) {
    if (a.list.relationship === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(v)) return;
    const pes = v.map((child, i) => listItemPathElement(schema, a.list as ListAtom, child, i));
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const pe of pes) {
      if (typeof pe === 'string') continue;
      const k = serializePathElement(pe);
      if (seen.has(k)) {
        if (!duplicates.has(k)) {
          set.insert([...path, pe]);
          duplicates.add(k);
        }
      } else seen.add(k);
    }
    v.forEach((child, i) => {
      const pe = pes[i];
      if (pe === undefined || typeof pe === 'string' || duplicates.has(serializePathElement(pe))) return;
      const childPath = [...path, pe];
      walkFieldSet(schema, child, (a.list as ListAtom).elementType, childPath, set);
      set.insert(childPath);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Compare

export interface Comparison {
  removed: FieldSet;
  modified: FieldSet;
  added: FieldSet;
}

interface Walker {
  path: PathElement[];
  inLeaf: boolean;
}

/** TypedValue.Compare: what changed from lhs to rhs, in field-set terms. */
export function compare(schema: TypeSchema, lhs: JsonValue | undefined, rhs: JsonValue | undefined, tr: TypeRef): Comparison {
  const c: Comparison = { removed: new FieldSet(), modified: new FieldSet(), added: new FieldSet() };
  compareWalk(schema, c, { path: [], inLeaf: false }, lhs, rhs, tr);
  return c;
}

function compareWalk(schema: TypeSchema, c: Comparison, w: Walker, lhs: JsonValue | undefined, rhs: JsonValue | undefined, tr: TypeRef): void {
  if (lhs === undefined && rhs === undefined) return;
  const atom = schema.resolve(tr) ?? deduced;
  const alhs = deduceAtom(atom, lhs);
  const arhs = deduceAtom(atom, rhs);
  if (rhs === undefined) compareAtom(schema, c, w, alhs, lhs, rhs);
  else if (lhs === undefined || atomsEqual(alhs, arhs)) compareAtom(schema, c, w, arhs, lhs, rhs);
  else {
    compareAtom(schema, c, { ...w }, alhs, lhs, rhs);
    compareAtom(schema, c, w, arhs, lhs, rhs);
  }
  if (!w.inLeaf) {
    if (lhs === undefined) c.added.insert(w.path);
    else if (rhs === undefined) c.removed.insert(w.path);
  }
}

function compareLeaf(c: Comparison, w: Walker, lhs: JsonValue | undefined, rhs: JsonValue | undefined): void {
  if (w.inLeaf) return;
  w.inLeaf = true;
  if (lhs === undefined) c.added.insert(w.path);
  else if (rhs === undefined) c.removed.insert(w.path);
  else if (!jsonEqual(lhs, rhs)) c.modified.insert(w.path);
}

function asList(v: JsonValue | undefined): JsonValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function asMap(v: JsonValue | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

function compareAtom(schema: TypeSchema, c: Comparison, w: Walker, a: Atom, lhs: JsonValue | undefined, rhs: JsonValue | undefined): void {
  if (a.map !== undefined) {
    const l = asMap(lhs);
    const r = asMap(rhs);
    const emptyPromoteToLeaf = (l === undefined || Object.keys(l).length === 0) && (r === undefined || Object.keys(r).length === 0);
    if (a.map.relationship === 'atomic' || emptyPromoteToLeaf) {
      compareLeaf(c, w, lhs, rhs);
      return;
    }
    const keys = [...Object.keys(l ?? {}), ...Object.keys(r ?? {}).filter((k) => l === undefined || !(k in l))];
    for (const key of keys) {
      const ft = fieldType(schema, a.map, key, true) as TypeRef;
      compareWalk(schema, c, { path: [...w.path, fieldElement(key)], inLeaf: w.inLeaf }, l?.[key], r?.[key], ft);
    }
    return;
  }
  if (a.scalar !== undefined) {
    const le = validateScalar(a.scalar, lhs, 'lhs: ');
    const re = validateScalar(a.scalar, rhs, 'rhs: ');
    if (le.length > 0 && re.length > 0) return;
    compareLeaf(c, w, lhs, rhs);
    return;
  }
  if (a.list !== undefined) {
    const l = asList(lhs);
    const r = asList(rhs);
    const emptyPromoteToLeaf = (l === undefined || l.length === 0) && (r === undefined || r.length === 0);
    if (a.list.relationship === 'atomic' || emptyPromoteToLeaf) {
      compareLeaf(c, w, lhs, rhs);
      return;
    }
    compareListItems(schema, c, w, a.list, l ?? [], r ?? []);
  }
}

function indexList(schema: TypeSchema, t: ListAtom, list: JsonValue[]): { pe: PathElement; key: string; value: JsonValue }[] {
  const out: { pe: PathElement; key: string; value: JsonValue }[] = [];
  list.forEach((child, i) => {
    const pe = listItemPathElement(schema, t, child, i);
    if (typeof pe === 'string') return;
    out.push({ pe, key: serializePathElement(pe), value: child });
  });
  return out;
}

function compareListItems(schema: TypeSchema, c: Comparison, w: Walker, t: ListAtom, lhs: JsonValue[], rhs: JsonValue[]): void {
  const order: { pe: PathElement; key: string }[] = [];
  const lValues = new Map<string, JsonValue[]>();
  const rValues = new Map<string, JsonValue[]>();
  for (const e of indexList(schema, t, lhs)) {
    const l = lValues.get(e.key);
    if (l !== undefined) l.push(e.value);
    else {
      lValues.set(e.key, [e.value]);
      order.push(e);
    }
  }
  for (const e of indexList(schema, t, rhs)) {
    const r = rValues.get(e.key);
    if (r !== undefined) r.push(e.value);
    else {
      rValues.set(e.key, [e.value]);
      if (!lValues.has(e.key)) order.push(e);
    }
  }
  for (const { pe, key } of order) {
    const lList = lValues.get(key) ?? [];
    const rList = rValues.get(key) ?? [];
    const item = (l: JsonValue | undefined, r: JsonValue | undefined) =>
      compareWalk(schema, c, { path: [...w.path, pe], inLeaf: w.inLeaf }, l, r, t.elementType);
    if (lList.length <= 1 && rList.length <= 1) item(lList[0], rList[0]);
    else if (lList.length >= 2 && rList.length >= 2) {
      if (lList.length !== rList.length || lList.some((v, i) => !jsonEqual(v, rList[i]))) c.modified.insert([...w.path, pe]);
    } else if (lList.length >= 2) {
      if (rList.length !== 0) item(undefined, rList[0]);
      c.removed.insert([...w.path, pe]);
    } else {
      if (lList.length !== 0) item(lList[0], undefined);
      c.added.insert([...w.path, pe]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Merge (ruleKeepRHS)

/**
 * TypedValue.Merge: rhs wins at every leaf, associative lists merge by key in an order that
 * keeps rhs's relative order. Returns undefined when nothing results; throws the message of a
 * duplicate key in rhs.
 */
export function merge(schema: TypeSchema, lhs: JsonValue | undefined, rhs: JsonValue | undefined, tr: TypeRef): JsonValue | undefined {
  return mergeWalk(schema, { path: [], inLeaf: false }, lhs, rhs, tr);
}

function mergeWalk(schema: TypeSchema, w: Walker, lhs: JsonValue | undefined, rhs: JsonValue | undefined, tr: TypeRef): JsonValue | undefined {
  if (lhs === undefined && rhs === undefined) return undefined;
  const atom = schema.resolve(tr) ?? deduced;
  const alhs = deduceAtom(atom, lhs);
  const arhs = deduceAtom(atom, rhs);
  if (rhs === undefined) return mergeAtom(schema, w, alhs, lhs, rhs);
  if (lhs === undefined || atomsEqual(alhs, arhs)) return mergeAtom(schema, w, arhs, lhs, rhs);
  mergeAtom(schema, { ...w }, alhs, lhs, rhs);
  return mergeAtom(schema, w, arhs, lhs, rhs);
}

function mergeLeaf(w: Walker, lhs: JsonValue | undefined, rhs: JsonValue | undefined): JsonValue | undefined {
  if (w.inLeaf) return undefined;
  w.inLeaf = true;
  return rhs !== undefined ? rhs : lhs;
}

function mergeAtom(schema: TypeSchema, w: Walker, a: Atom, lhs: JsonValue | undefined, rhs: JsonValue | undefined): JsonValue | undefined {
  if (a.map !== undefined) {
    const l = asMap(lhs);
    const r = asMap(rhs);
    const emptyPromoteToLeaf = (l === undefined || Object.keys(l).length === 0) && (r === undefined || Object.keys(r).length === 0);
    if (a.map.relationship === 'atomic' || emptyPromoteToLeaf) return mergeLeaf(w, lhs, rhs);
    const out: JsonObject = {};
    const keys = [...Object.keys(l ?? {}), ...Object.keys(r ?? {}).filter((k) => l === undefined || !(k in l))];
    for (const key of keys) {
      const ft = fieldType(schema, a.map, key, true) as TypeRef;
      const v = mergeWalk(schema, { path: [...w.path, fieldElement(key)], inLeaf: w.inLeaf }, l?.[key], r?.[key], ft);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (a.scalar !== undefined) {
    const le = validateScalar(a.scalar, lhs, 'lhs: ');
    const re = validateScalar(a.scalar, rhs, 'rhs: ');
    if (le.length > 0 && re.length > 0) return undefined;
    return mergeLeaf(w, lhs, rhs);
  }
  if (a.list !== undefined) {
    const l = asList(lhs);
    const r = asList(rhs);
    const emptyPromoteToLeaf = (l === undefined || l.length === 0) && (r === undefined || r.length === 0);
    if (a.list.relationship === 'atomic' || emptyPromoteToLeaf) return mergeLeaf(w, lhs, rhs);
    if (l === undefined && r === undefined) return undefined;
    return mergeListItems(schema, w, a.list, l ?? [], r ?? []);
  }
  return undefined;
}

export class DuplicateKeyError extends Error {}

function mergeListItems(schema: TypeSchema, w: Walker, t: ListAtom, lhs: JsonValue[], rhs: JsonValue[]): JsonValue | undefined {
  const rhsPEs: { pe: PathElement; key: string }[] = [];
  const observedRHS = new Map<string, JsonValue>();
  rhs.forEach((child, i) => {
    const pe = listItemPathElement(schema, t, child, i);
    if (typeof pe === 'string') throw new DuplicateKeyError(`element ${i}: ${pe}`);
    const key = serializePathElement(pe);
    if (observedRHS.has(key)) throw new DuplicateKeyError(`duplicate entries for key ${pathElementString(pe)}`);
    observedRHS.set(key, child);
    rhsPEs.push({ pe, key });
  });
  const lhsPEs: { pe: PathElement; key: string }[] = [];
  const observedLHS = new Map<string, JsonValue>();
  lhs.forEach((child, i) => {
    const pe = listItemPathElement(schema, t, child, i);
    if (typeof pe === 'string') throw new DuplicateKeyError(`element ${i}: ${pe}`);
    const key = serializePathElement(pe);
    // Duplicated items are not merged with the new value.
    observedLHS.set(key, observedLHS.has(key) ? null : child);
    lhsPEs.push({ pe, key });
  });

  const sharedOrder = rhsPEs.filter((e) => observedLHS.has(e.key));
  let sharedIdx = 0;
  let nextShared: { pe: PathElement; key: string } | undefined = sharedOrder[sharedIdx++];
  const advanceShared = () => {
    nextShared = sharedIdx < sharedOrder.length ? sharedOrder[sharedIdx++] : undefined;
  };

  const out: JsonValue[] = [];
  const mergedRHS = new Set<string>();
  const item = (pe: PathElement, l: JsonValue | undefined, r: JsonValue | undefined) => {
    const v = mergeWalk(schema, { path: [...w.path, pe], inLeaf: w.inLeaf }, l, r, t.elementType);
    if (v !== undefined) out.push(v);
  };
  let lI = 0;
  let rI = 0;
  while (lI < lhsPEs.length || rI < rhsPEs.length) {
    if (lI < lhsPEs.length && rI < rhsPEs.length) {
      const l = lhsPEs[lI] as { pe: PathElement; key: string };
      const r = rhsPEs[rI] as { pe: PathElement; key: string };
      if (l.key === r.key) {
        mergedRHS.add(l.key);
        item(l.pe, observedLHS.get(l.key), observedRHS.get(l.key));
        lI++;
        rI++;
        advanceShared();
        continue;
      }
      if (observedRHS.has(l.key) && nextShared !== undefined && nextShared.key !== l.key) {
        lI++;
        continue;
      }
    }
    if (lI < lhsPEs.length) {
      const l = lhsPEs[lI] as { pe: PathElement; key: string };
      if (!observedRHS.has(l.key)) {
        item(l.pe, lhs[lI], undefined);
        lI++;
        continue;
      } else if (mergedRHS.has(l.key)) {
        lI++;
      }
    }
    if (rI < rhsPEs.length) {
      const r = rhsPEs[rI] as { pe: PathElement; key: string };
      mergedRHS.add(r.key);
      item(r.pe, observedLHS.get(r.key), observedRHS.get(r.key));
      rI++;
      if (nextShared !== undefined && nextShared.key === r.key) advanceShared();
    }
  }
  return out.length > 0 ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// RemoveItems

/**
 * TypedValue.RemoveItems: drops the given paths. A map or list left empty by the walk reads as
 * absent (undefined), the way the typed round trip through omitempty fields drops it.
 */
export function removeItems(schema: TypeSchema, v: JsonValue, toRemove: FieldSet, tr: TypeRef): JsonValue | undefined {
  const atom = schema.resolve(tr) ?? deduced;
  const a = deduceAtom(atom, v);
  if (a.map !== undefined) {
    if (!isObject(v) || Object.keys(v).length === 0 || a.map.relationship === 'atomic') return undefined;
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) {
      const pe = fieldElement(k);
      if (toRemove.has([pe])) continue;
      const subset = toRemove.withPrefix(pe);
      const next = subset.empty() ? val : removeItems(schema, val, subset, fieldType(schema, a.map, k, true) as TypeRef);
      if (next !== undefined) out[k] = next;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (a.scalar !== undefined) return v;
  if (a.list !== undefined) {
    if (!Array.isArray(v) || v.length === 0 || a.list.relationship === 'atomic') return undefined;
    const out: JsonValue[] = [];
    v.forEach((item, i) => {
      const pe = listItemPathElement(schema, a.list as ListAtom, item, i);
      if (typeof pe === 'string') {
        out.push(item);
        return;
      }
      if (toRemove.has([pe])) return;
      const subset = toRemove.withPrefix(pe);
      const next = subset.empty() ? item : removeItems(schema, item, subset, (a.list as ListAtom).elementType);
      out.push(next === undefined ? null : next);
    });
    return out.length > 0 ? out : undefined;
  }
  return v;
}

/** Set.EnsureNamedFieldsAreMembers: a struct field with children counts as a member too. */
export function ensureNamedFieldsAreMembers(schema: TypeSchema, s: FieldSet, tr: TypeRef | undefined): FieldSet {
  const out = new FieldSet();
  const atom = tr === undefined ? undefined : schema.resolve(tr);
  for (const [k, pe] of s.members) out.members.set(k, pe);
  for (const [k, c] of s.children) {
    let childType: TypeRef | undefined;
    if (c.pe.kind === 'field' && atom?.map !== undefined) {
      if (atom.map.fields.has(c.pe.name)) out.members.set(k, c.pe);
      childType = atom.map.fields.get(c.pe.name)?.type ?? atom.map.elementType;
    } else if (c.pe.kind === 'key' && atom?.list !== undefined) {
      childType = atom.list.elementType;
    }
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(schema, c.set, childType) });
  }
  return out;
}

