// k8s parity: apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go,
// objectmeta/coerce.go (ObjectMeta round trip through a strict decoder), defaulting/prunenulls.go,
// and the order unstructuredSchemaCoercer.apply (customresource_handler.go) runs them in.
import { compareBytes, isPlainObject, objectMetaFieldNames, type KubeObject } from '@portico/api';
import { asResourceRoot, fieldSchema, type StructuralSchema } from './structural';

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

// What metav1.ObjectMeta (and the structs inside it) can decode; the rest is an unknown field to
// the strict decoder and is lost in the round trip kube-apiserver does.
const objectMetaFields = new Set<string>(objectMetaFieldNames);
const ownerReferenceFields = new Set(['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']);
const managedFieldsEntryFields = new Set(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);

/** UnknownFieldPathOptions: "a.b[0].c", dots only between keys. Children share one result list. */
class UnknownFieldPaths {
  constructor(
    readonly paths: string[] = [],
    private readonly parent = '',
  ) {}
  record(key: string): void {
    this.paths.push(this.parent === '' ? key : `${this.parent}.${key}`);
  }
  key(key: string): UnknownFieldPaths {
    return new UnknownFieldPaths(this.paths, this.parent === '' ? key : `${this.parent}.${key}`);
  }
  index(i: number): UnknownFieldPaths {
    return new UnknownFieldPaths(this.paths, `${this.parent}[${i}]`);
  }
  get atRoot(): boolean {
    return this.parent === '';
  }
}

function pruneValue(x: unknown, s: StructuralSchema | undefined, p: UnknownFieldPaths): void {
  if (s !== undefined && s.preserveUnknownFields) {
    skipPrune(x, s, p);
    return;
  }
  if (Array.isArray(x)) {
    x.forEach((v, i) => pruneValue(v, s?.items, p.index(i)));
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s === undefined) {
      p.record(k);
      delete x[k];
      continue;
    }
    if (s.embeddedResource && metaFields.has(k)) continue;
    const prop = s.properties.get(k);
    if (prop !== undefined) pruneValue(x[k], prop, p.key(k));
    else if (s.additionalProperties !== undefined || s.additionalPropertiesWithoutSchema) pruneValue(x[k], s.additionalProperties, p.key(k));
    else {
      // A stray apiVersion/kind/metadata at the top is dropped without being reported.
      if (!metaFields.has(k) || !p.atRoot) p.record(k);
      delete x[k];
    }
  }
}

function skipPrune(x: unknown, s: StructuralSchema | undefined, p: UnknownFieldPaths): void {
  if (s === undefined) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => skipPrune(v, s.items, p.index(i)));
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && metaFields.has(k)) continue;
    const prop = s.properties.get(k);
    if (prop !== undefined) pruneValue(x[k], prop, p.key(k));
    else if (s.additionalProperties !== undefined || s.additionalPropertiesWithoutSchema) pruneValue(x[k], s.additionalProperties, p.key(k));
  }
}

/**
 * pruning.PruneWithOptions: drops what the schema does not declare, returns the dropped paths
 * sorted. The root's (and embedded resources') apiVersion/kind/metadata are left alone.
 */
export function pruneUnknownFields(obj: unknown, s: StructuralSchema, isResourceRoot: boolean): string[] {
  const p = new UnknownFieldPaths();
  pruneValue(obj, isResourceRoot ? asResourceRoot(s) : s, p);
  return p.paths.sort(compareBytes);
}

function pruneStruct(x: unknown, known: Set<string>, prefix: string, out: string[]): void {
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    if (!known.has(k)) {
      out.push(`${prefix}.${k}`);
      delete x[k];
    }
  }
}

/**
 * SetObjectMeta writes ObjectMeta back from the Go struct: nulls and the zero values of its
 * omitempty fields do not survive (a zero deletionGracePeriodSeconds is a set pointer and does).
 */
function dropOmittedMetaFields(metadata: Record<string, unknown>): void {
  for (const k of Object.keys(metadata)) {
    const v = metadata[k];
    const zero =
      v === null ||
      (k !== 'deletionGracePeriodSeconds' && (v === '' || v === 0)) ||
      (Array.isArray(v) && v.length === 0) ||
      (isPlainObject(v) && Object.keys(v).length === 0);
    if (zero) delete metadata[k];
  }
}

/**
 * The ObjectMeta round trip of GetObjectMetaWithOptions: unknown fields inside metadata (and its
 * owner references and managed-fields entries) are dropped and named as kjson's strict errors
 * are, `<path>.metadata.foo`, `<path>.metadata.ownerReferences[0].foo`.
 */
export function pruneObjectMeta(metadata: unknown, metadataPath: string): string[] {
  const out: string[] = [];
  if (!isPlainObject(metadata)) return out;
  pruneStruct(metadata, objectMetaFields, metadataPath, out);
  dropOmittedMetaFields(metadata);
  const refs = metadata['ownerReferences'];
  if (Array.isArray(refs)) refs.forEach((r, i) => pruneStruct(r, ownerReferenceFields, `${metadataPath}.ownerReferences[${i}]`, out));
  const managed = metadata['managedFields'];
  if (Array.isArray(managed)) managed.forEach((e, i) => pruneStruct(e, managedFieldsEntryFields, `${metadataPath}.managedFields[${i}]`, out));
  return out;
}

const childPath = (base: string, name: string): string => (base === '' ? name : `${base}.${name}`);

/** objectmeta.CoerceWithOptions for non-root embedded resources: their metadata pruned to ObjectMeta. */
function coerceEmbedded(x: unknown, s: StructuralSchema | undefined, path: string, out: string[]): void {
  if (s === undefined) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => coerceEmbedded(v, s.items, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && k === 'metadata') out.push(...pruneObjectMeta(x[k], childPath(path, 'metadata')));
    const prop = s.properties.get(k);
    if (prop !== undefined) coerceEmbedded(x[k], prop, childPath(path, k), out);
    else if (s.additionalProperties !== undefined) coerceEmbedded(x[k], s.additionalProperties, `${path}[${k}]`, out);
  }
}

function isNonNullableNonDefaultableNull(x: unknown, s: StructuralSchema | undefined): boolean {
  return x === null && s !== undefined && !s.nullable && s.default === undefined;
}

/**
 * defaulting.PruneNonNullableNullsWithoutDefaults: a null where the schema allows none and has no
 * default to replace it is dropped, so that "field: null" means "unset".
 */
export function pruneNonNullableNullsWithoutDefaults(x: unknown, s: StructuralSchema | undefined): void {
  if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNullsWithoutDefaults(v, s?.items);
    return;
  }
  if (!isPlainObject(x)) return;
  for (const k of Object.keys(x)) {
    const sub = fieldSchema(s, k);
    if (isNonNullableNonDefaultableNull(x[k], sub)) delete x[k];
    else pruneNonNullableNullsWithoutDefaults(x[k], sub);
  }
}

/**
 * What kube-apiserver's decoder does to a custom resource before defaulting: root metadata round
 * trip, structural pruning, non-nullable nulls, embedded metadata. Returns the strict-decoding
 * unknown fields in the same order (each group as kube sorts it).
 */
export function pruneCustomResource(obj: KubeObject, s: StructuralSchema): string[] {
  const unknown = pruneObjectMeta((obj as Record<string, unknown>)['metadata'], 'metadata');
  unknown.push(...pruneUnknownFields(obj, s, true));
  pruneNonNullableNullsWithoutDefaults(obj, s);
  const embedded: string[] = [];
  coerceEmbedded(obj, s, '', embedded);
  unknown.push(...embedded.sort(compareBytes));
  return unknown;
}
