import { describe, expect, it } from 'vitest';
import { FieldPath, fieldErrorString, type FieldError, type JsonObject } from '@portico/api';
import { toStructural } from './structural';
import { validateEmbeddedResources, validateListSetsAndMaps } from './structural-validation';

const s = (schema: object) => toStructural(schema as JsonObject);
const root = FieldPath.root('');
const where = (errs: FieldError[]): string[] => errs.map((e) => `${e.type} ${e.field}`);

// Cases from apiextensions-apiserver pkg/apiserver/schema/listtype/validation_test.go.
describe('validateListSetsAndMaps', () => {
  const setSchema = s({ type: 'object', properties: { array: { type: 'array', 'x-kubernetes-list-type': 'set' } } });

  it('set list with multiple duplicated items: each value once, at its second appearance', () => {
    const errs = validateListSetsAndMaps(root, setSchema, { array: ['a', 'a', 'b', 'c', 'd', 'c'] });
    expect(errs.map(fieldErrorString)).toEqual(['array[1]: Duplicate value: "a"', 'array[5]: Duplicate value: "c"']);
  });

  it('set list with one item or distinct items', () => {
    expect(validateListSetsAndMaps(root, setSchema, { array: ['a'] })).toEqual([]);
    expect(validateListSetsAndMaps(root, setSchema, { array: ['a', 'b'] })).toEqual([]);
  });

  it('set list with compound items compares them as JSON', () => {
    const errs = validateListSetsAndMaps(root, setSchema, { array: [{ a: 1, b: 2 }, { b: 2, a: 1 }, [1], [1]] });
    expect(errs.map(fieldErrorString)).toEqual([
      'array[1]: Duplicate value: map[string]interface {}{"a":1, "b":2}',
      'array[3]: Duplicate value: []interface {}{1}',
    ]);
  });

  it('set lists under additionalProperties and items', () => {
    const schema = s({
      type: 'object',
      properties: {
        m: { type: 'object', additionalProperties: { type: 'array', 'x-kubernetes-list-type': 'set' } },
        nested: { type: 'array', items: { type: 'array', 'x-kubernetes-list-type': 'set' } },
      },
    });
    expect(where(validateListSetsAndMaps(root, schema, { m: { k: [1, 1] }, nested: [[2], [3, 3]] }))).toEqual([
      'FieldValueDuplicate m[k][1]',
      'FieldValueDuplicate nested[1][1]',
    ]);
  });

  it('map list: duplicates by key, single and multiple keys', () => {
    const schema = s({
      type: 'object',
      properties: {
        one: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object' } },
        two: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'], items: { type: 'object' } },
      },
    });
    const errs = validateListSetsAndMaps(root, schema, {
      one: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }, { v: 3 }, { v: 4 }],
      two: [
        { port: 80, protocol: 'TCP' },
        { port: 80, protocol: 'TCP', x: 1 },
        { port: 80, protocol: 'UDP' },
      ],
    });
    expect(errs.map(fieldErrorString)).toEqual([
      'one[1]: Duplicate value: map[string]interface {}{"name":"a"}',
      'one[3]: Duplicate value: map[string]interface {}{}',
      'two[1]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}',
    ]);
  });

  it('map list items must be objects', () => {
    const schema = s({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] } } });
    expect(validateListSetsAndMaps(root, schema, { l: [{ k: 1 }, 'x'] }).map(fieldErrorString)).toEqual([
      'l[1]: Invalid value: "x": must be an object for an array of list-type map',
    ]);
  });
});

// Cases from apiextensions-apiserver pkg/apiserver/schema/objectmeta/validation_test.go.
describe('validateEmbeddedResources', () => {
  const embedded = s({ 'x-kubernetes-embedded-resource': true });

  it('requires apiVersion and kind', () => {
    expect(where(validateEmbeddedResources(root, {}, embedded, false))).toEqual(['FieldValueRequired apiVersion', 'FieldValueRequired kind']);
    expect(validateEmbeddedResources(root, { apiVersion: 'foo/v1', kind: 'Foo' }, embedded, false)).toEqual([]);
  });

  it('invalid kind', () => {
    expect(validateEmbeddedResources(root, { apiVersion: 'foo/v1', kind: 'foo.bar-com' }, embedded, false).map(fieldErrorString)).toEqual([
      `kind: Invalid value: "foo.bar-com": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ]);
  });

  it('metadata without name or namespace is fine', () => {
    expect(validateEmbeddedResources(root, { apiVersion: 'foo/v1', kind: 'Foo', metadata: { namespace: 'kube-system' } }, embedded, false)).toEqual([]);
    expect(validateEmbeddedResources(root, { apiVersion: 'foo/v1', kind: 'Foo', metadata: { name: 'foo' } }, embedded, false)).toEqual([]);
  });

  it('invalid metadata', () => {
    const errs = validateEmbeddedResources(
      root,
      { apiVersion: 'foo/v1', kind: 'Foo', metadata: { name: '..', namespace: '$$$', labels: { '#': '#' }, annotations: { '#': '#' } } },
      embedded,
      false,
    );
    expect(where(errs)).toEqual([
      'FieldValueInvalid metadata.name',
      'FieldValueInvalid metadata.namespace',
      'FieldValueInvalid metadata.labels',
      'FieldValueInvalid metadata.labels',
      'FieldValueInvalid metadata.annotations',
    ]);
  });

  it('finds embedded resources below the root, not the root itself', () => {
    const schema = s({
      type: 'object',
      properties: { spec: { type: 'object', properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true } } } },
    });
    const obj = { spec: { template: { kind: 'Pod', apiVersion: 'a/b/c' } } };
    expect(validateEmbeddedResources(root, obj, schema, false).map(fieldErrorString)).toEqual([
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
    ]);
    expect(where(validateEmbeddedResources(root, {}, schema, true))).toEqual(['FieldValueRequired apiVersion', 'FieldValueRequired kind']);
  });
});
