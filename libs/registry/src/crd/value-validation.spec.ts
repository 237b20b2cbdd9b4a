import { describe, expect, it } from 'vitest';
import { fieldErrorString, type JsonObject } from '@portico/api';
import { compileValueValidator } from './value-validation';

const messages = (schema: object, value: unknown, prefix?: string): string[] =>
  compileValueValidator(schema as JsonObject).validate(value, prefix).map(fieldErrorString);
// kube's tests compare error sets; the order of a Go map walk is not part of the behaviour.
const sorted = (xs: string[]): string[] => [...xs].sort();
const field = (schema: object): object => ({ type: 'object', properties: { field: schema } });

// Expected strings from apiextensions-apiserver pkg/apiserver/validation/validation_test.go
// (TestValidateCustomResource) unless noted.
describe('compileValueValidator: types', () => {
  it('!nullable object', () => {
    const schema = field({ type: 'object' });
    expect(messages(schema, {})).toEqual([]);
    expect(messages(schema, { field: {} })).toEqual([]);
    expect(messages(schema, { field: 'foo' })).toEqual([`field: Invalid value: "string": field in body must be of type object: "string"`]);
    expect(messages(schema, { field: 42 })).toEqual([`field: Invalid value: "integer": field in body must be of type object: "integer"`]);
    expect(messages(schema, { field: true })).toEqual([`field: Invalid value: "boolean": field in body must be of type object: "boolean"`]);
    expect(messages(schema, { field: 1.2 })).toEqual([`field: Invalid value: "number": field in body must be of type object: "number"`]);
    expect(messages(schema, { field: [] })).toEqual([`field: Invalid value: "array": field in body must be of type object: "array"`]);
    expect(messages(schema, { field: null })).toEqual([`field: Invalid value: "null": field in body must be of type object: "null"`]);
  });

  it('nullable object', () => {
    const schema = field({ type: 'object', nullable: true });
    expect(messages(schema, { field: null })).toEqual([]);
    expect(messages(schema, { field: 'foo' })).toEqual([`field: Invalid value: "string": field in body must be of type object: "string"`]);
  });

  it('x-kubernetes-int-or-string', () => {
    const schema = field({ 'x-kubernetes-int-or-string': true });
    expect(messages(schema, { field: 42 })).toEqual([]);
    expect(messages(schema, { field: 'foo' })).toEqual([]);
    expect(messages(schema, { field: null })).toEqual([`field: Invalid value: "null": field in body must be of type integer,string: "null"`]);
    expect(messages(schema, { field: true })).toEqual([`field: Invalid value: "boolean": field in body must be of type integer,string: "boolean"`]);
    expect(messages(schema, { field: 1.2 })).toEqual([`field: Invalid value: "number": field in body must be of type integer,string: "number"`]);
    expect(messages(schema, { field: {} })).toEqual([`field: Invalid value: "object": field in body must be of type integer,string: "object"`]);
  });

  it('nullable, x-kubernetes-int-or-string and user-provided anyOf', () => {
    const schema = field({ nullable: true, 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });
    for (const ok of [{}, { field: null }, { field: 42 }, { field: 'foo' }]) expect(messages(schema, ok)).toEqual([]);
    expect(sorted(messages(schema, { field: true }))).toEqual(
      sorted([
        `<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)`,
        `field: Invalid value: "boolean": field in body must be of type integer,string: "boolean"`,
        `field: Invalid value: "boolean": field in body must be of type integer: "boolean"`,
      ]),
    );
    expect(sorted(messages(schema, { field: 1.2 }))).toEqual(
      sorted([
        `<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)`,
        `field: Invalid value: "number": field in body must be of type integer,string: "number"`,
        `field: Invalid value: "number": field in body must be of type integer: "number"`,
        `<nil>: Invalid value: "": Checked value must be of type integer (default format) in field`,
      ]),
    );
    expect(sorted(messages(schema, { field: [] }))).toEqual(
      sorted([
        `<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)`,
        `field: Invalid value: "array": field in body must be of type integer,string: "array"`,
        `field: Invalid value: "array": field in body must be of type integer: "array"`,
      ]),
    );
  });

  it('nullable, x-kubernetes-int-or-string and user-provided allOf', () => {
    const schema = field({ nullable: true, 'x-kubernetes-int-or-string': true, allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }] });
    for (const ok of [{}, { field: null }, { field: 42 }, { field: 'foo' }]) expect(messages(schema, ok)).toEqual([]);
    expect(sorted(messages(schema, { field: true }))).toEqual(
      sorted([
        `<nil>: Invalid value: "": "field" must validate all the schemas (allOf). None validated`,
        `<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)`,
        `field: Invalid value: "boolean": field in body must be of type integer,string: "boolean"`,
        `field: Invalid value: "boolean": field in body must be of type integer: "boolean"`,
      ]),
    );
    expect(sorted(messages(schema, { field: 1.2 }))).toEqual(
      sorted([
        `<nil>: Invalid value: "": "field" must validate all the schemas (allOf). None validated`,
        `<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)`,
        `field: Invalid value: "number": field in body must be of type integer,string: "number"`,
        `field: Invalid value: "number": field in body must be of type integer: "number"`,
        `<nil>: Invalid value: "": Checked value must be of type integer (default format) in field`,
      ]),
    );
  });

  it('allOf with one failing branch of two', () => {
    const schema = field({ type: 'integer', allOf: [{ minimum: 5 }, { maximum: 10 }] });
    expect(messages(schema, { field: 4 })).toEqual([
      `field: Invalid value: 4: field in body should be greater than or equal to 5`,
      `<nil>: Invalid value: "": "field" must validate all the schemas (allOf)`,
    ]);
  });

  it('numeric formats', () => {
    const schema = {
      type: 'object',
      properties: {
        intThirtyTwo: { type: 'integer', format: 'int32' },
        intSixtyFour: { type: 'integer', format: 'int64' },
        floatThreeTwo: { type: 'number', format: 'float' },
        floatSixFour: { type: 'number', format: 'double' },
      },
    };
    expect(messages(schema, { intThirtyTwo: -(2 ** 31), intSixtyFour: 0, floatThreeTwo: 3.4028234663852886e38, floatSixFour: 1.7976931348623157e308 })).toEqual([]);
    expect(messages(schema, { intThirtyTwo: 2 ** 31 })).toEqual([`<nil>: Invalid value: "": Checked value must be of type integer with format int32 in intThirtyTwo`]);
    expect(messages(schema, { intThirtyTwo: -(2 ** 31) - 1 })).toEqual([`<nil>: Invalid value: "": Checked value must be of type integer with format int32 in intThirtyTwo`]);
    expect(messages(schema, { intSixtyFour: 2 ** 63 * 1.1 })).toEqual([
      `intSixtyFour: Invalid value: "float64": intSixtyFour in body must be of type int64: "float64"`,
      `<nil>: Invalid value: "": Checked value must be of type integer with format int64 in intSixtyFour`,
    ]);
    expect(messages(schema, { floatThreeTwo: 3.4028234663852886e38 * 1.1 })).toEqual([
      `<nil>: Invalid value: "": Checked value must be of type number with format float in floatThreeTwo`,
    ]);
  });

  it('accepts an integer where a number is expected', () => {
    expect(messages(field({ type: 'number' }), { field: 3 })).toEqual([]);
  });
});

describe('compileValueValidator: value validations', () => {
  it('required and enum', () => {
    const schema = field({
      type: 'object',
      required: ['nestedint', 'nestedstring'],
      properties: { nestedint: { type: 'integer', enum: [1, 2] }, nestedstring: { type: 'string', enum: ['a', 'b'] } },
    });
    expect(sorted(messages(schema, { field: {} }))).toEqual([`field.nestedint: Required value`, `field.nestedstring: Required value`]);
    expect(sorted(messages(schema, { field: { nestedint: 'x', nestedstring: true } }))).toEqual(
      sorted([
        `field.nestedint: Invalid value: "string": field.nestedint in body must be of type integer: "string"`,
        `field.nestedint: Unsupported value: "x": supported values: "1", "2"`,
        `field.nestedstring: Invalid value: "boolean": field.nestedstring in body must be of type string: "boolean"`,
        `field.nestedstring: Unsupported value: true: supported values: "a", "b"`,
      ]),
    );
    expect(messages({ type: 'object', required: ['field'] }, { test: 'a' })).toEqual([`field: Required value`]);
    // One node's validators run in kube-openapi's order: type, then the common (enum) validator.
    expect(messages(schema, { field: { nestedint: 'x', nestedstring: 'a' } })).toEqual([
      `field.nestedint: Invalid value: "string": field.nestedint in body must be of type integer: "string"`,
      `field.nestedint: Unsupported value: "x": supported values: "1", "2"`,
    ]);
  });

  it('maxProperties, maxItems, maxLength', () => {
    expect(messages({ properties: { fieldX: { type: 'object', maxProperties: 2 } } }, { fieldX: { a: true, b: true, c: true } })).toEqual([
      `fieldX: Too many: 3: must have at most 2 items`,
    ]);
    expect(messages({ properties: { fieldX: { type: 'array', maxItems: 2 } } }, { fieldX: ['a', 'b', 'c'] })).toEqual([
      `fieldX: Too many: 3: must have at most 2 items`,
    ]);
    expect(messages({ properties: { fieldX: { type: 'string', maxLength: 2 } } }, { fieldX: 'abc' })).toEqual([`fieldX: Too long: may not be more than 2 bytes`]);
  });

  // Texts from kube-openapi pkg/validation/errors/schema.go, fields as kubeOpenAPIResultToFieldErrors maps them.
  it('minimum, maximum, exclusive bounds and multipleOf', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            replicas: { type: 'integer', minimum: 0 },
            ratio: { type: 'number', maximum: 1, exclusiveMaximum: true },
            step: { type: 'integer', multipleOf: 5 },
            big: { type: 'number', minimum: 1000000 },
          },
        },
      },
    };
    expect(messages(schema, { spec: { replicas: -1, ratio: 1, step: 7, big: 0.5 } })).toEqual([
      `spec.big: Invalid value: 0.5: spec.big in body should be greater than or equal to 1e+06`,
      `spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1`,
      `spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0`,
      `spec.step: Invalid value: 7: spec.step in body should be a multiple of 5`,
    ]);
    expect(messages(schema, { spec: { replicas: 'string' } })).toEqual([
      `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`,
    ]);
  });

  it('minLength, pattern, minItems, uniqueItems, minProperties', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 3, pattern: '^[a-z]+$' },
        list: { type: 'array', minItems: 1 },
        uniq: { type: 'array', uniqueItems: true },
        m: { type: 'object', minProperties: 1 },
      },
    };
    expect(messages(schema, { name: 'A', list: [], uniq: [1, 1], m: {} })).toEqual([
      `list: Invalid value: 0: list in body should have at least 1 items`,
      `m: Invalid value: 0: m in body should have at least 1 properties`,
      `name: Invalid value: "A": name in body should be at least 3 chars long`,
      `name: Invalid value: "A": name in body should match '^[a-z]+$'`,
      `uniq: Invalid value: "": uniq in body shouldn't contain duplicates`,
    ]);
  });

  it('patterns in Go (RE2) syntax', () => {
    const schema = {
      type: 'object',
      properties: {
        ci: { type: 'string', pattern: '(?i)^abc$' },
        posix: { type: 'string', pattern: '^[[:alpha:]]+$' },
        letters: { type: 'string', pattern: '^\\pL+$' },
        named: { type: 'string', pattern: '^(?P<x>a)b$' },
      },
    };
    expect(messages(schema, { ci: 'ABC', posix: 'abc', letters: 'äb', named: 'ab' })).toEqual([]);
    expect(messages(schema, { ci: 'abd', posix: 'a1', letters: '1', named: 'b' })).toEqual([
      `ci: Invalid value: "abd": ci in body should match '(?i)^abc$'`,
      `letters: Invalid value: "1": letters in body should match '^\\pL+$'`,
      `named: Invalid value: "b": named in body should match '^(?P<x>a)b$'`,
      `posix: Invalid value: "a1": posix in body should match '^[[:alpha:]]+$'`,
    ]);
  });

  it('string formats as kube-openapi strfmt checks them', () => {
    const schema = {
      type: 'object',
      properties: {
        t: { type: 'string', format: 'date-time' },
        d: { type: 'string', format: 'date' },
        u: { type: 'string', format: 'uuid' },
        b: { type: 'string', format: 'byte' },
        ip: { type: 'string', format: 'ipv4' },
        unknown: { type: 'string', format: 'not-a-format' },
      },
    };
    expect(messages(schema, { t: '2024-01-02T03:04:05Z', d: '2024-02-29', u: 'A987FBC9-4BED-3078-CF07-9141BA07C9F3', b: 'aGVsbG8=', ip: '10.0.0.1', unknown: 'x' })).toEqual([]);
    expect(messages(schema, { t: '2024-01-02 03:04', d: '2023-02-29', u: 'nope', b: '***', ip: '10.0.0.256' })).toEqual([
      `b: Invalid value: "***": b in body must be of type byte: "***"`,
      `d: Invalid value: "2023-02-29": d in body must be of type date: "2023-02-29"`,
      `ip: Invalid value: "10.0.0.256": ip in body must be of type ipv4: "10.0.0.256"`,
      `t: Invalid value: "2024-01-02 03:04": t in body must be of type date-time: "2024-01-02 03:04"`,
      `u: Invalid value: "nope": u in body must be of type uuid: "nope"`,
    ]);
  });

  it('reports every failing field, inside arrays and maps too', () => {
    const schema = {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    };
    expect(messages(schema, { items: [{}, { name: 1 }], labels: { a: 1 } })).toEqual([
      `items[0].name: Required value`,
      `items[1].name: Invalid value: "integer": items[1].name in body must be of type string: "integer"`,
      `labels.a: Invalid value: "integer": labels.a in body must be of type string: "integer"`,
    ]);
  });

  it('oneOf and not', () => {
    const schema = field({ type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }], not: { required: ['c'] } });
    expect(messages(schema, { field: { a: 1 } })).toEqual([]);
    expect(messages(schema, { field: { a: 1, b: 1 } })).toEqual([`<nil>: Invalid value: "": "field" must validate one and only one schema (oneOf). Found 2 valid alternatives`]);
    expect(messages(schema, { field: {} })).toEqual([
      `<nil>: Invalid value: "": "field" must validate one and only one schema (oneOf). Found none valid`,
      `field.a: Required value`,
    ]);
    expect(messages(schema, { field: { a: 1, c: 1 } })).toEqual([`<nil>: Invalid value: "": "field" must not validate the schema (not)`]);
  });

  it('a null passes a nullable node but still meets its enum, as kube-openapi checks only type and enum on nil', () => {
    const schema = field({ type: 'string', nullable: true, enum: ['a'], anyOf: [{ minLength: 2 }] });
    expect(messages(schema, { field: null })).toEqual([`field: Unsupported value: null: supported values: "a"`]);
  });

  it('compiles a stored schema whose keywords have the wrong shape, ignoring them', () => {
    expect(messages(field({ type: 'string', minLength: '3', pattern: 4, required: 'x' }), { field: 'a' })).toEqual([]);
  });

  it('roots paths at a prefix, as for a default value (empty kube-openapi name at the top)', () => {
    expect(messages({ type: 'integer' }, 'x', 'spec.versions[0].schema.openAPIV3Schema.properties[a].default')).toEqual([
      `spec.versions[0].schema.openAPIV3Schema.properties[a].default: Invalid value: "string":  in body must be of type integer: "string"`,
    ]);
  });
});
