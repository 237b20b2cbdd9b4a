import { FieldPath, fieldErrorString, type JsonObject, type KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { compileCelValidator, escapeCelName, validateCelRulesOfSchema } from './cel-validation';

const obj = (spec: unknown, extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec, ...extra }) as unknown as KubeObject;

function withSpec(spec: Record<string, unknown>, root: Record<string, unknown> = {}): JsonObject {
  return { type: 'object', properties: { spec: { type: 'object', ...spec } }, ...root } as JsonObject;
}

const run = (schema: JsonObject, o: KubeObject, old?: KubeObject): string[] => compileCelValidator(schema).validate(o, old).map(fieldErrorString);

const crdErrors = (schema: JsonObject): string[] =>
  validateCelRulesOfSchema(schema, FieldPath.root('spec').child('validation').child('openAPIV3Schema')).map(fieldErrorString);

describe('x-kubernetes-validations on custom resources', () => {
  const replicas = withSpec({
    properties: { replicas: { type: 'integer' }, max: { type: 'integer' }, ratio: { type: 'number' } },
    'x-kubernetes-validations': [{ rule: 'self.replicas <= self.max' }],
  });

  it('reports a failed rule at the node, with the schema type as the value', () => {
    expect(run(replicas, obj({ replicas: 3, max: 5 }))).toEqual([]);
    expect(run(replicas, obj({ replicas: 7, max: 5 }))).toEqual(['spec: Invalid value: "object": failed rule: self.replicas <= self.max']);
  });

  it('types integers as int and numbers as double', () => {
    const s = withSpec({
      properties: { replicas: { type: 'integer' }, ratio: { type: 'number' } },
      'x-kubernetes-validations': [{ rule: 'self.replicas + 1 == 4' }, { rule: 'self.ratio > 0.25' }],
    });
    expect(run(s, obj({ replicas: 3, ratio: 0.5 }))).toEqual([]);
    expect(run(s, obj({ replicas: 3, ratio: 1 }))).toEqual([]);
  });

  it('names the root <nil> and exposes apiVersion, kind and metadata.name', () => {
    const s = { type: 'object', 'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('ok')", message: 'name must start with ok' }, { rule: "self.kind == 'Widget'" }] } as JsonObject;
    expect(run(s, obj({}))).toEqual(['<nil>: Invalid value: "object": name must start with ok']);
  });

  it('uses message, messageExpression, reason and fieldPath', () => {
    const s = withSpec({
      properties: { replicas: { type: 'integer' }, max: { type: 'integer' } },
      'x-kubernetes-validations': [
        { rule: 'self.replicas <= self.max', messageExpression: "'replicas ' + string(self.replicas) + ' above ' + string(self.max)", fieldPath: '.replicas' },
        { rule: 'self.replicas > 0', message: 'must be positive', reason: 'FieldValueForbidden' },
        { rule: 'has(self.max)', message: 'max is needed', reason: 'FieldValueRequired', fieldPath: '.max' },
        { rule: 'self.replicas != 13', reason: 'FieldValueDuplicate' },
      ],
    });
    expect(run(s, obj({ replicas: 7, max: 5 }))).toEqual(['spec.replicas: Invalid value: "object": replicas 7 above 5']);
    expect(run(s, obj({ replicas: -1 }))).toEqual([
      'spec: Invalid value: "object": no such key: max evaluating rule: self.replicas <= self.max',
      'spec: Forbidden: must be positive',
      'spec.max: Required value: max is needed',
    ]);
    expect(run(s, obj({ replicas: 13, max: 20 }))).toEqual(['spec: Duplicate value: "object"']);
  });

  it('falls back to the message when the messageExpression fails or is empty', () => {
    const s = withSpec({
      properties: { name: { type: 'string' } },
      'x-kubernetes-validations': [
        { rule: 'self.name.size() < 3', message: 'too long', messageExpression: "'bad ' + self.missing" },
        { rule: 'self.name.size() < 2', messageExpression: "''" },
      ],
    });
    expect(run(s, obj({ name: 'abcd' }))).toEqual(['spec: Invalid value: "object": too long', 'spec: Invalid value: "object": failed rule: self.name.size() < 2']);
  });

  it('runs rules on scalars, lists and maps, and on every item and value', () => {
    const s = withSpec({
      properties: {
        name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 3' }] },
        tags: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'bad'" }] }, 'x-kubernetes-validations': [{ rule: 'self.size() < 3' }] },
        labels: { type: 'object', additionalProperties: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0' }] }, 'x-kubernetes-validations': [{ rule: "!('x' in self)" }] },
      },
    });
    expect(run(s, obj({ name: 'abc', tags: ['a'], labels: { a: 1 } }))).toEqual([]);
    expect(run(s, obj({ name: 'abcd', tags: ['a', 'bad', 'c'], labels: { x: 1, y: -1 } }))).toEqual([
      'spec.labels: Invalid value: "object": failed rule: !(\'x\' in self)',
      'spec.labels[y]: Invalid value: "integer": failed rule: self >= 0',
      'spec.name: Invalid value: "string": failed rule: self.size() <= 3',
      'spec.tags: Invalid value: "array": failed rule: self.size() < 3',
      'spec.tags[1]: Invalid value: "string": failed rule: self != \'bad\'',
    ]);
  });

  it('types int-or-string and preserve-unknown nodes as dyn, embedded resources with their kind', () => {
    const s = withSpec({
      properties: {
        port: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-validations': [{ rule: "type(self) == int ? self > 0 : self.startsWith('http')" }] },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'self.a.b == 1' }] },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
          'x-kubernetes-validations': [{ rule: "self.kind == 'Pod'" }],
        },
      },
    });
    expect(run(s, obj({ port: 80, extra: { a: { b: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: {} } }))).toEqual([]);
    expect(run(s, obj({ port: 'ftp', extra: { a: { b: 2 } }, template: { apiVersion: 'v1', kind: 'Service' } }))).toEqual([
      'spec.extra: Invalid value: "object": failed rule: self.a.b == 1',
      'spec.port: Invalid value: "": failed rule: type(self) == int ? self > 0 : self.startsWith(\'http\')',
      'spec.template: Invalid value: "object": failed rule: self.kind == \'Pod\'',
    ]);
  });

  it('compares objects of one schema node by value; objects of two nodes are different types, as in kube', () => {
    const properties = { a: { type: 'object', properties: { x: { type: 'integer' } } }, b: { type: 'object', properties: { x: { type: 'integer' } } } };
    const s = withSpec({ properties, 'x-kubernetes-validations': [{ rule: 'self.a == oldSelf.a', message: 'a is immutable' }] });
    expect(run(s, obj({ a: { x: 1 }, b: { x: 1 } }), obj({ a: { x: 1 } }))).toEqual([]);
    expect(run(s, obj({ a: { x: 2 } }), obj({ a: { x: 1 } }))).toEqual(['spec: Invalid value: "object": a is immutable']);
    const mixed = withSpec({ properties, 'x-kubernetes-validations': [{ rule: 'self.a == self.b' }] });
    expect(crdErrors(mixed)[0]).toContain("found no matching overload for '_==_'");
  });
});

describe('rules under allOf', () => {
  it('apply to the node, after its own rules', () => {
    const s = withSpec({
      properties: { a: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'self.a > 0' }],
      allOf: [{ 'x-kubernetes-validations': [{ rule: 'self.a < 10' }] }, { properties: { a: { 'x-kubernetes-validations': [{ rule: 'self != 20' }] } } }],
    });
    expect(run(s, obj({ a: 5 }))).toEqual([]);
    expect(run(s, obj({ a: 20 }))).toEqual(['spec: Invalid value: "object": failed rule: self.a < 10', 'spec.a: Invalid value: "integer": failed rule: self != 20']);
  });
});

describe('transition rules (oldSelf)', () => {
  const immutable = { 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'is immutable' }] };
  const s = withSpec({
    properties: {
      name: { type: 'string', ...immutable },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer', ...immutable } } },
      },
      byKey: { type: 'object', additionalProperties: { type: 'string', ...immutable } },
    },
  });

  it('run only on update and where the old value exists', () => {
    expect(run(s, obj({ name: 'a' }))).toEqual([]);
    expect(run(s, obj({ name: 'a' }), obj({ name: 'a' }))).toEqual([]);
    expect(run(s, obj({ name: 'b' }), obj({ name: 'a' }))).toEqual(['spec.name: Invalid value: "string": is immutable']);
    expect(run(s, obj({ name: 'b' }), obj({}))).toEqual([]);
  });

  it('correlate map-type list items by key and maps by key', () => {
    const old = obj({ ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }], byKey: { a: 'x' } });
    expect(run(s, obj({ ports: [{ name: 'https', port: 443 }, { name: 'http', port: 80 }, { name: 'new', port: 1 }], byKey: { a: 'x', b: 'y' } }), old)).toEqual([]);
    expect(run(s, obj({ ports: [{ name: 'https', port: 8443 }], byKey: { a: 'z' } }), old)).toEqual([
      'spec.byKey[a]: Invalid value: "string": is immutable',
      'spec.ports[0].port: Invalid value: "integer": is immutable',
    ]);
  });

  it('do not correlate items of atomic lists', () => {
    const atomic = withSpec({ properties: { xs: { type: 'array', items: { type: 'integer', ...immutable } } } });
    expect(run(atomic, obj({ xs: [2] }), obj({ xs: [1] }))).toEqual([]);
  });

  it('optionalOldSelf rules also run on create', () => {
    const o = withSpec({
      properties: { count: { type: 'integer', 'x-kubernetes-validations': [{ rule: '!oldSelf.hasValue() ? self == 0 : self >= oldSelf.value()', optionalOldSelf: true, message: 'may only grow' }] } },
    });
    expect(run(o, obj({ count: 0 }))).toEqual([]);
    expect(run(o, obj({ count: 1 }))).toEqual(['spec.count: Invalid value: "integer": may only grow']);
    expect(run(o, obj({ count: 4 }), obj({ count: 5 }))).toEqual(['spec.count: Invalid value: "integer": may only grow']);
    expect(run(o, obj({ count: 6 }), obj({ count: 5 }))).toEqual([]);
  });
});

describe('ratcheting', () => {
  const s = withSpec({
    properties: {
      name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 3', message: 'too long' }] },
      xs: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'bad'" }] } },
    },
  });

  it('keeps failing values that did not change on update, as kube (CRDValidationRatcheting) does', () => {
    expect(run(s, obj({ name: 'abcd' }))).toEqual(['spec.name: Invalid value: "string": too long']);
    expect(run(s, obj({ name: 'abcd', xs: ['bad'] }), obj({ name: 'abcd', xs: ['bad'] }))).toEqual([]);
    expect(run(s, obj({ name: 'abcde', xs: ['bad', 'x'] }), obj({ name: 'abcd', xs: ['bad'] }))).toEqual([
      'spec.name: Invalid value: "string": too long',
      'spec.xs[0]: Invalid value: "string": failed rule: self != \'bad\'',
    ]);
  });
});

describe('string formats', () => {
  it('sees date-time as timestamp and duration as duration', () => {
    const s = withSpec({
      properties: { at: { type: 'string', format: 'date-time' }, every: { type: 'string', format: 'duration' } },
      'x-kubernetes-validations': [{ rule: "self.at > timestamp('2024-01-01T00:00:00Z')" }, { rule: "self.every >= duration('1m')" }],
    });
    expect(run(s, obj({ at: '2025-06-01T10:00:00Z', every: '5m' }))).toEqual([]);
    expect(run(s, obj({ at: '2023-06-01T10:00:00Z', every: '30s' }))).toEqual([
      'spec: Invalid value: "object": failed rule: self.at > timestamp(\'2024-01-01T00:00:00Z\')',
      'spec: Invalid value: "object": failed rule: self.every >= duration(\'1m\')',
    ]);
  });
});

describe('runtime cost', () => {
  it('stops a rule that runs away, with kube text, and runs no further rule', () => {
    const s = withSpec({
      properties: { xs: { type: 'array', items: { type: 'integer' } } },
      'x-kubernetes-validations': [{ rule: 'self.xs.all(x, self.xs.all(y, x >= 0))' }, { rule: 'false' }],
    });
    const xs = Array.from({ length: 2000 }, (_, i) => i);
    expect(run(s, obj({ xs }))).toEqual([
      "spec: Invalid value: \"object\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.xs.all(x, self.xs.all(y, x >= 0))",
    ]);
  });

  it('stops when the rules of one object together spend the budget', () => {
    const s = withSpec({
      properties: { items: { type: 'array', items: { type: 'object', properties: { xs: { type: 'array', items: { type: 'integer' } } }, 'x-kubernetes-validations': [{ rule: 'self.xs.all(x, self.xs.all(y, true))' }] } } },
    });
    const xs = Array.from({ length: 900 }, (_, i) => i);
    const errs = run(s, obj({ items: Array.from({ length: 20 }, () => ({ xs })) }));
    expect(errs).toEqual(['spec.items[12]: Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run']);
  });
});

describe('CRD creation checks of x-kubernetes-validations', () => {
  const at = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]';

  it('accepts good rules', () => {
    expect(crdErrors(withSpec({ properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0', messageExpression: "'a is ' + string(self.a)" }] }))).toEqual([]);
  });

  it('reports compile errors with the rule as kube prints it', () => {
    expect(crdErrors(withSpec({ properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.b > 0' }] }))).toEqual([
      `${at}.rule: Invalid value: apiextensions.ValidationRule{Rule:"self.b > 0", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'b'\n | self.b > 0\n | ....^`,
    ]);
    expect(crdErrors(withSpec({ properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'has(self.zz)' }] }))[0]).toContain(
      "compilation failed: ERROR: <input>:1:9: undefined field 'zz'",
    );
    expect(crdErrors(withSpec({ properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a', reason: 'FieldValueForbidden' }] }))).toEqual([
      `${at}.rule: Invalid value: apiextensions.ValidationRule{Rule:"self.a", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(0xc000000000), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: cel expression must evaluate to a bool`,
    ]);
  });

  it('checks messageExpression, message, reason and fieldPath', () => {
    const errs = crdErrors(
      withSpec({
        properties: { a: { type: 'integer' } },
        'x-kubernetes-validations': [
          { rule: 'self.a > 0', messageExpression: 'self.a' },
          { rule: 'self.a > 0 &&\n self.a < 5' },
          { rule: 'self.a > 0', reason: 'FieldValueBad' },
          { rule: 'self.a > 0', fieldPath: '.b' },
          { rule: 'self.a > 0', message: ' ' },
        ],
      }),
    );
    expect(errs).toEqual([
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].message: Required value: message must be specified if rule contains line breaks',
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[2].reason: Unsupported value: "FieldValueBad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"',
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[3].fieldPath: Invalid value: ".b": fieldPath must be a valid path',
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[4].message: Invalid value: " ": message must be non-empty if specified',
    ]);
    expect(crdErrors(withSpec({ properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0', messageExpression: 'self.a' }] }))).toEqual([
      `${at}.messageExpression: Invalid value: apiextensions.ValidationRule{Rule:"self.a > 0", Message:"", MessageExpression:"self.a", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: messageExpression must evaluate to a string`,
    ]);
  });

  it('checks oldSelf against optionalOldSelf and uncorrelatable lists', () => {
    expect(crdErrors(withSpec({ properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0', optionalOldSelf: true }] }))).toEqual([
      `${at}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`,
    ]);
    expect(crdErrors(withSpec({ properties: { xs: { type: 'array', items: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } } } }))).toEqual([
      'spec.validation.openAPIV3Schema.properties[spec].properties[xs].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.validation.openAPIV3Schema.properties[spec].properties[xs]',
    ]);
  });

  it('refuses rules whose estimated cost is over the limit, and not bounded ones', () => {
    const rule = { rule: 'self.xs.all(x, self.xs.all(y, x != y))', message: 'no two alike' };
    expect(crdErrors(withSpec({ properties: { xs: { type: 'array', items: { type: 'string' } } }, 'x-kubernetes-validations': [rule] }))).toEqual([
      `${at}.rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
      `${at}.rule: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema`,
      'spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
    ]);
    expect(crdErrors(withSpec({ properties: { xs: { type: 'array', maxItems: 100, items: { type: 'string' } } }, 'x-kubernetes-validations': [rule] }))).toEqual([]);
    expect(crdErrors(withSpec({ properties: { xs: { type: 'array', items: { type: 'string' } } }, 'x-kubernetes-validations': [{ rule: "self.xs.all(x, x != 'a')" }] }))).toEqual([]);
  });
});

describe('escapeCelName', () => {
  it('escapes as kube does', () => {
    expect(escapeCelName('a-b.c/d')).toBe('a__dash__b__dot__c__slash__d');
    expect(escapeCelName('a__b')).toBe('a__underscores__b');
    expect(escapeCelName('namespace')).toBe('__namespace__');
    expect(escapeCelName('1a')).toBeUndefined();
    expect(escapeCelName('a b')).toBeUndefined();
  });
});
