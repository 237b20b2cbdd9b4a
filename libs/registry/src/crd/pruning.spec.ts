import { describe, expect, it } from 'vitest';
import type { JsonObject, KubeObject } from '@portico/api';
import { pruneCustomResource, pruneNonNullableNullsWithoutDefaults, pruneUnknownFields } from './pruning';
import { toStructural } from './structural';

const s = (schema: object) => toStructural(schema as JsonObject);

// Cases from apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm_test.go (TestPrune).
describe('pruneUnknownFields', () => {
  it('object array', () => {
    const obj = JSON.parse('[{"a":1},{"b":1},{"a":1,"b":2,"c":3}]');
    const pruned = pruneUnknownFields(obj, s({ items: { properties: { a: {}, c: {} } } }), false);
    expect(obj).toEqual(JSON.parse('[{"a":1},{},{"a":1,"c":3}]'));
    expect(pruned).toEqual(['[1].b', '[2].b']);
  });

  it('object array object', () => {
    const obj = JSON.parse('{"array":[{"a":1},{"b":1},{"a":1,"b":2,"c":3}],"unspecified":{"a":1},"specified":{"a":1,"b":2,"c":3}}');
    const schema = s({ properties: { array: { items: { properties: { a: {}, c: {} } } }, specified: { properties: { a: {}, c: {} } } } });
    expect(pruneUnknownFields(obj, schema, false)).toEqual(['array[1].b', 'array[2].b', 'specified.b', 'unspecified']);
    expect(obj).toEqual(JSON.parse('{"array":[{"a":1},{},{"a":1,"c":3}],"specified":{"a":1,"c":3}}'));
  });

  it('additionalProperties with schema', () => {
    const obj = JSON.parse('{"a":1,"b":1,"c":{"a":1,"b":2,"c":{"a":1}}}');
    const schema = s({ properties: { a: {}, c: { additionalProperties: { type: 'integer' } } } });
    expect(pruneUnknownFields(obj, schema, false)).toEqual(['b', 'c.c.a']);
    expect(obj).toEqual(JSON.parse('{"a":1,"c":{"a":1,"b":2,"c":{}}}'));
  });

  it('additionalProperties without a schema prunes below the keys', () => {
    const obj = JSON.parse('{"a":1,"b":1,"c":{"a":1,"b":2,"c":{"a":1, "apiVersion": "unknown"}}}');
    const schema = s({ properties: { a: {}, c: { additionalProperties: true } } });
    expect(pruneUnknownFields(obj, schema, false)).toEqual(['b', 'c.c.a', 'c.c.apiVersion']);
  });

  it('keeps everything under x-kubernetes-preserve-unknown-fields but prunes specified sub-schemas', () => {
    const obj = { preserving: { unknown: 1, pruning: { specified: 1, unspecified: 2 } } };
    const schema = s({
      properties: {
        preserving: { 'x-kubernetes-preserve-unknown-fields': true, properties: { pruning: { properties: { specified: {} } } } },
      },
    });
    expect(pruneUnknownFields(obj, schema, false)).toEqual(['preserving.pruning.unspecified']);
    expect(obj).toEqual({ preserving: { unknown: 1, pruning: { specified: 1 } } });
  });

  it('leaves apiVersion/kind/metadata of embedded resources, prunes the rest of them', () => {
    const obj = { embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { a: 1 }, unspecified: 1 } };
    const schema = s({
      properties: { embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } } },
    });
    expect(pruneUnknownFields(obj, schema, false)).toEqual(['embedded.spec.a', 'embedded.unspecified']);
    expect(obj).toEqual({ embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {} } });
  });

  it('sorts the paths in byte order', () => {
    const obj = { b: 1, a: 1, B: 1 };
    expect(pruneUnknownFields(obj, s({ properties: {} }), false)).toEqual(['B', 'a', 'b']);
  });
});

describe('pruneNonNullableNullsWithoutDefaults', () => {
  it('drops nulls the schema does not allow unless a default will replace them', () => {
    const obj = { a: null, b: null, c: null, d: [null], e: { f: null } };
    pruneNonNullableNullsWithoutDefaults(
      obj,
      s({
        properties: {
          a: { type: 'string' },
          b: { type: 'string', nullable: true },
          c: { type: 'string', default: 'x' },
          d: { type: 'array', items: { type: 'string' } },
          e: { type: 'object', additionalProperties: { type: 'string' } },
        },
      }),
    );
    expect(obj).toEqual({ b: null, c: null, d: [null], e: {} });
  });
});

describe('pruneCustomResource', () => {
  const schema = s({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer' },
          items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  });

  it('names dropped fields as the strict decoder does: metadata first, then pruned, then embedded metadata', () => {
    const obj = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', bogus: 1, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'a', uid: 'u', extra: true }] },
      spec: {
        replicas: 1,
        foo: 'bar',
        items: [{ name: 'a', bar: 1 }],
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', nope: 1 }, spec: { anything: true } },
      },
    } as unknown as KubeObject;
    expect(pruneCustomResource(obj, schema)).toEqual([
      'metadata.bogus',
      'metadata.ownerReferences[0].extra',
      'spec.foo',
      'spec.items[0].bar',
      'spec.template.metadata.nope',
    ]);
    expect(obj).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'a', uid: 'u' }] },
      spec: {
        replicas: 1,
        items: [{ name: 'a' }],
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { anything: true } },
      },
    });
  });

  it('rewrites metadata as the ObjectMeta struct would: nulls and omitempty zero values go', () => {
    const obj = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: '', labels: {}, annotations: null, finalizers: [], generation: 0, deletionGracePeriodSeconds: 0, creationTimestamp: null },
    } as unknown as KubeObject;
    expect(pruneCustomResource(obj, schema)).toEqual([]);
    expect(obj.metadata).toEqual({ name: 'w', deletionGracePeriodSeconds: 0 });
  });

  it('drops top-level fields the schema does not declare, such as status', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, status: { ready: true } } as KubeObject;
    expect(pruneCustomResource(obj, schema)).toEqual(['status']);
    expect(obj).not.toHaveProperty('status');
  });

  it('drops non-nullable nulls', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { replicas: null } } as unknown as KubeObject;
    expect(pruneCustomResource(obj, schema)).toEqual([]);
    expect(obj).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} });
  });
});
