// k8s parity: apiserver pkg/storage/api_object_versioner.go. metadata.resourceVersion is never
// persisted (PrepareObjectForStorage) and is stamped from the key's revision on every read
// (UpdateObject). Both edits are made on the JSON text itself: everything else in the object stays
// byte for byte as the caller wrote it, so no number loses precision to a JSON.parse/stringify round
// trip and large objects are not rebuilt on every read.

/** A member of a JSON object: `"key": value`. Offsets index the string. */
interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

class JsonScanError extends Error {
  override readonly name = 'JsonScanError';
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string literal starting at `i` (which must be a quote). */
function skipString(s: string, i: number): number {
  if (s[i] !== '"') throw new JsonScanError(`expected a string at offset ${i}`);
  i++;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  throw new JsonScanError('unterminated string');
}

/** Index just past the JSON value starting at `i`. */
function skipValue(s: string, i: number): number {
  i = skipWs(s, i);
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === '{' || c === '[') {
    // Brackets inside strings are skipped with the strings.
    let depth = 0;
    while (i < s.length) {
      const d = s[i];
      if (d === '"') {
        i = skipString(s, i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new JsonScanError('unterminated object or array');
  }
  // number, true, false, null
  const start = i;
  while (i < s.length) {
    const d = s[i];
    if (d === ',' || d === '}' || d === ']' || isWs(s.charCodeAt(i))) break;
    i++;
  }
  if (i === start) throw new JsonScanError(`expected a value at offset ${start}`);
  return i;
}

/** The members of the object starting at `i` (a "{"), and the index of its closing "}". */
function members(s: string, i: number): { members: Member[]; close: number } {
  if (s[i] !== '{') throw new JsonScanError(`expected an object at offset ${i}`);
  const out: Member[] = [];
  i = skipWs(s, i + 1);
  if (s[i] === '}') return { members: out, close: i };
  for (;;) {
    const keyStart = i;
    const keyEnd = skipString(s, i);
    const key = JSON.parse(s.slice(keyStart, keyEnd)) as string;
    i = skipWs(s, keyEnd);
    if (s[i] !== ':') throw new JsonScanError(`expected ':' at offset ${i}`);
    const valueStart = skipWs(s, i + 1);
    const valueEnd = skipValue(s, valueStart);
    out.push({ key, keyStart, valueStart, valueEnd });
    i = skipWs(s, valueEnd);
    if (s[i] === ',') {
      i = skipWs(s, i + 1);
      continue;
    }
    if (s[i] === '}') return { members: out, close: i };
    throw new JsonScanError(`expected ',' or '}' at offset ${i}`);
  }
}

function topLevel(s: string): { members: Member[]; open: number; close: number } {
  const open = skipWs(s, 0);
  const m = members(s, open);
  return { ...m, open };
}

/** Removes members[k] (and one separating comma) from `s`. */
function removeMember(s: string, ms: Member[], k: number): string {
  const m = ms[k] as Member;
  const next = ms[k + 1];
  if (next !== undefined) return s.slice(0, m.keyStart) + s.slice(next.keyStart);
  const prev = ms[k - 1];
  if (prev !== undefined) return s.slice(0, prev.valueEnd) + s.slice(m.valueEnd);
  return s.slice(0, m.keyStart) + s.slice(m.valueEnd);
}

function lastMember(ms: Member[], key: string): Member | undefined {
  let found: Member | undefined;
  for (const m of ms) if (m.key === key) found = m;
  return found;
}

/**
 * The object without metadata.resourceVersion (every occurrence). Throws on text that is not a JSON
 * object; callers validate bodies first.
 */
export function stripResourceVersion(json: string): string {
  let s = json;
  for (;;) {
    const top = topLevel(s);
    const meta = lastMember(top.members, 'metadata');
    if (meta === undefined || s[meta.valueStart] !== '{') return s;
    const inner = members(s, meta.valueStart).members;
    const k = inner.findIndex((m) => m.key === 'resourceVersion');
    if (k < 0) return s;
    s = removeMember(s, inner, k);
  }
}

/**
 * The object with metadata.resourceVersion set to `rev`, placed after metadata.uid when there is one
 * (where Kubernetes' own serialization puts it), else at the end of metadata. Creates metadata when
 * the object has none.
 */
export function stampResourceVersion(json: string, rev: number): string {
  const s = stripResourceVersion(json);
  const member = `"resourceVersion":"${rev}"`;
  const top = topLevel(s);
  const meta = lastMember(top.members, 'metadata');
  if (meta === undefined) {
    const sep = top.members.length > 0 ? ',' : '';
    return `${s.slice(0, top.close)}${sep}"metadata":{${member}}${s.slice(top.close)}`;
  }
  if (s[meta.valueStart] !== '{') {
    // metadata: null (or something odd): replace it.
    return `${s.slice(0, meta.valueStart)}{${member}}${s.slice(meta.valueEnd)}`;
  }
  const inner = members(s, meta.valueStart);
  const uid = lastMember(inner.members, 'uid');
  if (uid !== undefined) return `${s.slice(0, uid.valueEnd)},${member}${s.slice(uid.valueEnd)}`;
  const sep = inner.members.length > 0 ? ',' : '';
  return `${s.slice(0, inner.close)}${sep}${member}${s.slice(inner.close)}`;
}

/** stampResourceVersion on bytes. */
export function stampBytes(value: Buffer, rev: number): Buffer {
  return Buffer.from(stampResourceVersion(value.toString('utf8'), rev), 'utf8');
}

export { JsonScanError };
