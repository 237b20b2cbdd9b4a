// JSON merge patch (RFC 7386) as kube-apiserver applies it: gopkg.in/evanphx/json-patch.v4
// MergePatch. null deletes a key, objects merge, everything else (lists included) replaces; nulls
// inside values that are set wholesale are pruned (in nested objects, not as list items).
import { statusErrors } from '@portico/api';
import { cloneJson, isObject, type JsonObject, type JsonValue } from './json';

/** jsonpatch.ErrBadJSONPatch, which the handler answers with 400. */
const errBadJSONPatch = () => statusErrors.badRequest('Invalid JSON Patch');

function pruneNulls(v: JsonValue): JsonValue {
  if (isObject(v)) return pruneDocNulls(v);
  if (Array.isArray(v)) return pruneAryNulls(v);
  return v;
}

function pruneDocNulls(doc: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(doc)) {
    if (v === null) delete doc[k];
    else pruneNulls(v);
  }
  return doc;
}

function pruneAryNulls(ary: JsonValue[]): JsonValue[] {
  for (const v of ary) if (v !== null) pruneNulls(v);
  return ary;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = Object.hasOwn(doc, k) ? doc[k] : undefined;
    if (cur === undefined || cur === null) {
      doc[k] = pruneNulls(v);
      continue;
    }
    if (!isObject(cur)) {
      doc[k] = pruneNulls(v);
      continue;
    }
    if (!isObject(v)) {
      doc[k] = v;
      continue;
    }
    mergeDocs(cur, v);
  }
}

/**
 * Applies a merge patch to `doc` (not modified). A patch that is not an object replaces the
 * document (arrays with their nested nulls pruned); null and scalar patches are a 400.
 */
export function applyMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null) throw errBadJSONPatch();
  if (Array.isArray(patch)) return pruneAryNulls(cloneJson(patch));
  if (!isObject(patch)) throw errBadJSONPatch();
  const p = cloneJson(patch);
  if (!isObject(doc)) {
    if (doc === null) throw statusErrors.badRequest('Invalid JSON Document');
    return pruneDocNulls(p);
  }
  const out = cloneJson(doc);
  mergeDocs(out, p);
  return out;
}
