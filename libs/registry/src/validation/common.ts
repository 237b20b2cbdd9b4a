// Checks shared by many kinds: apimachinery pkg/util/validation (ports, IPs, CIDRs, percent,
// env names, HTTP header names, user and group IDs), pkg/apis/meta/v1/validation
// (ValidateLabelSelector), and the %#v renderings Go puts in field errors for label selectors.
// Messages are Go's to the character.
import { isIP, isIPv6 } from 'node:net';
import {
  type FieldError,
  FieldPath,
  GoSyntax,
  type MetaLabelSelector,
  compareBytes,
  fieldErrors,
  goQuote,
  goStringMap,
  goStringSlice,
  inclusiveRangeError,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  labelSelectorFromMetav1,
  maxLenError,
  regexError,
  validateLabelName,
  validateLabels,
} from '@portico/api';

export type PathLike = FieldPath | string;
export const pathOf = (p: PathLike): FieldPath => (typeof p === 'string' ? FieldPath.root(p) : p);
export const ps = (p: PathLike): string => String(p);

// ---------------------------------------------------------------------------------------------
// Reading decoded JSON without trusting its shape

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const optObj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const objs = (v: unknown): Obj[] => arr(v).map(obj);
export const strs = (v: unknown): string[] => arr(v).map((x) => (typeof x === 'string' ? x : ''));
export const s = (v: unknown): string => (typeof v === 'string' ? v : '');
export const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const b = (v: unknown): boolean => v === true;
export const has = (v: unknown): boolean => v !== undefined && v !== null;
export const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) out[k] = s(x);
  return out;
};
export const optStrMap = (v: unknown): Record<string, string> | undefined => (isObj(v) ? strMap(v) : undefined);

/** Returns the object at `key`, creating it (Go's non-pointer struct fields always exist). */
export function child(o: Obj, key: string): Obj {
  if (!isObj(o[key])) o[key] = {};
  return o[key] as Obj;
}

/** Sets `key` when it is absent or null (a nil pointer or an empty string in Go). */
export function setDefault(o: Obj, key: string, value: unknown): void {
  const v = o[key];
  if (v === undefined || v === null || v === '') o[key] = value;
}

// ---------------------------------------------------------------------------------------------
// apimachinery pkg/util/validation

export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** IsValidPortName: an IANA_SVC_NAME. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  else if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** netutils.ParseIPSloppy accepts IPv4 parts with leading zeros. */
export function parseIPSloppy(value: string): 4 | 6 | undefined {
  if (/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(value)) return value.split('.').every((p) => Number(p) <= 255) ? 4 : undefined;
  if (value.includes(':') && isIPv6(value)) return 6;
  const v = isIP(value);
  return v === 4 ? 4 : v === 6 ? 6 : undefined;
}

export function isValidIP(path: PathLike, value: string): FieldError[] {
  return parseIPSloppy(value) === undefined ? [fieldErrors.invalid(ps(path), value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')] : [];
}

export function parseCIDRSloppy(value: string): { family: 4 | 6; ip: string; prefix: number } | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const ip = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const family = parseIPSloppy(ip);
  if (family === undefined) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { family, ip, prefix };
}

export function isValidCIDR(path: PathLike, value: string): FieldError[] {
  return parseCIDRSloppy(value) === undefined ? [fieldErrors.invalid(ps(path), value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')] : [];
}

/** IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default in 1.33). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push('environment variable name must be non-empty');
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (cp > 126 || cp < 32 || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const httpHeaderNameFmt = '[-A-Za-z0-9]+';
export function isHTTPHeaderName(value: string): string[] {
  return /^[-A-Za-z0-9]+$/.test(value) ? [] : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFmt, 'X-Header-Name')];
}

const percentFmt = '[0-9]+%';
export function isValidPercent(value: string): string[] {
  return /^[0-9]+%$/.test(value) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}

export function isValidUserID(uid: number): string[] {
  return uid >= 0 && uid <= 2147483647 ? [] : [inclusiveRangeError(0, 2147483647)];
}

/** IsDomainPrefixedPath: `example.com/path`. */
export function isDomainPrefixedPath(path: PathLike, dpPath: string): FieldError[] {
  const p = ps(path);
  const errs: FieldError[] = [];
  const parts = dpPath.split('/');
  if (parts.length < 2) return [fieldErrors.invalid(p, dpPath, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = parts[0] as string;
  const rest = dpPath.slice(host.length + 1);
  for (const msg of isDNS1123Subdomain(host)) errs.push(fieldErrors.invalid(p, host, msg));
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest)) {
    errs.push(fieldErrors.invalid(p, rest, regexError('Invalid path', "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+")));
  }
  return errs;
}

/** ValidateQualifiedName of core validation. */
export function validateQualifiedName(value: string, path: PathLike): FieldError[] {
  return isQualifiedName(value).map((msg) => fieldErrors.invalid(ps(path), value, msg));
}

export function validateDNS1123Label(value: string, path: PathLike, check: (v: string) => string[]): FieldError[] {
  return check(value).map((msg) => fieldErrors.invalid(ps(path), value, msg));
}

/** ValidateNonnegativeField for a possibly absent number (absent is Go's zero). */
export function nonNegative(value: unknown, path: PathLike): FieldError[] {
  const v = n(value);
  return v < 0 ? [fieldErrors.invalid(ps(path), v, 'must be greater than or equal to 0')] : [];
}

// ---------------------------------------------------------------------------------------------
// Label selectors (metav1)

/** metav1validation.ValidateLabelSelector. */
export function validateLabelSelector(sel: unknown, path: PathLike, allowInvalidLabelValue = false): FieldError[] {
  if (!isObj(sel)) return [];
  const p = pathOf(path);
  const errs = validateLabels(optStrMap(sel.matchLabels), p.child('matchLabels'));
  objs(sel.matchExpressions).forEach((expr, i) => {
    const ep = p.child('matchExpressions').index(i);
    const values = strs(expr.values);
    const op = s(expr.operator);
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldErrors.required(String(ep.child('values')), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldErrors.forbidden(String(ep.child('values')), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldErrors.invalid(String(ep.child('operator')), op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(s(expr.key), ep.child('key')));
    if (!allowInvalidLabelValue) {
      values.forEach((v, j) => {
        for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(String(ep.child('values').index(j)), v, msg));
      });
    }
  });
  return errs;
}

/** LabelSelectorAsSelector + Matches; undefined when the selector does not convert. */
export function selectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean | undefined {
  try {
    return labelSelectorFromMetav1(isObj(sel) ? (sel as MetaLabelSelector) : undefined).matches(labels ?? {});
  } catch {
    return undefined;
  }
}

/** Whether LabelSelectorAsSelector succeeds and what kind of selector it gives. */
export function selectorKind(sel: unknown): 'nothing' | 'everything' | 'some' | 'invalid' {
  try {
    const ls = labelSelectorFromMetav1(isObj(sel) ? (sel as MetaLabelSelector) : undefined);
    return ls.matchesNothing() ? 'nothing' : ls.isEmpty() ? 'everything' : 'some';
  } catch {
    return 'invalid';
  }
}

/** %#v of a metav1.LabelSelector value (what Go prints for a *LabelSelector bad value). */
export function goLabelSelector(sel: unknown): GoSyntax | null {
  if (!isObj(sel)) return null;
  const labels = optStrMap(sel.matchLabels);
  const exprs = Array.isArray(sel.matchExpressions) ? objs(sel.matchExpressions) : undefined;
  const exprText =
    exprs === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(s(e.key))}, Operator:${goQuote(s(e.operator))}, Values:${
                goStringSlice(Array.isArray(e.values) ? strs(e.values) : null).text
              }}`,
          )
          .join(', ')}}`;
  return new GoSyntax(`v1.LabelSelector{MatchLabels:${goStringMap(labels).text}, MatchExpressions:${exprText}}`);
}

/** %#v of a map[string]string (nil when absent). */
export const goLabels = (v: unknown): GoSyntax => goStringMap(optStrMap(v));

/** Sorted keys of a decoded map, Go's map order made deterministic. */
export const sortedKeys = (m: Obj): string[] => Object.keys(m).sort(compareBytes);

/** A %#v rendering that is only approximate: Go's internal struct, shown as JSON. */
export function goApprox(typeName: string, v: unknown): GoSyntax {
  return new GoSyntax(v === undefined || v === null ? 'null' : `${typeName}${JSON.stringify(v)}`);
}

/** The bad value Go prints for a pointer field: the value, or null. */
export const ptrValue = (v: unknown): unknown => (v === undefined ? null : v);

/** %#v of an intstr.IntOrString value. */
export function goIntOrString(v: unknown): GoSyntax {
  if (typeof v === 'string') return new GoSyntax(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`);
  return new GoSyntax(`intstr.IntOrString{Type:0, IntVal:${n(v)}, StrVal:""}`);
}

/** %#v of a slice of a named string type: `[]admissionregistration.OperationType{"CREATE", "*"}`. */
export function goTypedStrings(typeName: string, values: readonly string[] | null | undefined): GoSyntax {
  if (values === null || values === undefined) return new GoSyntax(`[]${typeName}(nil)`);
  return new GoSyntax(`[]${typeName}{${values.map(goQuote).join(', ')}}`);
}

// ---------------------------------------------------------------------------------------------
// metav1.Condition lists (metav1validation.ValidateConditions)

const conditionReasonFmt = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const conditionReasonErrMsg =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";
const conditionReasonRe = new RegExp(`^${conditionReasonFmt}$`);

/** metav1validation.ValidateConditions. */
export function validateMetaConditions(conditions: unknown, path: PathLike): FieldError[] {
  const p = pathOf(path);
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(conditions).forEach((c, i) => {
    const cp = p.index(i);
    const type = s(c.type);
    if (seen.has(type)) errs.push(fieldErrors.duplicate(String(cp.child('type')), type));
    else seen.add(type);
    errs.push(...validateLabelName(type, cp.child('type')));
    const status = s(c.status);
    if (!['False', 'True', 'Unknown'].includes(status)) errs.push(fieldErrors.notSupported(String(cp.child('status')), status, ['False', 'True', 'Unknown']));
    if (n(c.observedGeneration) < 0) errs.push(fieldErrors.invalid(String(cp.child('observedGeneration')), n(c.observedGeneration), 'must be greater than or equal to zero'));
    if (!has(c.lastTransitionTime)) errs.push(fieldErrors.required(String(cp.child('lastTransitionTime')), 'must be set'));
    const reason = s(c.reason);
    if (reason === '') errs.push(fieldErrors.required(String(cp.child('reason')), 'must be set'));
    else {
      if (!conditionReasonRe.test(reason)) {
        errs.push(fieldErrors.invalid(String(cp.child('reason')), reason, regexError(conditionReasonErrMsg, conditionReasonFmt, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB')));
      }
      if (Buffer.byteLength(reason) > 1024) errs.push(fieldErrors.tooLong(String(cp.child('reason')), 1024));
    }
    if (Buffer.byteLength(s(c.message)) > 32 * 1024) errs.push(fieldErrors.tooLong(String(cp.child('message')), 32 * 1024));
  });
  return errs;
}
