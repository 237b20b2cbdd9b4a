import { describe, expect, it } from 'vitest';
import { FieldPath, fieldErrorString, type JsonObject, type KubeObject } from '@portico/api';
import { compileStructuralSchema, validateSchemaDefaults } from './structural-schema';

const widgetSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', maxLength: 8 },
        replicas: { type: 'integer', minimum: 0, default: 1 },
        color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
        port: { 'x-kubernetes-int-or-string': true },
        strategy: {
          type: 'object',
          default: {},
          properties: { type: { type: 'string', default: 'Rolling' }, maxSurge: { type: 'integer' } },
        },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['containerPort'],
          items: {
            type: 'object',
            required: ['containerPort'],
            properties: { containerPort: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
          },
        },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const widget = (spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec }) as unknown as KubeObject;

describe('compileStructuralSchema', () => {
  const compiled = compileStructuralSchema(widgetSchema as JsonObject);

  it('prunes, defaults and validates a custom resource as kube-apiserver does on create', () => {
    const obj = widget({ name: 'w1', unknown: true, ports: [{ containerPort: 80 }, { containerPort: 81, protocol: 'UDP' }] });
    expect(compiled.prune(obj)).toEqual(['spec.unknown']);
    compiled.applyDefaults(obj);
    expect(obj.spec).toEqual({
      name: 'w1',
      replicas: 1,
      color: 'red',
      strategy: { type: 'Rolling' },
      ports: [
        { containerPort: 80, protocol: 'TCP' },
        { containerPort: 81, protocol: 'UDP' },
      ],
    });
    expect(compiled.validate(obj)).toEqual([]);
  });

  it('reports every failing field with kube-apiserver wording', () => {
    const obj = widget({
      name: 'much-too-long',
      replicas: -1,
      color: 'purple',
      port: true,
      ports: [{ containerPort: 80 }, { containerPort: 80 }, {}],
      template: { kind: 'Pod' },
    });
    expect(compiled.validate(obj).map(fieldErrorString)).toEqual([
      'spec.color: Unsupported value: "purple": supported values: "red", "blue"',
      'spec.name: Too long: may not be more than 8 bytes',
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      'spec.ports[2].containerPort: Required value',
      'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
      'spec.template.apiVersion: Required value',
      'spec.ports[1]: Duplicate value: map[string]interface {}{"containerPort":80}',
    ]);
    expect(compiled.validate(widget({ replicas: 'string' })).map(fieldErrorString)).toEqual([
      // kube-openapi's object validator checks the properties before required.
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.name: Required value',
    ]);
  });

  it('validates a typical custom resource in well under a millisecond', () => {
    const obj = widget({ name: 'w1', replicas: 3, color: 'blue', port: 8080, ports: [{ containerPort: 80, protocol: 'TCP' }] });
    compiled.validate(obj);
    const n = 2000;
    const start = performance.now();
    for (let i = 0; i < n; i++) compiled.validate(obj);
    expect((performance.now() - start) / n).toBeLessThan(0.2);
  });
});

describe('validateSchemaDefaults', () => {
  const path = FieldPath.root('spec.versions[0].schema.openAPIV3Schema');
  const check = (spec: object): string[] =>
    validateSchemaDefaults({ type: 'object', properties: { spec: { type: 'object', properties: spec } } } as JsonObject, path).map(fieldErrorString);

  it('accepts defaults that validate and survive pruning', () => {
    expect(validateSchemaDefaults(widgetSchema as JsonObject, path)).toEqual([]);
  });

  it('validates a default against its own node (kube-openapi name empty at the top)', () => {
    expect(check({ replicas: { type: 'integer', default: 'x' } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"',
    ]);
    expect(check({ replicas: { type: 'integer', minimum: 1, default: 0 } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: 0:  in body should be greater than or equal to 1',
    ]);
    expect(check({ obj: { type: 'object', properties: { a: { type: 'integer', minimum: 1 } }, default: { a: 0 } } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[obj].default.a: Invalid value: 0: a in body should be greater than or equal to 1',
    ]);
  });

  it('defaults inside items are checked too', () => {
    expect(check({ list: { type: 'array', items: { type: 'string', enum: ['a'], default: 'b' } } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].items.default: Unsupported value: "b": supported values: "a"',
    ]);
  });

  it('a default with fields the schema does not declare', () => {
    expect(check({ obj: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[obj].default: Invalid value: map[string]interface {}{"a":"x", "b":"y"}: must not have unknown fields',
    ]);
  });

  it('a default inside metadata must make valid ObjectMeta', () => {
    const schema = {
      type: 'object',
      properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'a/b' } } } },
    };
    expect(validateSchemaDefaults(schema as JsonObject, path).map(fieldErrorString)).toEqual([
      `spec.versions[0].schema.openAPIV3Schema.properties[metadata].properties[name].default: Invalid value: "a/b": must result in valid metadata: metadata.name: Invalid value: "a/b": may not contain '/'`,
    ]);
  });

  it('embedded resources inside a default need string apiVersion and kind (first failure only)', () => {
    const template = { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true };
    expect(check({ list: { type: 'array', items: template, default: [{ apiVersion: 1, kind: 2 }] } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].default[0].apiVersion: Invalid value: 1: must be a string',
    ]);
  });

  it('an embedded resource default needs apiVersion and kind', () => {
    expect(check({ template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true, default: { spec: {} } } })).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[template].default.apiVersion: Required value',
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[template].default.kind: Required value',
    ]);
  });
});
