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

/** Renders a value the way Go's field.Error does: strings quoted, numbers and booleans bare, nil as null. */
export function formatBadValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
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

/** "<field>: <body>", as in the aggregate message of an Invalid error. */
export function fieldErrorString(e: FieldError): string {
  return e.field === '' ? fieldErrorBody(e) : `${e.field}: ${fieldErrorBody(e)}`;
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
    make(
      'FieldValueNotSupported',
      field,
      true,
      value,
      supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '',
    ),
  tooLong: (field: string, max: number) => make('FieldValueTooLong', field, false, undefined, `may not be more than ${max} bytes`),
  tooMany: (field: string, actual: number, max: number) =>
    make('FieldValueTooMany', field, false, undefined, `must have at most ${max} items`),
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
