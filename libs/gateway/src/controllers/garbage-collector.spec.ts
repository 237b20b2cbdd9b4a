// The collector's graph against an in-memory store: which objects it keeps, how it reacts to
// events (an owner's deletion reaches its dependents at once), when it reads storage, and that
// the graph lagging storage never deletes what storage says is still owned.
import { describe, expect, it } from 'vitest';
import { statusErrors, type KubeObject } from '@portico/api';
import { defaultRegistry, type ResourceDescriptor } from '@portico/registry';
import { createLogger } from '@portico/telemetry';
import type { GenericStore, ListOptions, ListResult } from '../store/generic-store';
import { FeedEvent, type EventType } from '../watch/feed-event';
import { GarbageCollector, matters } from './garbage-collector';

const logger = createLogger({ service: 'test', level: 'silent' });

/** Just what the collector calls of GenericStore, over a map; it counts the calls. */
class FakeStore {
  readonly objects = new Map<string, KubeObject>();
  rv = 1;
  readonly calls: string[] = [];

  private key(desc: ResourceDescriptor, namespace: string, name: string): string {
    return `${desc.storage.group}/${desc.storage.resource}/${desc.namespaced ? namespace : ''}/${name}`;
  }

  put(desc: ResourceDescriptor, obj: KubeObject): KubeObject {
    const stored = structuredClone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(this.key(desc, stored.metadata.namespace ?? '', stored.metadata.name ?? ''), stored);
    return stored;
  }

  async get(desc: ResourceDescriptor, namespace: string, name: string): Promise<Buffer> {
    this.calls.push(`get ${desc.resource} ${name}`);
    const o = this.objects.get(this.key(desc, namespace, name));
    if (o === undefined) throw statusErrors.notFound({ group: desc.group, resource: desc.resource }, name);
    return Buffer.from(JSON.stringify(o));
  }

  async list(desc: ResourceDescriptor, _namespace: string, _o: ListOptions): Promise<ListResult> {
    this.calls.push(`list ${desc.resource}`);
    const prefix = `${desc.storage.group}/${desc.storage.resource}/`;
    const items = [...this.objects].filter(([k]) => k.startsWith(prefix)).map(([, o]) => Buffer.from(JSON.stringify(o)));
    return { items, resourceVersion: String(this.rv), continue: '', remainingItemCount: undefined };
  }

  async delete(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    options: { propagationPolicy?: string; preconditions?: { uid?: string | null; resourceVersion?: string | null } | null },
  ): Promise<unknown> {
    this.calls.push(`delete ${desc.resource} ${name} ${options.propagationPolicy ?? ''}`);
    const k = this.key(desc, namespace, name);
    const o = this.objects.get(k);
    if (o === undefined) throw statusErrors.notFound({ group: desc.group, resource: desc.resource }, name);
    const pre = options.preconditions;
    if ((pre?.uid && pre.uid !== o.metadata?.uid) || (pre?.resourceVersion && pre.resourceVersion !== o.metadata?.resourceVersion)) {
      throw statusErrors.conflict({ group: desc.group, resource: desc.resource }, name, 'precondition failed');
    }
    this.objects.delete(k);
    return { code: 200, body: o };
  }

  async guaranteedUpdate(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    _o: unknown,
    update: (current: KubeObject | undefined) => Promise<KubeObject>,
  ): Promise<KubeObject> {
    this.calls.push(`update ${desc.resource} ${name}`);
    const o = this.objects.get(this.key(desc, namespace, name));
    if (o === undefined) throw statusErrors.notFound({ group: desc.group, resource: desc.resource }, name);
    return this.put(desc, await update(structuredClone(o)));
  }

  stored(desc: ResourceDescriptor, name: string, namespace = 'default'): KubeObject | undefined {
    return this.objects.get(this.key(desc, namespace, name));
  }
}

function setup(opts: { objects?: KubeObject[] } = {}) {
  const api = defaultRegistry();
  const configmaps = api.lookup('', 'v1', 'configmaps') as ResourceDescriptor;
  const store = new FakeStore();
  for (const o of opts.objects ?? []) store.put(configmaps, o);
  const gc = new GarbageCollector(store as unknown as GenericStore, api, logger);
  /** What the feed would deliver for a write the test makes. */
  const emit = (type: EventType, obj: KubeObject) => {
    const rv = type === 'DELETED' ? ++store.rv : Number(obj.metadata?.resourceVersion);
    gc.onEvent(configmaps, new FeedEvent(type, rv, 0, Buffer.from(JSON.stringify(obj)), undefined));
  };
  return { api, configmaps, store, gc, emit };
}

const cm = (name: string, uid: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid, ...extra },
});
const ownedBy = (owner: KubeObject) => ({
  ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '' }],
});

describe('garbage collector graph', () => {
  it('keeps only objects with owner references or GC finalizers', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc } = setup({ objects: [owner, cm('plain', 'u-plain'), cm('dep', 'u-dep', ownedBy(owner)), cm('fin', 'u-fin', { finalizers: ['orphan'] })] });
    await gc.syncAll();
    expect(gc.size).toBe(2);
    expect(matters(cm('x', 'x', { finalizers: ['example.com/other'] }))).toBe(false);
    gc.stop();
  });

  it('deletes a dependent as soon as its owner’s deletion arrives, after reading both from storage', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc, store, configmaps, emit } = setup({ objects: [owner, cm('dep', 'u-dep', ownedBy(owner))] });
    await gc.syncAll();
    // The first pass confirmed the owner in storage; nothing more is read while nothing changes.
    expect(store.calls.filter((c) => c.startsWith('get'))).toEqual(['get configmaps owner']);
    store.calls.length = 0;
    await gc.syncAll();
    expect(store.calls.filter((c) => !c.startsWith('list'))).toEqual([]);

    const gone = store.stored(configmaps, 'owner') as KubeObject;
    store.objects.delete('/configmaps/default/owner');
    store.calls.length = 0;
    emit('DELETED', gone);
    await gc.idle();
    expect(store.calls).toEqual(['get configmaps owner', 'get configmaps dep', 'get configmaps owner', 'delete configmaps dep Background']);
    expect(store.stored(configmaps, 'dep')).toBeUndefined();
    gc.stop();
  });

  it('a dependent created for an owner already gone is deleted when its creation arrives', async () => {
    const { gc, store, configmaps, emit } = setup();
    await gc.syncAll();
    const dep = store.put(configmaps, cm('late', 'u-late', ownedBy(cm('never', 'u-never'))));
    emit('ADDED', dep);
    await gc.idle();
    expect(store.stored(configmaps, 'late')).toBeUndefined();
    gc.stop();
  });

  it('does not delete what storage says is no longer owned, though the graph still says so', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc, store, configmaps, emit } = setup({ objects: [owner, cm('dep', 'u-dep', ownedBy(owner))] });
    await gc.syncAll();
    // Orphaned in storage; the event has not arrived.
    const dep = store.stored(configmaps, 'dep') as KubeObject;
    store.put(configmaps, cm('dep', 'u-dep'));
    store.objects.delete('/configmaps/default/owner');
    emit('DELETED', owner);
    await gc.idle();
    expect(store.stored(configmaps, 'dep')).toBeDefined();
    expect(dep.metadata?.ownerReferences).toBeDefined();
    gc.stop();
  });

  it('orphan: drops the reference from the dependents, then the finalizer', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc, store, configmaps, emit } = setup({ objects: [owner, cm('dep', 'u-dep', ownedBy(owner))] });
    await gc.syncAll();
    const terminating = store.put(configmaps, cm('owner', 'u-owner', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] }));
    emit('MODIFIED', terminating);
    await gc.idle();
    expect(store.stored(configmaps, 'dep')?.metadata?.ownerReferences).toBeUndefined();
    expect(store.stored(configmaps, 'owner')?.metadata?.finalizers).toEqual([]);
    gc.stop();
  });

  it('foreground: deletes the dependents, and drops the finalizer once their deletions arrive', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc, store, configmaps, emit } = setup({ objects: [owner, cm('dep', 'u-dep', ownedBy(owner))] });
    await gc.syncAll();
    const dep = store.stored(configmaps, 'dep') as KubeObject;
    const terminating = store.put(configmaps, cm('owner', 'u-owner', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] }));
    emit('MODIFIED', terminating);
    await gc.idle();
    expect(store.calls).toContain('delete configmaps dep Foreground');
    expect(store.stored(configmaps, 'owner')?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    emit('DELETED', dep);
    await gc.idle();
    expect(store.stored(configmaps, 'owner')?.metadata?.finalizers).toEqual([]);
    gc.stop();
  });

  it('an event older than the graph’s copy is ignored; an object that stops mattering leaves the graph', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc, store, configmaps, emit } = setup({ objects: [owner, cm('dep', 'u-dep', ownedBy(owner))] });
    await gc.syncAll();
    const stale = { ...(store.stored(configmaps, 'dep') as KubeObject) };
    const orphaned = store.put(configmaps, cm('dep', 'u-dep'));
    emit('MODIFIED', orphaned);
    expect(gc.size).toBe(0);
    emit('MODIFIED', stale);
    expect(gc.size).toBe(0);
    gc.stop();
  });

  it('a relist forgets what storage no longer holds and reacts as to a deletion', async () => {
    const owner = cm('owner', 'u-owner');
    const { gc, store, configmaps } = setup({ objects: [owner, cm('dep', 'u-dep', ownedBy(owner))] });
    await gc.syncAll();
    // A deletion the feed never delivered.
    store.objects.delete('/configmaps/default/owner');
    store.rv++;
    await gc.syncAll();
    expect(store.stored(configmaps, 'dep')).toBeUndefined();
    gc.stop();
  });

  it('picks up a resource added at run time', async () => {
    const { gc, store, api, configmaps } = setup();
    await gc.syncAll();
    const widgets: ResourceDescriptor = { ...configmaps, group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', storage: { group: 'example.com', resource: 'widgets' } };
    api.add(widgets);
    store.put(widgets, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default', uid: 'u-w', ...ownedBy(cm('never', 'u-never')) } });
    store.calls.length = 0;
    await (gc as unknown as { tick(): Promise<void> }).tick();
    expect(store.calls).toEqual(['list widgets', 'get configmaps never', 'get widgets w', 'get configmaps never', 'delete widgets w Background']);
    gc.stop();
  });
});
