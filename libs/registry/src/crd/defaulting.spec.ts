import { describe, expect, it } from 'vitest';
import type { JsonObject } from '@portico/api';
import { applyStructuralDefaults } from './defaulting';
import { toStructural } from './structural';

const s = (schema: object) => toStructural(schema as JsonObject);
const run = (json: string, schema: object): unknown => {
  const x: unknown = JSON.parse(json);
  applyStructuralDefaults(x, s(schema));
  return x;
};

// Cases from apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm_test.go (TestDefault).
describe('applyStructuralDefaults', () => {
  it('leaves scalars and scalar arrays alone', () => {
    expect(run('4', { default: 'foo' })).toBe(4);
    expect(run('[1,2]', { items: { default: 'foo' } })).toEqual([1, 2]);
  });

  it('object array', () => {
    const schema = { items: { properties: { a: { default: 'A' }, b: { default: 'B' }, c: { default: 'C' } } } };
    expect(run('[{"a":1},{"b":1},{"c":1}]', schema)).toEqual(JSON.parse('[{"a":1,"b":"B","c":"C"},{"a":"A","b":1,"c":"C"},{"a":"A","b":"B","c":1}]'));
  });

  it('object array object, additionalProperties included', () => {
    const schema = {
      properties: {
        array: { items: { properties: { a: { default: 'A' }, b: { default: 'B' } } } },
        object: { properties: { a: { default: 'N' }, b: { default: 'O' } } },
        additionalProperties: { additionalProperties: { properties: { a: { default: 'alpha' }, b: { default: 'beta' } } } },
        foo: { default: 'bar' },
      },
    };
    expect(run('{"array":[{"a":1},{"b":2}],"object":{"a":1},"additionalProperties":{"x":{"a":1},"y":{"b":2}}}', schema)).toEqual(
      JSON.parse('{"array":[{"a":1,"b":"B"},{"a":"A","b":2}],"object":{"a":1,"b":"O"},"additionalProperties":{"x":{"a":1,"b":"beta"},"y":{"a":"alpha","b":2}},"foo":"bar"}'),
    );
  });

  it('empty and null: only missing values and non-nullable nulls are defaulted', () => {
    const schema = { items: { properties: { a: { default: 'A' } } } };
    expect(run('[{},{"a":1},{"a":0},{"a":0.0},{"a":""},{"a":null},{"a":[]},{"a":{}}]', schema)).toEqual([
      { a: 'A' },
      { a: 1 },
      { a: 0 },
      { a: 0 },
      { a: '' },
      { a: 'A' },
      { a: [] },
      { a: {} },
    ]);
  });

  it('keeps a null where the schema is nullable', () => {
    expect(run('{"a":null}', { properties: { a: { nullable: true, default: 'A' } } })).toEqual({ a: null });
  });

  it('replaces null array items and map values by their default', () => {
    expect(run('[null, "x"]', { items: { default: 'd' } })).toEqual(['d', 'x']);
    expect(run('{"m":{"k":null}}', { properties: { m: { additionalProperties: { default: 1 } } } })).toEqual({ m: { k: 1 } });
  });

  it('applies the defaults inside a defaulted object, top-down', () => {
    const schema = {
      properties: {
        spec: {
          type: 'object',
          default: { replicas: 2 },
          properties: { replicas: { type: 'integer' }, strategy: { type: 'string', default: 'Rolling' } },
        },
      },
    };
    expect(run('{}', schema)).toEqual({ spec: { replicas: 2, strategy: 'Rolling' } });
  });

  it('copies defaults, so that two objects never share one', () => {
    const schema = { items: { properties: { labels: { default: { a: 'b' } } } } };
    const x = run('[{},{}]', schema) as { labels: Record<string, string> }[];
    expect(x[0]?.labels).not.toBe(x[1]?.labels);
  });

  it('treats default: null as no default', () => {
    expect(run('{}', { properties: { a: { default: null } } })).toEqual({});
  });
});
