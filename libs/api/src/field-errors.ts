// k8s parity: apimachinery pkg/util/validation/field/errors.go. The text of each error is what
// clients print, so the formats below follow the Go ones to the character.

export type CauseType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: CauseType;
  field: string;
  /** The value for Invalid/NotSupported/Duplicate/NotFound/TypeInvalid; omitted otherwise. */
  badValue?: unknown;
  hasBadValue: boolean;
  detail: string;
}

const typeText: Record<CauseType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/**
 * A value already rendered the way Go's fmt prints it with %#v (`[]string{"a"}`,
 * `map[string]string{"k":"v"}`, a struct literal, a time). Field errors carry one where the Go
 * value is not a plain string, number or boolean, so the message matches kube-apiserver's.
 */
export class GoSyntax {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const goSyntax = (text: string): GoSyntax => new GoSyntax(text);

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** fmt's %T of a value unstructured JSON decoding produces (integers decode as int64). */
export function goDynamicType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** strconv.Quote: how Go's %q and %#v print a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is not valid UTF-8; Go sees the replacement character.
      out += '\ufffd';
      continue;
    }
    if (printable.test(ch)) {
      out += ch;
      continue;
    }
    switch (ch) {
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

/** %#v of a []string: `[]string{"a", "b"}`; null/undefined is the nil slice `[]string(nil)`. */
export function goStringSlice(values: readonly string[] | null | undefined): GoSyntax {
  if (values === null || values === undefined) return goSyntax('[]string(nil)');
  return goSyntax(`[]string{${values.map(goQuote).join(', ')}}`);
}

/** %#v of a map[string]string: keys sorted, `map[string]string{"a":"x", "b":"y"}`. */
export function goStringMap(m: Readonly<Record<string, string>> | null | undefined): GoSyntax {
  if (m === null || m === undefined) return goSyntax('map[string]string(nil)');
  const keys = Object.keys(m).sort(compareBytes);
  return goSyntax(`map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k] as string)}`).join(', ')}}`);
}

/** One field of a struct printed with %#v: a string, a number/bool, a nil or set pointer, or pre-rendered syntax. */
export type GoField = readonly [name: string, value: string | number | boolean | GoSyntax | null | { pointer: string; set: boolean }];

/**
 * %#v of a struct: `v1.OwnerReference{APIVersion:"v1", Controller:(*bool)(nil)}`. A set pointer
 * prints its address in Go, which no client can rely on; it is rendered as `(*T)(0xc000000000)`.
 * A plain null prints as `nil` (maps, interfaces).
 */
export function goStruct(typeName: string, fields: readonly GoField[]): GoSyntax {
  const parts = fields.map(([name, v]) => {
    let text: string;
    if (v === null) text = 'nil';
    else if (typeof v === 'string') text = goQuote(v);
    else if (typeof v === 'number' || typeof v === 'boolean') text = String(v);
    else if (v instanceof GoSyntax) text = v.text;
    else text = v.set ? `(*${v.pointer})(0xc000000000)` : `(*${v.pointer})(nil)`;
    return `${name}:${text}`;
  });
  return goSyntax(`${typeName}{${parts.join(', ')}}`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * time.Time.String() of an RFC 3339 timestamp, as Go prints a metav1.Time or MicroTime in a field
 * error: `2024-01-02 03:04:05.5 +0000 UTC`. Null/undefined/empty is the zero time.
 */
export function goTime(value: string | null | undefined): GoSyntax {
  if (value === null || value === undefined || value === '') return goSyntax('0001-01-01 00:00:00 +0000 UTC');
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (m === null) return goSyntax(goQuote(value));
  const ms = Date.UTC(0, 0, 1, Number(m[4]), Number(m[5]), Number(m[6]));
  const zone = m[8] as string;
  const offsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const d = new Date(ms);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setTime(d.getTime() - offsetMin * 60_000);
  const frac = (m[7] ?? '').slice(0, 9).replace(/0+$/, '');
  return goSyntax(
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${frac}` : ''} +0000 UTC`,
  );
}

/** Byte-wise string order (Go's), which differs from UTF-16 order only outside the BMP. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Renders a value the way Go's field.Error does: strings quoted (strconv.Quote), numbers and
 * booleans bare, nil as null, GoSyntax as given. Other objects fall back to JSON.
 */
export function formatBadValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof GoSyntax) return v.text;
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The message of a cause ("Invalid value: \"x\": detail"), without the field path. */
export function fieldErrorBody(e: FieldError): string {
  let s = typeText[e.type];
  if (e.hasBadValue) s += `: ${formatBadValue(e.badValue)}`;
  if (e.detail !== '') s += `: ${e.detail}`;
  return s;
}

/** "<field>: <body>", as in the aggregate message of an Invalid error (Go prints ": <body>" for an empty field). */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * field.ErrorList.ToAggregate().Error(): identical messages once, one error bare, several as
 * "[e1, e2]". apierrors.NewInvalid appends this to `<Kind> "<name>" is invalid: `.
 */
export function aggregateFieldErrors(errs: readonly FieldError[]): string {
  const seen = new Set<string>();
  for (const e of errs) seen.add(fieldErrorString(e));
  const msgs = [...seen];
  return msgs.length === 1 ? (msgs[0] as string) : `[${msgs.join(', ')}]`;
}

const make = (type: CauseType, field: string, hasBadValue: boolean, badValue: unknown, detail: string): FieldError => ({
  type,
  field,
  hasBadValue,
  badValue,
  detail,
});

export const fieldErrors = {
  required: (field: string, detail = '') => make('FieldValueRequired', field, false, undefined, detail),
  invalid: (field: string, value: unknown, detail: string) => make('FieldValueInvalid', field, true, value, detail),
  forbidden: (field: string, detail: string) => make('FieldValueForbidden', field, false, undefined, detail),
  notFound: (field: string, value: unknown) => make('FieldValueNotFound', field, true, value, ''),
  duplicate: (field: string, value: unknown) => make('FieldValueDuplicate', field, true, value, ''),
  notSupported: (field: string, value: unknown, supported: readonly string[]) =>
    make('FieldValueNotSupported', field, true, value, supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : ''),
  tooLong: (field: string, max: number) =>
    make('FieldValueTooLong', field, false, undefined, max >= 0 ? `may not be more than ${max} bytes` : 'value is too long'),
  /** Go prints the actual count as the bad value ("Too many: 5: must have at most 4 items"); pass -1 to omit it. */
  tooMany: (field: string, actual: number, max: number) =>
    make('FieldValueTooMany', field, actual >= 0, actual >= 0 ? actual : undefined, max >= 0 ? `must have at most ${max} items` : 'has too many items'),
  typeInvalid: (field: string, value: unknown, detail: string) => make('FieldValueTypeInvalid', field, true, value, detail),
  internal: (field: string, err: string) => make('InternalError', field, false, undefined, err),
};

/** Joins path segments the way field.Path does: a.b[0].c, a.b[key]. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name: string): FieldPath {
    return new FieldPath(name);
  }
  child(name: string): FieldPath {
    return new FieldPath(this.text === '' ? name : `${this.text}.${name}`);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}
