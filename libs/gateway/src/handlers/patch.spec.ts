import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isStatusError, type KubeObject, type Status } from '@portico/api';
import type { AdmissionServicePort, CreateRequest, GetRequest, ResourceRef, StorageServicePort, UpdateRequest } from '@portico/proto';
import { configmaps, namespaces, updateManagedFields, type ResourceDescriptor } from '@portico/registry';
import type { RequestContext } from '../request/context';
import { newRequestInfo } from '../request/request-info';
import { GenericStore, type WriteOptions } from '../store/generic-store';
import { parsePatchOptions, patchTypeOf, servePatch } from './patch';
import { versionsOf } from './request-versions';

/** Storage in a Map, with the compare-and-swap semantics of the real port. */
class MemoryStorage implements StorageServicePort {
  readonly objects = new Map<string, KubeObject>();
  private rv = 10;
  private key(ref: ResourceRef | undefined): string {
    return `${ref?.group}/${ref?.resource}/${ref?.namespace}/${ref?.name}`;
  }
  private bytes(o: KubeObject): Buffer {
    return Buffer.from(JSON.stringify(o));
  }
  private notFound = { code: 404, reason: 'NotFound', message: 'not found', details: undefined };
  async get(req: GetRequest) {
    const o = this.objects.get(this.key(req.ref));
    return o === undefined ? { object: Buffer.alloc(0), status: this.notFound } : { object: this.bytes(o) };
  }
  async create(req: CreateRequest) {
    const k = this.key(req.ref);
    if (this.objects.has(k)) return { object: Buffer.alloc(0), status: { code: 409, reason: 'AlreadyExists', message: 'exists', details: undefined } };
    const o = JSON.parse(req.object.toString()) as KubeObject;
    o.metadata = { ...o.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(k, o);
    return { object: this.bytes(o) };
  }
  async update(req: UpdateRequest) {
    const k = this.key(req.ref);
    const cur = this.objects.get(k);
    if (cur === undefined) return { succeeded: false, object: Buffer.alloc(0) };
    if (cur.metadata?.resourceVersion !== req.expectedResourceVersion) return { succeeded: false, object: this.bytes(cur) };
    const o = JSON.parse(req.object.toString()) as KubeObject;
    o.metadata = { ...o.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(k, o);
    return { succeeded: true, object: this.bytes(o) };
  }
  list(): never {
    throw new Error('unused');
  }
  delete(): never {
    throw new Error('unused');
  }
  currentRevision(): never {
    throw new Error('unused');
  }
  watchReplay(): never {
    throw new Error('unused');
  }
}

const admitAll: AdmissionServicePort = {
  admit: async () => ({ allowed: true, object: Buffer.alloc(0), warnings: [], auditAnnotations: {} }),
  validate: async () => ({ allowed: true, warnings: [], auditAnnotations: {} }),
  convertObjects: async () => {
    throw new Error('unused');
  },
};

interface Call {
  path: string;
  contentType?: string;
  body: unknown;
  userAgent?: string;
  desc?: ResourceDescriptor;
}

async function patch(store: GenericStore, c: Call): Promise<{ code: number; object?: KubeObject; status?: Status; warnings: string[] }> {
  const url = new URL(`https://localhost${c.path}`);
  const info = newRequestInfo('PATCH', url.pathname, url.searchParams);
  const ctx: RequestContext = {
    auditId: 'a',
    receivedAt: 0,
    url,
    info,
    deadline: undefined,
    signal: new AbortController().signal,
    user: undefined,
    warnings: [],
    pretty: false,
    body: Buffer.from(typeof c.body === 'string' ? c.body : JSON.stringify(c.body)),
  };
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.userAgent !== undefined) headers['user-agent'] = c.userAgent;
  const req = { headers } as unknown as IncomingMessage;
  let result: { code: number; object?: KubeObject } | undefined;
  try {
    const desc = c.desc ?? configmaps;
    await servePatch({ req, ctx, desc, namespace: desc.namespaced ? info.namespace : '', store, versions: versionsOf(desc, undefined, {}), respond: (code, object) => (result = { code, object }) });
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, status: e.status, warnings: ctx.warnings };
    throw e;
  }
  return { ...(result as { code: number; object: KubeObject }), warnings: ctx.warnings };
}

const base = '/api/v1/namespaces/default/configmaps/foo';
const merge = 'application/merge-patch+json';
const apply = 'application/apply-patch+yaml';
const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo', namespace: 'default' }, data });

function setup() {
  const storage = new MemoryStorage();
  return { storage, store: new GenericStore(storage, admitAll, () => new Date('2025-01-01T00:00:00Z')) };
}

describe('PatchOptions', () => {
  const q = (s: string) => new URLSearchParams(s);
  it('requires a fieldManager for apply and forbids force elsewhere', () => {
    const statusOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (isStatusError(e)) return e.status;
      }
      return undefined;
    };
    expect(statusOf(() => parsePatchOptions(q(''), apply))?.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    expect(statusOf(() => parsePatchOptions(q('force=false'), merge))).toMatchObject({
      code: 422,
      message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    });
    expect(statusOf(() => parsePatchOptions(q('dryRun=Some&fieldValidation=Loose'), merge))?.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: [dryRun: Unsupported value: []string{"Some"}: supported values: "All", fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"]',
    );
    expect(parsePatchOptions(q('fieldManager=m&force=true&dryRun=All&fieldValidation=Warn'), apply)).toEqual({
      dryRun: true,
      fieldManager: 'm',
      fieldValidation: 'Warn',
      force: true,
    });
    expect(parsePatchOptions(q('fieldManager=m&force=FALSE'), apply).force).toBe(false);
    expect(parsePatchOptions(q('fieldManager=m&force='), apply).force).toBe(true);
  });
  it('reads the Content-Type up to its parameters', () => {
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe(merge);
    expect(patchTypeOf(undefined)).toBe('');
  });
});

describe('servePatch', () => {
  it('answers an unsupported Content-Type with 415 listing the patch types', async () => {
    const { store } = setup();
    const r = await patch(store, { path: base, contentType: 'application/json', body: {} });
    expect(r.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });

  it('patches with every type, 404 for a missing object, 201 when apply creates it', async () => {
    const { store, storage } = setup();
    expect((await patch(store, { path: base, contentType: merge, body: { data: { a: '1' } } })).status).toMatchObject({ code: 404, reason: 'NotFound' });
    const created = await patch(store, { path: `${base}?fieldManager=kubectl`, contentType: apply, body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo\ndata:\n  a: "1"\n' });
    expect(created.code).toBe(201);
    expect(created.object).toMatchObject({ metadata: { name: 'foo', namespace: 'default', managedFields: [{ manager: 'kubectl', operation: 'Apply' }] }, data: { a: '1' } });
    const merged = await patch(store, { path: base, contentType: merge, body: { data: { b: '2' } }, userAgent: 'kubectl/v1.33.1 (linux/amd64)' });
    expect(merged.code).toBe(200);
    expect(merged.object?.data).toEqual({ a: '1', b: '2' });
    expect(merged.object?.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl', 'Update'],
    ]);
    const smp = await patch(store, { path: base, contentType: 'application/strategic-merge-patch+json', body: { metadata: { labels: { x: 'y' } } } });
    expect(smp.object?.metadata?.labels).toEqual({ x: 'y' });
    const jp = await patch(store, { path: base, contentType: 'application/json-patch+json', body: [{ op: 'remove', path: '/data/b' }] });
    expect(jp.object?.data).toEqual({ a: '1' });
    expect(storage.objects.size).toBe(1);
  });

  it('reports apply conflicts and lets force take over', async () => {
    const { store } = setup();
    await patch(store, { path: `${base}?fieldManager=one`, contentType: apply, body: cm({ a: '1' }) });
    const conflict = await patch(store, { path: `${base}?fieldManager=two`, contentType: apply, body: cm({ a: '2' }) });
    expect(conflict.status).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "one": .data.a' });
    const forced = await patch(store, { path: `${base}?fieldManager=two&force=true`, contentType: apply, body: cm({ a: '2' }) });
    expect(forced.code).toBe(200);
    expect(forced.object?.data).toEqual({ a: '2' });
  });

  it('checks a resourceVersion carried by the patch, honours dryRun and answers failed JSON patches with 422', async () => {
    const { store, storage } = setup();
    const created = await patch(store, { path: `${base}?fieldManager=m`, contentType: apply, body: cm({ a: '1' }) });
    const stale = await patch(store, { path: base, contentType: merge, body: { metadata: { resourceVersion: '1' }, data: { a: '2' } } });
    expect(stale.status).toMatchObject({ code: 409, reason: 'Conflict' });
    const current = created.object?.metadata?.resourceVersion;
    const pinned = await patch(store, { path: base, contentType: merge, body: { metadata: { resourceVersion: current }, data: { a: '2' } } });
    expect(pinned.code).toBe(200);
    const dry = await patch(store, { path: `${base}?dryRun=All`, contentType: merge, body: { data: { a: 'dry' } } });
    expect(dry.object?.data).toEqual({ a: 'dry' });
    expect([...storage.objects.values()][0]?.data).toEqual({ a: '2' });
    const failed = await patch(store, { path: base, contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/data/a', value: 'x' }] });
    expect(failed.status).toMatchObject({ code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
  });

  it('warns about unknown fields with fieldValidation=Warn', async () => {
    const { store } = setup();
    await patch(store, { path: `${base}?fieldManager=m`, contentType: apply, body: cm({ a: '1' }) });
    const r = await patch(store, { path: `${base}?fieldValidation=Warn`, contentType: merge, body: { bogus: 1 } });
    expect(r.code).toBe(200);
    expect(r.warnings).toEqual(['unknown field "bogus"']);
    expect(r.object?.['bogus']).toBeUndefined();
  });

  it('patches a subresource through the same path and never creates through it', async () => {
    const { store } = setup();
    const path = '/api/v1/namespaces/team/status';
    const missing = await patch(store, { path: `${path}?fieldManager=m`, contentType: apply, desc: namespaces, body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } });
    expect(missing.status).toMatchObject({ code: 404 });
    const ns = await patch(store, {
      path: '/api/v1/namespaces/team?fieldManager=creator',
      contentType: apply,
      desc: namespaces,
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { a: 'b' } } },
    });
    expect(ns.code).toBe(201);
    const status = await patch(store, { path, contentType: merge, desc: namespaces, userAgent: 'Go-http-client/2.0', body: { spec: { finalizers: [] }, status: { conditions: [{ type: 'Checked', status: 'True' }] } } });
    expect(status.status).toBeUndefined();
    expect(status.code).toBe(200);
    expect(status.object?.['status']).toMatchObject({ conditions: [{ type: 'Checked', status: 'True' }] });
    // The status strategy keeps the spec.
    expect(status.object?.['spec']).toEqual(ns.object?.['spec']);
    expect(status.object?.metadata?.managedFields?.map((e) => [e.manager, e.subresource])).toContainEqual(['Go-http-client', 'status']);
  });
});

/** The store as it records managedFields once integrated (create records an Update entry). */
class RecordingStore extends GenericStore {
  override async create(desc: ResourceDescriptor, namespace: string, obj: KubeObject, o: WriteOptions): Promise<KubeObject> {
    updateManagedFields(desc, undefined, obj, o.fieldManager, o.subresource ?? '');
    return super.create(desc, namespace, obj, o);
  }
}

describe('servePatch with a store that records managedFields on create', () => {
  it('does not record an apply that creates the object twice', async () => {
    const store = new RecordingStore(new MemoryStorage(), admitAll, () => new Date('2025-01-01T00:00:00Z'));
    const created = await patch(store, { path: `${base}?fieldManager=kubectl`, contentType: apply, body: cm({ a: '1' }) });
    expect(created.code).toBe(201);
    expect(created.object?.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Apply']]);
    const direct = cm({ b: '2' });
    direct.metadata.name = 'bar';
    const posted = await store.create(configmaps, 'default', direct, {
      dryRun: false,
      fieldManager: 'kubectl-create',
      user: undefined,
      ctx: {},
      warnings: [],
    });
    expect(posted.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([['kubectl-create', 'Update']]);
  });
});
