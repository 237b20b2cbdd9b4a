import { type KubeObject, fieldErrorString, isStatusError } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeCreate, beforeUpdate } from '../metadata';
import { configMapStrategy, configmaps, validateConfigMap, validateConfigMapUpdate } from './configmaps';

const meta = { name: 'c', namespace: 'ns' };
const strings = (obj: KubeObject) => validateConfigMap(obj).map(fieldErrorString);

describe('configmaps', () => {
  it('describes the resource', () => {
    expect(configmaps).toMatchObject({ resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', shortNames: ['cm'], namespaced: true });
    expect(configmaps.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(configmaps.strategy).toMatchObject({ allowCreateOnUpdate: false, allowUnconditionalUpdate: true, tracksGeneration: false, returnDeletedObject: false });
  });

  it('validates keys', () => {
    expect(strings({ metadata: meta, data: { 'a/b': 'x', '..': 'y' } })).toEqual([
      'data[..]: Invalid value: "..": must not be \'..\'',
      "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(strings({ metadata: meta, binaryData: { '.a': 'eA==' } })).toEqual([]);
  });

  it('rejects a key in both data and binaryData', () => {
    expect(strings({ metadata: meta, data: { a: 'x' }, binaryData: { a: 'eA==' } })).toEqual(['data[a]: Invalid value: "a": duplicate of key present in binaryData']);
  });

  it('limits data to 1 MiB, counting decoded binaryData bytes', () => {
    expect(strings({ metadata: meta, data: { a: 'x'.repeat(1024 * 1024) } })).toEqual([]);
    expect(strings({ metadata: meta, data: { a: 'x'.repeat(1024 * 1024 - 2) }, binaryData: { b: 'eHh4' } })).toEqual(['[]: Too long: may not be more than 1048576 bytes']);
    expect(strings({ metadata: meta, data: { a: 'é'.repeat(512 * 1024 + 1) } })).toEqual(['[]: Too long: may not be more than 1048576 bytes']);
  });

  it('keeps data of an immutable ConfigMap', () => {
    const old: KubeObject = { metadata: { ...meta, resourceVersion: '1' }, data: { a: 'x' }, immutable: true };
    expect(validateConfigMapUpdate({ ...old, data: { a: 'y' }, binaryData: { b: 'eA==' }, immutable: false }, old).map(fieldErrorString)).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      'binaryData: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(validateConfigMapUpdate({ ...old, metadata: { ...old.metadata, labels: { a: 'b' } } }, old)).toEqual([]);
    // An empty map is not an absent one, as in Go's reflect.DeepEqual.
    expect(validateConfigMapUpdate({ ...old, binaryData: {} }, old).map(fieldErrorString)).toEqual(['binaryData: Forbidden: field is immutable when `immutable` is set']);
  });

  it('lets a mutable ConfigMap become immutable', () => {
    const old: KubeObject = { metadata: { ...meta, resourceVersion: '1', uid: 'u' }, data: { a: 'x' } };
    const obj: KubeObject = { metadata: { ...meta, resourceVersion: '1' }, data: { a: 'y' }, immutable: true };
    beforeUpdate(configmaps, obj, old);
    expect(obj.immutable).toBe(true);
  });

  it('reports Go decoder errors', () => {
    expect(configMapStrategy.decodeError?.({ data: { a: 1 } })).toBe('json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
    expect(configMapStrategy.decodeError?.({ data: [] })).toBe('json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string');
    expect(configMapStrategy.decodeError?.({ binaryData: { a: 'abc' } })).toBe('illegal base64 data at input byte 0');
    expect(configMapStrategy.decodeError?.({ binaryData: { a: true } })).toBe('json: cannot unmarshal bool into Go struct field ConfigMap.binaryData of type []uint8');
    expect(configMapStrategy.decodeError?.({ immutable: 'yes' })).toBe('json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool');
    expect(configMapStrategy.decodeError?.({ data: { a: null }, binaryData: { b: 'YQ==' } })).toBeUndefined();
  });

  it('stores the JSON Go would write', () => {
    const obj: KubeObject = { metadata: { name: 'c' }, data: { a: null, b: 'x' }, binaryData: { c: 'YW\nJj' }, immutable: null };
    configMapStrategy.applyDefaults(obj);
    expect(obj).toEqual({ metadata: { name: 'c' }, data: { a: '', b: 'x' }, binaryData: { c: 'YWJj' } });
    const empty: KubeObject = { metadata: { name: 'c' }, data: {}, binaryData: {} };
    beforeCreate(configmaps, empty, { namespace: 'ns', now: new Date(0), uid: 'u' });
    expect(empty.data).toBeUndefined();
    expect(empty.binaryData).toBeUndefined();
  });

  it('selects by metadata only', () => {
    expect(configmaps.selectableFields({ metadata: meta })).toEqual({ 'metadata.name': 'c', 'metadata.namespace': 'ns' });
    expect(configmaps.convertFieldLabel('metadata.name', 'c')).toEqual({ label: 'metadata.name', value: 'c' });
    expect(configmaps.convertFieldLabel('data.a', 'x')).toEqual({ error: '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"' });
  });

  it('fails beforeCreate with a 422 listing every problem', () => {
    try {
      beforeCreate(configmaps, { metadata: { name: 'c', labels: { '-': 'x' } }, data: { 'a b': 'x' } }, { namespace: 'ns', now: new Date(0), uid: 'u' });
      throw new Error('accepted');
    } catch (e) {
      if (!isStatusError(e)) throw e;
      expect(e.message).toMatch(/^ConfigMap "c" is invalid: \[metadata\.labels: Invalid value: "-": name part must consist .*, data\[a b\]: Invalid value: "a b": a valid config key .*\]$/);
    }
  });
});
