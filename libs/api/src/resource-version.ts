// k8s parity: apiserver pkg/storage/api_object_versioner.go ParseResourceVersion. A resourceVersion
// is the decimal etcd revision that last modified an object (or, on a list, the revision it was
// read at). Clients must treat it as opaque; only storage and its callers parse it.
import { type FieldError, fieldErrorString, fieldErrors } from './field-errors';
import { statusErrors } from './status';

/**
 * Revisions are JavaScript numbers throughout Portico: etcd revisions are int64, but a store would
 * need 2^53 writes to leave the safe-integer range.
 */
export type Revision = number;

const UINT64_MAX = 18446744073709551615n;

/**
 * Why `s` is not a resourceVersion, in the words of Go's strconv.ParseUint(s, 10, 64), or undefined
 * when it is one. "" and "0" are valid.
 */
function parseUintError(s: string): string | undefined {
  if (s === '') return undefined;
  if (!/^[0-9]+$/.test(s)) return `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`;
  if (BigInt(s) > UINT64_MAX) return `strconv.ParseUint: parsing ${goQuote(s)}: value out of range`;
  return undefined;
}

/** Go's %q for the strings a client can send; close enough for messages (JSON escaping). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * The field error kube-apiserver builds for an unparsable resourceVersion
 * (`resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`),
 * or undefined when `s` parses. Watch handlers turn it into a 422 Invalid; list and get into a 400.
 */
export function resourceVersionFieldError(s: string): FieldError | undefined {
  const why = parseUintError(s);
  return why === undefined ? undefined : fieldErrors.invalid('resourceVersion', s, why);
}

/**
 * Parses a resourceVersion parameter: "" and "0" give 0 (meaning "latest" or "any", depending on the
 * call), a decimal gives that revision. Anything else throws the 400 BadRequest etcd3's store returns
 * (`invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: ...`).
 *
 * Values beyond Number.MAX_SAFE_INTEGER but within uint64 are accepted as Go accepts them; they
 * come back rounded, which keeps them larger than any real revision (use the original string in
 * messages).
 */
export function parseResourceVersion(s: string): Revision {
  const fe = resourceVersionFieldError(s);
  if (fe !== undefined) throw statusErrors.badRequest(`invalid resource version: ${fieldErrorString(fe)}`);
  return s === '' ? 0 : Number(s);
}

/** The wire form of a revision. */
export function formatResourceVersion(rev: Revision): string {
  return String(rev);
}
