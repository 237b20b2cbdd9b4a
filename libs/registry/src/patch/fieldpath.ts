// Field paths and sets of them, as server-side apply tracks ownership.
// k8s parity: sigs.k8s.io/structured-merge-diff fieldpath (PathElement order and String(), Set
// algebra, the FieldsV1 trie encoding with `f:`/`k:`/`v:`/`i:` keys and `.` for the node itself).
import { compareBytes, goQuote } from '@portico/api';
import { goFloat, goJsonString, isObject, type JsonObject, type JsonValue } from './json';

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, JsonValue])[] }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: 'field', name });
export const indexElement = (index: number): PathElement => ({ kind: 'index', index });
export const valueElement = (value: JsonValue): PathElement => ({ kind: 'value', value });
/** A key element; fields are sorted by name, as SMD keeps them. */
export const keyElement = (fields: readonly (readonly [string, JsonValue])[]): PathElement => ({
  kind: 'key',
  fields: [...fields].sort((a, b) => compareBytes(a[0], b[0])),
});

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

function typeRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/** value.Compare: a total order over values (numbers, strings, booleans, lists, maps, null). */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareBytes(a as string, b as string);
    case 2:
      return a === b ? 0 : a === false ? -1 : 1;
    case 3: {
      const la = a as JsonValue[];
      const lb = b as JsonValue[];
      for (let i = 0; ; i++) {
        if (i >= la.length && i >= lb.length) return 0;
        if (i >= la.length) return -1;
        if (i >= lb.length) return 1;
        const c = compareValues(la[i] as JsonValue, lb[i] as JsonValue);
        if (c !== 0) return c;
      }
    }
    case 4: {
      const ma = a as JsonObject;
      const mb = b as JsonObject;
      const keys = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort(compareBytes);
      const la = Object.keys(ma).length;
      const lb = Object.keys(mb).length;
      if (la === 0 && lb === 0) return 0;
      let i = 0;
      for (const k of keys) {
        let c: number;
        if (i === la) c = -1;
        else if (i === lb) c = 1;
        else if (!(k in ma)) c = 1;
        else if (!(k in mb)) c = -1;
        else c = compareValues(ma[k] as JsonValue, mb[k] as JsonValue);
        i++;
        if (c !== 0) return c;
      }
      return 0;
    }
    default:
      return 0;
  }
}

export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] < kindRank[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareBytes(a.name, (b as typeof a).name);
    case 'key': {
      const fb = (b as typeof a).fields;
      for (let i = 0; ; i++) {
        if (i >= a.fields.length && i >= fb.length) return 0;
        if (i >= a.fields.length) return -1;
        if (i >= fb.length) return 1;
        const [na, va] = a.fields[i] as readonly [string, JsonValue];
        const [nb, vb] = fb[i] as readonly [string, JsonValue];
        const c = compareBytes(na, nb) || compareValues(va, vb);
        if (c !== 0) return c;
      }
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index < (b as typeof a).index ? -1 : a.index > (b as typeof a).index ? 1 : 0;
  }
}

/** value.ToString: how values print inside a path ("[name=\"x\"]"). */
export function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  return Object.entries(v)
    .map(([k, x]) => `${k}=${valueToString(x)}`)
    .join('');
}

export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${valueToString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueToString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** fieldpath.Path.String(): ".spec.containers[name=\"a\"].image". */
export function pathString(p: Path): string {
  return p.map(pathElementString).join('');
}

function valueJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? goJsonString(v) : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueJson).join(',')}]`;
  // jsoniter writes a map's keys in the map's iteration order; Go maps then come out sorted.
  return `{${Object.keys(v)
    .sort(compareBytes)
    .map((k) => `${goJsonString(k)}:${valueJson(v[k] as JsonValue)}`)
    .join(',')}}`;
}

/** The FieldsV1 key of a path element: f:name, k:{"name":"a"}, v:"x", i:0. */
export function serializePathElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([n, v]) => `${goJsonString(n)}:${valueJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${valueJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

export class UnknownPathElementError extends Error {}

/** Parses a FieldsV1 key; unknown prefixes are dropped by the reader (UnknownPathElementError). */
export function deserializePathElement(s: string): PathElement {
  if (s.length < 2) throw new Error('key must be 2 characters long:');
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(JSON.parse(body) as JsonValue);
    case 'k': {
      const parsed: unknown = JSON.parse(body);
      if (!isObject(parsed)) throw new Error(`expected an object in ${s}`);
      return keyElement(Object.entries(parsed));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(body)}: invalid syntax`);
      return indexElement(Number(body));
    }
    default:
      throw new UnknownPathElementError('unknown path element type');
  }
}

/** Identity of a path element within a set (its serialized form is canonical). */
const peKey = (pe: PathElement): string => serializePathElement(pe);

/** fieldpath.Set: members (paths ending here) and children (deeper paths), keyed by path element. */
export class FieldSet {
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, { pe: PathElement; set: FieldSet }>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(p: Path): void {
    if (p.length === 0) return;
    const parent = p.slice(0, -1).reduce<FieldSet>((s, pe) => s.descend(pe), this);
    const last = p[p.length - 1] as PathElement;
    parent.members.set(peKey(last), last);
  }

  descend(pe: PathElement): FieldSet {
    const k = peKey(pe);
    let c = this.children.get(k);
    if (c === undefined) {
      c = { pe, set: new FieldSet() };
      this.children.set(k, c);
    }
    return c.set;
  }

  has(p: Path): boolean {
    if (p.length === 0) return false;
    const [head, ...rest] = p as [PathElement, ...PathElement[]];
    if (rest.length === 0) return this.members.has(peKey(head));
    return this.children.get(peKey(head))?.set.has(rest) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(peKey(pe));
  }

  /** The subset under one path element (empty when there is none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(peKey(pe))?.set ?? new FieldSet();
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  size(): number {
    let n = this.members.size;
    for (const c of this.children.values()) n += c.set.size();
    return n;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, c] of this.children) out.children.set(k, { pe: c.pe, set: c.set.copy() });
    return out;
  }

  union(o: FieldSet): FieldSet {
    const out = this.copy();
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of o.children) {
      const mine = out.children.get(k);
      out.children.set(k, { pe: c.pe, set: mine === undefined ? c.set.copy() : mine.set.union(c.set) });
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const theirs = o.children.get(k);
      if (theirs === undefined) continue;
      const r = c.set.intersection(theirs.set);
      if (!r.empty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const theirs = o.children.get(k);
      if (theirs === undefined) {
        out.children.set(k, { pe: c.pe, set: c.set });
        continue;
      }
      const d = c.set.difference(theirs.set);
      if (!d.empty()) out.children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  /** Difference that also drops everything below a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const theirs = o.children.get(k);
      if (theirs === undefined) {
        out.children.set(k, { pe: c.pe, set: c.set });
        continue;
      }
      const d = c.set.recursiveDifference(theirs.set);
      if (!d.empty()) out.children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).empty() && o.difference(this).empty();
  }

  private sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(comparePathElements);
  }

  private sortedChildren(): { pe: PathElement; set: FieldSet }[] {
    return [...this.children.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  /** Every path, members before children at each level, each in path-element order (Set.Iterate). */
  iterate(f: (p: Path) => void, prefix: PathElement[] = []): void {
    for (const pe of this.sortedMembers()) f([...prefix, pe]);
    for (const c of this.sortedChildren()) c.set.iterate(f, [...prefix, c.pe]);
  }

  paths(): Path[] {
    const out: Path[] = [];
    this.iterate((p) => out.push(p));
    return out;
  }

  toString(): string {
    return this.paths().map(pathString).join('\n');
  }

  /** The FieldsV1 object (fieldpath.Set.ToJSON). */
  toFieldsV1(): JsonObject {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): JsonObject {
    const out: JsonObject = {};
    if (includeSelf && !(this.members.size === 0 && this.children.size === 0)) out['.'] = {};
    const members = this.sortedMembers();
    const children = this.sortedChildren();
    let mi = 0;
    let ci = 0;
    while (mi < members.length || ci < children.length) {
      const m = members[mi];
      const c = children[ci];
      const cmp = m === undefined ? 1 : c === undefined ? -1 : comparePathElements(m, c.pe);
      if (cmp < 0) {
        out[serializePathElement(m as PathElement)] = {};
        mi++;
      } else if (cmp > 0) {
        const child = c as { pe: PathElement; set: FieldSet };
        out[serializePathElement(child.pe)] = child.set.emit(false);
        ci++;
      } else {
        const child = c as { pe: PathElement; set: FieldSet };
        out[serializePathElement(child.pe)] = child.set.emit(true);
        mi++;
        ci++;
      }
    }
    return out;
  }

  /** Set.FromJSON of a FieldsV1 object; throws on malformed keys. */
  static fromFieldsV1(v: JsonValue | undefined): FieldSet {
    const s = new FieldSet();
    if (v === undefined || v === null) return s;
    if (!isObject(v)) throw new Error('FieldsV1 must be a JSON object');
    readInto(s, v);
    return s;
  }
}

/** readIterV1: returns whether the node is (also) a member of its parent. */
function readInto(s: FieldSet, obj: JsonObject): boolean {
  let isMember = false;
  let hasChildren = false;
  for (const [key, val] of Object.entries(obj)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    let pe: PathElement;
    try {
      pe = deserializePathElement(key);
    } catch (e) {
      if (e instanceof UnknownPathElementError) continue;
      throw new Error(`parsing key as path element: ${e instanceof Error ? e.message : String(e)}`);
    }
    const child = new FieldSet();
    const childIsMember = isObject(val) ? readInto(child, val) : true;
    if (childIsMember) {
      s.members.set(peKey(pe), pe);
      hasChildren = true;
    }
    if (child.members.size > 0 || child.children.size > 0) {
      const existing = s.children.get(peKey(pe));
      s.children.set(peKey(pe), { pe, set: existing === undefined ? child : existing.set.union(child) });
      hasChildren = true;
    }
  }
  return isMember || !hasChildren;
}
