// One resource's watch cache: k8s.io/apiserver pkg/storage/cacher watch_cache.go (the current state,
// for lists and the initial state of watches) and watch_cache_history.go (the recent events, for
// resuming watches). It is fed in revision order by the cacher, which owns the etcd watch; it does
// no I/O and never waits.
import { statusErrors } from '@portico/api';
import type { KVEvent, KeyValue } from './kv';
import { stampBytes } from './versioner';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One live object. Immutable: a change replaces the entry. */
export interface CacheEntry {
  readonly key: string;
  /** The object as stored, with metadata.resourceVersion stamped (= modRevision). */
  readonly object: Buffer;
  readonly modRevision: number;
  /** Labels and selectable fields, computed on the first selector that needs them. */
  attrs?: { labels: Record<string, string>; fields: Record<string, string> };
}

/** One change, as watchers receive it. */
export interface CacheEvent {
  readonly type: EventType;
  readonly key: string;
  /** The revision of the change (for DELETED, the deletion revision). */
  readonly revision: number;
  /** The object after the change (for DELETED, its last state), stamped with `revision`. */
  readonly object: Buffer;
  /** The object before the change, stamped with its own revision; undefined for ADDED. */
  readonly prevObject: Buffer | undefined;
  /** The revision of the resource's event before this one (0: unknown, the first since the cache was filled). */
  readonly prevRevision: number;
  /** When the cache applied it (ms since epoch), for the time bound of the history. */
  readonly at: number;
}

export interface WatchCacheOptions {
  /** Keep events for at least this long unless the count bound is hit; default 5 min, never under 75 s. */
  historyMs?: number;
  /** At most this many events; default 102,400 (kube-apiserver's upper capacity, 100×1024). */
  maxEvents?: number;
  now?: () => number;
}

/** kube-apiserver's eventFreshDuration: the bookmark frequency (1 min) plus 15 s. */
export const minHistoryMs = 75_000;
export const defaultHistoryMs = 5 * 60_000;
export const defaultMaxHistoryEvents = 100 * 1024;

/** Stamps resourceVersion; a value that is not a JSON object (written by something else) is kept as it is. */
function stamp(value: Buffer, rev: number): Buffer {
  try {
    return stampBytes(value, rev);
  } catch {
    return value;
  }
}

export class WatchCache {
  private readonly state = new Map<string, CacheEntry>();
  private sortedKeys: string[] | undefined;
  private events: CacheEvent[] = [];
  private head = 0;
  private readonly historyMs: number;
  private readonly maxEvents: number;
  private readonly now: () => number;
  /** The revision the state was listed at. */
  private listRevision = 0;
  /** History is complete for every revision after this one (the list, an evicted event, a compaction). */
  private floor = 0;
  private lastEvent = 0;

  constructor(opts: WatchCacheOptions = {}) {
    this.historyMs = Math.max(minHistoryMs, opts.historyMs ?? defaultHistoryMs);
    this.maxEvents = Math.max(1, opts.maxEvents ?? defaultMaxHistoryEvents);
    this.now = opts.now ?? Date.now;
  }

  /**
   * Replaces the state with a list taken at `revision` and forgets the history (the watch cache's
   * Replace): nothing before the list can be replayed any more.
   */
  reset(revision: number, kvs: readonly KeyValue[]): void {
    this.state.clear();
    for (const kv of kvs) this.state.set(kv.key, { key: kv.key, object: stamp(kv.value, kv.modRevision), modRevision: kv.modRevision });
    this.sortedKeys = undefined;
    this.events = [];
    this.head = 0;
    this.listRevision = revision;
    this.floor = revision;
    this.lastEvent = 0;
  }

  /** The revision the state was listed at: changes at or below it are already in it. */
  get listedAt(): number {
    return this.listRevision;
  }

  /** The revision of the last event applied (0 when none since the list). */
  get lastEventRevision(): number {
    return this.lastEvent;
  }

  /** The oldest revision a watch can resume from. */
  get oldestResumable(): number {
    return this.floor;
  }

  get size(): number {
    return this.state.size;
  }

  get historyLength(): number {
    return this.events.length - this.head;
  }

  /**
   * Applies one change in revision order and returns the event watchers see, or undefined when the
   * change is already in the state (at or below the list revision) or deletes a key the cache does
   * not hold.
   */
  apply(ev: KVEvent): CacheEvent | undefined {
    const rev = ev.kv.modRevision;
    if (rev <= this.listRevision) return undefined;
    const key = ev.kv.key;
    const cur = this.state.get(key);
    let out: CacheEvent;
    if (ev.type === 'delete') {
      const last = cur?.object ?? (ev.prevKv === undefined ? undefined : stamp(ev.prevKv.value, ev.prevKv.modRevision));
      if (last === undefined) return undefined;
      const lastValue = ev.prevKv?.value ?? last;
      this.state.delete(key);
      this.sortedKeys = undefined;
      // k8s parity: the cacher stamps DELETED objects with the deletion revision.
      out = { type: 'DELETED', key, revision: rev, object: stamp(lastValue, rev), prevObject: last, prevRevision: this.lastEvent, at: this.now() };
    } else {
      const entry: CacheEntry = { key, object: stamp(ev.kv.value, rev), modRevision: rev };
      if (cur === undefined) this.sortedKeys = undefined;
      this.state.set(key, entry);
      out = cur === undefined
        ? { type: 'ADDED', key, revision: rev, object: entry.object, prevObject: undefined, prevRevision: this.lastEvent, at: this.now() }
        : { type: 'MODIFIED', key, revision: rev, object: entry.object, prevObject: cur.object, prevRevision: this.lastEvent, at: this.now() };
    }
    this.lastEvent = rev;
    this.events.push(out);
    this.evict();
    return out;
  }

  /** Drops events past the count bound, and those older than the time bound. */
  evict(now = this.now()): void {
    const oldestKept = now - this.historyMs;
    while (this.head < this.events.length) {
      const e = this.events[this.head] as CacheEvent;
      if (this.events.length - this.head <= this.maxEvents && e.at >= oldestKept) break;
      this.floor = Math.max(this.floor, e.revision);
      this.head++;
    }
    // Compact the array once the dropped prefix dominates it.
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /** Compaction discarded history up to `revision`: resuming from before it gets 410 like etcd would. */
  compacted(revision: number): void {
    if (revision > this.floor) this.floor = revision;
  }

  get(key: string): CacheEntry | undefined {
    return this.state.get(key);
  }

  /** The live objects whose keys start with `prefix`, in key order (etcd's byte order for the ASCII keys Kubernetes uses). */
  list(prefix: string): CacheEntry[] {
    const keys = (this.sortedKeys ??= [...this.state.keys()].sort());
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: CacheEntry[] = [];
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i] as string;
      if (!k.startsWith(prefix)) break;
      out.push(this.state.get(k) as CacheEntry);
    }
    return out;
  }

  /**
   * The events after `revision`, oldest first. k8s parity: watch_cache.go getAllEventsSinceLocked,
   * 410 "too old resource version: N (M)" when the history no longer reaches back to N.
   */
  eventsAfter(revision: number): CacheEvent[] {
    if (revision < this.floor) throw statusErrors.expired(`too old resource version: ${revision} (${this.floor})`);
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid] as CacheEvent).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }
}
