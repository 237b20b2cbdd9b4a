// JSON patch (RFC 6902) as kube-apiserver applies it: gopkg.in/evanphx/json-patch.v4 semantics
// (a path is resolved segment by segment, negative array indices count from the end, replace
// of a missing object key sets it, copy of a missing key copies null, copies bounded in total
// size), at most 10000 operations (413), any failure while applying a 422 whose message is
// errors.NewGenericServerResponse's. The mutations themselves go through fast-json-patch on a
// private copy, so a failed patch leaves the input untouched.
import { applyOperation, deepClone, escapePathComponent } from 'fast-json-patch';
import { jsonDepth, maxJsonDepth, statusErrors } from '@portico/api';
import { unprocessable } from './errors';
import { isObject, jsonEqual, type JsonObject, type JsonValue } from './json';

/** kube-apiserver's maxJSONPatchOperations. */
export const maxJsonPatchOperations = 10000;
/** The default of --json-patch-max-copy-bytes (jsonpatch.AccumulatedCopySizeLimit). */
export const jsonPatchMaxCopyBytes = 3 * 1024 * 1024;

class OpFailure extends Error {}

function goJsonKind(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Parses a patch body; malformed JSON is the handler's 400 "invalid JSON patch". */
export function parsePatchJson(body: Buffer | string): JsonValue {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (jsonDepth(text, maxJsonDepth) > maxJsonDepth) throw statusErrors.badRequest('invalid JSON patch');
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw statusErrors.badRequest('invalid JSON patch');
  }
}

/** jsonpatch.DecodePatch: an array of operation objects (null is the empty patch). */
export function decodeJsonPatch(v: JsonValue): (JsonObject | null)[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw statusErrors.badRequest(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type jsonpatch.Patch`);
  for (const op of v) {
    if (op !== null && !isObject(op)) throw statusErrors.badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
  }
  return v as (JsonObject | null)[];
}

const decodePatchKey = (k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** strconv.Atoi. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

interface Located {
  /** The JSON pointer of the container, re-encoded with normalized indices. */
  pointer: string;
  container: JsonObject | JsonValue[];
  key: string;
}

/** findObject: the container of the path's last segment, or undefined when some parent is missing. */
function findObject(doc: JsonValue, path: string): Located | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  const parts = split.slice(1, -1);
  const key = decodePatchKey(split[split.length - 1] as string);
  let cur: JsonValue = doc;
  let pointer = '';
  for (const raw of parts) {
    const part = decodePatchKey(raw);
    let next: JsonValue | undefined;
    if (Array.isArray(cur)) {
      const idx = arrayIndex(cur, part, false);
      if (idx === undefined) return undefined;
      next = cur[idx];
      pointer += `/${idx}`;
    } else if (isObject(cur)) {
      next = Object.hasOwn(cur, part) ? cur[part] : undefined;
      pointer += `/${escapePathComponent(part)}`;
    } else return undefined;
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    cur = next;
  }
  if (!Array.isArray(cur) && !isObject(cur)) return undefined;
  return { pointer, container: cur, key };
}

/** An existing index (negative ones count from the end); for add, one past the end is allowed. */
function arrayIndex(a: JsonValue[], key: string, forAdd: boolean): number | undefined {
  const idx = atoi(key);
  if (idx === undefined) return undefined;
  const size = forAdd ? a.length + 1 : a.length;
  if (idx >= size || idx < -size) return undefined;
  return idx < 0 ? idx + size : idx;
}

function get(loc: Located): { ok: true; value: JsonValue | undefined } | { ok: false } {
  if (Array.isArray(loc.container)) {
    const idx = arrayIndex(loc.container, loc.key, false);
    return idx === undefined ? { ok: false } : { ok: true, value: loc.container[idx] };
  }
  return { ok: true, value: Object.hasOwn(loc.container, loc.key) ? loc.container[loc.key] : undefined };
}

function stringField(op: JsonObject, name: string): string | undefined {
  const v = op[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Applies an RFC 6902 patch to `doc` (not modified) and returns the result. Throws the
 * StatusError kube-apiserver answers with: 400 for an undecodable patch, 413 for too many
 * operations, 422 for an operation that does not apply.
 */
export function applyJsonPatch(doc: JsonValue, patch: JsonValue, maxCopyBytes = jsonPatchMaxCopyBytes): JsonValue {
  const ops = decodeJsonPatch(patch);
  if (ops.length > maxJsonPatchOperations) {
    throw statusErrors.requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${ops.length}`);
  }
  let work = deepClone(doc) as JsonValue;
  let copied = 0;
  const mutate = (op: 'add' | 'remove' | 'replace', path: string, value?: JsonValue) => {
    try {
      work = applyOperation(work, value === undefined ? { op, path } as never : { op, path, value }, false, true).newDocument as JsonValue;
    } catch (e) {
      throw new OpFailure(e instanceof Error ? e.message : String(e));
    }
  };
  const add = (path: string, value: JsonValue) => {
    const loc = findObject(work, path);
    if (loc === undefined) throw new OpFailure(`add operation does not apply: doc is missing path: "${path}"`);
    if (Array.isArray(loc.container)) {
      if (loc.key === '-') return mutate('add', `${loc.pointer}/-`, value);
      const idx = arrayIndex(loc.container, loc.key, true);
      if (idx === undefined) throw new OpFailure(`error in add for path: '${path}'`);
      return mutate('add', `${loc.pointer}/${idx}`, value);
    }
    mutate('add', `${loc.pointer}/${escapePathComponent(loc.key)}`, value);
  };
  const remove = (path: string) => {
    const loc = findObject(work, path);
    if (loc === undefined) throw new OpFailure(`remove operation does not apply: doc is missing path: "${path}"`);
    if (Array.isArray(loc.container)) {
      const idx = arrayIndex(loc.container, loc.key, false);
      if (idx === undefined) throw new OpFailure(`error in remove for path: '${path}'`);
      return mutate('remove', `${loc.pointer}/${idx}`);
    }
    if (!Object.hasOwn(loc.container, loc.key)) throw new OpFailure(`error in remove for path: '${path}'`);
    mutate('remove', `${loc.pointer}/${escapePathComponent(loc.key)}`);
  };
  try {
    for (const op of ops) {
      const kind = op === null ? 'unknown' : (stringField(op, 'op') ?? 'unknown');
      const o = op ?? {};
      const path = stringField(o, 'path');
      // An absent value reads as null (a nil node), as in evanphx/json-patch.
      const value = Object.hasOwn(o, 'value') ? (o['value'] as JsonValue) : null;
      switch (kind) {
        case 'add':
          if (path === undefined) throw new OpFailure('add operation failed to decode path');
          add(path, value);
          break;
        case 'remove':
          if (path === undefined) throw new OpFailure('remove operation failed to decode path');
          remove(path);
          break;
        case 'replace': {
          if (path === undefined) throw new OpFailure('replace operation failed to decode path');
          if (path === '') {
            if (!Array.isArray(value) && !isObject(value)) throw new OpFailure('replace operation value must be object or array');
            work = value;
            break;
          }
          const loc = findObject(work, path);
          if (loc === undefined) throw new OpFailure(`replace operation does not apply: doc is missing path: ${path}`);
          if (Array.isArray(loc.container)) {
            const idx = arrayIndex(loc.container, loc.key, false);
            if (idx === undefined) throw new OpFailure(`replace operation does not apply: doc is missing key: ${path}`);
            mutate('replace', `${loc.pointer}/${idx}`, value);
          } else {
            // A missing key is set: the container's get does not fail for objects.
            mutate('add', `${loc.pointer}/${escapePathComponent(loc.key)}`, value);
          }
          break;
        }
        case 'move': {
          const from = stringField(o, 'from');
          if (from === undefined) throw new OpFailure('move operation failed to decode from');
          const loc = findObject(work, from);
          if (loc === undefined) throw new OpFailure(`move operation does not apply: doc is missing from path: ${from}`);
          const got = get(loc);
          if (!got.ok) throw new OpFailure(`error in move for path: '${loc.key}'`);
          remove(from);
          if (path === undefined) throw new OpFailure('move operation failed to decode path');
          add(path, got.value ?? null);
          break;
        }
        case 'test': {
          if (path === undefined) throw new OpFailure('test operation failed to decode path');
          const want = Object.hasOwn(o, 'value') ? (o['value'] as JsonValue) : undefined;
          if (path === '') {
            if (!jsonEqual(work, want)) throw new OpFailure(`testing value ${path} failed: test failed`);
            break;
          }
          const loc = findObject(work, path);
          if (loc === undefined) throw new OpFailure(`test operation does not apply: is missing path: ${path}`);
          const got = get(loc);
          if (!got.ok) throw new OpFailure(`error in test for path: '${path}'`);
          if (got.value === undefined) {
            if (want === undefined) break;
            throw new OpFailure(`testing value ${path} failed: test failed`);
          }
          if (want === undefined || !jsonEqual(got.value, want)) throw new OpFailure(`testing value ${path} failed: test failed`);
          break;
        }
        case 'copy': {
          const from = stringField(o, 'from');
          if (from === undefined) throw new OpFailure('copy operation failed to decode from');
          const loc = findObject(work, from);
          if (loc === undefined) throw new OpFailure(`copy operation does not apply: doc is missing from path: ${from}`);
          const got = get(loc);
          if (!got.ok) throw new OpFailure(`error in copy for from: '${from}'`);
          if (path === undefined) throw new OpFailure('copy operation failed to decode path');
          if (findObject(work, path) === undefined) throw new OpFailure(`copy operation does not apply: doc is missing destination path: ${path}`);
          const copy = got.value === undefined ? null : (deepClone(got.value) as JsonValue);
          copied += got.value === undefined ? 0 : Buffer.byteLength(JSON.stringify(got.value));
          if (maxCopyBytes > 0 && copied > maxCopyBytes) {
            throw new OpFailure(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${maxCopyBytes}`);
          }
          add(path, copy);
          break;
        }
        default:
          throw new OpFailure(`Unexpected kind: ${kind}`);
      }
    }
  } catch (e) {
    if (e instanceof OpFailure) throw unprocessable();
    throw e;
  }
  return work;
}

