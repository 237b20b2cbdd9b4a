// CEL for Kubernetes expressions (admission matchConditions, ValidatingAdmissionPolicy, CRD
// x-kubernetes-validations) over @marcbachmann/cel-js. The library has no Kubernetes extension
// libraries and no cost estimator, so both live here: the Kubernetes functions expressions use
// most, and structural limits (AST size, depth, literal sizes) plus a runtime budget on
// comprehension input so that no expression runs away.
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibraries } from './k8s-libraries';

/** Strings and lists longer than this never reach an expression (kube's maxRequestSizeBytes-based bound). */
export const maxCelExpressionLength = 5 * 1024;

let shared: Environment | undefined;

/** One environment for every expression; variables are dynamic, as admission declares them. */
export function celEnvironment(): Environment {
  if (shared !== undefined) return shared;
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 2_000, maxDepth: 64, maxListElements: 1_000, maxMapEntries: 1_000, maxCallArguments: 32 },
  });
  registerKubernetesLibraries(env);
  shared = env;
  return env;
}

export type CelProgram = (vars: Record<string, unknown>) => unknown;

export type CompileResult = { program: CelProgram; error?: undefined } | { program?: undefined; error: string };

/** Parses and type-checks an expression; the error text is what a 422 cause carries. */
export function compileCel(expression: string): CompileResult {
  if (expression.length > maxCelExpressionLength) {
    return { error: `must have at most ${maxCelExpressionLength} bytes` };
  }
  const env = celEnvironment();
  try {
    const parsed = env.parse(expression);
    const checked = parsed.check();
    if (!checked.valid) return { error: `compilation failed: ${firstLine(String(checked.error?.message ?? checked.error))}` };
    return { program: (vars) => parsed(vars) as unknown };
  } catch (e) {
    return { error: `compilation failed: ${firstLine(e instanceof Error ? e.message : String(e))}` };
  }
}

const compiled = new Map<string, CompileResult>();

/** compileCel, remembered per expression text (bounded: past 10,000 expressions the memo starts over). */
export function compileCelCached(expression: string): CompileResult {
  let c = compiled.get(expression);
  if (c === undefined) {
    if (compiled.size > 10_000) compiled.clear();
    c = compileCel(expression);
    compiled.set(expression, c);
  }
  return c;
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.trim() ?? s;
}

/** Evaluation failed (no such key, overload, budget); the message is the library's first line. */
export class CelEvaluationError extends Error {}

/** kube's PerCallLimit: the runtime cost one expression may spend. */
export const perCallCostLimit = 1_000_000;

/** What an evaluation may still spend; shared by the lists of one set of variables (see toCel). */
export interface CelBudget {
  remaining: number;
}

/** Carried as an enumerable symbol, so that `{ ...vars, more }` keeps it and CEL never sees it. */
const budgetKey = Symbol('celBudget');

export function evaluateCel(program: CelProgram, vars: Record<string, unknown>): unknown {
  const budget = (vars as { [budgetKey]?: CelBudget })[budgetKey];
  if (budget !== undefined) budget.remaining = perCallCostLimit;
  try {
    return program(vars);
  } catch (e) {
    if (e instanceof CostLimitExceeded) throw new CelEvaluationError('operation cancelled: actual cost limit exceeded');
    throw new CelEvaluationError(firstLine(e instanceof Error ? e.message : String(e)));
  }
}

class CostLimitExceeded extends Error {}

/**
 * The runtime cost: every element read from an input list costs 1, so nested comprehensions over
 * large lists stop at perCallCostLimit instead of running away (cel-js has no cost tracking).
 */
function metered(list: unknown[], budget: CelBudget): unknown[] {
  return new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key !== 'length' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) {
        if (--budget.remaining < 0) throw new CostLimitExceeded();
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * JSON as CEL sees Kubernetes objects: integers are int (BigInt), other numbers double. Objects
 * are copied so that an expression never sees (or changes) the caller's object.
 */
export function toCel(v: unknown): unknown {
  const budget: CelBudget = { remaining: perCallCostLimit };
  const out = convert(v, budget);
  if (out !== null && typeof out === 'object' && !Array.isArray(out)) (out as { [budgetKey]?: CelBudget })[budgetKey] = budget;
  return out;
}

function convert(v: unknown, budget: CelBudget): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return metered(v.map((x) => convert(x, budget)), budget);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = convert(x, budget);
    return out;
  }
  return v;
}

/** CEL values back to JSON-ish JS values (for messages and audit annotations). */
export function fromCel(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromCel);
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), fromCel(x)]));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromCel(x);
    return out;
  }
  return v;
}
