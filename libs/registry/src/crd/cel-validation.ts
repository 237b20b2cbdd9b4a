// x-kubernetes-validations of custom resources. k8s parity: apiextensions-apiserver
// pkg/apiserver/schema/cel (compilation.go, validation.go, maplist.go), the CEL checks of
// pkg/apis/apiextensions/validation (validation.go, cel_validation.go) and apiserver pkg/cel
// (escaping, common/schemas.go for how a schema becomes a CEL type), all at v0.33.1.
//
// `self` is typed from the schema, as kube declares it: every object with properties becomes a
// message type of its own (so `self.nope` fails to compile and a missing field is "no such key"),
// additionalProperties maps become map<string, T>, arrays list<T>, integers int (BigInt in
// cel-js), numbers double; int-or-string, preserve-unknown nodes without properties and
// typeless nodes are dyn. The root and embedded resources see apiVersion, kind and
// metadata.{name,generateName} only (WithTypeAndObjectMeta).
import { Environment, Optional, celEnvironment, perCallCostLimit } from '@portico/cel';
import { FieldPath, fieldErrors, goQuote, goStruct, type FieldError, type JsonObject, type KubeObject } from '@portico/api';
import type { CustomResourceCelValidator } from './contract';
import { jsonEqual, type JsonValue } from '../patch/json';

/** kube's RuntimeCELCostBudget: what all the rules of one object may spend together. */
export const runtimeCelCostBudget = 10_000_000;
/** kube's StaticEstimatedCostLimit (per expression) and StaticEstimatedCRDCostLimit (whole schema). */
export const staticEstimatedCostLimit = 10_000_000;
export const staticEstimatedCrdCostLimit = 100_000_000;
/** celconfig.MaxRequestSizeBytes: the bound kube assumes for lists and maps without maxItems/maxProperties. */
const maxRequestSizeBytes = 3 * 1024 * 1024;
const maxEvaluatedMessageExpressionSizeBytes = 5 * 1024;

const supportedReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'] as const;
type Reason = (typeof supportedReasons)[number];

type Json = unknown;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Rule {
  rule: string;
  message: string;
  messageExpression: string;
  reason: string | undefined;
  fieldPath: string;
  optionalOldSelf: boolean | undefined;
  /** The rule as written, for the %#v rendering of CRD-creation errors. */
  raw: Obj;
}

function rulesOf(schema: Obj): Rule[] {
  const list = schema['x-kubernetes-validations'];
  if (!Array.isArray(list)) return [];
  return list.map((r: unknown) => {
    const o = isObj(r) ? r : {};
    const str = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
    return {
      rule: str('rule'),
      message: str('message'),
      messageExpression: str('messageExpression'),
      reason: typeof o['reason'] === 'string' ? o['reason'] : undefined,
      fieldPath: str('fieldPath'),
      optionalOldSelf: typeof o['optionalOldSelf'] === 'boolean' ? o['optionalOldSelf'] : undefined,
      raw: o,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Schema → CEL types

type Kind = 'object' | 'map' | 'list' | 'scalar' | 'dyn';

interface TypeNode {
  kind: Kind;
  /** The CEL type name (`selfType3`, `list<string>`, `map<string, int>`, `dyn`). */
  cel: string;
  /** The schema's `type` string, which kube puts in errors as the bad value. */
  schemaType: string;
  schema: Obj;
  /** Object fields: JSON name → escaped CEL name and type. Unescapable names are absent. */
  fields?: Map<string, { escaped: string; node: TypeNode }>;
  /** List items or map values. */
  elem?: TypeNode;
  ctor?: new () => Obj;
  format?: string;
  /** Upper bound on the elements of a list/map: maxItems/maxProperties, or kube's estimate from the request size. */
  maxElements: number;
  /** The smallest JSON this node can serialize to (DeclType.MinSerializedSize), for kube's estimates. */
  minSize: number;
}

const celReserved = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop',
  'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** apiserver pkg/cel Escape: property names as CEL identifiers; undefined when not expressible. */
export function escapeCelName(name: string): string | undefined {
  if (name === '' || (name[0] !== undefined && name[0] >= '0' && name[0] <= '9')) return undefined;
  if (celReserved.has(name)) return `__${name}__`;
  let ok = true;
  const out = name.replace(/__|[-./]|[^a-zA-Z0-9\-./_]/g, (s) => {
    switch (s) {
      case '__':
        return '__underscores__';
      case '.':
        return '__dot__';
      case '-':
        return '__dash__';
      case '/':
        return '__slash__';
      default:
        ok = false;
        return '';
    }
  });
  return ok ? out : undefined;
}

const strType = (): Obj => ({ type: 'string' });

/** model.WithTypeAndObjectMeta: what a resource root exposes of apiVersion, kind and metadata. */
function withTypeAndObjectMeta(s: Obj): Obj {
  const props = isObj(s['properties']) ? s['properties'] : {};
  return {
    ...s,
    properties: {
      ...props,
      apiVersion: strType(),
      kind: strType(),
      metadata: { type: 'object', properties: { name: strType(), generateName: strType() } },
    },
  };
}

class TypeBuilder {
  private n = 0;
  readonly objectTypes: TypeNode[] = [];
  /** Schema node (as given by the caller) → its type, for CRD-time compilation per node. */
  readonly bySchema = new Map<Obj, TypeNode>();

  build(schema: Obj, isResourceRoot: boolean): TypeNode {
    const node = this.make(isResourceRoot ? withTypeAndObjectMeta(schema) : schema, isResourceRoot);
    this.bySchema.set(schema, node);
    return node;
  }

  private make(s: Obj, _root: boolean): TypeNode {
    const type = typeof s['type'] === 'string' ? s['type'] : '';
    if (s['x-kubernetes-int-or-string'] === true) return { kind: 'dyn', cel: 'dyn', schemaType: type, schema: s, maxElements: maxRequestSizeBytes - 2, minSize: 1 };
    const props = isObj(s['properties']) ? s['properties'] : undefined;
    if (type === 'array') {
      const items = isObj(s['items']) ? s['items'] : undefined;
      const elem = items ? this.build(items, items['x-kubernetes-embedded-resource'] === true) : dynNode({});
      const maxItems = typeof s['maxItems'] === 'number' ? Math.max(0, s['maxItems']) : Math.floor((maxRequestSizeBytes - 2) / (elem.minSize + 1));
      return { kind: 'list', cel: `list<${elem.cel}>`, schemaType: type, schema: s, elem, maxElements: maxItems, minSize: 2 };
    }
    if (type === 'object' && isObj(s['additionalProperties'])) {
      const ap = s['additionalProperties'];
      const elem = this.build(ap, ap['x-kubernetes-embedded-resource'] === true);
      const maxProps =
        typeof s['maxProperties'] === 'number' ? Math.max(0, s['maxProperties']) : Math.floor((maxRequestSizeBytes - 2) / (elem.minSize + 4 + 1));
      return { kind: 'map', cel: `map<string, ${elem.cel}>`, schemaType: type, schema: s, elem, maxElements: maxProps, minSize: 2 };
    }
    if (type === 'object' && props !== undefined) {
      const name = `selfType${this.n++}`;
      const fields = new Map<string, { escaped: string; node: TypeNode }>();
      const required = new Set(Array.isArray(s['required']) ? (s['required'] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
      let minSize = 2;
      for (const key of Object.keys(props).sort()) {
        const ps = props[key];
        if (!isObj(ps)) continue;
        const child = this.build(ps, ps['x-kubernetes-embedded-resource'] === true);
        const escaped = escapeCelName(key);
        if (escaped !== undefined) fields.set(key, { escaped, node: child });
        if (required.has(key) && ps['default'] === undefined) minSize += key.length + child.minSize + 4;
      }
      const ctor = class {} as unknown as new () => Obj;
      Object.defineProperty(ctor, 'name', { value: name });
      const node: TypeNode = { kind: 'object', cel: name, schemaType: type, schema: s, fields, ctor, maxElements: 1, minSize };
      this.objectTypes.push(node);
      return node;
    }
    // kube has no type for a preserve-unknown node without properties, or a typeless one; it is
    // dyn here so that rules on such nodes still compile and run over whatever the value is.
    if (type === 'object' || type === '') return { ...dynNode(s), schemaType: type };
    const cel = type === 'integer' ? 'int' : type === 'number' ? 'double' : type === 'boolean' ? 'bool' : type === 'string' ? stringCelType(s['format']) : 'dyn';
    const maxLength = typeof s['maxLength'] === 'number' ? s['maxLength'] : undefined;
    return {
      kind: 'scalar',
      cel,
      schemaType: type,
      schema: s,
      maxElements: maxLength ?? maxRequestSizeBytes,
      minSize: type === 'boolean' ? 4 : type === 'string' ? 2 : 1,
      ...(typeof s['format'] === 'string' ? { format: s['format'] } : {}),
    };
  }
}

/** Strings with these formats are CEL bytes, durations and timestamps in kube, not strings. */
function stringCelType(format: unknown): string {
  switch (format) {
    case 'byte':
      return 'bytes';
    case 'duration':
      return 'google.protobuf.Duration';
    case 'date':
    case 'date-time':
      return 'google.protobuf.Timestamp';
    default:
      return 'string';
  }
}

const dynNode = (s: Obj): TypeNode => ({ kind: 'dyn', cel: 'dyn', schemaType: typeof s['type'] === 'string' ? s['type'] : '', schema: s, maxElements: maxRequestSizeBytes, minSize: 1 });

/** One environment per schema: the shared CEL environment plus this schema's object types. */
function typesEnvironment(builder: TypeBuilder): Environment {
  const env = celEnvironment().clone({ unlistedVariablesAreDyn: false });
  for (const t of builder.objectTypes) {
    const fields: Record<string, string> = {};
    for (const { escaped, node } of t.fields?.values() ?? []) fields[escaped] = node.cel;
    env.registerType({ name: t.cel, ctor: t.ctor as NonNullable<TypeNode['ctor']>, fields });
  }
  // Objects compare by value in kube (`self == oldSelf` is the usual immutability rule); cel-js
  // compares messages only through a registered overload.
  for (const t of builder.objectTypes) env.registerOperator(`${t.cel} == ${t.cel}`, (a: unknown, b: unknown) => celEqual(a, b));
  return env;
}

function celEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint' || typeof a === 'number' || typeof b === 'number') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') && Number(a) === Number(b);
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!celEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!celEqual((a as Obj)[k], (b as Obj)[k])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// JSON → CEL values, with the runtime cost meter

class CostExceeded extends Error {}

/**
 * cel-js tracks no cost, so reading a list element costs 1 and each evaluation 1 more: nested
 * comprehensions over big lists stop at kube's PerCallLimit instead of running away. This is far
 * cheaper than kube's accounting (which also charges every operator and string byte), so a rule
 * kube stops may still run here; it only guarantees termination in bounded time.
 */
interface Meter {
  remaining: number;
}

function metered(list: unknown[], meter: Meter): unknown[] {
  return new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) {
        if (--meter.remaining < 0) throw new CostExceeded();
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

function toDyn(v: unknown, meter: Meter): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return metered(v.map((x) => toDyn(x, meter)), meter);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = toDyn(x, meter);
    return out;
  }
  return v;
}

function toCelValue(node: TypeNode, v: unknown, meter: Meter): unknown {
  if (v === null || v === undefined) return null;
  switch (node.kind) {
    case 'dyn':
      return toDyn(v, meter);
    case 'list':
      if (!Array.isArray(v)) return toDyn(v, meter);
      return metered(v.map((x) => toCelValue(node.elem as TypeNode, x, meter)), meter);
    case 'map': {
      if (!isObj(v)) return toDyn(v, meter);
      const out: Obj = {};
      for (const [k, x] of Object.entries(v)) out[k] = toCelValue(node.elem as TypeNode, x, meter);
      return out;
    }
    case 'object': {
      if (!isObj(v)) return toDyn(v, meter);
      const out = new (node.ctor as new () => Obj)();
      for (const [k, f] of node.fields ?? []) {
        if (v[k] !== undefined) out[f.escaped] = toCelValue(f.node, v[k], meter);
      }
      return out;
    }
    case 'scalar':
      if (node.cel === 'int' && typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (node.cel === 'double' && typeof v === 'number') return v;
      if (node.cel === 'bytes' && typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
      if (node.cel === 'google.protobuf.Timestamp' && typeof v === 'string') {
        const d = new Date(node.format === 'date' ? `${v}T00:00:00Z` : v);
        return Number.isNaN(d.getTime()) ? v : d;
      }
      if (node.cel === 'google.protobuf.Duration' && typeof v === 'string') return parseDuration(v) ?? v;
      return toDyn(v, meter);
  }
}

let durationProgram: ((vars: Record<string, unknown>) => unknown) | undefined;

/** A Go duration string as cel-js's Duration, through the library's own duration() parser. */
function parseDuration(text: string): unknown {
  durationProgram ??= celEnvironment().clone({ unlistedVariablesAreDyn: true }).parse('duration(v)') as (vars: Record<string, unknown>) => unknown;
  try {
    return durationProgram({ v: text });
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Compilation

type Program = (vars: Record<string, unknown>) => unknown;

interface CompiledRule {
  rule: Rule;
  program?: Program;
  error?: string;
  usesOldSelf: boolean;
  messageProgram?: Program;
  messageError?: string;
  /** Relative fieldPath as a field.Path string ("a.b", "a[k]"), when valid. */
  normalizedFieldPath?: string;
  /** The rule's AST, kept for the static cost estimate. */
  ast?: unknown;
  messageAst?: unknown;
}

/** The line/column prefix and caret kube's compile errors carry (cel-go's issues.String()). */
function celGoIssue(expr: string, err: unknown): string {
  const e = err as { name?: unknown; message?: unknown; range?: { start?: number }; node?: unknown };
  let msg = translateMessage(String(e.message ?? err).split('\n')[0]?.trim() ?? '');
  if (e.name === 'ParseError') msg = `Syntax error: ${msg}`;
  const offset = issueOffset(expr, e.node) ?? e.range?.start ?? 0;
  const before = expr.slice(0, Math.max(0, Math.min(offset, expr.length)));
  const line = before.split('\n').length;
  const col = before.length - (before.lastIndexOf('\n') + 1);
  const sourceLine = expr.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${msg}\n | ${sourceLine}\n | ${'.'.repeat(col)}^`;
}

const binaryOps = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in', '&&', '||']);

/**
 * cel-go places an error at the operator of a binary expression and at the `(` of a call;
 * cel-js at the start of the node, so the position is recomputed from the source.
 */
function issueOffset(expr: string, node: unknown): number | undefined {
  if (!isObj(node)) return undefined;
  const op = node['op'];
  const args = node['args'];
  const range = node['range'];
  const start = isObj(range) && typeof range['start'] === 'number' ? range['start'] : typeof node['pos'] === 'number' ? node['pos'] : undefined;
  const endOf = (n: unknown): number | undefined => (isObj(n) && isObj(n['range']) && typeof n['range']['end'] === 'number' ? n['range']['end'] : undefined);
  if (typeof op === 'string' && binaryOps.has(op) && Array.isArray(args)) {
    const from = endOf(args[0]);
    if (from !== undefined) {
      const at = expr.indexOf(op, from);
      if (at >= 0) return at;
    }
  }
  if ((op === '.' || op === '.?') && Array.isArray(args)) {
    const from = endOf(args[0]);
    if (from !== undefined) {
      const at = expr.indexOf('.', from);
      if (at >= 0) return at;
    }
  }
  if (op === 'rcall' && Array.isArray(args) && typeof args[0] === 'string') {
    const from = endOf(args[1]);
    if (from !== undefined) {
      const at = expr.indexOf('(', from);
      if (at >= 0) return at;
    }
  }
  if (op === 'call' && start !== undefined) {
    const at = expr.indexOf('(', start);
    if (at >= 0) return at;
  }
  return start;
}

/** cel-js's wording of the common checker errors, in cel-go's. */
function translateMessage(m: string): string {
  let r = /^No such key: (.*)$/.exec(m);
  if (r) return `undefined field '${r[1]}'`;
  r = /^Unknown variable: (.*)$/.exec(m);
  if (r) return `undeclared reference to '${r[1]}' (in container '')`;
  r = /^no such overload: (\S+) (==|!=|<=|>=|<|>|\+|-|\*|\/|%|in) (\S+)$/.exec(m);
  if (r) return `found no matching overload for '_${r[2]}_' applied to '(${r[1]}, ${r[3]})'`;
  r = /^found no matching overload for '(.+)\.(\w+)\((.*)\)'$/.exec(m);
  if (r) return `found no matching overload for '${r[2]}' applied to '${r[1]}.(${r[3]})'`;
  return m;
}

/** Every node of a cel-js AST ({op, args} objects nested in args and arrays), depth first. */
function* astNodes(ast: unknown): Generator<Record<string, unknown>> {
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      stack.push(...(n as unknown[]));
      continue;
    }
    if (!isObj(n)) continue;
    yield n;
    if ('args' in n) stack.push(n['args']);
  }
}

function usesIdent(ast: unknown, name: string): boolean {
  for (const n of astNodes(ast)) if (n['op'] === 'id' && n['args'] === name) return true;
  return false;
}

function compileExpression(env: Environment, expr: string, want: 'bool' | 'string'): { program?: Program; ast?: unknown; error?: string; wrongType?: boolean } {
  try {
    const parsed = env.parse(expr);
    const checked = parsed.check();
    if (!checked.valid) return { error: celGoIssue(expr, checked.error) };
    if (checked.type !== want && checked.type !== 'dyn') return { wrongType: true };
    return { program: (vars) => parsed(vars) as unknown, ast: parsed.ast };
  } catch (e) {
    return { error: celGoIssue(expr, e) };
  }
}

function compileRules(base: Environment, node: TypeNode, rules: Rule[]): CompiledRule[] {
  if (rules.length === 0) return [];
  const env = base.clone();
  const plain = env.clone();
  plain.registerVariable('self', node.cel);
  plain.registerVariable('oldSelf', node.cel);
  const optional = env.clone();
  optional.registerVariable('self', node.cel);
  optional.registerVariable('oldSelf', `optional<${node.cel}>`);
  return rules.map((rule) => {
    const out: CompiledRule = { rule, usesOldSelf: false };
    if (rule.rule.trim() === '') return out;
    const ruleEnv = rule.optionalOldSelf === true ? optional : plain;
    const c = compileExpression(ruleEnv, rule.rule, 'bool');
    if (c.error !== undefined) {
      out.error = `compilation failed: ${c.error}`;
      return out;
    }
    if (c.wrongType) {
      out.error = 'cel expression must evaluate to a bool';
      return out;
    }
    const hasError = undefinedHasField(rule.rule, c.ast, node);
    if (hasError !== undefined) {
      out.error = `compilation failed: ${hasError}`;
      return out;
    }
    out.program = c.program;
    out.ast = c.ast;
    out.usesOldSelf = usesIdent(c.ast, 'oldSelf');
    if (rule.messageExpression !== '') {
      const m = compileExpression(ruleEnv, rule.messageExpression, 'string');
      if (m.error !== undefined) out.messageError = `messageExpression compilation failed: ${m.error}`;
      else if (m.wrongType) out.messageError = 'messageExpression must evaluate to a string';
      else {
        out.messageProgram = m.program;
        out.messageAst = m.ast;
      }
    }
    if (rule.fieldPath !== '') {
      const p = validFieldPath(rule.fieldPath, node.schema);
      if (typeof p === 'string') out.normalizedFieldPath = p;
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// fieldPath (cel.ValidFieldPath)

function unescapeSingleQuote(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/\\./g, (m) => {
    const map: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', "'": "'", '\\': '\\' };
    const r = map[m[1] as string];
    if (r === undefined) bad = true;
    return r ?? '';
  });
  return bad ? undefined : out;
}

/** The normalized field.Path string of a relative JSONPath, or an Error saying why it is not valid. */
export function validFieldPath(jsonPath: string, schema: Obj): string | Error {
  const tokens: string[] = [];
  for (let i = 0; i < jsonPath.length; ) {
    if (jsonPath[i] === '\'') {
      let j = i + 1;
      while (j < jsonPath.length && !(jsonPath[j] === '\'' && jsonPath[j - 1] !== '\\')) j++;
      tokens.push(jsonPath.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if ('.[]'.includes(jsonPath[i] as string)) {
      tokens.push(jsonPath[i] as string);
      i++;
      continue;
    }
    let j = i;
    while (j < jsonPath.length && !'.[]'.includes(jsonPath[j] as string)) j++;
    tokens.push(jsonPath.slice(i, j));
    i = j;
  }
  let path = FieldPath.root('');
  let s: Obj = schema;
  const step = (name: string): Error | undefined => {
    if (isObj(s['properties'])) {
      const next = s['properties'][name];
      if (!isObj(next)) return new Error('does not refer to a valid field');
      path = path.child(name);
      s = next;
    } else if (s['additionalProperties'] !== undefined) {
      path = path.key(name);
      s = isObj(s['additionalProperties']) ? s['additionalProperties'] : {};
    } else return new Error('does not refer to a valid field');
    return undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    if (tok === '[') {
      const lit = tokens[++i];
      if (lit === undefined) return new Error('unexpected end of JSON path');
      if (lit.length < 2 || lit[0] !== '\'' || lit[lit.length - 1] !== '\'') return new Error(`expected single quoted string but got ${lit}`);
      const name = unescapeSingleQuote(lit.slice(1, -1));
      if (name === undefined) return new Error('invalid string literal');
      const err = step(name);
      if (err) return err;
      const close = tokens[++i];
      if (close === undefined) return new Error('unexpected end of JSON path');
      if (close !== ']') return new Error(`expected ] but got ${close}`);
    } else if (tok === '.') {
      const name = tokens[++i];
      if (name === undefined) return new Error('unexpected end of JSON path');
      const err = step(name);
      if (err) return err;
    } else return new Error(`expected [ or . but got: ${tok}`);
  }
  return path.toString();
}

// ---------------------------------------------------------------------------------------------
// Runtime validation

interface ValidatorNode {
  type: TypeNode;
  rules: CompiledRule[];
  properties?: Map<string, ValidatorNode>;
  items?: ValidatorNode;
  additional?: ValidatorNode;
  /** Rules written under allOf apply to this node's value, with this node's type. */
  allOf?: ValidatorNode[];
  isResourceRoot: boolean;
}

function buildValidator(env: Environment, schema: Obj, type: TypeNode, isResourceRoot: boolean): ValidatorNode | undefined {
  const rules = compileRules(env, type, rulesOf(schema));
  let properties: Map<string, ValidatorNode> | undefined;
  let items: ValidatorNode | undefined;
  let additional: ValidatorNode | undefined;
  const props = isObj(schema['properties']) ? schema['properties'] : undefined;
  if (props) {
    for (const key of Object.keys(props).sort()) {
      const ps = props[key];
      if (!isObj(ps) || !hasRules(ps)) continue;
      const embedded = ps['x-kubernetes-embedded-resource'] === true;
      const field = type.fields?.get(key);
      let v: ValidatorNode | undefined;
      if (field !== undefined) v = buildValidator(env, ps, field.node, embedded);
      else if (escapeCelName(key) === undefined) {
        // CEL cannot name this property from its parent, but its own rules still run, over a
        // type built from its own schema (kube's SchemaDeclType of the property).
        const b = new TypeBuilder();
        const t = b.build(ps, embedded);
        v = buildValidator(typesEnvironment(b), ps, t, embedded);
      }
      if (v) (properties ??= new Map()).set(key, v);
    }
  }
  const itemsSchema = schema['items'];
  if (isObj(itemsSchema) && type.elem && hasRules(itemsSchema)) {
    items = buildValidator(env, itemsSchema, type.elem, itemsSchema['x-kubernetes-embedded-resource'] === true);
  }
  const ap = schema['additionalProperties'];
  if (isObj(ap) && type.elem && hasRules(ap)) additional = buildValidator(env, ap, type.elem, ap['x-kubernetes-embedded-resource'] === true);
  let allOf: ValidatorNode[] | undefined;
  if (Array.isArray(schema['allOf'])) {
    for (const sub of schema['allOf'] as unknown[]) {
      const v = isObj(sub) && hasRules(sub) ? buildValidator(env, sub, type, isResourceRoot) : undefined;
      if (v) (allOf ??= []).push(v);
    }
  }
  if (rules.length === 0 && !properties && !items && !additional && !allOf) return undefined;
  return {
    type,
    rules,
    isResourceRoot,
    ...(properties ? { properties } : {}),
    ...(items ? { items } : {}),
    ...(additional ? { additional } : {}),
    ...(allOf ? { allOf } : {}),
  };
}

interface RunState {
  remaining: number;
  errors: FieldError[];
  stopped: boolean;
}

const pathText = (p: FieldPath): string => (p.toString() === '' ? '<nil>' : p.toString());

function ruleErrorString(r: Rule): string {
  return r.message.length > 0 ? r.message.trim() : r.rule.trim();
}

function ruleMessageOrDefault(r: Rule): string {
  return r.message.length === 0 ? `failed rule: ${ruleErrorString(r)}` : r.message.trim();
}

function errorForReason(path: string, value: string, detail: string, reason: string | undefined): FieldError {
  switch (reason as Reason | undefined) {
    case 'FieldValueForbidden':
      return fieldErrors.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldErrors.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldErrors.duplicate(path, value);
    default:
      return fieldErrors.invalid(path, value, detail);
  }
}

/** cel-go's error text for what cel-js reports ("No such key: x" → "no such key: x"). */
function evalErrorText(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]?.trim() ?? '';
  return first.length > 0 ? (first[0] as string).toLowerCase() + first.slice(1) : first;
}

function evaluate(program: Program, vars: Record<string, unknown>, meter: Meter): { value?: unknown; error?: string; cost: number; exceeded?: boolean } {
  meter.remaining = perCallCostLimit;
  try {
    const value = program(vars);
    return { value, cost: perCallCostLimit - meter.remaining + 1 };
  } catch (e) {
    const cost = perCallCostLimit - Math.max(0, meter.remaining) + 1;
    if (e instanceof CostExceeded) return { exceeded: true, cost };
    return { error: evalErrorText(e), cost };
  }
}

/**
 * Ratcheting (CRDValidationRatcheting, on by default since 1.30): on update, a failed rule that
 * does not use oldSelf is not an error where the value equals its old value (kube turns it into a
 * warning, which this interface has no place for, so it is dropped). `unchanged` says whether the
 * node, or its nearest correlated ancestor when it has no old value of its own, is unchanged.
 */
function runRules(v: ValidatorNode, path: FieldPath, value: unknown, old: unknown, unchanged: () => boolean, state: RunState): void {
  if (v.rules.length === 0) return;
  const typeValue = v.type.schemaType;
  const at = pathText(path);
  if (state.remaining <= 0) {
    state.errors.push(fieldErrors.invalid(at, typeValue, 'validation failed due to running out of cost budget, no further validation rules will be run'));
    state.stopped = true;
    return;
  }
  const meter: Meter = { remaining: perCallCostLimit };
  const self = toCelValue(v.type, value, meter);
  const oldSelf = old === undefined || old === null ? undefined : toCelValue(v.type, old, meter);
  for (const c of v.rules) {
    const rule = c.rule;
    if (c.error !== undefined) {
      state.errors.push(fieldErrors.invalid(at, typeValue, `rule compile error: ${c.error}`));
      continue;
    }
    if (c.program === undefined) continue;
    if (c.usesOldSelf && oldSelf === undefined && rule.optionalOldSelf !== true) continue;
    const vars: Record<string, unknown> = { self };
    if (rule.optionalOldSelf === true) vars['oldSelf'] = oldSelf === undefined ? Optional.none() : Optional.of(oldSelf);
    else if (oldSelf !== undefined) vars['oldSelf'] = oldSelf;
    const r = evaluate(c.program, vars, meter);
    if (r.cost > state.remaining) {
      state.errors.push(fieldErrors.invalid(at, typeValue, 'validation failed due to running out of cost budget, no further validation rules will be run'));
      state.stopped = true;
      return;
    }
    state.remaining -= r.cost;
    if (r.exceeded) {
      state.errors.push(
        fieldErrors.invalid(
          at,
          typeValue,
          `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`,
        ),
      );
      state.stopped = true;
      return;
    }
    if (r.error !== undefined) {
      if (r.error.startsWith('no such overload')) {
        state.errors.push(
          fieldErrors.invalid(at, typeValue, `'${r.error}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`),
        );
      } else state.errors.push(fieldErrors.invalid(at, typeValue, `${r.error} evaluating rule: ${ruleErrorString(rule)}`));
      continue;
    }
    if (r.value === true) continue;
    const errPath = c.normalizedFieldPath ? pathText(path.child(c.normalizedFieldPath)) : at;
    if (c.messageProgram !== undefined) {
      const m = evaluate(c.messageProgram, vars, meter);
      if (m.cost > state.remaining) {
        state.errors.push(
          fieldErrors.invalid(errPath, typeValue, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'),
        );
        state.stopped = true;
        return;
      }
      if (m.exceeded) {
        state.errors.push(
          fieldErrors.invalid(
            errPath,
            typeValue,
            `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${goQuote(rule.messageExpression)}`,
          ),
        );
        state.stopped = true;
        return;
      }
      state.remaining -= m.cost;
      const text = typeof m.value === 'string' ? m.value.trim() : undefined;
      // A failing messageExpression is logged by kube and the rule's message used instead.
      const usable = m.error === undefined && text !== undefined && text !== '' && !/\n/.test(text) && text.length <= maxEvaluatedMessageExpressionSizeBytes;
      if (c.usesOldSelf || !unchanged()) state.errors.push(errorForReason(errPath, typeValue, usable ? text : ruleMessageOrDefault(rule), rule.reason));
      continue;
    }
    if (c.usesOldSelf || !unchanged()) state.errors.push(errorForReason(errPath, typeValue, ruleMessageOrDefault(rule), rule.reason));
  }
}

/** maplist.go: old items of a map-type list, found by the key fields of a new item. */
function correlatedItem(schema: Obj, oldList: unknown[] | undefined, item: unknown): unknown {
  if (oldList === undefined || schema['x-kubernetes-list-type'] !== 'map' || !isObj(item)) return undefined;
  const keys = Array.isArray(schema['x-kubernetes-list-map-keys']) ? (schema['x-kubernetes-list-map-keys'] as unknown[]).filter((k): k is string => typeof k === 'string') : [];
  if (keys.length === 0) return undefined;
  // Like kube, the last old item with the same key wins (duplicates are a separate validation error).
  let found: unknown;
  for (const o of oldList) {
    if (isObj(o) && keys.every((k) => celEqual(o[k] ?? null, item[k] ?? null))) found = o;
  }
  return found;
}

function walk(v: ValidatorNode, path: FieldPath, value: unknown, old: unknown, parentUnchanged: () => boolean, state: RunState): void {
  if (state.stopped || value === null || value === undefined) return;
  let memo: boolean | undefined;
  const unchanged = old === undefined || old === null ? parentUnchanged : () => (memo ??= jsonEqual(value as JsonValue, old as JsonValue));
  runRules(v, path, value, old, unchanged, state);
  // kube does not ratchet allOf by the node itself, only by its nearest correlated ancestor.
  for (const sub of v.allOf ?? []) if (!state.stopped) walk(sub, path, value, old, parentUnchanged, state);
  if (state.stopped) return;
  if (Array.isArray(value)) {
    if (!v.items) return;
    const oldList = Array.isArray(old) ? old : undefined;
    for (let i = 0; i < value.length && !state.stopped; i++) walk(v.items, path.index(i), value[i], correlatedItem(v.type.schema, oldList, value[i]), unchanged, state);
    return;
  }
  if (!isObj(value)) return;
  const oldObj = isObj(old) ? old : undefined;
  const keys = Object.keys(value).sort();
  if (v.additional) {
    for (const k of keys) {
      if (state.stopped) return;
      walk(v.additional, path.key(k), value[k], oldObj?.[k], unchanged, state);
    }
  }
  if (v.properties) {
    for (const k of keys) {
      if (state.stopped) return;
      const sub = v.properties.get(k);
      if (sub) walk(sub, path.child(k), value[k], oldObj?.[k], unchanged, state);
    }
  }
}

/** Compiles every x-kubernetes-validations rule of one CRD version's schema, once. */
export function compileCelValidator(openAPIV3Schema: JsonObject): CustomResourceCelValidator {
  const root = openAPIV3Schema as Obj;
  const builder = new TypeBuilder();
  const rootType = builder.build(root, true);
  const env = typesEnvironment(builder);
  const validator = hasRules(root) ? buildValidator(env, root, rootType, true) : undefined;
  return {
    validate(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
      if (validator === undefined) return [];
      const state: RunState = { remaining: runtimeCelCostBudget, errors: [], stopped: false };
      walk(validator, FieldPath.root(''), obj, old, () => false, state);
      return state.errors;
    },
  };
}

function hasRules(s: Json): boolean {
  if (!isObj(s)) return false;
  if (Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length > 0) return true;
  if (hasRules(s['items']) || hasRules(s['additionalProperties'])) return true;
  if (Array.isArray(s['allOf']) && s['allOf'].some(hasRules)) return true;
  const props = s['properties'];
  return isObj(props) && Object.values(props).some(hasRules);
}

// ---------------------------------------------------------------------------------------------
// CRD creation: the checks of every rule in a schema

/** The schema type of `self.a.b[0]`-like expressions (and iteration variables bound to them). */
function typeOfExpr(n: unknown, scope: Map<string, TypeNode>): TypeNode | undefined {
  if (!isObj(n)) return undefined;
  const args = n['args'];
  switch (n['op']) {
    case 'id':
      return typeof args === 'string' ? scope.get(args) : undefined;
    case '.':
    case '.?': {
      if (!Array.isArray(args)) return undefined;
      const t = typeOfExpr(args[0], scope);
      const name = args[1];
      if (t?.kind !== 'object' || typeof name !== 'string') return undefined;
      for (const f of t.fields?.values() ?? []) if (f.escaped === name) return f.node;
      return undefined;
    }
    case '[]':
    case '[?]':
      return Array.isArray(args) ? typeOfExpr(args[0], scope)?.elem : undefined;
    default:
      return undefined;
  }
}

/**
 * cel-go refuses has() of a field the object type does not declare; cel-js's checker lets it
 * through (and answers false), so it is checked here for `self`/`oldSelf` paths.
 */
function undefinedHasField(expr: string, ast: unknown, self: TypeNode): string | undefined {
  const scope = new Map([['self', self], ['oldSelf', self]]);
  for (const n of astNodes(ast)) {
    const args = n['args'];
    if (n['op'] === 'call' && Array.isArray(args) && args[0] === 'has' && Array.isArray(args[1])) {
      const sel = args[1][0];
      if (isObj(sel) && sel['op'] === '.' && Array.isArray(sel['args'])) {
        const [target, name] = sel['args'] as unknown[];
        const t = typeOfExpr(target, scope);
        if (t?.kind === 'object' && typeof name === 'string' && ![...(t.fields?.values() ?? [])].some((f) => f.escaped === name)) {
          return celGoIssue(expr, { message: `No such key: ${name}`, node: sel });
        }
      }
    }
  }
  return undefined;
}


/**
 * The static cost of one expression, in the spirit of cel-go's estimator but far simpler: every
 * AST node costs 1, and a comprehension (all, exists, exists_one, map, filter) over a list or map
 * whose schema is known costs its bound times its body, so nested comprehensions multiply. The
 * bound is maxItems/maxProperties, or, as in kube, what fits in a 3 MiB request given the
 * smallest serialized element. Sizes of strings and the per-operation weights cel-go uses are
 * ignored, and comprehensions over values of unknown type count once; so this only catches the
 * rules kube refuses by a wide margin (nested iteration over unbounded lists), not every one.
 */
function estimateCost(ast: unknown, self: TypeNode): number {
  const macros = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
  const cost = (n: unknown, scope: Map<string, TypeNode>): number => {
    if (Array.isArray(n)) return n.reduce((sum: number, x) => sum + cost(x, scope), 0);
    if (!isObj(n)) return 0;
    const args = n['args'];
    if (n['op'] === 'rcall' && Array.isArray(args) && typeof args[0] === 'string' && macros.has(args[0]) && Array.isArray(args[2])) {
      const target = typeOfExpr(args[1], scope);
      const [iter, ...body] = args[2] as unknown[];
      const inner = new Map(scope);
      const iterName = isObj(iter) && iter['op'] === 'id' && typeof iter['args'] === 'string' ? iter['args'] : undefined;
      if (iterName !== undefined) {
        if (target?.kind === 'list' && target.elem) inner.set(iterName, target.elem);
        else inner.delete(iterName);
      }
      const bound = target?.kind === 'list' || target?.kind === 'map' ? target.maxElements : 1;
      return 1 + cost(args[1], scope) + bound * (1 + cost(body, inner));
    }
    return 1 + (typeof args === 'object' && args !== null ? cost(args, scope) : 0);
  };
  return cost(ast, new Map([['self', self], ['oldSelf', self]]));
}

function costErrorMessage(name: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const text = factor > 100 ? 'more than 100x' : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return `${name} exceeds budget by factor of ${text} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

/** %#v of the internal apiextensions.ValidationRule, the bad value of kube's rule errors. */
function goValidationRule(r: Rule) {
  return goStruct('apiextensions.ValidationRule', [
    ['Rule', r.rule],
    ['Message', r.message],
    ['MessageExpression', r.messageExpression],
    ['Reason', { pointer: 'apiextensions.FieldValueErrorReason', set: r.reason !== undefined }],
    ['FieldPath', r.fieldPath],
    ['OptionalOldSelf', { pointer: 'bool', set: r.optionalOldSelf !== undefined }],
  ]);
}

const hasNewlines = (s: string): boolean => /[\n\r]+/.test(s);

interface CrdWalk {
  env: Environment;
  builder: TypeBuilder;
  total: number;
  mostExpensive: { path: string; cost: number }[];
}

/** The product of the maxItems/maxProperties above a node (kube's CELSchemaContext.MaxCardinality); undefined when unbounded. */
function childCardinality(parentCard: number | undefined, parent: Obj): number | undefined {
  if (parentCard === undefined) return undefined;
  const type = parent['type'];
  let max: number | undefined = 1;
  if (type === 'object' && parent['additionalProperties'] !== undefined && parent['additionalProperties'] !== false) {
    max = typeof parent['maxProperties'] === 'number' ? Math.max(0, parent['maxProperties']) : undefined;
  } else if (type === 'array') max = typeof parent['maxItems'] === 'number' ? Math.max(0, parent['maxItems']) : undefined;
  return max === undefined ? undefined : parentCard * max;
}

function observe(w: CrdWalk, path: string, cost: number): void {
  w.total += cost;
  if (cost < staticEstimatedCrdCostLimit / 100) return;
  w.mostExpensive.push({ path, cost });
  w.mostExpensive.sort((a, b) => b.cost - a.cost);
  w.mostExpensive.length = Math.min(w.mostExpensive.length, 4);
}

/**
 * Walks the schema the way ValidateCustomResourceDefinitionOpenAPISchema does (additionalProperties,
 * properties, not/allOf/oneOf/anyOf, items, then the node's own rules) and returns whether any
 * rule-shape error was found at or below the node, since kube skips compiling a node's rules then.
 */
function checkNode(
  w: CrdWalk,
  s: Obj,
  path: FieldPath,
  typed: boolean,
  cardinality: number | undefined,
  uncorrelatable: string | undefined,
  errs: FieldError[],
): boolean {
  let shapeErrors = false;
  const ap = s['additionalProperties'];
  if (isObj(ap)) shapeErrors = checkNode(w, ap, path.child('additionalProperties'), typed, childCardinality(cardinality, s), uncorrelatable, errs) || shapeErrors;
  const props = s['properties'];
  if (isObj(props)) {
    for (const key of Object.keys(props).sort()) {
      const ps = props[key];
      if (isObj(ps)) shapeErrors = checkNode(w, ps, path.child('properties').key(key), typed, childCardinality(cardinality, s), uncorrelatable, errs) || shapeErrors;
    }
  }
  if (isObj(s['not'])) shapeErrors = checkNode(w, s['not'], path.child('not'), false, undefined, uncorrelatable, errs) || shapeErrors;
  for (const comb of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = s[comb];
    if (!Array.isArray(list)) continue;
    list.forEach((x: unknown, i) => {
      if (isObj(x)) shapeErrors = checkNode(w, x, path.child(comb).index(i), false, undefined, uncorrelatable, errs) || shapeErrors;
    });
  }
  const items = s['items'];
  if (isObj(items)) {
    const forbid = uncorrelatable ?? (s['x-kubernetes-list-type'] !== 'map' ? path.toString() : undefined);
    shapeErrors = checkNode(w, items, path.child('items'), typed, childCardinality(cardinality, s), forbid, errs) || shapeErrors;
  }

  const rules = rulesOf(s);
  if (rules.length === 0) return shapeErrors;
  const rp = (i: number, f: string): string => path.child('x-kubernetes-validations').index(i).child(f).toString();
  const before = errs.length;
  rules.forEach((rule, i) => {
    const rule_ = rule.rule.trim();
    const msg = rule.message.trim();
    if (rule_ === '') errs.push(fieldErrors.required(rp(i, 'rule'), 'rule is not specified'));
    else if (rule.message.length > 0 && msg === '') errs.push(fieldErrors.invalid(rp(i, 'message'), rule.message, 'message must be non-empty if specified'));
    else if (hasNewlines(msg)) errs.push(fieldErrors.invalid(rp(i, 'message'), rule.message, 'message must not contain line breaks'));
    else if (hasNewlines(rule_) && msg === '') errs.push(fieldErrors.required(rp(i, 'message'), 'message must be specified if rule contains line breaks'));
    if (rule.messageExpression.length > 0 && rule.messageExpression.trim() === '') {
      errs.push(fieldErrors.required(rp(i, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (rule.reason !== undefined && !(supportedReasons as readonly string[]).includes(rule.reason)) {
      errs.push(fieldErrors.notSupported(rp(i, 'reason'), rule.reason, supportedReasons));
    }
    if (rule.fieldPath.length > 0 && rule.fieldPath.trim() === '') errs.push(fieldErrors.invalid(rp(i, 'fieldPath'), rule.fieldPath, 'fieldPath must be non-empty if specified'));
    if (hasNewlines(rule.fieldPath)) errs.push(fieldErrors.invalid(rp(i, 'fieldPath'), rule.fieldPath, 'fieldPath must not contain line breaks'));
    if (rule.fieldPath.length > 0 && validFieldPath(rule.fieldPath, s) instanceof Error) {
      errs.push(fieldErrors.invalid(rp(i, 'fieldPath'), rule.fieldPath, 'fieldPath must be a valid path'));
    }
  });
  shapeErrors = shapeErrors || errs.length > before;
  const type = typed ? w.builder.bySchema.get(s) : undefined;
  if (shapeErrors || type === undefined) return shapeErrors;

  const compiled = compileRules(w.env, type, rules);
  // kube multiplies by the bound on how often the node occurs; below an unbounded list or map
  // that is what fits in a request (maxCardinality of the node's smallest serialized size).
  const card = cardinality ?? Math.floor(maxRequestSizeBytes / (type.minSize + 1));
  compiled.forEach((c, i) => {
    const rule = rules[i] as Rule;
    const cost = c.ast === undefined ? 0 : estimateCost(c.ast, type) * card;
    if (cost > staticEstimatedCostLimit) errs.push(fieldErrors.forbidden(rp(i, 'rule'), costErrorMessage('estimated rule cost', cost, staticEstimatedCostLimit)));
    observe(w, rp(i, 'rule'), cost);
    if (c.error !== undefined) errs.push(fieldErrors.invalid(rp(i, 'rule'), goValidationRule(rule), c.error));
    if (c.messageError !== undefined) errs.push(fieldErrors.invalid(rp(i, 'messageExpression'), goValidationRule(rule), c.messageError));
    else if (c.messageAst !== undefined) {
      const mcost = estimateCost(c.messageAst, type);
      if (mcost > staticEstimatedCostLimit) {
        errs.push(fieldErrors.forbidden(rp(i, 'messageExpression'), costErrorMessage('estimated messageExpression cost', mcost, staticEstimatedCostLimit)));
      }
      observe(w, rp(i, 'messageExpression'), mcost);
    }
    if (c.usesOldSelf) {
      if (uncorrelatable !== undefined) {
        errs.push(fieldErrors.invalid(rp(i, 'rule'), rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`));
      }
    } else if (rule.optionalOldSelf !== undefined) {
      errs.push(fieldErrors.invalid(rp(i, 'optionalOldSelf'), rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
    }
  });
  return shapeErrors;
}

/**
 * CRD-creation checks of every rule in the schema: compile errors, messageExpression errors, a
 * multi-line rule without message, invalid reason/fieldPath, oldSelf use with optionalOldSelf,
 * estimated cost over budget. Paths start at `path` (e.g. spec.validation.openAPIV3Schema or
 * spec.versions[0].schema.openAPIV3Schema).
 */
export function validateCelRulesOfSchema(openAPIV3Schema: JsonObject, path: FieldPath): FieldError[] {
  const root = openAPIV3Schema as Obj;
  if (!hasAnyRules(root)) return [];
  const builder = new TypeBuilder();
  builder.build(root, true);
  const w: CrdWalk = { env: typesEnvironment(builder), builder, total: 0, mostExpensive: [] };
  const errs: FieldError[] = [];
  checkNode(w, root, path, true, 1, undefined, errs);
  if (w.total > staticEstimatedCrdCostLimit) {
    for (const e of w.mostExpensive) errs.push(fieldErrors.forbidden(e.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema'));
    errs.push(
      fieldErrors.forbidden(
        path.toString(),
        costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', w.total, staticEstimatedCrdCostLimit),
      ),
    );
  }
  return errs;
}

/** Like hasRules, but also under not/allOf/oneOf/anyOf, where kube checks the rules' shape. */
function hasAnyRules(s: Json): boolean {
  if (!isObj(s)) return false;
  if (s['x-kubernetes-validations'] !== undefined) return true;
  if (hasAnyRules(s['items']) || hasAnyRules(s['additionalProperties']) || hasAnyRules(s['not'])) return true;
  for (const comb of ['allOf', 'oneOf', 'anyOf']) {
    const list = s[comb];
    if (Array.isArray(list) && list.some(hasAnyRules)) return true;
  }
  const props = s['properties'];
  return isObj(props) && Object.values(props).some(hasAnyRules);
}
