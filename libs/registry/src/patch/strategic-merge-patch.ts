// Strategic merge patch, as the server applies it.
// k8s parity: apimachinery pkg/util/strategicpatch/patch.go (StrategicMergeMapPatch with
// MergeParallelList and IgnoreUnmatchedNulls), including its list ordering
// (normalizeElementOrder / mergeSortedSlice over Go's stable sort) and its errors, which the patch
// handler turns into 400 (malformed directives), 422 (lists of lists) or 500 (everything else,
// with the Go error text), as interpretStrategicMergePatchError does.
import { openapiSchemas, type SchemaNode } from '../generated';
import { statusErrors } from '@portico/api';
import { internalUnknown, unprocessable } from './errors';
import { goTypeName, goV, isObject, type JsonObject, type JsonValue } from './json';
import { resolveNode, shortDefinitionName } from './schema-lookup';

const directiveMarker = '$patch';
const deleteDirective = 'delete';
const replaceDirective = 'replace';
const mergeDirective = 'merge';
const retainKeysStrategy = 'retainKeys';
const deleteFromPrimitiveListDirectivePrefix = '$deleteFromPrimitiveList';
const retainKeysDirective = '$' + retainKeysStrategy;
const setElementOrderDirectivePrefix = '$setElementOrder';

// mergepatch's sentinel errors: the handler answers these with 400 (lists of lists with 422).
const errBadPatchFormatForPrimitiveList = 'invalid patch format of primitive list';
const errBadPatchFormatForRetainKeys = 'invalid patch format of retainKeys';
const errBadPatchFormatForSetElementOrderList = 'invalid patch format of setElementOrder list';

const badRequest = (m: string) => statusErrors.badRequest(m);
const goError = (m: string) => internalUnknown(m);
const errNoMergeKey = (m: JsonValue, k: string) => goError(`map: ${goV(m)} does not contain declared merge key: ${k}`);
const errBadArgType = (expected: string, actual: JsonValue | undefined) => goError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: JsonValue | undefined, m: JsonObject) => goError(`unknown patch type: ${goV(t)} in map: ${goV(m)}`);

export interface PatchMeta {
  patchStrategies: string[];
  patchMergeKey: string;
}

/**
 * strategicpatch.LookupPatchMeta: the sub-schema and patch metadata of a field. Lookups throw
 * the StatusError kube-apiserver would answer with when the field is unknown.
 */
export interface PatchMetaLookup {
  lookupForStruct(key: string): { schema: PatchMetaLookup; meta: PatchMeta };
  lookupForSlice(key: string): { schema: PatchMetaLookup; meta: PatchMeta };
  name(): string;
}

function metaOf(node: SchemaNode): PatchMeta {
  return {
    patchStrategies: node.patchStrategy === undefined ? [] : node.patchStrategy.split(','),
    patchMergeKey: node.patchMergeKey ?? '',
  };
}

/** Patch metadata from the OpenAPI tables (the same struct tags Go's PatchMetaFromStruct reads). */
export class SchemaPatchMeta implements PatchMetaLookup {
  constructor(
    private readonly node: SchemaNode | undefined,
    private readonly typeName: string,
    private readonly defs: Readonly<Record<string, SchemaNode>> = openapiSchemas,
  ) {}

  /** The lookup rooted at a definition of the tables. */
  static forDefinition(name: string, defs: Readonly<Record<string, SchemaNode>> = openapiSchemas): SchemaPatchMeta {
    return new SchemaPatchMeta({ ref: name }, shortDefinitionName(name), defs);
  }

  private child(node: SchemaNode | undefined): SchemaPatchMeta {
    const name = node?.ref !== undefined ? shortDefinitionName(node.ref) : this.typeName;
    return new SchemaPatchMeta(node, name, this.defs);
  }

  lookupForStruct(key: string): { schema: PatchMetaLookup; meta: PatchMeta } {
    const n = resolveNode(this.node, this.defs);
    if (n?.properties !== undefined) {
      const prop = n.properties[key];
      if (prop === undefined) throw goError(`unable to find api field in struct ${this.typeName} for the json field "${key}"`);
      return { schema: this.child(prop), meta: metaOf(prop) };
    }
    // map[string]T: the element type, without metadata; free-form objects carry none either.
    const elem = n !== undefined && typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined;
    return { schema: this.child(elem), meta: { patchStrategies: [], patchMergeKey: '' } };
  }

  lookupForSlice(key: string): { schema: PatchMetaLookup; meta: PatchMeta } {
    const { schema, meta } = this.lookupForStruct(key);
    const field = resolveNode((schema as SchemaPatchMeta).node, this.defs);
    if (field?.items !== undefined) return { schema: this.child(field.items), meta };
    if (field?.properties !== undefined) return { schema, meta }; // a pointer to a struct, as Go allows
    if (field === undefined || (field.type === undefined && field.properties === undefined)) return { schema: this.child(undefined), meta };
    throw goError(`expected slice or array type, but got: ${field.type === 'object' ? 'map' : 'struct'}`);
  }

  name(): string {
    return this.typeName;
  }
}

type Kind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

function kindOf(v: JsonValue | undefined): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int64' : 'float64';
}

/** Go's == on two interface{} values holding JSON scalars (maps and slices are never equal here). */
function goEq(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'object' && a !== null) return false;
  return kindOf(a) === kindOf(b) && a === b;
}

/**
 * Applies a strategic merge patch to `original` (both are consumed: the result may share and
 * mutate them; pass copies). Throws the StatusError kube-apiserver answers with.
 */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, schema: PatchMetaLookup): JsonObject {
  return mergeMap(original, patch, schema);
}

/** Decodes and applies a strategic merge patch given as bytes (the handler's entry point). */
export function applyStrategicMergePatch(original: JsonObject, patchBytes: Buffer | string, schema: PatchMetaLookup): JsonObject {
  const text = typeof patchBytes === 'string' ? patchBytes : patchBytes.toString('utf8');
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (e) {
    throw badRequest(e instanceof Error ? e.message : String(e));
  }
  if (!isObject(patch)) {
    // kjson.Unmarshal into map[string]interface{}: null leaves the map empty, other kinds are type errors.
    if (patch === null) return mergeMap(original, {}, schema);
    throw badRequest(`json: cannot unmarshal ${goJsonKind(patch as JsonValue)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(original, patch, schema);
}

function goJsonKind(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function handleDirectiveInMergeMap(directive: JsonValue | undefined, patch: JsonObject): JsonObject {
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === deleteDirective) return {};
  throw errBadPatchType(directive, patch);
}

function containsDirectiveMarker(item: JsonValue | undefined): boolean {
  return isObject(item) && directiveMarker in item;
}

function mergeKeyValueEqual(left: JsonValue | undefined, right: JsonValue | undefined, mergeKey: string): boolean {
  if (mergeKey === '') return goEq(left, right);
  if (!isObject(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isObject(right)) throw errBadArgType('map[string]interface {}', right);
  if (!(mergeKey in left)) throw errNoMergeKey(left, mergeKey);
  if (!(mergeKey in right)) throw errNoMergeKey(right, mergeKey);
  return goEq(left[mergeKey], right[mergeKey]);
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === deleteFromPrimitiveListDirectivePrefix) throw badRequest(errBadPatchFormatForPrimitiveList);
    throw badRequest(errBadPatchFormatForSetElementOrderList);
  }
  return s.slice(slash + 1);
}

function extractToDeleteItems(l: JsonValue[]): { nonDelete: JsonValue[]; toDelete: JsonValue[] } {
  const nonDelete: JsonValue[] = [];
  const toDelete: JsonValue[] = [];
  for (const v of l) {
    if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    if (directiveMarker in v && v[directiveMarker] === deleteDirective) toDelete.push(v);
    else nonDelete.push(v);
  }
  return { nonDelete, toDelete };
}

function validatePatchWithSetOrderList(patchList: JsonValue[], setOrderList: JsonValue[], mergeKey: string): void {
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDeleteList = mergeKey !== '' ? extractToDeleteItems(patchList).nonDelete : patchList;
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDeleteList.length && setOrderIndex < setOrderList.length) {
    if (containsDirectiveMarker(nonDeleteList[patchIndex])) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(nonDeleteList[patchIndex], setOrderList[setOrderIndex], mergeKey)) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDeleteList.length && setOrderIndex >= setOrderList.length) {
    throw goError(`The order in patch list:\n${goV(patchList)}\n doesn't match ${setElementOrderDirectivePrefix} list:\n${goV(setOrderList)}\n`);
  }
}

function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!(retainKeysDirective in patch)) return;
  const retainKeysInPatch = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retainKeysInPatch)) throw badRequest(errBadPatchFormatForRetainKeys);
  const keep = new Set<string>();
  for (const v of retainKeysInPatch) if (typeof v === 'string') keep.add(v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListDirectivePrefix) || k.startsWith(setElementOrderDirectivePrefix)) continue;
    if (!keep.has(k)) throw badRequest(errBadPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function extractRetainKeysPatchStrategy(strategies: string[]): string {
  switch (strategies.length) {
    case 0:
      return '';
    case 1:
      return strategies[0] === retainKeysStrategy ? '' : (strategies[0] as string);
    case 2:
      if (strategies[0] === retainKeysStrategy) return strategies[1] as string;
      if (strategies[1] === retainKeysStrategy) return strategies[0] as string;
      throw goError(`unexpected patch strategy: [${strategies.join(' ')}]`);
    default:
      throw goError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, schema: PatchMetaLookup): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderDirectivePrefix)) continue;
    const setElementOrderInPatch = patch[key];
    delete patch[key];
    if (!Array.isArray(setElementOrderInPatch)) throw errBadArgType('[]interface {}', setElementOrderInPatch);
    const originalKey = extractKey(key, setElementOrderDirectivePrefix);
    const foundOriginal = originalKey in original;
    const foundPatch = originalKey in patch;
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalFieldValue: JsonValue[] = [];
    let patchFieldValue: JsonValue[] = [];
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType('[]interface {}', originalList);
      originalFieldValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType('[]interface {}', patchList);
      patchFieldValue = patchList;
    }
    const { schema: subschema, meta } = schema.lookupForSlice(originalKey);
    const patchStrategy = extractRetainKeysPatchStrategy(meta.patchStrategies);
    validatePatchWithSetOrderList(patchFieldValue, setElementOrderInPatch, meta.patchMergeKey);

    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = originalFieldValue;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchFieldValue).value as JsonValue[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalFieldValue, patchFieldValue, subschema, patchStrategy, meta.patchMergeKey, false);
    else continue;

    const { patchItems, serverOnly } =
      meta.patchMergeKey === ''
        ? partitionPrimitivesByPresentInList(merged, setElementOrderInPatch)
        : partitionMapsByPresentInList(merged, setElementOrderInPatch, meta.patchMergeKey);
    const kind = sliceElementKind(originalFieldValue, patchFieldValue);
    original[originalKey] = normalizeElementOrder(patchItems, serverOnly, setElementOrderInPatch, originalFieldValue, meta.patchMergeKey, kind);
    delete patch[originalKey];
  }
}

function partitionPrimitivesByPresentInList(original: JsonValue[], partitionBy: JsonValue[]): { patchItems: JsonValue[]; serverOnly: JsonValue[] } {
  const patchItems: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of original) {
    if (partitionBy.some((p) => goEq(p, v))) patchItems.push(v);
    else serverOnly.push(v);
  }
  return { patchItems, serverOnly };
}

function partitionMapsByPresentInList(original: JsonValue[], partitionBy: JsonValue[], mergeKey: string): { patchItems: JsonValue[]; serverOnly: JsonValue[] } {
  const patchItems: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of original) {
    if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    if (findMapInSliceBasedOnKeyValue(partitionBy, mergeKey, v[mergeKey] as JsonValue) !== undefined) patchItems.push(v);
    else serverOnly.push(v);
  }
  return { patchItems, serverOnly };
}

/** Removes directives from a value; `keep` is false when the value itself is a directive. */
function removeDirectives(obj: JsonValue): { value: JsonValue; keep: boolean } {
  if (obj === null) return { value: obj, keep: true };
  if (isObject(obj)) {
    if (directiveMarker in obj) return { value: null, keep: false };
    for (const [k, v] of Object.entries(obj)) {
      const r = removeDirectives(v);
      if (r.keep) obj[k] = r.value;
      else delete obj[k];
    }
    return { value: obj, keep: true };
  }
  if (Array.isArray(obj)) {
    const res: JsonValue[] = [];
    for (const v of obj) {
      const r = removeDirectives(v);
      if (r.keep) res.push(r.value);
    }
    return { value: res, keep: true };
  }
  return { value: obj, keep: true };
}

function discardNullValuesFromPatch(v: JsonValue): void {
  if (isObject(v)) {
    for (const [k, c] of Object.entries(v)) {
      if (c === null) delete v[k];
      else discardNullValuesFromPatch(c);
    }
  } else if (Array.isArray(v)) {
    for (const c of v) discardNullValuesFromPatch(c);
  }
}

function mergeMap(originalIn: JsonObject | null, patch: JsonObject, schema: PatchMetaLookup): JsonObject {
  if (directiveMarker in patch) return handleDirectiveInMergeMap(patch[directiveMarker], patch);
  const original = originalIn ?? {};
  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey] as JsonValue;
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(deleteFromPrimitiveListDirectivePrefix)) {
      k = extractKey(rawKey, deleteFromPrimitiveListDirectivePrefix);
      isDeleteList = true;
    }
    // A null deletes the field (the handler merges with IgnoreUnmatchedNulls).
    if (patchV === null) {
      delete original[k];
      continue;
    }
    if (!(k in original) || kindOf(original[k]) !== kindOf(patchV)) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        const r = removeDirectives(patchV);
        if (r.keep) original[k] = r.value;
        else delete original[k];
      }
      continue;
    }
    const originalV = original[k] as JsonValue;
    switch (kindOf(originalV)) {
      case 'map': {
        const { schema: subschema, meta } = schema.lookupForStruct(k);
        const strategy = extractRetainKeysPatchStrategy(meta.patchStrategies);
        original[k] = strategy !== replaceDirective ? mergeMap(originalV as JsonObject, patchV as JsonObject, subschema) : (patchV as JsonObject);
        break;
      }
      case 'slice': {
        const { schema: subschema, meta } = schema.lookupForSlice(k);
        const strategy = extractRetainKeysPatchStrategy(meta.patchStrategies);
        original[k] = mergeSliceHandler(originalV as JsonValue[], patchV as JsonValue[], subschema, strategy, meta.patchMergeKey, isDeleteList);
        break;
      }
      default: {
        const r = removeDirectives(patchV);
        if (r.keep) original[k] = r.value;
        else delete original[k];
      }
    }
  }
  return original;
}

function mergeSliceHandler(
  original: JsonValue[],
  patch: JsonValue[],
  schema: PatchMetaLookup,
  fieldPatchStrategy: string,
  fieldPatchMergeKey: string,
  isDeleteList: boolean,
): JsonValue[] {
  // Deletion lists apply whatever the field's strategy is.
  if (fieldPatchStrategy === mergeDirective || isDeleteList) return mergeSlice(original, patch, schema, fieldPatchMergeKey, isDeleteList);
  return patch;
}

function mergeSlice(original: JsonValue[], patchIn: JsonValue[], schema: PatchMetaLookup, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  let patch = patchIn;
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: JsonValue[];
  let serverOrder = original;
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw goError(`cannot merge lists without merge key for ${schema.name()}`);
    const special = mergeSliceWithSpecialElements(original, patch, mergeKey);
    patch = special.patch;
    serverOrder = special.backing.slice(0, special.len);
    merged = mergeSliceWithoutSpecialElements(special.backing, special.len, patch, mergeKey, schema);
  }
  const { patchItems, serverOnly } =
    mergeKey === '' ? partitionPrimitivesByPresentInList(merged, patch) : partitionMapsByPresentInList(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patch, serverOrder, mergeKey, kind);
}

// Go slices share their backing array with the caller: deleting an item shifts the caller's view
// of the list left (its last slot keeping a stale copy), and the first items appended afterwards
// land in the freed slots. mergePatchIntoOriginal then orders the merged list by that view, so
// $setElementOrder with deletions orders as in kube-apiserver only if this is reproduced. The
// backing array is the caller's list, mutated in place; `len` is the Go slice length.
function mergeSliceWithSpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string): { backing: JsonValue[]; len: number; patch: JsonValue[] } {
  const withoutSpecial: JsonValue[] = [];
  let replace = false;
  let len = original.length;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!(directiveMarker in item)) {
      withoutSpecial.push(v);
      continue;
    }
    const patchType = item[directiveMarker];
    if (patchType === deleteDirective) {
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
      len = deleteMatchingEntries(original, len, mergeKey, item[mergeKey] as JsonValue);
    } else if (patchType === replaceDirective) {
      replace = true;
    } else if (patchType === mergeDirective) {
      throw goError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(patchType, item);
    }
  }
  if (replace) return { backing: withoutSpecial, len: withoutSpecial.length, patch: [] };
  return { backing: original, len, patch: withoutSpecial };
}

function deleteMatchingEntries(backing: JsonValue[], lenIn: number, mergeKey: string, mergeValue: JsonValue): number {
  let len = lenIn;
  for (;;) {
    const found = findMapInSliceBasedOnKeyValue(backing.slice(0, len), mergeKey, mergeValue);
    if (found === undefined) return len;
    backing.copyWithin(found.index, found.index + 1, len);
    len--;
  }
}

function mergeSliceWithoutSpecialElements(backing: JsonValue[], len: number, patch: JsonValue[], mergeKey: string, schema: PatchMetaLookup): JsonValue[] {
  const out = backing.slice(0, len);
  for (const v of patch) {
    const item = v as JsonObject;
    if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    const found = findMapInSliceBasedOnKeyValue(out, mergeKey, item[mergeKey] as JsonValue);
    if (found !== undefined) {
      const merged = mergeMap(found.map, item, schema);
      out[found.index] = merged;
      if (found.index < backing.length) backing[found.index] = merged;
    } else {
      // A new item is appended as sent: only items merged into an existing one lose their directives.
      if (out.length < backing.length) backing[out.length] = v;
      out.push(v);
    }
  }
  return out;
}

function deleteFromSlice(current: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  return current.filter((v) => !toDelete.some((d) => goEq(d, v)));
}

function findMapInSliceBasedOnKeyValue(m: JsonValue[], key: string, value: JsonValue): { map: JsonObject; index: number } | undefined {
  for (let i = 0; i < m.length; i++) {
    const v = m[i];
    if (!isObject(v)) throw goError(`value for key ${i} is not a map`);
    if (key in v && goEq(v[key], value)) return { map: v, index: i };
  }
  return undefined;
}

/** deduplicateScalars' in-place algorithm (its order is re-established by normalizeElementOrder). */
function deduplicateScalars(s: JsonValue[]): JsonValue[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEq(s[i], s[j])) {
        s[j] = s[length] as JsonValue;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function sliceElementKind(...slices: JsonValue[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (prev === 'slice') throw unprocessable(); // errNoListOfLists
      } else if (prev !== k) {
        throw goError(`list element types are not identical: ${goV(slices)}`);
      }
    }
  }
  if (prev === undefined) throw goError('no elements in any of the given slices');
  return prev;
}

function indexIn(l: JsonValue[], valToLookUp: JsonValue, mergeKey: string, kind: Kind): number {
  // A missing merge key reads as nil, and nil == nil in Go.
  const get = kind === 'map' ? (item: JsonValue) => (isObject(item) ? (item[mergeKey] ?? null) : null) : (item: JsonValue) => item;
  const want = get(valToLookUp);
  for (let i = 0; i < l.length; i++) {
    const got = get(l[i] as JsonValue);
    if (want === null ? got === null : goEq(want, got)) return i;
  }
  return -1;
}

function normalizeSliceOrder(toSortIn: JsonValue[], order: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  let toSort = toSortIn;
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    const parts = extractToDeleteItems(toSort);
    toSort = parts.nonDelete;
    toDelete = parts.toDelete;
  }
  const sorted = [...toSort];
  goSliceStable(sorted, (a, b) => {
    const ii = indexIn(order, a, mergeKey, kind);
    if (ii >= 0) {
      const ij = indexIn(order, b, mergeKey, kind);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return [...sorted, ...toDelete];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: JsonValue[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function normalizeElementOrder(patch: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/**
 * Inserts the server-only items (left) among the patch items (right), keeping both relative
 * orders; a server-only item goes before the first patch item that comes after it in the live list.
 */
function mergeSortedSlice(left: JsonValue[], right: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const less = (l: JsonValue, r: JsonValue): boolean => {
    const li = indexIn(serverOrder, l, mergeKey, kind);
    const ri = indexIn(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 && li < ri;
  };
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else if (less(left[i] as JsonValue, right[j] as JsonValue)) out.push(left[i++] as JsonValue);
    else out.push(right[j++] as JsonValue);
  }
  return out;
}

// Go's sort.SliceStable (insertion sort in blocks of 20, then SymMerge), reproduced so that a
// comparator that is not a strict weak order yields the same permutation as in kube-apiserver.
function goSliceStable<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const lessIdx = (i: number, j: number) => less(data[i] as T, data[j] as T);
  const swap = (i: number, j: number) => {
    const t = data[i] as T;
    data[i] = data[j] as T;
    data[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessIdx(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessIdx(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessIdx(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessIdx(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}
