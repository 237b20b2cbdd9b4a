import { describe, expect, it } from 'vitest';
import { compileCel, evaluateCel, toCel } from './cel';

function run(expr: string, vars: Record<string, unknown> = {}): unknown {
  const c = compileCel(expr);
  if (c.program === undefined) throw new Error(c.error);
  return evaluateCel(c.program, toCel(vars) as Record<string, unknown>);
}

describe('CEL', () => {
  it('sees JSON integers as int', () => {
    expect(run('object.spec.replicas > 3', { object: { spec: { replicas: 5 } } })).toBe(true);
    expect(run('has(object.spec.x) || object.?spec.?y.orValue(2) == 2', { object: { spec: {} } })).toBe(true);
  });

  it('reports compile errors', () => {
    expect(compileCel('object.spec.replicas >').error).toMatch(/^compilation failed: /);
  });

  it('has the Kubernetes list and regex libraries', () => {
    expect(run('[1, 2, 3].isSorted() && [3, 1].sum() == 4 && [3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && ["a", "b"].indexOf("b") == 1')).toBe(true);
    expect(run('"abc 123 def 456".find("[0-9]+") == "123" && "abc 123 def 456".findAll("[0-9]+") == ["123", "456"]')).toBe(true);
  });

  it('has the strings extension members cel-js lacks', () => {
    expect(run('"a-b-c".replace("-", "_") == "a_b_c" && "a-b-c".replace("-", "_", 1) == "a_b-c" && "abc".charAt(1) == "b" && "abc".reverse() == "cba"')).toBe(true);
  });

  it('has quantities', () => {
    expect(run('quantity("1Gi").isGreaterThan(quantity("1000Mi")) && quantity("500m").compareTo(quantity("0.5")) == 0')).toBe(true);
    expect(run('quantity("2k").asInteger() == 2000 && isQuantity("1.5Mi") && !isQuantity("abc")')).toBe(true);
  });

  it('has urls and ips', () => {
    expect(run('url("https://example.com:8443/a/b").getHostname() == "example.com" && url("https://example.com:8443/a").getPort() == "8443"')).toBe(true);
    expect(run('cidr("10.0.0.0/8").containsIP(ip("10.1.2.3")) && !cidr("10.0.0.0/8").containsIP("11.0.0.1") && ip("::1").family() == 6')).toBe(true);
  });
});

describe('CEL cost limit', () => {
  it('stops an expression that runs away over its input', () => {
    const list = Array.from({ length: 2000 }, (_, i) => i);
    expect(() => run('object.items.all(x, object.items.all(y, x >= 0))', { object: { items: list } })).toThrow('operation cancelled: actual cost limit exceeded');
    expect(run('object.items.all(x, x >= 0)', { object: { items: list } })).toBe(true);
  });
});

describe('CEL cost budget', () => {
  it('is per expression, and survives spreading the variables', () => {
    const c = compileCel('object.items.all(x, object.items.all(y, x >= 0))');
    if (c.program === undefined) throw new Error(c.error);
    const vars = { ...(toCel({ object: { items: Array.from({ length: 900 }, (_, i) => i) } }) as Record<string, unknown>), variables: {} };
    // 810k reads each: two evaluations in a row each get the whole budget.
    expect(evaluateCel(c.program, vars)).toBe(true);
    expect(evaluateCel(c.program, vars)).toBe(true);
  });
});
