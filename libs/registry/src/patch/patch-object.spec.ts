import { describe, expect, it } from 'vitest';
import { isStatusError, type KubeObject } from '@portico/api';
import { defineResource, defineStrategy } from '../define';
import { configmaps } from '../resources/configmaps';
import {
  applyPatchType,
  decodePatchBody,
  jsonPatchType,
  mergePatchType,
  patchObject,
  strategicMergePatchType,
  supportedPatchTypes,
  type FieldValidation,
  type PatchContext,
  type PatchType,
} from './patch-object';

const now = () => new Date('2025-01-01T00:00:00Z');
const live = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'foo', namespace: 'default', uid: 'u1', resourceVersion: '5' },
  data: { a: '1' },
});

function ctx(type: PatchType, body: unknown, o: Partial<PatchContext> & { fieldValidation?: FieldValidation } = {}): PatchContext {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    desc: configmaps,
    subresource: '',
    namespace: 'default',
    name: 'foo',
    patch: decodePatchBody(type, Buffer.from(text)),
    fieldValidation: 'Strict',
    fieldManager: 'tester',
    force: false,
    now,
    ...o,
  };
}

function statusOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return e.status;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('supported patch types', () => {
  it('lists the strategic merge patch only for kinds with a schema', () => {
    expect(supportedPatchTypes(configmaps)).toEqual([jsonPatchType, mergePatchType, strategicMergePatchType, applyPatchType]);
    const widgets = defineResource({ group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', singular: 'widget', namespaced: true, strategy: defineStrategy({}) });
    expect(supportedPatchTypes(widgets)).toEqual([jsonPatchType, mergePatchType, applyPatchType]);
  });
});

describe('patchObject', () => {
  it('applies each patch type and records the writer in managedFields', () => {
    const jp = patchObject(ctx(jsonPatchType, [{ op: 'add', path: '/data/b', value: '2' }]), live()).object;
    expect(jp.data).toEqual({ a: '1', b: '2' });
    expect(jp.metadata?.managedFields).toBeUndefined(); // an untracked object stays untracked on update
    const tracked = live();
    tracked.metadata = { ...tracked.metadata, managedFields: [{ manager: 'c', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } }] };
    const mp = patchObject(ctx(mergePatchType, { data: { a: null, c: '3' } }), tracked).object;
    expect(mp.data).toEqual({ c: '3' });
    expect(mp.metadata?.managedFields?.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['c', { 'f:data': {} }],
      ['tester', { 'f:data': { 'f:c': {} } }],
    ]);
    const sp = patchObject(ctx(strategicMergePatchType, { metadata: { labels: { x: 'y' } } }), live()).object;
    expect(sp.metadata?.labels).toEqual({ x: 'y' });
  });

  it('lets kubectl rewrite managedFields with a JSON patch (client-side apply upgrade)', () => {
    const csa = live();
    csa.metadata = {
      ...csa.metadata,
      managedFields: [
        { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } },
      ],
    };
    const upgraded = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }];
    const out = patchObject(
      ctx(jsonPatchType, [
        { op: 'test', path: '/metadata/resourceVersion', value: '5' },
        { op: 'replace', path: '/metadata/managedFields', value: upgraded },
      ]),
      csa,
    ).object;
    expect(out.metadata?.managedFields).toEqual(upgraded);
    expect(statusOf(() => patchObject(ctx(jsonPatchType, [{ op: 'test', path: '/metadata/resourceVersion', value: '4' }]), csa)).code).toBe(422);
  });

  it('answers 404 for a missing object unless applying, which creates it', () => {
    expect(statusOf(() => patchObject(ctx(mergePatchType, { data: {} }), undefined))).toMatchObject({ code: 404, message: 'configmaps "foo" not found' });
    const created = patchObject(
      ctx(applyPatchType, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo\ndata:\n  a: "1"\n', { fieldManager: 'kubectl' }),
      undefined,
    ).object;
    expect(created).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo', namespace: 'default' }, data: { a: '1' } });
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } });
  });

  it('checks the name, the namespace and a uid on create as the patch handler does', () => {
    expect(statusOf(() => patchObject(ctx(mergePatchType, { metadata: { name: 'bar' } }), live()))).toMatchObject({
      code: 400,
      message: 'the name of the object (bar) does not match the name on the URL (foo)',
    });
    expect(statusOf(() => patchObject(ctx(mergePatchType, { metadata: { namespace: 'other' } }), live()))).toMatchObject({ code: 400 });
    expect(
      statusOf(() => patchObject(ctx(applyPatchType, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo', uid: 'x' } }, { fieldManager: 'k' }), undefined)),
    ).toMatchObject({ code: 409, message: 'Operation cannot be fulfilled on configmaps "foo": uid mismatch: the provided object specified uid x, and no existing object was found' });
  });

  it('follows fieldValidation for unknown fields in the result', () => {
    const strict = statusOf(() => patchObject(ctx(mergePatchType, { spec: { x: 1 } }), live()));
    expect(strict.code).toBe(422);
    expect(strict.message).toBe(
      '"" is invalid: patch: Invalid value: "{\\"apiVersion\\":\\"v1\\",\\"data\\":{\\"a\\":\\"1\\"},\\"kind\\":\\"ConfigMap\\",\\"metadata\\":{\\"name\\":\\"foo\\",\\"namespace\\":\\"default\\",\\"resourceVersion\\":\\"5\\",\\"uid\\":\\"u1\\"},\\"spec\\":{\\"x\\":1}}": strict decoding error: unknown field "spec"',
    );
    const smp = statusOf(() => patchObject(ctx(strategicMergePatchType, { extra: 1, data: { b: '2' } }), live()));
    expect(smp.message).toBe('"" is invalid: patch: Invalid value: "map[data:map[b:2] extra:1]": strict decoding error: unknown field "extra"');
    const warned = patchObject(ctx(mergePatchType, { spec: { x: 1 } }, { fieldValidation: 'Warn' }), live());
    expect(warned.warnings).toEqual(['unknown field "spec"']);
    expect(warned.object['spec']).toBeUndefined();
    const ignored = patchObject(ctx(mergePatchType, { spec: { x: 1 } }, { fieldValidation: 'Ignore' }), live());
    expect(ignored.warnings).toEqual([]);
    expect(ignored.object['spec']).toBeUndefined();
  });

  it('reports what does not decode as the kind', () => {
    expect(statusOf(() => patchObject(ctx(mergePatchType, { data: { a: 1 } }), live()))).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(statusOf(() => patchObject(ctx(jsonPatchType, [{ op: 'replace', path: '/kind', value: 'Secret' }]), live()))).toMatchObject({ code: 422 });
    expect(statusOf(() => patchObject(ctx(strategicMergePatchType, [1]), live()))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
  });

  it('decodes apply bodies as YAML and reports duplicate keys per fieldValidation', () => {
    expect(statusOf(() => decodePatchBody(jsonPatchType, Buffer.from('[{')))).toMatchObject({ code: 400, message: 'invalid JSON patch' });
    expect(statusOf(() => decodePatchBody(applyPatchType, Buffer.from('- a\n- b\n')))).toMatchObject({
      code: 400,
      message: 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
    const dup = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo\ndata:\n  a: "1"\n  a: "2"\n';
    // The apply runs first (its conflicts win), then the strict check.
    expect(statusOf(() => patchObject(ctx(applyPatchType, dup, { fieldManager: 'k' }), live())).code).toBe(409);
    expect(statusOf(() => patchObject(ctx(applyPatchType, dup, { fieldManager: 'k', force: true }), live()))).toMatchObject({
      code: 400,
      message: 'error strict decoding patch: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "a" already set in map',
    });
    const warned = patchObject(ctx(applyPatchType, dup, { fieldManager: 'k', fieldValidation: 'Warn', force: true }), live());
    expect(warned.object.data).toEqual({ a: '2' });
    expect(warned.warnings).toHaveLength(1);
  });
});
