// What Go's decoders do to the few typed values the first built-ins carry, and the errors they
// give: []byte fields are base64 (encoding/base64 StdEncoding through encoding/json),
// metav1.Time and metav1.MicroTime are RFC 3339 with second or microsecond precision (the time
// package's layout parser), and a .dockerconfigjson must be a JSON object (encoding/json's
// scanner). Each returns the exact Go error text, because kube-apiserver puts it in the 400.
import { goQuote } from '@portico/api';

// ---------------------------------------------------------------------------------------------
// base64 (encoding/base64, StdEncoding: padded, '\r' and '\n' ignored)

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const decodeMap = new Int16Array(256).fill(-1);
for (let i = 0; i < alphabet.length; i++) decodeMap[alphabet.charCodeAt(i)] = i;

const corrupt = (offset: number) => `illegal base64 data at input byte ${offset}`;

/**
 * Decodes a JSON string holding a []byte the way encoding/json does. The error text is Go's
 * CorruptInputError ("illegal base64 data at input byte N", N counting UTF-8 bytes).
 */
export function decodeGoBase64(s: string): { bytes: Buffer } | { error: string } {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingError: number | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { bytes: Buffer.from(out) };
        return { error: corrupt(si - j) };
      }
      const c = src[si] as number;
      si++;
      const v = decodeMap[c] as number;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d) return { error: corrupt(si - 1) };
      // Padding: it ends the input.
      if (j === 0 || j === 1) return { error: corrupt(si - 1) };
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) return { error: corrupt(src.length) };
        if (src[si] !== 0x3d) return { error: corrupt(si - 1) };
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) trailingError = si;
      dlen = j;
      break;
    }
    const val = ((dbuf[0] as number) << 18) | ((dbuf[1] as number) << 12) | ((dbuf[2] as number) << 6) | (dbuf[3] as number);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k] as number);
    if (trailingError !== undefined) return { error: corrupt(trailingError) };
  }
  return { bytes: Buffer.from(out) };
}

// ---------------------------------------------------------------------------------------------
// JSON syntax (encoding/json scanner) and the map[string]interface{} target

type Step = (c: number) => 'continue' | 'error';

/** Go's quoteChar: how the scanner names the offending byte. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const q = goQuote(String.fromCharCode(c));
  return `'${q.slice(1, -1)}'`;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

class Scanner {
  step: Step;
  endTop = false;
  err: string | undefined;
  private parseState: ('objectKey' | 'objectValue' | 'arrayValue')[] = [];

  constructor() {
    this.step = (c) => this.beginValue(c);
  }

  private error(c: number, context: string): 'error' {
    this.step = () => 'error';
    this.err = `invalid character ${quoteChar(c)} ${context}`;
    return 'error';
  }

  private beginValueOrEmpty(c: number): 'continue' | 'error' {
    if (isSpace(c)) return 'continue';
    if (c === 0x5d) return this.endValue(c);
    return this.beginValue(c);
  }

  private beginValue(c: number): 'continue' | 'error' {
    if (isSpace(c)) return 'continue';
    switch (c) {
      case 0x7b:
        this.step = (x) => this.beginStringOrEmpty(x);
        this.parseState.push('objectKey');
        return 'continue';
      case 0x5b:
        this.step = (x) => this.beginValueOrEmpty(x);
        this.parseState.push('arrayValue');
        return 'continue';
      case 0x22:
        this.step = (x) => this.inString(x);
        return 'continue';
      case 0x2d:
        this.step = (x) => this.neg(x);
        return 'continue';
      case 0x30:
        this.step = (x) => this.zero(x);
        return 'continue';
      case 0x74:
        this.step = this.literal('true', 1);
        return 'continue';
      case 0x66:
        this.step = this.literal('false', 1);
        return 'continue';
      case 0x6e:
        this.step = this.literal('null', 1);
        return 'continue';
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = (x) => this.one(x);
      return 'continue';
    }
    return this.error(c, 'looking for beginning of value');
  }

  private beginStringOrEmpty(c: number): 'continue' | 'error' {
    if (isSpace(c)) return 'continue';
    if (c === 0x7d) {
      this.parseState[this.parseState.length - 1] = 'objectValue';
      return this.endValue(c);
    }
    return this.beginString(c);
  }

  private beginString(c: number): 'continue' | 'error' {
    if (isSpace(c)) return 'continue';
    if (c === 0x22) {
      this.step = (x) => this.inString(x);
      return 'continue';
    }
    return this.error(c, 'looking for beginning of object key string');
  }

  private endValue(c: number): 'continue' | 'error' {
    const n = this.parseState.length;
    if (n === 0) {
      this.step = (x) => this.endTopStep(x);
      this.endTop = true;
      return this.endTopStep(c);
    }
    if (isSpace(c)) {
      this.step = (x) => this.endValue(x);
      return 'continue';
    }
    switch (this.parseState[n - 1]) {
      case 'objectKey':
        if (c === 0x3a) {
          this.parseState[n - 1] = 'objectValue';
          this.step = (x) => this.beginValue(x);
          return 'continue';
        }
        return this.error(c, 'after object key');
      case 'objectValue':
        if (c === 0x2c) {
          this.parseState[n - 1] = 'objectKey';
          this.step = (x) => this.beginString(x);
          return 'continue';
        }
        if (c === 0x7d) return this.pop();
        return this.error(c, 'after object key:value pair');
      default:
        if (c === 0x2c) {
          this.step = (x) => this.beginValue(x);
          return 'continue';
        }
        if (c === 0x5d) return this.pop();
        return this.error(c, 'after array element');
    }
  }

  private pop(): 'continue' {
    this.parseState.pop();
    if (this.parseState.length === 0) {
      this.step = (x) => this.endTopStep(x);
      this.endTop = true;
    } else {
      this.step = (x) => this.endValue(x);
    }
    return 'continue';
  }

  private endTopStep(c: number): 'continue' | 'error' {
    if (!isSpace(c)) return this.error(c, 'after top-level value');
    return 'continue';
  }

  private inString(c: number): 'continue' | 'error' {
    if (c === 0x22) {
      this.step = (x) => this.endValue(x);
      return 'continue';
    }
    if (c === 0x5c) {
      this.step = (x) => this.inStringEsc(x);
      return 'continue';
    }
    if (c < 0x20) return this.error(c, 'in string literal');
    return 'continue';
  }

  private inStringEsc(c: number): 'continue' | 'error' {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) {
      this.step = (x) => this.inString(x);
      return 'continue';
    }
    if (c === 0x75) {
      this.step = this.escU(4);
      return 'continue';
    }
    return this.error(c, 'in string escape code');
  }

  private escU(left: number): Step {
    return (c) => {
      if (!isHex(c)) return this.error(c, 'in \\u hexadecimal character escape');
      this.step = left === 1 ? (x) => this.inString(x) : this.escU(left - 1);
      return 'continue';
    };
  }

  private neg(c: number): 'continue' | 'error' {
    if (c === 0x30) {
      this.step = (x) => this.zero(x);
      return 'continue';
    }
    if (c >= 0x31 && c <= 0x39) {
      this.step = (x) => this.one(x);
      return 'continue';
    }
    return this.error(c, 'in numeric literal');
  }

  private one(c: number): 'continue' | 'error' {
    if (isDigit(c)) return 'continue';
    return this.zero(c);
  }

  private zero(c: number): 'continue' | 'error' {
    if (c === 0x2e) {
      this.step = (x) => this.dot(x);
      return 'continue';
    }
    if (c === 0x65 || c === 0x45) {
      this.step = (x) => this.e(x);
      return 'continue';
    }
    return this.endValue(c);
  }

  private dot(c: number): 'continue' | 'error' {
    if (isDigit(c)) {
      this.step = (x) => this.dot0(x);
      return 'continue';
    }
    return this.error(c, 'after decimal point in numeric literal');
  }

  private dot0(c: number): 'continue' | 'error' {
    if (isDigit(c)) return 'continue';
    if (c === 0x65 || c === 0x45) {
      this.step = (x) => this.e(x);
      return 'continue';
    }
    return this.endValue(c);
  }

  private e(c: number): 'continue' | 'error' {
    if (c === 0x2b || c === 0x2d) {
      this.step = (x) => this.eSign(x);
      return 'continue';
    }
    return this.eSign(c);
  }

  private eSign(c: number): 'continue' | 'error' {
    if (isDigit(c)) {
      this.step = (x) => this.e0(x);
      return 'continue';
    }
    return this.error(c, 'in exponent of numeric literal');
  }

  private e0(c: number): 'continue' | 'error' {
    if (isDigit(c)) return 'continue';
    return this.endValue(c);
  }

  private literal(word: string, at: number): Step {
    return (c) => {
      const want = word.charCodeAt(at);
      if (c !== want) return this.error(c, `in literal ${word} (expecting ${quoteChar(want)})`);
      this.step = at === word.length - 1 ? (x) => this.endValue(x) : this.literal(word, at + 1);
      return 'continue';
    };
  }
}

/** encoding/json checkValid: the syntax error Go reports for `data`, if any. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  const s = new Scanner();
  for (const c of data) if (s.step(c) === 'error') return s.err;
  if (s.endTop) return undefined;
  if (s.step(0x20) === 'error') return s.err;
  return s.endTop ? undefined : 'unexpected end of JSON input';
}

/** json.Unmarshal(data, &map[string]interface{}{}): the error text, or undefined when it decodes. */
export function goUnmarshalObjectError(data: Uint8Array): string | undefined {
  const syntax = goJsonSyntaxError(data);
  if (syntax !== undefined) return syntax;
  const value: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return undefined;
  const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

/** encoding/json's UnmarshalTypeError for a field of a top-level struct. */
export function goTypeError(jsonKind: string, struct: string, field: string, goType: string): string {
  return `json: cannot unmarshal ${jsonKind} into Go struct field ${struct}.${field} of type ${goType}`;
}

/** The JSON kind of a decoded value, as encoding/json names it in type errors. */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

// ---------------------------------------------------------------------------------------------
// Times (time.Parse with RFC3339 / RFC3339Micro, as metav1.Time and metav1.MicroTime unmarshal)

export const rfc3339 = '2006-01-02T15:04:05Z07:00';
export const rfc3339Micro = '2006-01-02T15:04:05.000000Z07:00';

/** An instant: seconds since the Unix epoch (UTC) and nanoseconds within the second. */
export interface GoTime {
  seconds: number;
  nanos: number;
}

// The time package's own quoting: non-ASCII and control bytes as \xNN.
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

function parseErr(value: string, layout: string, valueElem: string, layoutElem: string): string {
  return `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`;
}

const isDig = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;

// getnum: one or two digits; `fixed` demands two.
function getnum(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!isDig(s, 0)) return undefined;
  if (!isDig(s, 1)) {
    if (fixed) return undefined;
    return { n: s.charCodeAt(0) - 0x30, rest: s.slice(1) };
  }
  return { n: (s.charCodeAt(0) - 0x30) * 10 + (s.charCodeAt(1) - 0x30), rest: s.slice(2) };
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (m: number, y: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number);

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/**
 * time.Parse(layout, value) for the two layouts metav1 uses. Returns the instant or Go's error
 * text. RFC3339 accepts a fraction after the seconds; RFC3339Micro demands exactly six digits.
 */
export function parseGoTime(value: string, micro: boolean): GoTime | { error: string } {
  const layout = micro ? rfc3339Micro : rfc3339;
  let v = value;
  const fail = (valueElem: string, layoutElem: string) => ({ error: parseErr(value, layout, valueElem, layoutElem) });
  const range = (what: string) => ({ error: `parsing time ${timeQuote(value)}: ${what} out of range` });
  const literal = (lit: string) => {
    for (const ch of lit) {
      if (v.length === 0 || v[0] !== ch) return false;
      v = v.slice(1);
    }
    return true;
  };

  // 2006
  if (v.length < 4 || !isDig(v, 0)) return fail(v, '2006');
  const yearText = v.slice(0, 4);
  if (!/^[0-9]{4}$/.test(yearText)) return fail(v, '2006');
  const year = Number(yearText);
  v = v.slice(4);
  if (!literal('-')) return fail(v, '-');
  // 01
  let hold = v;
  let g = getnum(v, true);
  if (g === undefined) return fail(hold, '01');
  const month = g.n;
  v = g.rest;
  if (month <= 0 || month > 12) return range('month');
  if (!literal('-')) return fail(v, '-');
  // 02
  hold = v;
  g = getnum(v, true);
  if (g === undefined) return fail(hold, '02');
  const day = g.n;
  v = g.rest;
  if (!literal('T')) return fail(v, 'T');
  // 15
  hold = v;
  g = getnum(v, false);
  if (g === undefined) return fail(hold, '15');
  const hour = g.n;
  v = g.rest;
  if (hour >= 24) return range('hour');
  if (!literal(':')) return fail(v, ':');
  // 04
  hold = v;
  g = getnum(v, true);
  if (g === undefined) return fail(hold, '04');
  const minute = g.n;
  v = g.rest;
  if (minute >= 60) return range('minute');
  if (!literal(':')) return fail(v, ':');
  // 05
  hold = v;
  g = getnum(v, true);
  if (g === undefined) return fail(hold, '05');
  const second = g.n;
  v = g.rest;
  if (second >= 60) return range('second');
  let nanos = 0;
  const fraction = (digits: string) => Number(digits.slice(0, 9).padEnd(9, '0'));
  if (micro) {
    // .000000: exactly six digits after a period or comma.
    hold = v;
    if (v.length < 7 || (v[0] !== '.' && v[0] !== ',')) return fail(hold, '.000000');
    const digits = v.slice(1, 7);
    if (!/^[0-9]{6}$/.test(digits)) return fail(hold, '.000000');
    nanos = fraction(digits);
    v = v.slice(7);
  } else if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDig(v, 1)) {
    let n = 2;
    while (isDig(v, n)) n++;
    nanos = fraction(v.slice(1, n));
    v = v.slice(n);
  }
  // Z07:00
  hold = v;
  let offset = 0;
  if (v.length >= 1 && v[0] === 'Z') {
    v = v.slice(1);
  } else {
    if (v.length < 6 || v[3] !== ':') return fail(hold, 'Z07:00');
    const sign = v[0];
    const hh = getnum(v.slice(1, 3), true);
    const mm = hh === undefined ? undefined : getnum(v.slice(4, 6), true);
    v = v.slice(6);
    // Go reports an offset out of range before a bad sign or digit.
    if ((hh?.n ?? 0) > 24) return range('time zone offset hour');
    if ((mm?.n ?? 0) > 60) return range('time zone offset minute');
    if (hh === undefined || mm === undefined || (sign !== '+' && sign !== '-')) return fail(hold, 'Z07:00');
    offset = (sign === '-' ? -1 : 1) * (hh.n * 3600 + mm.n * 60);
  }
  if (v.length !== 0) return { error: `parsing time ${timeQuote(value)}: extra text: ${timeQuote(v)}` };
  if (day < 1 || day > daysIn(month, year)) return range('day');
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return { seconds, nanos };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** t.UTC().Format(RFC3339) or (micro) RFC3339Micro: what metav1.Time / MicroTime marshal to. */
export function formatGoTime(t: GoTime, micro: boolean): string {
  const days = Math.floor(t.seconds / 86400);
  const secs = t.seconds - days * 86400;
  const { y, m, d } = civilFromDays(days);
  const base = `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(Math.floor(secs / 3600))}:${pad(Math.floor((secs % 3600) / 60))}:${pad(secs % 60)}`;
  return micro ? `${base}.${pad(Math.floor(t.nanos / 1000), 6)}Z` : `${base}Z`;
}

/** An RFC 3339 timestamp with second precision, as kube-apiserver writes creationTimestamp. */
export function formatTimestamp(d: Date): string {
  return formatGoTime({ seconds: Math.floor(d.getTime() / 1000), nanos: 0 }, false);
}

/** A MicroTime for `d` (millisecond precision is all a Date has). */
export function formatMicroTimestamp(d: Date): string {
  const ms = d.getTime();
  return formatGoTime({ seconds: Math.floor(ms / 1000), nanos: (((ms % 1000) + 1000) % 1000) * 1_000_000 }, true);
}

/**
 * Checks and normalizes one time-valued field of a decoded object: absent or null is the zero
 * time (kept as is), a string must parse, anything else is the type error Go's decoder gives
 * (`json: cannot unmarshal number into Go struct field LeaseSpec.spec.renewTime of type string`:
 * the innermost struct, then the JSON path). Returns the error text or the canonical string.
 */
export function decodeTimeField(
  value: unknown,
  micro: boolean,
  struct: string,
  fieldPath: string,
): { error: string } | { value: string | null | undefined } {
  if (value === undefined || value === null) return { value };
  if (typeof value !== 'string') return { error: goTypeError(jsonKind(value), struct, fieldPath, 'string') };
  const t = parseGoTime(value, micro);
  if ('error' in t) return t;
  return { value: formatGoTime(t, micro) };
}
