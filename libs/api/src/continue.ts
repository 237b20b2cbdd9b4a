// k8s parity: apiserver pkg/storage/continue.go (EncodeContinue / DecodeContinue). A continue token
// is base64url (no padding) of {"v":"meta.k8s.io/v1","rv":<int64>,"start":"<key relative to the
// list's key prefix>"}. Tokens are opaque to clients; only storage reads them.
import { statusErrors } from './status';

const tokenVersion = 'meta.k8s.io/v1';

/** The errors DecodeContinue returns, with Go's messages. */
export const continueErrors = {
  invalidStartRV: `continue key is not valid: incorrect encoded start resourceVersion (version ${tokenVersion})`,
  emptyStartKey: `continue key is not valid: encoded start key empty (version ${tokenVersion})`,
  genericInvalidKey: 'continue key is not valid',
  unrecognizedEncodedVersion: 'continue key is not valid: server does not recognize this encoded version',
} as const;

/** Thrown by decodeContinue; `message` is the Go error text. */
export class ContinueTokenError extends Error {
  override readonly name = 'ContinueTokenError';
}

export interface DecodedContinue {
  /** The full key the next page starts at (inclusive). */
  startKey: string;
  /**
   * The revision every page of the list is read at. -1 means "the latest revision": such tokens are
   * handed out with a 410 when the original revision was compacted.
   */
  resourceVersion: number;
}

// Go's encoding/json escapes these by default (HTML safety and JavaScript line terminators); doing
// the same keeps tokens byte-identical to kube-apiserver's.
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Encodes the continuation of a list whose next key is `key` (usually the last returned key plus
 * "\x00"), relative to `keyPrefix`. Throws when `key` is not under `keyPrefix`.
 */
export function encodeContinue(key: string, keyPrefix: string, resourceVersion: number): string {
  // Go: strings.TrimPrefix leaving the key unchanged.
  if (keyPrefix === '' || !key.startsWith(keyPrefix)) throw new Error('unable to encode next field: the key and key prefix do not match');
  const start = key.slice(keyPrefix.length);
  const json = `{"v":${goJsonString(tokenVersion)},"rv":${Math.trunc(resourceVersion)},"start":${goJsonString(start)}}`;
  return Buffer.from(json, 'utf8').toString('base64url');
}

const b64url = /^[A-Za-z0-9_-]$/;

/** Go's base64.RawURLEncoding.DecodeString: strict alphabet, no padding, CR/LF ignored. */
function decodeRawUrlBase64(s: string): Buffer {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\r' || c === '\n') continue;
    if (!b64url.test(c)) throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: illegal base64 data at input byte ${i}`);
    n++;
  }
  if (n % 4 === 1) {
    // Go reports the offset of the dangling character.
    let idx = s.length - 1;
    while (idx > 0 && (s[idx] === '\r' || s[idx] === '\n')) idx--;
    throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: illegal base64 data at input byte ${idx}`);
  }
  return Buffer.from(s.replace(/[\r\n]/g, ''), 'base64url');
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's encoding/json matches field names case-insensitively when there is no exact match. */
function field(obj: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  let found: unknown;
  for (const k of Object.keys(obj)) if (k.toLowerCase() === name) found = obj[k];
  return found;
}

/**
 * Decodes a continue token for a list under `keyPrefix` (which ends with "/"). Throws
 * ContinueTokenError with DecodeContinue's message for anything malformed, including a start key
 * that would escape the prefix ("../x"), so a client can never page through a range it did not
 * list.
 */
export function decodeContinue(token: string, keyPrefix: string): DecodedContinue {
  const data = decodeRawUrlBase64(token);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: json: cannot unmarshal ${jsonKind(parsed)} into Go value of type storage.continueToken`);
  }
  const obj = (parsed ?? {}) as Record<string, unknown>;
  const v = field(obj, 'v');
  const rv = field(obj, 'rv');
  const start = field(obj, 'start');
  if (v !== undefined && v !== null && typeof v !== 'string') {
    throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: json: cannot unmarshal ${jsonKind(v)} into Go struct field continueToken.v of type string`);
  }
  if (rv !== undefined && rv !== null && (typeof rv !== 'number' || !Number.isSafeInteger(rv))) {
    throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: json: cannot unmarshal ${jsonKind(rv)} into Go struct field continueToken.rv of type int64`);
  }
  if (start !== undefined && start !== null && typeof start !== 'string') {
    throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: json: cannot unmarshal ${jsonKind(start)} into Go struct field continueToken.start of type string`);
  }
  const version = typeof v === 'string' ? v : '';
  if (version !== tokenVersion) throw new ContinueTokenError(`${continueErrors.unrecognizedEncodedVersion} ${version}`);
  const resourceVersion = typeof rv === 'number' ? rv : 0;
  if (resourceVersion === 0) throw new ContinueTokenError(continueErrors.invalidStartRV);
  const startKey = typeof start === 'string' ? start : '';
  if (startKey.length === 0) throw new ContinueTokenError(continueErrors.emptyStartKey);
  const key = startKey.startsWith('/') ? startKey : `/${startKey}`;
  const cleaned = cleanPath(key);
  if (cleaned !== key) throw new ContinueTokenError(`${continueErrors.genericInvalidKey}: ${startKey}`);
  return { startKey: keyPrefix + cleaned.slice(1), resourceVersion };
}

function jsonKind(v: unknown): string {
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/**
 * decodeContinue for request handling: a malformed token becomes the 400 kube-apiserver returns
 * (`invalid continue token: continue key is not valid: ...`).
 */
export function decodeContinueParam(token: string, keyPrefix: string): DecodedContinue {
  try {
    return decodeContinue(token, keyPrefix);
  } catch (e) {
    if (e instanceof ContinueTokenError) throw statusErrors.badRequest(`invalid continue token: ${e.message}`);
    throw e;
  }
}

/**
 * The 410 message for a continue token whose revision was compacted, when a fresh token (rv -1,
 * "continue at the latest revision") is offered alongside (etcd3 store handleCompactedErrorForPaging).
 */
export const inconsistentContinueMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** The 410 message for an expired continue token when no fresh token can be offered. */
export const continueExpiredMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';
