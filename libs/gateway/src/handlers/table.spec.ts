import { describe, expect, it } from 'vitest';
import { isStatusError } from '@portico/api';
import { type Table, configmaps, eventsV1, namespaces } from '@portico/registry';
import { TableWatch, negotiateTable, tableResponse } from './table';

const kubectlGet = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const now = new Date('2025-06-01T12:00:00Z');
const cm = (name: string, rv = '10') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: rv, creationTimestamp: '2025-06-01T11:00:00Z' },
  data: { a: '1', b: '2' },
});

function status(f: () => unknown): { code: number | undefined; message: string | undefined } {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return { code: e.status.code, message: e.status.message };
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('negotiateTable', () => {
  it('picks the first Table kubectl asks for', () => {
    expect(negotiateTable(kubectlGet, configmaps)).toEqual({ version: 'v1', format: 'json' });
    expect(negotiateTable('application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json', configmaps)).toEqual({ version: 'v1beta1', format: 'json' });
    expect(negotiateTable('application/yaml;as=Table;v=v1;g=meta.k8s.io', configmaps)).toEqual({ version: 'v1', format: 'yaml' });
    expect(negotiateTable('*/*;as=Table;v=v1;g=meta.k8s.io', configmaps)).toEqual({ version: 'v1', format: 'json' });
  });

  it('leaves plain requests, other transformations and unknown Table versions to normal negotiation', () => {
    expect(negotiateTable(undefined, configmaps)).toBeUndefined();
    expect(negotiateTable('application/json', configmaps)).toBeUndefined();
    expect(negotiateTable('application/json, application/json;as=Table;v=v1;g=meta.k8s.io', configmaps)).toBeUndefined();
    expect(negotiateTable('application/json;as=Table;v=v2;g=meta.k8s.io', configmaps)).toBeUndefined();
    expect(negotiateTable('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io', configmaps)).toBeUndefined();
    expect(negotiateTable('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json', configmaps)).toBeUndefined();
  });

  it('orders clauses by q as goautoneg does', () => {
    expect(negotiateTable('application/json;q=0.5, application/json;as=Table;v=v1;g=meta.k8s.io', configmaps)).toEqual({ version: 'v1', format: 'json' });
    expect(negotiateTable('application/json;as=Table;v=v1;g=meta.k8s.io;q=0.1, application/json', configmaps)).toBeUndefined();
  });

  it('streams watches in JSON only', () => {
    expect(negotiateTable('application/yaml;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io', configmaps, { watch: true })).toEqual({
      version: 'v1beta1',
      format: 'json',
    });
  });

  it('answers 406 when no Table can be produced and nothing else is accepted', () => {
    expect(status(() => negotiateTable('application/json;as=Table;v=v1;g=meta.k8s.io', { group: 'apps', resource: 'deployments' }, { supported: false }))).toEqual({
      code: 406,
      message: 'the resource deployments.apps does not support being converted to a Table',
    });
    expect(negotiateTable(kubectlGet, configmaps, { supported: false })).toBeUndefined();
  });
});

describe('tableResponse', () => {
  const q = (s = '') => new URLSearchParams(s);

  it('prints a list given as storage bytes, with the list metadata', () => {
    const t = tableResponse(configmaps, { version: 'v1', format: 'json' }, { metadata: { resourceVersion: '99' }, items: [Buffer.from(JSON.stringify(cm('a'))), cm('b')] }, q(), now) as Table;
    expect(t.metadata).toEqual({ resourceVersion: '99' });
    expect(t.rows?.map((r) => r.cells)).toEqual([
      ['a', 2, '60m'],
      ['b', 2, '60m'],
    ]);
    expect(t.rows?.[0]?.object?.['kind']).toBe('PartialObjectMetadata');
  });

  it('prints an assembled list buffer and a single object', () => {
    const list = Buffer.from(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '5' }, items: [cm('a')] }));
    expect((tableResponse(configmaps, { version: 'v1', format: 'json' }, list, q(), now) as Table).rows).toHaveLength(1);
    const one = tableResponse(namespaces, { version: 'v1beta1', format: 'json' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', resourceVersion: '7' }, status: { phase: 'Active' } }, q('includeObject=None'), now);
    expect(one).toMatchObject({ apiVersion: 'meta.k8s.io/v1beta1', metadata: { resourceVersion: '7' }, rows: [{ cells: ['default', 'Active', '<unknown>'], object: null }] });
  });

  it('prints events.k8s.io objects in their own version with the core columns', () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'default', resourceVersion: '3' },
      eventTime: '2025-06-01T11:58:00.000000Z',
      reportingController: 'kubectl',
      reportingInstance: 'me',
      action: 'Test',
      reason: 'Tested',
      regarding: { kind: 'Pod', name: 'p' },
      note: 'hello',
      type: 'Normal',
    };
    const t = tableResponse(eventsV1, { version: 'v1', format: 'json' }, ev, q('includeObject=Object'), now) as Table;
    expect(t.rows?.[0]?.cells).toEqual(['2m', 'Normal', 'Tested', 'pod/p', '', 'kubectl, me', 'hello', '2m', 1, 'e1']);
    expect(t.rows?.[0]?.object).toEqual(ev);
  });

  it('returns a Status (the answer of DELETE) unchanged', () => {
    const st = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'a', kind: 'configmaps' } };
    expect(tableResponse(configmaps, { version: 'v1', format: 'json' }, st, q(), now)).toBe(st);
  });

  it('answers 400 for an unknown includeObject', () => {
    expect(status(() => tableResponse(configmaps, { version: 'v1', format: 'json' }, cm('a'), q('includeObject=Everything'), now))).toEqual({
      code: 400,
      message: `Unable to convert to Table as requested: includeObject: Invalid value: "Everything": must be 'Metadata', 'Object', 'None', or empty`,
    });
  });
});

describe('TableWatch', () => {
  it('frames one-row Tables with columnDefinitions on the first event only', () => {
    const w = new TableWatch(configmaps, { version: 'v1', format: 'json' }, new URLSearchParams());
    const first = JSON.parse(w.frame('ADDED', Buffer.from(JSON.stringify(cm('a', '11'))), now).toString()) as { type: string; object: Record<string, unknown> };
    const second = JSON.parse(w.frame('MODIFIED', cm('a', '12'), now).toString()) as { type: string; object: Record<string, unknown> };
    expect(first.type).toBe('ADDED');
    expect(first.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '11' }, rows: [{ cells: ['a', 2, '60m'] }] });
    expect(first.object['columnDefinitions']).toHaveLength(3);
    expect(second.object['columnDefinitions']).toBeNull();
    expect(second.object['metadata']).toEqual({ resourceVersion: '12' });
    expect(w.frame('DELETED', cm('a'), now).toString().endsWith('}\n')).toBe(true);
  });

  it('passes ERROR statuses through and rejects a bad includeObject before streaming', () => {
    const w = new TableWatch(configmaps, { version: 'v1', format: 'json' }, new URLSearchParams());
    const st = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 };
    expect(JSON.parse(w.frame('ERROR', st, now).toString())).toEqual({ type: 'ERROR', object: st });
    expect(status(() => new TableWatch(configmaps, { version: 'v1', format: 'json' }, new URLSearchParams('includeObject=x'))).code).toBe(400);
  });
});
