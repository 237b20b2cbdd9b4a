// The cacher's answers to what can go wrong between the store and the bus: a store watch that cannot
// resume (its history compacted away), and an event too large for the bus. Neither may leave a
// subscriber silently behind. Real SQLite underneath; the failures are injected around it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BusPayloadTooLargeError,
  type EventBusPort,
  InProcessBus,
  ProgressMessage,
  WatchEventMessage,
  progressSubject,
  watchSubject,
} from '@portico/proto';
import { followResource } from '@portico/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachedStore } from './cached-store';
import { Cacher, resourceOfKey } from './cacher';
import { AlwaysLeader } from './election';
import { CompactedError, type KVBackend, type KVWatchHandler } from './kv';
import { ObjectStore, defaultFieldsFor } from './object-store';
import { SqliteBackend } from './sqlite-backend';

const group = 'cacher.portico.dev';
const resource = 'things';
const obj = (name: string, data: Record<string, string> = {}) =>
  Buffer.from(JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Thing', metadata: { name, namespace: 'ns' }, data }));
const ref = (name: string) => ({ group, resource, namespace: 'ns', name });

/** SQLite whose store watch can be held back and then broken, as etcd's would be by a compaction. */
function breakable(inner: SqliteBackend) {
  let handler: KVWatchHandler | undefined;
  let held = false;
  const kv = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'watch') {
        return (req: Parameters<KVBackend['watch']>[0], h: KVWatchHandler) => {
          const wrapped: KVWatchHandler = { ...h, onChanges: (evs, rev) => (held ? undefined : h.onChanges(evs, rev)) };
          handler = wrapped;
          held = false;
          return target.watch(req, wrapped);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as KVBackend;
  return {
    kv,
    hold: () => {
      held = true;
    },
    breakWatch: (at: number) => handler?.onBroken(new CompactedError(at, at + 1)),
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function assemble(kv: KVBackend, bus: EventBusPort) {
  const cacher = new Cacher({ kv, bus, leadership: new AlwaysLeader(), progressIntervalMs: 100, synchronousDelivery: true });
  const store = new ObjectStore(kv, { onWritten: (rev) => cacher.noteWrite(rev, {}) });
  const svc = new CachedStore(store, kv, cacher, { fieldsFor: defaultFieldsFor });
  cacher.start();
  cleanups.push(() => cacher.close());
  return { cacher, svc };
}

function sqlite(): SqliteBackend {
  const dir = mkdtempSync(join(tmpdir(), 'portico-cacher-'));
  const kv = new SqliteBackend({ path: join(dir, 'state.db') });
  cleanups.push(async () => {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return kv;
}

const rvOf = (b: Buffer | Uint8Array) => Number((JSON.parse(Buffer.from(b).toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);

describe('cacher', () => {
  it('maps keys to resources, and leaves other keys alone', () => {
    expect(resourceOfKey('/registry/core/configmaps/ns/a')).toEqual({ gr: { group: '', resource: 'configmaps' }, prefix: '/registry/core/configmaps/' });
    expect(resourceOfKey('/registry/apps/deployments/ns/a')?.gr).toEqual({ group: 'apps', resource: 'deployments' });
    expect(resourceOfKey('/registry/portico.watch-progress')).toBeUndefined();
    expect(resourceOfKey('/registry/core/configmaps')).toBeUndefined();
    expect(resourceOfKey('/registry/core/configmaps/')).toBeUndefined();
    expect(resourceOfKey('compact_rev_key')).toBeUndefined();
  });

  it('re-lists under a new epoch when the store watch cannot resume, so subscribers replay or relist', async () => {
    const b = breakable(sqlite());
    const bus = new InProcessBus();
    const { svc } = assemble(b.kv, bus);
    const events: WatchEventMessage[] = [];
    bus.subscribe(watchSubject(group, resource), (m) => events.push(WatchEventMessage.decode(m.data)));
    const follower = await followResource(bus, () => svc, group, resource);
    cleanups.push(() => follower.stop());

    const a = await svc.create({ ref: ref('a'), object: obj('a') });
    await svc.create({ ref: ref('b'), object: obj('b') });
    await vi.waitFor(() => expect(follower.state.size).toBe(2));
    const epoch0 = events[0]?.publisherEpoch;

    // Changes the watch never delivers, then the watch breaks: the cache cannot know what happened
    // in between except by listing again.
    b.hold();
    const gone = await svc.delete({ ref: ref('a'), expectedResourceVersion: '' });
    const c = await svc.create({ ref: ref('c'), object: obj('c') });
    expect(events).toHaveLength(2);
    b.breakWatch(rvOf(gone.object));
    const d = await svc.create({ ref: ref('d'), object: obj('d') });

    await vi.waitFor(() => expect(events.at(-1)?.resourceVersion).toBe(String(rvOf(d.object))));
    const after = events.at(-1) as WatchEventMessage;
    expect(after.publisherEpoch).not.toBe(epoch0);
    expect(after.prevResourceVersion).toBe('0');
    // Resuming from before the re-list is refused; from after it, the history is there.
    const old = [];
    for await (const m of svc.watchReplay({ ref: { ...ref(''), namespace: '' }, resourceVersion: String(rvOf(a.object)), sendInitialState: false })) old.push(m);
    expect(old[0]?.status?.code).toBe(410);
    // The follower noticed, relisted, and has the store's state.
    await vi.waitFor(() => {
      expect([...follower.state.keys()].sort()).toEqual(['ns/b', 'ns/c', 'ns/d']);
      expect(follower.state.get('ns/c')?.resourceVersion).toBe(rvOf(c.object));
    });
    expect(follower.relists).toBe(2);
    expect(follower.errors).toEqual([]);
  });

  it('names an event too large for the bus in a progress message, so subscribers replay it', async () => {
    const inner = new InProcessBus();
    const limit = 2000;
    const bus: EventBusPort = {
      publish: (subject, data, headers) => {
        if (data.length > limit) throw new BusPayloadTooLargeError(subject, data.length, limit);
        inner.publish(subject, data, headers);
      },
      subscribe: (s, cb) => inner.subscribe(s, cb),
      onDisruption: () => inner.onDisruption(),
      flush: () => inner.flush(),
      close: () => inner.close(),
    };
    const { svc } = assemble(sqlite(), bus);
    const events: WatchEventMessage[] = [];
    const progress: ProgressMessage[] = [];
    bus.subscribe(watchSubject(group, resource), (m) => events.push(WatchEventMessage.decode(m.data)));
    bus.subscribe(progressSubject(group, resource), (m) => progress.push(ProgressMessage.decode(m.data)));
    const follower = await followResource(bus, () => svc, group, resource);
    cleanups.push(() => follower.stop());

    const small = await svc.create({ ref: ref('small'), object: obj('small') });
    const big = await svc.create({ ref: ref('big'), object: obj('big', { blob: 'x'.repeat(3000) }) });
    const next = await svc.create({ ref: ref('next'), object: obj('next') });
    expect(events.map((e) => Number(e.resourceVersion))).toEqual([rvOf(small.object), rvOf(next.object)]);
    // The big event is referenced at once, and the chain runs through it.
    expect(progress.some((p) => Number(p.lastEventResourceVersion) === rvOf(big.object))).toBe(true);
    expect(Number(events[1]?.prevResourceVersion)).toBe(rvOf(big.object));
    await vi.waitFor(() => expect(follower.applied).toEqual([small, big, next].map((r) => rvOf(r.object))));
    expect(follower.state.get('ns/big')?.object.length).toBeGreaterThan(3000);
  });
});
