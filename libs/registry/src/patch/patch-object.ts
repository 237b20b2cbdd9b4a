// The PATCH verb between the HTTP handler and the store: the supported patch types of a
// resource, the decoding of the body, and applying the patch to the current object inside the
// update loop. k8s parity: apiserver pkg/endpoints/handlers/patch.go (jsonPatcher, smpPatcher,
// applyPatcher, patcher.applyPatch, applyPatchToObject, validateAndTranscodePatch).
import { parseAllDocuments } from 'yaml';
import { decodeYaml, isStatusError, statusErrors, type KubeObject } from '@portico/api';
import type { ResourceDescriptor } from '../descriptor';
import { ensureObjectNamespaceMatchesRequestNamespace } from '../metadata';
import { invalidPatchResult, unsupportedPatchType } from './errors';
import { FieldManager, fieldManagerScope, markManagedFieldsRecorded } from './field-manager';
import { applyJsonPatch, parsePatchJson } from './json-patch';
import { cloneJson, goJsonMarshal, goV, isObject, type JsonObject, type JsonValue } from './json';
import { applyMergePatch } from './merge-patch';
import { schemaNameForKind } from './schema-lookup';
import { SchemaPatchMeta, strategicMergePatch } from './strategic-merge-patch';
import { dropUnknownFields, findUnknownFields, strictDecodingErrorText } from './unknown-fields';

export const jsonPatchType = 'application/json-patch+json';
export const mergePatchType = 'application/merge-patch+json';
export const strategicMergePatchType = 'application/strategic-merge-patch+json';
export const applyPatchType = 'application/apply-patch+yaml';

export type PatchType = typeof jsonPatchType | typeof mergePatchType | typeof strategicMergePatchType | typeof applyPatchType;

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/**
 * The Content-Types a resource's PATCH accepts, in kube-apiserver's order. Kinds without an
 * OpenAPI schema (custom resources) have no strategic merge patch.
 */
export function supportedPatchTypes(desc: ResourceDescriptor): PatchType[] {
  if (schemaNameForKind(desc.group, desc.version, desc.kind) === undefined) return [jsonPatchType, mergePatchType, applyPatchType];
  return [jsonPatchType, mergePatchType, strategicMergePatchType, applyPatchType];
}

/** A patch body decoded once, before the update loop (validateAndTranscodePatch). */
export interface DecodedPatch {
  type: PatchType;
  /** The JSON document of a json/merge/strategic patch, or the applied object. */
  document: JsonValue;
  /** Duplicate keys of an apply body (yaml.UnmarshalStrict), reported per fieldValidation. */
  strictApplyError?: string;
}

/** Decodes a patch body; malformed documents are the 400s kube-apiserver answers with. */
export function decodePatchBody(type: PatchType, body: Buffer): DecodedPatch {
  if (type !== applyPatchType) return { type, document: parsePatchJson(body) };
  let doc: unknown;
  try {
    doc = decodeYaml(body);
  } catch (e) {
    const msg = isStatusError(e) ? (e.status.message ?? '') : String(e);
    throw statusErrors.badRequest(`error decoding patch: ${msg}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc)) {
    const kind = Array.isArray(doc) ? 'array' : typeof doc === 'boolean' ? 'bool' : typeof doc;
    throw statusErrors.badRequest(`error decoding patch: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  const out: DecodedPatch = { type, document: doc };
  const dup = duplicateKeyError(body);
  if (dup !== undefined) out.strictApplyError = `error strict decoding patch: ${dup}`;
  return out;
}

function duplicateKeyError(body: Buffer): string | undefined {
  const docs = parseAllDocuments(body.toString('utf8'), { version: '1.1', uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return undefined;
  const first = docs[0];
  const dup = first?.errors.find((e) => e.code === 'DUPLICATE_KEY');
  if (dup === undefined) return undefined;
  const text = body.toString('utf8');
  const line = text.slice(0, dup.pos[0]).split('\n').length;
  const key = keyAt(text, dup.pos[0]);
  return `error converting YAML to JSON: yaml: unmarshal errors:\n  line ${line}: key ${JSON.stringify(key)} already set in map`;
}

function keyAt(text: string, pos: number): string {
  const m = /^\s*"?([^":\n]*)"?\s*:/.exec(text.slice(pos));
  return m?.[1] ?? '';
}

export interface PatchContext {
  desc: ResourceDescriptor;
  /** "" or the subresource written ("status"). */
  subresource: string;
  namespace: string;
  name: string;
  patch: DecodedPatch;
  fieldValidation: FieldValidation;
  /** managerOrUserAgent for non-apply patches; the required fieldManager for apply. */
  fieldManager: string;
  force: boolean;
  now?: () => Date;
}

export interface PatchOutcome {
  /** The object to write, in storage form, with its managedFields. */
  object: KubeObject;
  warnings: string[];
}

const gvString = (desc: ResourceDescriptor) => (desc.group === '' ? desc.version : `${desc.group}/${desc.version}`);

/**
 * patcher.applyPatch: the object a PATCH makes of `current` (storage form; undefined when the
 * object does not exist, which only apply may create). Pure: runs again on every retry of the
 * update loop. Throws the StatusError kube-apiserver answers with.
 */
export function patchObject(c: PatchContext, current: KubeObject | undefined): PatchOutcome {
  const { desc } = c;
  const warnings: string[] = [];
  const gr = { group: desc.group, resource: desc.resource };
  const toVersioned = (o: KubeObject) => (desc.fromStorage === undefined ? cloneJson(o as JsonObject) as KubeObject : desc.fromStorage(cloneJson(o as JsonObject) as KubeObject));
  const fm = new FieldManager({ ...fieldManagerScope(desc, c.subresource), ...(c.now !== undefined ? { now: c.now } : {}) });
  const live = current === undefined ? undefined : toVersioned(current);

  let next: KubeObject;
  if (c.patch.type === applyPatchType) {
    const base: KubeObject = live ?? { apiVersion: gvString(desc), kind: desc.kind };
    next = fm.apply(base, c.patch.document as JsonObject, c.fieldManager, c.force);
    if (c.patch.strictApplyError !== undefined) {
      if (c.fieldValidation === 'Strict') throw statusErrors.badRequest(c.patch.strictApplyError);
      if (c.fieldValidation === 'Warn') warnings.push(c.patch.strictApplyError);
    }
  } else {
    if (live === undefined) throw statusErrors.notFound(gr, c.name);
    next = patchNonApply(c, live, warnings);
    fm.update(live, next, c.fieldManager);
  }

  if (current === undefined && typeof next.metadata?.uid === 'string' && next.metadata.uid !== '') {
    throw statusErrors.conflict(gr, c.name, `uid mismatch: the provided object specified uid ${next.metadata.uid}, and no existing object was found`);
  }
  ensureObjectNamespaceMatchesRequestNamespace(desc, next, c.namespace);
  const objName = typeof next.metadata?.name === 'string' ? next.metadata.name : '';
  if (objName !== c.name) throw statusErrors.badRequest(`the name of the object (${objName}) does not match the name on the URL (${c.name})`);

  const stored = desc.toStorage === undefined ? next : desc.toStorage(next);
  markManagedFieldsRecorded(stored);
  return { object: stored, warnings };
}

function patchNonApply(c: PatchContext, live: KubeObject, warnings: string[]): KubeObject {
  const { desc } = c;
  let result: JsonValue;
  // What the handler shows of the patch when the result does not decode.
  let shown: () => string;
  if (c.patch.type === strategicMergePatchType) {
    const def = schemaNameForKind(desc.group, desc.version, desc.kind);
    if (def === undefined) throw unsupportedPatchType(supportedPatchTypes(desc));
    const doc = c.patch.document;
    if (doc !== null && !isObject(doc)) {
      const kind = Array.isArray(doc) ? 'array' : typeof doc === 'boolean' ? 'bool' : typeof doc;
      throw statusErrors.badRequest(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
    }
    const patchMap = doc === null ? {} : cloneJson(doc);
    // Go prints the patch map as the merge left it (directives consumed).
    shown = () => goV(patchMap);
    result = strategicMergePatch(cloneJson(live as JsonObject), patchMap, SchemaPatchMeta.forDefinition(def));
  } else {
    result = c.patch.type === jsonPatchType ? applyJsonPatch(live as JsonObject, c.patch.document) : applyMergePatch(live as JsonObject, c.patch.document);
    shown = () => goJsonMarshal(result);
  }
  if (!isObject(result)) {
    const kind = Array.isArray(result) ? 'array' : result === null ? 'null' : typeof result;
    throw invalidPatchResult(shown(), `json: cannot unmarshal ${kind} into Go value of type ${desc.kind}`);
  }
  const obj = result as KubeObject;
  const gv = gvString(desc);
  if ((obj.kind !== undefined && obj.kind !== desc.kind) || (obj.apiVersion !== undefined && obj.apiVersion !== gv)) {
    throw invalidPatchResult(shown(), `Object 'Kind' is missing or does not match: expected ${desc.kind} in version "${gv}"`);
  }
  obj.apiVersion = gv;
  obj.kind = desc.kind;
  // Fields the stored object already had are not the patch's doing (kube-apiserver never stores
  // undeclared fields, so there it makes no difference).
  // The live object is only walked when the result has undeclared fields at all (rarely).
  let unknown = findUnknownFields(desc, obj as JsonObject);
  if (unknown.length > 0) {
    const known = new Set(findUnknownFields(desc, live as JsonObject));
    unknown = unknown.filter((p) => !known.has(p));
  }
  if (unknown.length > 0) {
    if (c.fieldValidation === 'Strict') throw invalidPatchResult(shown(), strictDecodingErrorText(unknown));
    if (c.fieldValidation === 'Warn') warnings.push(...unknown.map((p) => `unknown field ${JSON.stringify(p)}`));
    // Decoding into the typed object drops them.
    dropUnknownFields(desc, obj as JsonObject);
  }
  const decodeError = desc.strategy.decodeError?.(desc.toStorage === undefined ? obj : desc.toStorage(cloneJson(obj as JsonObject) as KubeObject));
  if (decodeError !== undefined) throw invalidPatchResult(shown(), decodeError);
  return obj;
}
