// k8s parity: apimachinery v0.33.1 pkg/fields/selector.go. A field selector is an AND of
// `field=value`, `field==value` and `field!=value` terms; values escape `\`, `,` and `=` with a
// backslash. Parse errors become 400s carrying the Go error text.
import { compareBytes } from './field-errors';
import { statusErrors } from './status';

export interface FieldRequirement {
  readonly field: string;
  /** "=" for both `=` and `==` (selection.Equals), "!=" otherwise. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** Escapes a value for use in a field selector. */
export function escapeFieldValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

/** Undoes escapeFieldValue; throws the Go error text on a bad escape or an unescaped `,`/`=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    // Go prints the rune with %v, i.e. as its code point number.
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** The result of converting one field label (scheme.ConvertFieldLabel). */
export type FieldLabelTransform = (field: string, value: string) => { field: string; value: string };

export class FieldSelector {
  private constructor(private readonly reqs: readonly FieldRequirement[]) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  /** A selector of the given terms, in the given order. */
  static of(reqs: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector([...reqs]);
  }

  /** fields.SelectorFromSet: equality terms for a set. */
  static fromSet(set: Record<string, string>): FieldSelector {
    return new FieldSelector(Object.entries(set).map(([field, value]) => ({ field, operator: '=' as const, value })));
  }

  /** Fields absent from the set read as "" (fields.Set.Get), so `a!=x` matches when `a` is missing. */
  matches(fields: Record<string, string>): boolean {
    return this.reqs.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    });
  }

  isEmpty(): boolean {
    return this.reqs.length === 0;
  }

  requirements(): readonly FieldRequirement[] {
    return this.reqs;
  }

  /** The value an equality term pins `field` to, if any (used to turn a metadata.name selector into a get). */
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.reqs) if (r.field === field && r.operator === '=') return r.value;
    return undefined;
  }

  /**
   * Selector.Transform: maps every term through `fn` (the kind's field-label conversion). A term
   * mapped to an empty field and value is dropped. Errors thrown by `fn` propagate.
   */
  transform(fn: FieldLabelTransform): FieldSelector {
    const next: FieldRequirement[] = [];
    for (const r of this.reqs) {
      const t = fn(r.field, r.value);
      if (t.field === '' && t.value === '') continue;
      next.push({ field: t.field, operator: r.operator, value: t.value });
    }
    return new FieldSelector(next);
  }

  toString(): string {
    return this.reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

// Splits on unescaped commas; a backslash protects the next character.
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof termOperators)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * fields.ParseSelector. Terms are sorted as Go sorts them (so requirements() and toString() come
 * out in Go's order). Throws a 400 StatusError (BadRequest) with kube-apiserver's message.
 */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort(compareBytes);
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (t === undefined) throw statusErrors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    let value: string;
    try {
      value = unescapeFieldValue(t.rhs);
    } catch (e) {
      throw statusErrors.badRequest((e as Error).message);
    }
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value });
  }
  return FieldSelector.of(reqs);
}
