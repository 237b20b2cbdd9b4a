// The watch half of the storage contract: what the storage service publishes on the event bus and
// what its watch cache answers, run against every backend (as the storage conformance suite is).
// Each test works under its own resource name, so it sees only its own subject.
import { randomUUID } from 'node:crypto';
import {
  type BusMessage,
  type Closeable,
  type EventBusPort,
  type ListRequest,
  ProgressMessage,
  type ResourceRef,
  type StorageServicePort,
  WatchEventMessage,
  type WatchReplayResponse,
  progressSubject,
  watchSubject,
} from '@portico/proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

export interface WatchConformanceStore extends StorageServicePort, Closeable {
  compact(resourceVersion?: string): Promise<void>;
}

export interface WatchConformanceTarget {
  store: WatchConformanceStore;
  /** The bus the store publishes on. */
  bus: EventBusPort;
  /** Releases what the target set up (the store is closed by the suite). */
  release?: () => Promise<void>;
}

export interface WatchConformanceOptions {
  /**
   * The store's history bound in events (watchCache.maxHistoryEvents): the suite writes past it to
   * see the 410. Keep it small (tens) so the test stays quick.
   */
  maxHistoryEvents: number;
  /**
   * Compaction tests compact the whole backend: 'include' (default), 'exclude' for a shared
   * backend, 'only' for a dedicated one.
   */
  compaction?: 'include' | 'exclude' | 'only';
}

const group = 'watch-conformance.portico.dev';

let seq = 0;
function freshResource(): string {
  seq++;
  return `w${seq}x${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

const bytes = (o: unknown): Buffer => Buffer.from(JSON.stringify(o), 'utf8');
const decode = (b: Uint8Array): Obj => JSON.parse(Buffer.from(b).toString('utf8')) as Obj;
const rvOf = (b: Uint8Array): string => decode(b).metadata.resourceVersion ?? '';

async function collect(it: AsyncIterable<WatchReplayResponse>): Promise<WatchReplayResponse[]> {
  const out: WatchReplayResponse[] = [];
  for await (const m of it) out.push(m);
  return out;
}

const listReq = (ref: ResourceRef, over: Partial<ListRequest> = {}): ListRequest => ({
  ref,
  resourceVersion: '',
  resourceVersionMatch: '',
  limit: '0',
  continue: '',
  labelSelector: '',
  fieldSelector: '',
  ...over,
});

/** Everything published on one resource's subjects, decoded. */
class Recorder {
  readonly events: WatchEventMessage[] = [];
  readonly progress: ProgressMessage[] = [];
  readonly headers: Array<Record<string, string>> = [];
  private readonly subs: Array<{ unsubscribe(): void }>;

  constructor(bus: EventBusPort, resource: string) {
    this.subs = [
      bus.subscribe(watchSubject(group, resource), (m: BusMessage) => {
        this.events.push(WatchEventMessage.decode(m.data));
        this.headers.push(m.headers);
      }),
      bus.subscribe(progressSubject(group, resource), (m: BusMessage) => this.progress.push(ProgressMessage.decode(m.data))),
    ];
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}

/**
 * Registers the suite for a store made by `make` (created once, closed after the suite). The store
 * must publish on the returned bus, with a progress interval short enough to be seen within a few
 * seconds (about 100-300 ms).
 */
export function runWatchConformance(name: string, make: () => Promise<WatchConformanceTarget>, options: WatchConformanceOptions): void {
  describe(`watch conformance: ${name}`, () => {
    let target: WatchConformanceTarget;
    const recorders: Recorder[] = [];
    beforeAll(async () => {
      target = await make();
    });
    afterAll(async () => {
      for (const r of recorders) r.stop();
      await target?.store.close();
      await target?.release?.();
    });

    function scope() {
      const resource = freshResource();
      const ref = (n: string, namespace = 'ns1'): ResourceRef => ({ group, resource, namespace, name: n });
      const col = (namespace = ''): ResourceRef => ({ group, resource, namespace, name: '' });
      const obj = (n: string, data: Record<string, string> = { k: n }, namespace = 'ns1'): Obj => ({
        apiVersion: `${group}/v1`,
        kind: 'Thing',
        metadata: { name: n, namespace },
        data,
      });
      const rec = new Recorder(target.bus, resource);
      recorders.push(rec);
      const create = async (o: Obj): Promise<Buffer> => {
        const res = await target.store.create({ ref: ref(o.metadata.name, o.metadata.namespace ?? ''), object: bytes(o) });
        expect(res.status).toBeUndefined();
        return res.object;
      };
      const update = async (o: Obj): Promise<Buffer> => {
        const res = await target.store.update({ ref: ref(o.metadata.name, o.metadata.namespace ?? ''), object: bytes(o), expectedResourceVersion: '' });
        expect(res.succeeded).toBe(true);
        return res.object;
      };
      const remove = async (n: string, namespace = 'ns1'): Promise<Buffer> => {
        const res = await target.store.delete({ ref: ref(n, namespace), expectedResourceVersion: '' });
        expect(res.succeeded).toBe(true);
        return res.object;
      };
      return { resource, ref, col, obj, rec, create, update, remove };
    }

    const mode = options.compaction ?? 'include';

    if (mode !== 'only') {
      it('publishes every change once, in order, each naming the one before it', async () => {
        const s = scope();
        const a = await s.create(s.obj('a', { v: '1' }));
        const b = await s.create(s.obj('b'));
        const c = await s.create(s.obj('c', { in: 'ns2' }, 'ns2'));
        const a2 = await s.update(s.obj('a', { v: '2' }));
        const bGone = await s.remove('b');
        const written = [a, b, c, a2, bGone].map(rvOf);
        await vi.waitFor(() => expect(s.rec.events.map((e) => e.resourceVersion)).toEqual(written), { timeout: 10_000 });
        const evs = s.rec.events;
        expect(evs.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'MODIFIED', 'DELETED']);
        expect(evs.map((e) => e.prevResourceVersion)).toEqual(['0', ...written.slice(0, -1)]);
        expect(new Set(evs.map((e) => e.publisherEpoch)).size).toBe(1);
        expect(evs[0]?.publisherEpoch).not.toBe('');
        // Objects are stamped with their event's revision; previous objects with theirs.
        for (const e of evs) expect(rvOf(e.object)).toBe(e.resourceVersion);
        expect(evs[0]?.prevObject.length).toBe(0);
        expect(decode(evs[3]?.prevObject as Uint8Array).data).toEqual({ v: '1' });
        expect(rvOf(evs[3]?.prevObject as Uint8Array)).toBe(rvOf(a));
        expect(decode(evs[4]?.object as Uint8Array).metadata.name).toBe('b');
        expect(rvOf(evs[4]?.prevObject as Uint8Array)).toBe(rvOf(b));
        // The subject is the resource's, whatever the namespace.
        expect(decode(evs[2]?.object as Uint8Array).metadata.namespace).toBe('ns2');
      });

      it('sends progress when idle: a revision up to which everything is published, and the last event', async () => {
        const s = scope();
        const a = await s.create(s.obj('a'));
        await vi.waitFor(() => expect(s.rec.events).toHaveLength(1), { timeout: 10_000 });
        const epoch = s.rec.events[0]?.publisherEpoch;
        await vi.waitFor(
          () => {
            const p = s.rec.progress.find((m) => m.lastEventResourceVersion === rvOf(a));
            expect(p).toBeDefined();
            expect(Number(p?.resourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(a)));
            expect(p?.publisherEpoch).toBe(epoch);
          },
          { timeout: 10_000 },
        );
        // Progress keeps coming while nothing happens, and never goes backwards.
        const seen = s.rec.progress.length;
        await vi.waitFor(() => expect(s.rec.progress.length).toBeGreaterThan(seen + 1), { timeout: 10_000 });
        const revs = s.rec.progress.map((p) => Number(p.resourceVersion));
        expect([...revs].sort((x, y) => x - y)).toEqual(revs);
      });

      it('replays from a revision exactly what was published after it', async () => {
        const s = scope();
        const a = await s.create(s.obj('a'));
        await s.update(s.obj('a', { v: '2' }));
        await s.create(s.obj('b'));
        await s.remove('a');
        await vi.waitFor(() => expect(s.rec.events).toHaveLength(4), { timeout: 10_000 });
        const msgs = await collect(target.store.watchReplay({ ref: s.col(), resourceVersion: rvOf(a), sendInitialState: false }));
        const replayed = msgs.filter((m) => m.event !== undefined).map((m) => m.event);
        const published = s.rec.events.slice(1);
        expect(replayed.map((e) => [e?.type, e?.resourceVersion])).toEqual(published.map((e) => [e.type, e.resourceVersion]));
        for (let i = 0; i < published.length; i++) {
          expect(Buffer.from(replayed[i]?.object as Uint8Array).equals(Buffer.from(published[i]?.object as Uint8Array))).toBe(true);
          expect(Buffer.from(replayed[i]?.prevObject as Uint8Array).equals(Buffer.from(published[i]?.prevObject as Uint8Array))).toBe(true);
        }
        expect(Number(msgs.at(-1)?.caughtUpResourceVersion)).toBeGreaterThanOrEqual(Number(s.rec.events.at(-1)?.resourceVersion));
        // Narrowed to one object.
        const one = await collect(target.store.watchReplay({ ref: s.ref('b'), resourceVersion: rvOf(a), sendInitialState: false }));
        expect(one.filter((m) => m.event !== undefined).map((m) => m.event?.type)).toEqual(['ADDED']);
      });

      it('sends the current state as ADDED, then the marker, at a revision every later event is above', async () => {
        const s = scope();
        await s.create(s.obj('a'));
        await s.create(s.obj('b'));
        await s.create(s.obj('x', {}, 'ns2'));
        await s.remove('b');
        const msgs = await collect(target.store.watchReplay({ ref: s.col('ns1'), resourceVersion: '', sendInitialState: true }));
        const events = msgs.filter((m) => m.event !== undefined);
        expect(events.map((m) => [m.event?.type, decode(m.event?.object as Uint8Array).metadata.name])).toEqual([['ADDED', 'a']]);
        const marker = msgs.at(-2)?.initialStateEndResourceVersion;
        expect(Number(marker)).toBeGreaterThanOrEqual(Number(s.rec.events.at(-1)?.resourceVersion ?? '0'));
        expect(msgs.at(-1)?.caughtUpResourceVersion).toBe(marker);
        const c = await s.create(s.obj('c'));
        expect(Number(rvOf(c))).toBeGreaterThan(Number(marker));
        // resourceVersion "0": any state; the same objects here.
        const any = await collect(target.store.watchReplay({ ref: s.col('ns1'), resourceVersion: '0', sendInitialState: true }));
        expect(any.filter((m) => m.event !== undefined).map((m) => decode(m.event?.object as Uint8Array).metadata.name)).toEqual(['a', 'c']);
      });

      it(`answers 410 Expired once a revision has left the history (${options.maxHistoryEvents} events)`, async () => {
        const s = scope();
        const first = await s.create(s.obj('a', { i: '0' }));
        let lastWrite = first;
        for (let i = 1; i <= options.maxHistoryEvents + 2; i++) lastWrite = await s.update(s.obj('a', { i: String(i) }));
        await vi.waitFor(() => expect(s.rec.events.at(-1)?.resourceVersion).toBe(rvOf(lastWrite)), { timeout: 10_000 });
        const msgs = await collect(target.store.watchReplay({ ref: s.col(), resourceVersion: rvOf(first), sendInitialState: false }));
        expect(msgs).toHaveLength(1);
        expect(msgs[0]?.status).toMatchObject({ code: 410, reason: 'Expired' });
        expect(msgs[0]?.status?.message).toMatch(new RegExp(`^too old resource version: ${rvOf(first)} \\(\\d+\\)$`));
        // The newest events are still there.
        const recent = await collect(target.store.watchReplay({ ref: s.col(), resourceVersion: s.rec.events.at(-3)?.resourceVersion ?? '', sendInitialState: false }));
        expect(recent.filter((m) => m.event !== undefined)).toHaveLength(2);
      });

      it('serves resourceVersion="0" lists from the cache: the limit is ignored, own writes are in', async () => {
        const s = scope();
        await s.create(s.obj('a'));
        await s.create(s.obj('b'));
        const c = await s.create(s.obj('c'));
        await s.remove('b');
        const res = await target.store.list(listReq(s.col('ns1'), { resourceVersion: '0', limit: '1' }));
        expect(res.status).toBeUndefined();
        expect(res.items.map((i) => decode(i).metadata.name)).toEqual(['a', 'c']);
        expect(res.continue).toBe('');
        expect(Number(res.resourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(c)));
        const got = await target.store.get({ ref: s.ref('c'), resourceVersion: '0' });
        expect(rvOf(got.object)).toBe(rvOf(c));
        expect((await target.store.get({ ref: s.ref('b'), resourceVersion: '0' })).status?.code).toBe(404);
      });

      it('pages consistent lists with continue tokens, at one revision', async () => {
        const s = scope();
        for (const n of ['a', 'b', 'c']) await s.create(s.obj(n));
        const p1 = await target.store.list(listReq(s.col('ns1'), { limit: '2' }));
        expect(p1.items.map((i) => decode(i).metadata.name)).toEqual(['a', 'b']);
        expect(p1.remainingItemCount).toBe('1');
        await s.create(s.obj('d'));
        const p2 = await target.store.list(listReq(s.col('ns1'), { limit: '2', continue: p1.continue }));
        expect(p2.items.map((i) => decode(i).metadata.name)).toEqual(['c']);
        expect(p2.resourceVersion).toBe(p1.resourceVersion);
        const all = await target.store.list(listReq(s.col('ns1')));
        expect(all.items.map((i) => decode(i).metadata.name)).toEqual(['a', 'b', 'c', 'd']);
      });
    }

    if (mode !== 'exclude') {
      it('answers 410 Expired for a replay from before a compaction', async () => {
        const s = scope();
        const a = await s.create(s.obj('a'));
        await s.update(s.obj('a', { v: '2' }));
        await target.store.compact();
        const msgs = await collect(target.store.watchReplay({ ref: s.col(), resourceVersion: rvOf(a), sendInitialState: false }));
        expect(msgs).toHaveLength(1);
        expect(msgs[0]?.status).toMatchObject({ code: 410, reason: 'Expired' });
        // Publishing goes on across the compaction.
        const b = await s.create(s.obj('b'));
        await vi.waitFor(() => expect(s.rec.events.at(-1)?.resourceVersion).toBe(rvOf(b)), { timeout: 10_000 });
      });
    }
  });
}
