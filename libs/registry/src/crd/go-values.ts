// How Go's fmt prints the JSON values kube-apiserver's validators put into messages: float64 with
// %v (strconv 'g', shortest, exponent from 1e+06), interface{} values with %#v.
import { compareBytes, goQuote, goSyntax, isPlainObject, type GoSyntax } from '@portico/api';
import { goFloat } from '../patch/json';

/** fmt's %v of a float64 (the patch engines' rendering, which these messages share). */
export { goFloat };

const int64Limit = 2 ** 63;

/**
 * Whether the unstructured JSON decoder would have produced an int64 for this number. Integral
 * JSON numbers within int64 decode as int64; `1.0` cannot be told apart from `1` here.
 */
export const isGoInt64 = (v: number): boolean => Number.isInteger(v) && v >= -int64Limit && v < int64Limit;

/** A number as Go prints the decoded value: int64 plainly, float64 with %v. */
export const goNumber = (v: number): string => (isGoInt64(v) ? String(v) : goFloat(v));

/** %#v of a decoded JSON value held in an interface{}. */
export function goInterfaceValue(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goInterfaceValue).join(', ')}}`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort(compareBytes);
    return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goInterfaceValue(v[k])}`).join(', ')}}`;
  }
  return String(v);
}

/**
 * A decoded JSON value as a field error's bad value, so that field.Error's rendering (%v for
 * scalars, %#v for maps and slices) comes out as Go's.
 */
export function goBadValue(v: unknown): unknown {
  if (typeof v === 'number') return isGoInt64(v) || goFloat(v) === String(v) ? v : goSyntax(goFloat(v));
  if (Array.isArray(v) || isPlainObject(v)) return goSyntax(goInterfaceValue(v)) satisfies GoSyntax;
  return v;
}

