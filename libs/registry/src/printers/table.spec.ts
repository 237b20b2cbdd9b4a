import { describe, expect, it } from 'vitest';
import { isStatusError, type KubeObject } from '@portico/api';
import { tableConvertorFor } from './convertors';
import { defaultTableConvertor } from './default';
import { TableWatchEncoder, parseTableOptions, partialObjectMetadata, toTable } from './table';

const now = new Date('2025-06-01T12:00:00Z');
const cm = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '42', creationTimestamp: '2025-06-01T11:55:00Z', labels: { app: 'x' } },
  data: { a: '1' },
  ...extra,
});
const configMaps = tableConvertorFor('', 'configmaps');

function statusOf(f: () => unknown): { code: number; reason: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return { code: e.status.code ?? 0, reason: String(e.status.reason ?? ''), message: e.status.message ?? '' };
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('toTable', () => {
  it('builds a list Table with PartialObjectMetadata rows by default', () => {
    const t = toTable(configMaps, [cm('a'), cm('b')], { now, listMeta: { resourceVersion: '100', continue: 'tok', remainingItemCount: 3 } });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '100', continue: 'tok', remainingItemCount: 3 });
    expect(t.columnDefinitions?.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(t.rows?.map((r) => r.cells)).toEqual([
      ['a', 1, '5m'],
      ['b', 1, '5m'],
    ]);
    expect(t.rows?.[0]?.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'a', namespace: 'default', uid: 'uid-a', resourceVersion: '42', creationTimestamp: '2025-06-01T11:55:00Z', labels: { app: 'x' } },
    });
    expect(Object.keys(t)).toEqual(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
  });

  it('keeps remainingItemCount 0 and drops empty list metadata', () => {
    expect(toTable(configMaps, [], { now, listMeta: { resourceVersion: '', remainingItemCount: 0 } }).metadata).toEqual({ remainingItemCount: 0 });
    expect(toTable(configMaps, [], { now }).metadata).toEqual({});
  });

  it('takes the object resourceVersion for a single object', () => {
    const t = toTable(configMaps, cm('a'), { now });
    expect(t.metadata).toEqual({ resourceVersion: '42' });
    expect(t.rows).toHaveLength(1);
  });

  it('includes the full object for Object and null for None', () => {
    const obj = cm('a');
    expect(toTable(configMaps, [obj], { now, includeObject: 'Object' }).rows?.[0]?.object).toBe(obj);
    const none = toTable(configMaps, [obj], { now, includeObject: 'None' });
    expect(none.rows?.[0]).toEqual({ cells: ['a', 1, '5m'], object: null });
    expect(JSON.stringify(none.rows?.[0])).toBe('{"cells":["a",1,"5m"],"object":null}');
    expect(toTable(configMaps, [obj], { now, includeObject: 'Metadata' }).rows?.[0]?.object).toEqual(toTable(configMaps, [obj], { now, includeObject: '' }).rows?.[0]?.object);
  });

  it('rejects an unknown includeObject as asTable does', () => {
    expect(statusOf(() => toTable(configMaps, [cm('a')], { now, includeObject: 'x' }))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: 'unrecognized includeObject value: "x"',
    });
    // asTable checks per row: an empty list has nothing to reject.
    expect(toTable(configMaps, [], { now, includeObject: 'x' }).rows).toEqual([]);
  });

  it('uses meta.k8s.io/v1beta1 for the Table and its rows when asked', () => {
    const t = toTable(configMaps, [cm('a')], { now, version: 'v1beta1' });
    expect(t.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(t.rows?.[0]?.object?.['apiVersion']).toBe('meta.k8s.io/v1beta1');
  });

  it('omits headers on request and keeps row conditions between cells and object', () => {
    const pod: KubeObject = { metadata: { name: 'done' }, spec: { containers: [{}] }, status: { phase: 'Succeeded' } };
    const t = toTable(tableConvertorFor('', 'pods'), [pod], { now, noHeaders: true });
    expect(t.columnDefinitions).toBeNull();
    expect(Object.keys(t.rows?.[0] ?? {})).toEqual(['cells', 'conditions', 'object']);
    expect(t.rows?.[0]?.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });

  it('keeps the APIService columns even without headers', () => {
    const apiServices = tableConvertorFor('apiregistration.k8s.io', 'apiservices');
    expect(toTable(apiServices, [], { now, noHeaders: true }).columnDefinitions).toHaveLength(4);
  });

  it('gives an empty list rows [] from a printer and null from the default convertor', () => {
    expect(toTable(configMaps, [], { now }).rows).toEqual([]);
    expect(toTable(defaultTableConvertor, [], { now }).rows).toBeNull();
  });

  it('prints Name and Created At (RFC 3339, UTC) with the default convertor', () => {
    const t = toTable(defaultTableConvertor, [{ metadata: { name: 'r', creationTimestamp: '2025-06-01T13:55:00.123+02:00' } }, { metadata: { name: 'zero' } }], { now });
    expect(t.columnDefinitions).toEqual([
      { name: 'Name', type: 'string', format: 'name', description: expect.stringContaining('Name must be unique within a namespace.') as unknown, priority: 0 },
      { name: 'Created At', type: 'date', format: '', description: expect.stringContaining('CreationTimestamp is a timestamp') as unknown, priority: 0 },
    ]);
    expect(t.rows?.map((r) => r.cells)).toEqual([
      ['r', '2025-06-01T11:55:00Z'],
      ['zero', '0001-01-01T00:00:00Z'],
    ]);
  });

  it('orders list rows as the list printer does', () => {
    const fs = (name: string, matchingPrecedence: number): KubeObject => ({ metadata: { name }, spec: { matchingPrecedence, priorityLevelConfiguration: { name: 'x' } } });
    const t = toTable(tableConvertorFor('flowcontrol.apiserver.k8s.io', 'flowschemas'), [fs('global-default', 9900), fs('exempt', 1), fs('catch-all', 10000)], { now });
    expect(t.rows?.map((r) => r.cells[0])).toEqual(['exempt', 'global-default', 'catch-all']);
  });

  it('answers 406 for an item without object metadata', () => {
    const bad = { metadata: 'nope' } as unknown as KubeObject;
    expect(statusOf(() => toTable(configMaps, [bad], { now, resource: { group: 'apps', resource: 'widgets' } }))).toEqual({
      code: 406,
      reason: 'NotAcceptable',
      message: 'the resource widgets.apps does not support being converted to a Table',
    });
  });
});

describe('partialObjectMetadata', () => {
  it('keeps the whole ObjectMeta in Go order, drops empty fields, and sets creationTimestamp null when unset', () => {
    const p = partialObjectMetadata({
      metadata: {
        finalizers: [],
        labels: {},
        annotations: { a: 'b' },
        name: 'n',
        generation: 0,
        deletionGracePeriodSeconds: 0,
        managedFields: [{ manager: 'kubectl' }],
      },
    } as unknown as KubeObject);
    expect(p).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'n', creationTimestamp: null, deletionGracePeriodSeconds: 0, annotations: { a: 'b' }, managedFields: [{ manager: 'kubectl' }] } });
    expect(Object.keys(p['metadata'] as object)).toEqual(['name', 'creationTimestamp', 'deletionGracePeriodSeconds', 'annotations', 'managedFields']);
  });
});

describe('parseTableOptions', () => {
  it('accepts None, Metadata, Object and empty, and takes the first value', () => {
    expect(parseTableOptions(new URLSearchParams(''))).toEqual({ includeObject: '' });
    expect(parseTableOptions(new URLSearchParams('includeObject=None'))).toEqual({ includeObject: 'None' });
    expect(parseTableOptions(new URLSearchParams('includeObject=Object&includeObject=bogus'))).toEqual({ includeObject: 'Object' });
  });

  it('answers 400 with ValidateTableOptions message for anything else', () => {
    expect(statusOf(() => parseTableOptions(new URLSearchParams('includeObject=x')))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: `Unable to convert to Table as requested: includeObject: Invalid value: "x": must be 'Metadata', 'Object', 'None', or empty`,
    });
  });
});

describe('TableWatchEncoder', () => {
  it('sends columnDefinitions with the first event only', () => {
    const enc = new TableWatchEncoder(configMaps, { includeObject: 'None' });
    expect(enc.headersPending).toBe(true);
    const first = enc.encode(cm('a'), now) as { columnDefinitions: unknown; rows: unknown[]; metadata: unknown };
    const second = enc.encode(cm('b', { metadata: { name: 'b', resourceVersion: '43' } }), now) as { columnDefinitions: unknown; rows: unknown[]; metadata: unknown };
    expect(first.columnDefinitions).not.toBeNull();
    expect(first.rows).toHaveLength(1);
    expect(first.metadata).toEqual({ resourceVersion: '42' });
    expect(second.columnDefinitions).toBeNull();
    expect(second.metadata).toEqual({ resourceVersion: '43' });
    expect(enc.headersPending).toBe(false);
  });

  it('passes Status objects through, and they still use up the headers', () => {
    const enc = new TableWatchEncoder(configMaps, {});
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired' };
    expect(enc.encode(status, now)).toBe(status);
    expect((enc.encode(cm('a'), now) as { columnDefinitions: unknown }).columnDefinitions).toBeNull();
  });

  it('prints bookmark objects as one-row Tables, as kube-apiserver does', () => {
    const enc = new TableWatchEncoder(tableConvertorFor('', 'pods'), { version: 'v1' });
    const t = enc.encode({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '77', creationTimestamp: null } }, now) as {
      rows: Array<{ cells: unknown[]; object: unknown }>;
      metadata: unknown;
    };
    expect(t.metadata).toEqual({ resourceVersion: '77' });
    expect(t.rows[0]?.cells.slice(0, 5)).toEqual(['', '0/0', '', '0', '<unknown>']);
    expect(t.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '77', creationTimestamp: null } });
  });
});
