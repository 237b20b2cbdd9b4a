// The KV backend contract, checked the same way against etcd (a dedicated server: these tests
// compact) and SQLite (a real file), so the object store above sees one behaviour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EtcdServer, startEtcd } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EtcdBackend } from './etcd-backend';
import { CompactedError, FutureRevisionError, type KVBackend, type KVEvent, prefixEnd } from './kv';
import { SqliteBackend } from './sqlite-backend';

const v = (s: string) => Buffer.from(s);
let n = 0;
const fresh = () => `/registry/test/kv${++n}x${Math.random().toString(36).slice(2, 8)}/`;

interface Fixture {
  make(opts?: { compactionIntervalMs?: number }): KVBackend;
}

function backendContract(name: string, fixture: () => Fixture): void {
  describe(`KV backend: ${name}`, () => {
    let kv: KVBackend;
    beforeAll(() => {
      kv = fixture().make();
    });
    afterAll(async () => {
      await kv?.close();
    });

    it('creates only when absent', async () => {
      const p = fresh();
      const c1 = await kv.create(`${p}a`, v('1'));
      expect(c1.succeeded).toBe(true);
      expect(c1.kv).toMatchObject({ key: `${p}a`, createRevision: c1.revision, modRevision: c1.revision });
      const c2 = await kv.create(`${p}a`, v('2'));
      expect(c2.succeeded).toBe(false);
      expect(c2.kv?.value.toString()).toBe('1');
      expect(c2.kv?.modRevision).toBe(c1.revision);
    });

    it('updates conditionally, skips identical bytes, never creates', async () => {
      const p = fresh();
      const c = await kv.create(`${p}a`, v('1'));
      const u1 = await kv.update(`${p}a`, v('2'), c.revision);
      expect(u1.succeeded).toBe(true);
      expect(u1.kv).toMatchObject({ modRevision: u1.revision, createRevision: c.revision });
      const stale = await kv.update(`${p}a`, v('3'), c.revision);
      expect(stale.succeeded).toBe(false);
      expect(stale.kv?.value.toString()).toBe('2');
      const same = await kv.update(`${p}a`, v('2'), u1.revision);
      expect(same.succeeded).toBe(true);
      expect(same.kv?.modRevision).toBe(u1.revision);
      const sameButStale = await kv.update(`${p}a`, v('2'), c.revision);
      expect(sameButStale.succeeded).toBe(false);
      const any = await kv.update(`${p}a`, v('4'));
      expect(any.succeeded).toBe(true);
      const missing = await kv.update(`${p}zz`, v('1'));
      expect(missing).toMatchObject({ succeeded: false });
      expect(missing.kv).toBeUndefined();
      expect((await kv.get(`${p}zz`)).kv).toBeUndefined();
    });

    it('deletes conditionally and returns the previous state', async () => {
      const p = fresh();
      const c = await kv.create(`${p}a`, v('1'));
      const u = await kv.update(`${p}a`, v('2'));
      const stale = await kv.delete(`${p}a`, c.revision);
      expect(stale.succeeded).toBe(false);
      expect(stale.kv?.modRevision).toBe(u.revision);
      const d = await kv.delete(`${p}a`, u.revision);
      expect(d.succeeded).toBe(true);
      expect(d.prevKv).toMatchObject({ key: `${p}a`, modRevision: u.revision });
      expect(d.prevKv?.value.toString()).toBe('2');
      expect((await kv.delete(`${p}a`)).succeeded).toBe(false);
      // Re-creating starts a new incarnation.
      const again = await kv.create(`${p}a`, v('3'));
      expect(again.kv?.createRevision).toBe(again.revision);
    });

    it('reads at past revisions and ranges with limit, more and count', async () => {
      const p = fresh();
      const revs: number[] = [];
      for (const k of ['a', 'b', 'c', 'd']) revs.push((await kv.create(`${p}${k}`, v(k))).revision);
      await kv.update(`${p}b`, v('b2'));
      await kv.delete(`${p}c`);
      const now = await kv.range({ start: p, end: prefixEnd(p) });
      expect(now.kvs.map((x) => `${x.key.slice(p.length)}=${x.value}`)).toEqual(['a=a', 'b=b2', 'd=d']);
      const then = await kv.range({ start: p, end: prefixEnd(p), revision: revs[2] });
      expect(then.revision).toBe(revs[2]);
      expect(then.kvs.map((x) => `${x.key.slice(p.length)}=${x.value}`)).toEqual(['a=a', 'b=b', 'c=c']);
      const page = await kv.range({ start: p, end: prefixEnd(p), limit: 2, count: true });
      expect(page.kvs.map((x) => x.key.slice(p.length))).toEqual(['a', 'b']);
      expect(page.more).toBe(true);
      expect(page.count).toBe(3);
      const rest = await kv.range({ start: `${p}b\u0000`, end: prefixEnd(p), limit: 2, count: true });
      expect(rest.kvs.map((x) => x.key.slice(p.length))).toEqual(['d']);
      expect(rest.more).toBe(false);
      expect(rest.count).toBe(1);
      const old = await kv.get(`${p}b`, { revision: revs[1] });
      expect(old.kv?.value.toString()).toBe('b');
      expect((await kv.get(`${p}c`)).kv).toBeUndefined();
    });

    it('reports a future revision', async () => {
      const cur = await kv.currentRevision();
      await expect(kv.get('/registry/test/x', { revision: cur + 1000 })).rejects.toBeInstanceOf(FutureRevisionError);
      const p = fresh();
      await expect(kv.range({ start: p, end: prefixEnd(p), revision: cur + 1000 })).rejects.toBeInstanceOf(FutureRevisionError);
    });

    it('watches a range from a revision: every change in order, with previous states', async () => {
      const p = fresh();
      const before = await kv.currentRevision();
      const a = await kv.create(`${p}a`, v('1'));
      const a2 = await kv.update(`${p}a`, v('2'));
      await kv.create(`${fresh()}other`, v('x'));
      const seen: KVEvent[] = [];
      let upTo = 0;
      const w = kv.watch(
        { start: p, end: prefixEnd(p), after: before, progressKey: `${p}~progress` },
        { onChanges: (evs, rev) => { seen.push(...evs); upTo = rev; }, onBroken: (e) => { throw e; } },
      );
      try {
        const d = await kv.delete(`${p}a`);
        await vi.waitFor(() => expect(seen.map((e) => [e.type, e.kv.modRevision])).toEqual([
          ['put', a.revision],
          ['put', a2.revision],
          ['delete', d.revision],
        ]));
        expect(seen[0]?.prevKv).toBeUndefined();
        expect(seen[0]?.kv.createRevision).toBe(a.revision);
        expect(seen[1]?.prevKv).toMatchObject({ modRevision: a.revision });
        expect(seen[1]?.prevKv?.value.toString()).toBe('1');
        expect(seen[2]?.prevKv).toMatchObject({ modRevision: a2.revision });
        expect(seen[2]?.prevKv?.value.toString()).toBe('2');
        // A progress request proves everything up to the store's current revision.
        await kv.create(`${fresh()}elsewhere`, v('y'));
        const cur = await kv.currentRevision();
        const proven = await w.requestProgress();
        expect(proven).toBeGreaterThanOrEqual(cur);
        await vi.waitFor(() => expect(upTo).toBeGreaterThanOrEqual(proven));
        expect(seen.filter((e) => e.kv.key.startsWith(p) && e.kv.key !== `${p}~progress`)).toHaveLength(3);
      } finally {
        w.close();
      }
    });

    it('stops a watch from a compacted revision with CompactedError', async () => {
      const p = fresh();
      const a = await kv.create(`${p}a`, v('1'));
      await kv.update(`${p}a`, v('2'));
      await kv.compact(await kv.currentRevision());
      const broken = await new Promise<Error>((resolve) => {
        kv.watch({ start: p, end: prefixEnd(p), after: a.revision - 1, progressKey: `${p}~progress` }, { onChanges: () => undefined, onBroken: resolve });
      });
      expect(broken).toBeInstanceOf(CompactedError);
    });

    it('compacts: older reads and watches fail with the compacted revision, newer ones work', async () => {
      const p = fresh();
      const a = await kv.create(`${p}a`, v('1'));
      await kv.update(`${p}a`, v('2'));
      const b = await kv.create(`${p}b`, v('1'));
      await kv.delete(`${p}b`);
      const at = await kv.currentRevision();
      await kv.compact(at);
      expect(await kv.compactedRevision()).toBe(at);
      await kv.compact(a.revision); // older than the compacted revision: a no-op
      expect(await kv.compactedRevision()).toBe(at);
      const err = await kv.range({ start: p, end: prefixEnd(p), revision: b.revision }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CompactedError);
      expect(err).toMatchObject({ requested: b.revision, compactRevision: at });
      await expect(kv.get(`${p}a`, { revision: a.revision })).rejects.toBeInstanceOf(CompactedError);
      const atCompacted = await kv.range({ start: p, end: prefixEnd(p), revision: at });
      expect(atCompacted.kvs.map((x) => `${x.key.slice(p.length)}=${x.value}`)).toEqual(['a=2']);
      const c = await kv.create(`${p}c`, v('1'));
      const seen: KVEvent[] = [];
      const w = kv.watch({ start: p, end: prefixEnd(p), after: at, progressKey: `${p}~progress` }, { onChanges: (evs) => seen.push(...evs), onBroken: () => undefined });
      try {
        await vi.waitFor(() => expect(seen.map((e) => [e.type, e.kv.modRevision])).toEqual([['put', c.revision]]));
      } finally {
        w.close();
      }
    });

    it('runs a compaction loop that compacts to the revision of the previous round', async () => {
      const looping = fixture().make({ compactionIntervalMs: 100 });
      try {
        const p = fresh();
        const first = await looping.create(`${p}a`, v('1'));
        await vi.waitFor(async () => expect(await looping.compactedRevision()).toBeGreaterThanOrEqual(first.revision), { timeout: 10_000, interval: 50 });
      } finally {
        await looping.close();
      }
    });
  });
}

let etcd: EtcdServer | undefined;
const etcdBackends: KVBackend[] = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await Promise.all(etcdBackends.map((b) => b.close()));
  await etcd?.stop();
});

backendContract('etcd', () => ({
  make: (opts) => {
    if (etcd === undefined) throw new Error('etcd not started');
    const b = new EtcdBackend({ endpoints: [etcd.endpoint], compactionIntervalMs: opts?.compactionIntervalMs });
    etcdBackends.push(b);
    return b;
  },
}));

const dir = mkdtempSync(join(tmpdir(), 'portico-kv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
backendContract('sqlite', () => ({
  make: (opts) => new SqliteBackend({ path: join(dir, 'state.db'), compactionIntervalMs: opts?.compactionIntervalMs }),
}));
