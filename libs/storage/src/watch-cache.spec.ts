import { describe, expect, it } from 'vitest';
import type { KVEvent } from './kv';
import { WatchCache, minHistoryMs } from './watch-cache';

const obj = (name: string, v = '1') => Buffer.from(JSON.stringify({ metadata: { name }, v }));
const put = (key: string, rev: number, created = rev, value = obj(key)): KVEvent => ({
  type: 'put',
  kv: { key, value, createRevision: created, modRevision: rev },
});
const del = (key: string, rev: number): KVEvent => ({ type: 'delete', kv: { key, value: Buffer.alloc(0), createRevision: 0, modRevision: rev } });
const rvOf = (b: Buffer) => (JSON.parse(b.toString()) as { metadata: { resourceVersion?: string } }).metadata.resourceVersion;

describe('WatchCache', () => {
  it('turns changes into ADDED, MODIFIED and DELETED with stamped objects and the previous event', () => {
    const c = new WatchCache();
    c.reset(10, [{ key: '/p/a', value: obj('a'), createRevision: 5, modRevision: 5 }]);
    const m = c.apply(put('/p/a', 11, 5, obj('a', '2')));
    expect(m).toMatchObject({ type: 'MODIFIED', revision: 11, prevRevision: 0 });
    expect(rvOf(m?.object as Buffer)).toBe('11');
    expect(rvOf(m?.prevObject as Buffer)).toBe('5');
    const a = c.apply(put('/p/b', 12));
    expect(a).toMatchObject({ type: 'ADDED', prevRevision: 11, prevObject: undefined });
    const d = c.apply(del('/p/a', 13));
    expect(d).toMatchObject({ type: 'DELETED', revision: 13, prevRevision: 12 });
    expect(rvOf(d?.object as Buffer)).toBe('13');
    expect(rvOf(d?.prevObject as Buffer)).toBe('11');
    expect(c.list('/p/').map((e) => e.key)).toEqual(['/p/b']);
    // Changes already in the list, and deletions of unknown keys, are not events.
    expect(c.apply(put('/p/z', 9))).toBeUndefined();
    expect(c.apply(del('/p/nope', 14))).toBeUndefined();
  });

  it('lists a prefix in key order', () => {
    const c = new WatchCache();
    c.reset(1, []);
    for (const [k, r] of [['/r/ns2/a', 2], ['/r/ns1/b', 3], ['/r/ns1/a', 4], ['/r/ns10/a', 5]] as const) c.apply(put(k, r));
    expect(c.list('/r/ns1/').map((e) => e.key)).toEqual(['/r/ns1/a', '/r/ns1/b']);
    expect(c.list('/r/').map((e) => e.key)).toEqual(['/r/ns1/a', '/r/ns1/b', '/r/ns10/a', '/r/ns2/a']);
  });

  it('replays after a revision and answers 410 below what it still holds (count bound)', () => {
    const c = new WatchCache({ maxEvents: 3 });
    c.reset(100, []);
    for (let r = 101; r <= 105; r++) c.apply(put('/p/a', r, 101));
    expect(c.historyLength).toBe(3);
    expect(c.eventsAfter(102).map((e) => e.revision)).toEqual([103, 104, 105]);
    expect(c.eventsAfter(104).map((e) => e.revision)).toEqual([105]);
    expect(c.eventsAfter(105)).toEqual([]);
    expect(() => c.eventsAfter(101)).toThrow(/^too old resource version: 101 \(102\)$/);
  });

  it('keeps the history for its duration, never under 75 s', () => {
    let now = 0;
    const c = new WatchCache({ historyMs: 1000, now: () => now });
    c.reset(1, []);
    c.apply(put('/p/a', 2));
    now = minHistoryMs - 1;
    c.evict();
    expect(c.eventsAfter(1)).toHaveLength(1);
    now = minHistoryMs + 1;
    c.evict();
    expect(c.historyLength).toBe(0);
    expect(() => c.eventsAfter(1)).toThrow(/too old resource version: 1 \(2\)/);
    expect(c.eventsAfter(2)).toEqual([]);
  });

  it('refuses resuming from before its list, or a compaction', () => {
    const c = new WatchCache();
    c.reset(50, []);
    expect(() => c.eventsAfter(49)).toThrow(/too old resource version: 49 \(50\)/);
    c.apply(put('/p/a', 51));
    c.compacted(51);
    expect(() => c.eventsAfter(50)).toThrow(/too old resource version: 50 \(51\)/);
    expect(c.eventsAfter(51)).toEqual([]);
  });
});
