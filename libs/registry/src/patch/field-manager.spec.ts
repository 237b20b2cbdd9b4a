import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStatusError, type KubeObject, type ManagedFieldsEntry } from '@portico/api';
import { configmaps } from '../resources/configmaps';
import { namespaces } from '../resources/namespaces';
import {
  FieldManager,
  fieldManagerScope,
  ignoreManagedFieldsTimestamps,
  lastAppliedConfigAnnotation,
  managerOrUserAgent,
  markManagedFieldsRecorded,
  updateManagedFields,
  type FieldManagerScope,
} from './field-manager';
import type { JsonObject } from './json';

const t0 = new Date('2025-01-01T00:00:00Z');
let clock = t0.getTime();
const now = () => new Date(clock);
const tick = () => {
  clock += 60_000;
};

const cmScope = (subresource = ''): FieldManagerScope => ({ group: '', version: 'v1', kind: 'ConfigMap', subresource, definition: 'io.k8s.api.core.v1.ConfigMap', now });
const podScope: FieldManagerScope = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  subresource: '',
  definition: 'io.k8s.api.core.v1.Pod',
  resetFields: [['status']],
  now,
};
const cm = (data: Record<string, string>, extra: JsonObject = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'foo', namespace: 'default', ...(extra['metadata'] as object) },
  data,
});
const applied = (data: Record<string, string>): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo', namespace: 'default' }, data });
const entries = (o: KubeObject) => (o.metadata?.managedFields ?? []).map((e) => ({ manager: e.manager, operation: e.operation, fields: e.fieldsV1, subresource: e.subresource }));

function created(data: Record<string, string>, manager = 'kubectl-create'): KubeObject {
  const obj = cm(data);
  new FieldManager(cmScope()).update(undefined, obj, manager);
  obj.metadata = { ...obj.metadata, uid: 'uid-1', resourceVersion: '1' };
  return obj;
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

describe('managedFields for Update operations', () => {
  it('a create records an Update entry with "." for the maps it creates', () => {
    const obj = created({ a: '1' });
    expect(obj.metadata?.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2025-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
      },
    ]);
  });

  it('an update moves the changed fields to the writer and keeps the rest', () => {
    const live = created({ a: '1', b: '2' });
    const next = structuredClone(live);
    next.data = { a: '1', b: '3', c: '4' };
    tick();
    new FieldManager(cmScope()).update(live, next, 'editor');
    expect(entries(next)).toEqual([
      { manager: 'kubectl-create', operation: 'Update', fields: { 'f:data': { '.': {}, 'f:a': {} } }, subresource: undefined },
      { manager: 'editor', operation: 'Update', fields: { 'f:data': { 'f:b': {}, 'f:c': {} } }, subresource: undefined },
    ]);
  });

  it('does not start tracking an existing object on update, and an empty list stops tracking', () => {
    const live = cm({ a: '1' }, { metadata: { uid: 'u' } });
    const next = cm({ a: '2' }, { metadata: { uid: 'u' } });
    new FieldManager(cmScope()).update(live, next, 'm');
    expect(next.metadata?.managedFields).toBeUndefined();

    const tracked = created({ a: '1' });
    const reset = structuredClone(tracked);
    (reset.metadata ?? {}).managedFields = [];
    reset.data = { a: '2' };
    new FieldManager(cmScope()).update(tracked, reset, 'm');
    expect(reset.metadata?.managedFields).toBeUndefined();
  });

  it('keeps the live managedFields when the request does not carry valid ones', () => {
    const live = created({ a: '1' });
    const next = structuredClone(live);
    (next.metadata ?? {}).managedFields = [{ manager: 'x', operation: 'Bogus' as 'Update' }];
    new FieldManager(cmScope()).update(live, next, 'm');
    expect(next.metadata?.managedFields).toEqual(live.metadata?.managedFields);
  });

  it('a subresource write ignores requested managedFields, records the subresource and never owns reset fields', () => {
    const ns = fieldManagerScope(namespaces, 'status');
    expect(ns.resetFields).toEqual([['spec']]);
    const fm = new FieldManager({ ...ns, now });
    const live: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] } };
    new FieldManager({ ...fieldManagerScope(namespaces), now }).update(undefined, live, 'creator');
    live.metadata = { ...live.metadata, uid: 'u' };
    const next = structuredClone(live);
    next['status'] = { phase: 'Active' };
    next['spec'] = { finalizers: [] };
    (next.metadata ?? {}).managedFields = [];
    tick();
    fm.update(live, next, 'controller');
    expect(entries(next)).toEqual([
      { manager: 'creator', operation: 'Update', fields: { 'f:spec': { '.': {}, 'f:finalizers': {} } }, subresource: undefined },
      { manager: 'controller', operation: 'Update', fields: { 'f:status': { '.': {}, 'f:phase': {} } }, subresource: 'status' },
    ]);
  });

  it('caps update managers at 10, merging the oldest into ancient-changes', () => {
    let obj = created({ k0: '0' }, 'm0');
    for (let i = 1; i <= 11; i++) {
      tick();
      const next = structuredClone(obj);
      next.data = { ...(next.data as object), [`k${i}`]: String(i) };
      new FieldManager(cmScope()).update(obj, next, `m${i}`);
      obj = next;
    }
    const managers = (obj.metadata?.managedFields ?? []).map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers[0]).toBe('ancient-changes');
    const ancient = obj.metadata?.managedFields?.[0]?.fieldsV1 as JsonObject;
    expect(Object.keys(ancient['f:data'] as object).sort()).toEqual(['.', 'f:k0', 'f:k1', 'f:k2']);
  });
});

describe('server-side apply', () => {
  const apply = (live: KubeObject, cfg: JsonObject, manager: string, force = false, scope = cmScope()) => new FieldManager(scope).apply(live, cfg, manager, force);

  it('names the conflicting manager and field exactly as kube-apiserver', () => {
    const live = created({ a: '1', b: '2' }, 'kubectl-client-side-apply');
    expect(statusOf(() => apply(live, applied({ a: '3' }), 'kubectl'))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.data.a' }] },
      code: 409,
    });
    const other = apply(live, applied({ c: '1' }), 'ops');
    const two = statusOf(() => apply(other, applied({ a: '9', b: '9', c: '9' }), 'dev'));
    expect(two.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.a\n- .data.b\nconflicts with "ops":\n- .data.c',
    );
    expect(two.details?.causes).toHaveLength(3);
  });

  it('force takes ownership; omitted fields are removed unless someone else owns them', () => {
    const live = created({ a: '1', b: '2' });
    const forced = apply(live, applied({ a: '3', c: '5' }), 'kubectl', true);
    expect(forced.data).toEqual({ a: '3', b: '2', c: '5' });
    expect(entries(forced)).toEqual([
      { manager: 'kubectl', operation: 'Apply', fields: { 'f:data': { 'f:a': {}, 'f:c': {} } }, subresource: undefined },
      { manager: 'kubectl-create', operation: 'Update', fields: { 'f:data': { '.': {}, 'f:b': {} } }, subresource: undefined },
    ]);
    const shared = apply(forced, applied({ c: '5' }), 'other');
    const pruned = apply(shared, applied({}), 'kubectl');
    // a was only kubectl's: removed. c is still owned by "other": kept.
    expect(pruned.data).toEqual({ b: '2', c: '5' });
  });

  it('re-applying the same configuration changes nothing', () => {
    const first = apply({ apiVersion: 'v1', kind: 'ConfigMap' }, applied({ a: '1' }), 'kubectl');
    tick();
    const again = apply(first, applied({ a: '1' }), 'kubectl');
    expect(again).toEqual(first);
  });

  it('records before-first-apply for an object that was never tracked', () => {
    const live = cm({ a: '1' }, { metadata: { uid: 'u', labels: { x: 'y' } } });
    const out = apply(live, applied({ b: '2' }), 'kubectl');
    expect(entries(out)).toEqual([
      { manager: 'kubectl', operation: 'Apply', fields: { 'f:data': { 'f:b': {} } }, subresource: undefined },
      {
        manager: 'before-first-apply',
        operation: 'Update',
        fields: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } } },
        subresource: undefined,
      },
    ]);
  });

  it('tracks list-map items by key, atomic lists and atomic maps whole', () => {
    const pod = (spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
    const live = apply(
      { apiVersion: 'v1', kind: 'Pod' },
      pod({ containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }] }], tolerations: [{ key: 'k' }], nodeSelector: { zone: 'a' } }),
      'deployer',
      false,
      podScope,
    );
    expect(live.metadata?.managedFields?.[0]?.fieldsV1).toEqual({
      'f:spec': {
        'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } },
        'f:nodeSelector': {},
        'f:tolerations': {},
      },
    });
    const withSidecar = apply(live, pod({ containers: [{ name: 'sidecar', image: 's:1' }] }), 'injector', false, podScope);
    expect((withSidecar['spec'] as JsonObject)['containers']).toEqual([
      { name: 'app', image: 'a:1', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 's:1' },
    ]);
    const conflict = statusOf(() => apply(withSidecar, pod({ tolerations: [], nodeSelector: { zone: 'b' } }), 'injector', false, podScope));
    expect(conflict.details?.causes?.map((c) => c.field)).toEqual(['.spec.nodeSelector', '.spec.tolerations']);
    // The deployer stops applying its container: it goes, the sidecar stays.
    const pruned = apply(withSidecar, pod({ tolerations: [{ key: 'k' }], nodeSelector: { zone: 'a' } }), 'deployer', false, podScope);
    expect((pruned['spec'] as JsonObject)['containers']).toEqual([{ name: 'sidecar', image: 's:1' }]);
  });

  it('lets kubectl take over what its client-side apply owned (last-applied-configuration)', () => {
    const lastApplied = `${JSON.stringify(applied({ a: '1' }))}\n`;
    const live = cm({ a: '1', b: '2' }, { metadata: { annotations: { [lastAppliedConfigAnnotation]: lastApplied } } });
    new FieldManager(cmScope()).update(undefined, live, 'kubectl-client-side-apply');
    live.metadata = { ...live.metadata, uid: 'u' };
    expect(statusOf(() => apply(live, applied({ a: '3' }), 'someone-else')).code).toBe(409);
    const out = apply(live, applied({ a: '3' }), 'kubectl');
    expect(out.data).toEqual({ a: '3', b: '2' });
    expect(out.metadata?.annotations?.[lastAppliedConfigAnnotation]).toBe(
      '{"apiVersion":"v1","data":{"a":"3"},"kind":"ConfigMap","metadata":{"name":"foo","namespace":"default"}}\n',
    );
    expect(entries(out).map((e) => [e.manager, e.fields])).toEqual([
      ['kubectl', { 'f:data': { 'f:a': {} } }],
      ['kubectl-client-side-apply', { 'f:data': { '.': {}, 'f:b': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${lastAppliedConfigAnnotation}`]: {} } } }],
    ]);
    // A field the live object no longer matches is not covered by the annotation.
    const drifted = structuredClone(live);
    drifted.data = { a: 'changed', b: '2' };
    expect(statusOf(() => apply(drifted, applied({ a: '3' }), 'kubectl')).code).toBe(409);
  });

  it('rejects what kube-apiserver rejects', () => {
    const live = created({ a: '1' });
    expect(statusOf(() => apply(live, { ...applied({}), metadata: { name: 'foo', managedFields: [] } }, 'k'))).toMatchObject({
      code: 400,
      message: 'metadata.managedFields must be nil',
    });
    expect(statusOf(() => apply(live, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'foo' } }, 'k'))).toMatchObject({
      code: 400,
      message: 'invalid object type: /v1, Kind=Secret',
    });
    expect(statusOf(() => apply(live, { ...applied({}), spec: { x: 1 } }, 'k'))).toMatchObject({
      code: 500,
      message: 'failed to create typed patch object (default/foo; /v1, Kind=ConfigMap): .spec: field not declared in schema',
    });
    const dup = statusOf(() =>
      apply({ apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }, { name: 'a' }] } }, 'k', false, podScope),
    );
    expect(dup.message).toBe('failed to create typed patch object (/p; /v1, Kind=Pod): .spec.containers: duplicate entries for key [name="a"]');
  });

  it('disjoint appliers never conflict and share the result (property)', () => {
    const data = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.string({ maxLength: 3 }), { maxKeys: 4 });
    fc.assert(
      fc.property(data, data, (d1, d2) => {
        const two = Object.fromEntries(Object.entries(d2).filter(([k]) => !(k in d1)));
        const first = apply({ apiVersion: 'v1', kind: 'ConfigMap' }, applied(d1), 'one');
        const second = apply(first, applied(two), 'two');
        expect(second.data ?? {}).toEqual({ ...d1, ...two });
        // Dropping everything from "one" leaves exactly "two"'s fields.
        expect(apply(second, applied({}), 'one').data ?? {}).toEqual(two);
      }),
    );
  });
});

describe('server-side apply invariants (property)', () => {
  it('after forced applies the last config holds and data is exactly what someone owns', () => {
    const step = fc.record({
      manager: fc.constantFrom('m1', 'm2', 'm3'),
      data: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('x', 'y'), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
        let obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap' };
        for (const s of steps) obj = new FieldManager(cmScope()).apply(obj, applied(s.data), s.manager, true);
        const last = steps[steps.length - 1] as { data: Record<string, string> };
        const data = (obj.data ?? {}) as Record<string, string>;
        for (const [k, v] of Object.entries(last.data)) expect(data[k]).toBe(v);
        const owned = new Set<string>();
        for (const e of obj.metadata?.managedFields ?? []) {
          for (const k of Object.keys(((e.fieldsV1 as JsonObject)['f:data'] ?? {}) as object)) if (k !== '.') owned.add(k.slice(2));
        }
        expect([...owned].sort()).toEqual(Object.keys(data).sort());
      }),
    );
  });
});

describe('helpers for the handlers and the store', () => {
  it('managerOrUserAgent takes the User-Agent up to its first slash', () => {
    expect(managerOrUserAgent('mine', 'kubectl/v1.33.1 (linux/amd64)')).toBe('mine');
    expect(managerOrUserAgent('', 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl');
    expect(managerOrUserAgent('', 'kubectl.1.33/v1.33.1')).toBe('kubectl.1.33');
    expect(managerOrUserAgent('', 'a\u0007b/1')).toBe('ab');
    expect(managerOrUserAgent('', undefined)).toBe('');
    expect(managerOrUserAgent('', 'x'.repeat(200))).toHaveLength(128);
  });

  it('updateManagedFields records through a descriptor, once per object', () => {
    const obj = cm({ a: '1' });
    updateManagedFields(configmaps, undefined, obj, 'kubectl-create');
    expect(obj.metadata?.managedFields?.[0]?.manager).toBe('kubectl-create');
    const marked = cm({ a: '1' });
    markManagedFieldsRecorded(marked);
    updateManagedFields(configmaps, undefined, marked, 'other');
    expect(marked.metadata?.managedFields).toBeUndefined();
    // Without a fieldManager or User-Agent kube-apiserver records "unknown".
    const anon = cm({ a: '1' });
    updateManagedFields(configmaps, undefined, anon, '');
    expect(anon.metadata?.managedFields?.[0]?.manager).toBe('unknown');
  });

  it('ignoreManagedFieldsTimestamps keeps old times when nothing else changed', () => {
    const old = created({ a: '1' });
    const next = structuredClone(old);
    ((next.metadata?.managedFields ?? [])[0] as ManagedFieldsEntry).time = '2030-01-01T00:00:00Z';
    ignoreManagedFieldsTimestamps(next, old);
    expect(next.metadata?.managedFields).toEqual(old.metadata?.managedFields);
    const changed = structuredClone(old);
    changed.data = { a: '2' };
    ((changed.metadata?.managedFields ?? [])[0] as ManagedFieldsEntry).time = '2030-01-01T00:00:00Z';
    ignoreManagedFieldsTimestamps(changed, old);
    expect(changed.metadata?.managedFields?.[0]?.time).toBe('2030-01-01T00:00:00Z');
  });
});
