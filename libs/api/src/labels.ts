// k8s parity: apimachinery v0.33.1 pkg/labels/selector.go (lexer, parser, Requirement) and
// pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector. Error texts are the Go ones; the
// apiserver turns a parse error into a 400 whose message is the error text unchanged.
import { type FieldError, FieldPath, aggregateFieldErrors, compareBytes, fieldErrors, goQuote, goStringSlice } from './field-errors';
import { isQualifiedName, isValidLabelValue } from './validation';
import { statusErrors } from './status';

/** selection.Operator values. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Values as given (the parser hands them over sorted and de-duplicated). */
  readonly values: readonly string[];
}

const binaryOperators: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const unaryOperators: readonly LabelOperator[] = ['exists', '!'];
const validRequirementOperators: readonly string[] = [...binaryOperators, ...unaryOperators];

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v <= 2n ** 63n - 1n ? v : undefined;
}

function labelKeyError(key: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? fieldErrors.invalid(path, key, errs.join('; ')) : undefined;
}

/**
 * labels.NewRequirement: validates and builds one requirement. Throws a 400 StatusError whose
 * message is the aggregated field errors (paths "key", "values", "values[i][key]", "operator").
 */
export function newLabelRequirement(key: string, operator: string, values: readonly string[] | null, basePath?: FieldPath): LabelRequirement {
  const errs: FieldError[] = [];
  const child = (name: string) => (basePath ? basePath.child(name) : FieldPath.root(name));
  const keyErr = labelKeyError(key, String(child('key')));
  if (keyErr) errs.push(keyErr);
  const vals = values ?? [];
  const valuePath = child('values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(fieldErrors.invalid(String(valuePath), goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(fieldErrors.invalid(String(valuePath), goStringSlice(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(fieldErrors.invalid(String(valuePath), goStringSlice(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(fieldErrors.invalid(String(valuePath), goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(fieldErrors.invalid(String(valuePath.index(i)), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(fieldErrors.notSupported(String(child('operator')), operator, validRequirementOperators));
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(fieldErrors.invalid(String(valuePath.index(i).key(key)), v, msgs.join('; ')));
  });
  if (errs.length) throw statusErrors.badRequest(aggregateFieldErrors(errs));
  return { key, operator: operator as LabelOperator, values: [...vals] };
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(val as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(val as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(val as string);
      const rv = parseInt64(r.values[0] as string);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

const sortedCopy = (vs: readonly string[]): string[] => [...vs].sort(compareBytes);

function requirementString(r: LabelRequirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case '=':
      s += '=';
      break;
    case '==':
      s += '==';
      break;
    case '!=':
      s += '!=';
      break;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    case 'exists':
    case '!':
      return s;
  }
  const vals = r.values.length === 1 ? (r.values[0] as string) : sortedCopy(r.values).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : `${s}${vals}`;
}

/** A parsed label selector: an AND of requirements, or Nothing (from a nil metav1.LabelSelector). */
export class LabelSelector {
  private constructor(
    private readonly reqs: readonly LabelRequirement[],
    private readonly nothing: boolean,
  ) {}

  /** Matches every label set. */
  static everything(): LabelSelector {
    return new LabelSelector([], false);
  }

  /** Matches no label set (LabelSelectorAsSelector of a nil selector). */
  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  /** Requirements are kept sorted by key, as Go's Add does. */
  static fromRequirements(reqs: readonly LabelRequirement[]): LabelSelector {
    return new LabelSelector(
      [...reqs].sort((a, b) => compareBytes(a.key, b.key)),
      false,
    );
  }

  /** An equality selector for a label set (SelectorFromSet), unvalidated. */
  static fromSet(set: Record<string, string>): LabelSelector {
    return LabelSelector.fromRequirements(Object.entries(set).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
  }

  matches(labels: Record<string, string> | null | undefined): boolean {
    if (this.nothing) return false;
    const l = labels ?? {};
    return this.reqs.every((r) => requirementMatches(r, l));
  }

  /** True when the selector does not restrict anything (Nothing is not empty). */
  isEmpty(): boolean {
    return !this.nothing && this.reqs.length === 0;
  }

  /** True only for Nothing(). */
  matchesNothing(): boolean {
    return this.nothing;
  }

  requirements(): readonly LabelRequirement[] {
    return this.reqs;
  }

  /** The value a selector pins `key` to (=, == or a one-value in), if it does. */
  requiresExactMatch(key: string): string | undefined {
    for (const r of this.reqs) {
      if (r.key !== key) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  /** The canonical text: requirements by key, joined by ",". */
  toString(): string {
    return this.reqs.map(requirementString).join(',');
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer

enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const string2token = new Map<string, Tok>([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string) => ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';

// Go's lexer reads bytes and treats byte 0 as the end; every delimiter is ASCII, so reading UTF-16
// code units gives the same tokens.
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++] as string;
    return '\0';
  }

  private unread(): void {
    this.pos--;
  }

  private scanIDOrKeyword(): Item {
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    const tok = string2token.get(buf);
    return tok !== undefined ? { tok, lit: buf } : { tok: Tok.Identifier, lit: buf };
  }

  private scanSpecialSymbol(): Item {
    let last: Item | undefined;
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch)) {
        buf += ch;
        const tok = string2token.get(buf);
        if (tok !== undefined) {
          last = { tok, lit: buf };
        } else if (last !== undefined) {
          this.unread();
          break;
        }
      } else {
        this.unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
  }

  lex(): Item {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === '\0') return { tok: Tok.EndOfString, lit: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIDOrKeyword();
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

enum Ctx {
  KeyAndOperator,
  Values,
}

class ParseError extends Error {}

class Parser {
  private items: Item[] = [];
  private position = 0;

  constructor(input: string) {
    const l = new Lexer(input);
    for (;;) {
      const item = l.lex();
      this.items.push(item);
      if (item.tok === Tok.EndOfString) break;
    }
  }

  private at(i: number, ctx: Ctx): Item {
    const it = this.items[i] as Item;
    if (ctx === Ctx.Values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }

  private lookahead(ctx: Ctx): Item {
    return this.at(this.position, ctx);
  }

  private consume(ctx: Ctx): Item {
    this.position++;
    return this.at(this.position - 1, ctx);
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: LabelRequirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            throw new ParseError(`unable to parse requirement: ${(e as Error).message}`);
          }
          reqs.push(r);
          const t = this.consume(Ctx.Values);
          switch (t.tok) {
            case Tok.EndOfString:
              return reqs;
            case Tok.Comma: {
              const t2 = this.lookahead(Ctx.Values);
              if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
                throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
              }
              break;
            }
            default:
              throw new ParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
          }
          break;
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return requirementOrError(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return requirementOrError(key, op, [...values].sort(compareBytes));
  }

  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | '' } {
    let operator: LabelOperator | '' = '';
    let { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.DoesNotExist) {
      operator = '!';
      ({ tok, lit } = this.consume(Ctx.Values));
    }
    if (tok !== Tok.Identifier) throw new ParseError(`found '${lit}', expected: identifier`);
    // The parser validates the key before NewRequirement does, with a nil field path.
    const keyErr = labelKeyError(lit, '<nil>');
    if (keyErr) throw new ParseError(aggregateFieldErrors([keyErr]));
    const next = this.lookahead(Ctx.Values).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && operator !== '!') operator = 'exists';
    return { key: lit, operator };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new ParseError(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    let { tok, lit } = this.consume(Ctx.Values);
    if (tok !== Tok.OpenPar) throw new ParseError(`found '${lit}' expected: '('`);
    ({ tok, lit } = this.lookahead(Ctx.Values));
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        // Go reports the literal seen before the list here, not the offending one.
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) throw new ParseError(`found '${lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(Ctx.Values);
        return new Set(['']);
      default:
        throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  // v0.33.1 consumes the second comma of ",," here; later releases do not ("(,,)" parses there).
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Ctx.Values);
      switch (tok) {
        case Tok.Identifier: {
          s.add(lit);
          const t2 = this.lookahead(Ctx.Values);
          if (t2.tok === Tok.Comma) continue;
          if (t2.tok === Tok.ClosedPar) return s;
          throw new ParseError(`found '${t2.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add('');
          const t2 = this.lookahead(Ctx.Values).tok;
          if (t2 === Tok.ClosedPar) {
            s.add('');
            return s;
          }
          if (t2 === Tok.Comma) {
            this.consume(Ctx.Values);
            s.add('');
          }
          break;
        }
        default:
          throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const t = this.lookahead(Ctx.Values).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

function requirementOrError(key: string, op: LabelOperator, values: string[]): LabelRequirement {
  try {
    return newLabelRequirement(key, op, values);
  } catch (e) {
    throw new ParseError((e as Error).message);
  }
}

/**
 * labels.Parse: the `labelSelector` query syntax (`a=b,c!=d,e in (x,y),!f,g,h>1`). Throws a 400
 * StatusError (BadRequest) with kube-apiserver's message on a syntax or validation error.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return LabelSelector.fromRequirements(new Parser(s).parse());
  } catch (e) {
    if (e instanceof ParseError) throw statusErrors.badRequest(e.message);
    throw e;
  }
}

/** metav1.LabelSelector as it appears in objects (Deployment.spec.selector and the like). */
export interface MetaLabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | null }> | null;
}

/**
 * LabelSelectorAsSelector: a nil selector matches nothing, an empty one everything. Throws a 400
 * StatusError with Go's message on an unknown operator or an invalid requirement.
 */
export function labelSelectorFromMetav1(sel: MetaLabelSelector | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return LabelSelector.nothing();
  const matchLabels = sel.matchLabels ?? {};
  const exprs = sel.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return LabelSelector.everything();
  const reqs: LabelRequirement[] = [];
  for (const k of Object.keys(matchLabels).sort(compareBytes)) reqs.push(newLabelRequirement(k, '=', [matchLabels[k] as string]));
  for (const expr of exprs) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as Record<string, LabelOperator>)[expr.operator];
    if (op === undefined) throw statusErrors.badRequest(`${goQuote(String(expr.operator))} is not a valid label selector operator`);
    // append([]string(nil), values...) keeps an empty list nil, which Go prints as []string(nil).
    reqs.push(newLabelRequirement(expr.key, op, expr.values && expr.values.length ? [...expr.values] : null));
  }
  return LabelSelector.fromRequirements(reqs);
}
