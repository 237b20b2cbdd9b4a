// The cacher: one store watch for every resource, demultiplexed into one watch cache per resource
// (k8s.io/apiserver pkg/storage/cacher, whose reflector runs one etcd watch per resource; see the
// README for why this runs one for all), and the publisher that puts each change on the event bus
// exactly once while this replica holds the leadership.
//
// Positions: `position` is the revision up to which every change under /registry/ has been applied.
// A watch delivers changes in revision order across all the keys it covers, so any change it
// delivers (a resource's, the leader key's, or the progress key written when idle) proves progress
// for every resource at once.
import type { GroupResource } from '@portico/api';
import {
  BusPayloadTooLargeError,
  type BusHeaders,
  type BusSubscription,
  type EventBusPort,
  ProgressMessage,
  WatchEventMessage,
  progressSubject,
  watchSubject,
} from '@portico/proto';
import { injectTraceContext } from '@portico/telemetry';
import type { Leadership } from './election';
import { registryRoot } from './keys';
import { CompactedError, type KVBackend, type KVEvent, type KVWatch, prefixEnd } from './kv';
import { type CacheEvent, WatchCache, type WatchCacheOptions } from './watch-cache';

/** Written when the store is idle, to prove progress; inside the watched range, outside every resource's prefix. */
export const progressKey = `${registryRoot}/portico.watch-progress`;
/** The key the publisher holds (a key per storage deployment, for every resource). */
export const defaultLeaderKey = `${registryRoot}/portico.storage-leader`;

const watchedStart = `${registryRoot}/`;
const watchedEnd = prefixEnd(watchedStart);
const emptyBytes = Buffer.alloc(0);

/** `/registry/<group|core>/<resource>/<rest>` → its resource, or undefined for any other key. */
export function resourceOfKey(key: string): { gr: GroupResource; prefix: string } | undefined {
  if (!key.startsWith(watchedStart)) return undefined;
  const g = key.indexOf('/', watchedStart.length);
  if (g < 0) return undefined;
  const r = key.indexOf('/', g + 1);
  if (r < 0 || r === key.length - 1) return undefined;
  const group = key.slice(watchedStart.length, g);
  return { gr: { group: group === 'core' ? '' : group, resource: key.slice(g + 1, r) }, prefix: key.slice(0, r + 1) };
}

export interface CacherOptions {
  kv: KVBackend;
  /** Where events are published while `leadership` makes this replica the publisher; none: never publish. */
  bus?: EventBusPort;
  leadership?: Leadership;
  cache?: WatchCacheOptions;
  /** How often an idle resource gets a progress message (jittered ±25%); default 1000 ms. */
  progressIntervalMs?: number;
  /** Resources whose caches start with the cacher; any other starts when first used or first changed. */
  preload?: readonly GroupResource[];
  /**
   * The backend delivers changes inside the write that made them (SQLite): the active trace context
   * at delivery is the write's own.
   */
  synchronousDelivery?: boolean;
  onError?: (e: unknown) => void;
}

interface Waiter {
  pred: () => boolean;
  done: (ok: boolean) => void;
}

/** One resource's cache and its place in the cacher. */
export class CachedResource {
  readonly cache: WatchCache;
  readonly watchSubject: string;
  readonly progressSubject: string;
  ready = false;
  /** Bumped each time the cache is re-listed after it had served: its events no longer chain to the earlier ones. */
  generation = 0;
  everReady = false;
  initToken = 0;
  pending: KVEvent[] = [];
  lastPublishAt = 0;

  constructor(
    readonly gr: GroupResource,
    readonly prefix: string,
    opts: WatchCacheOptions | undefined,
    private readonly cacher: Cacher,
  ) {
    this.cache = new WatchCache(opts);
    this.watchSubject = watchSubject(gr.group, gr.resource);
    this.progressSubject = progressSubject(gr.group, gr.resource);
  }

  /** The revision up to which the cache holds every change of the resource. */
  get revision(): number {
    return Math.max(this.cache.listedAt, this.cacher.position);
  }
}

export class Cacher {
  private readonly resources = new Map<string, CachedResource>();
  private readonly waiters = new Set<Waiter>();
  private readonly traces = new Map<number, BusHeaders>();
  private readonly onError: (e: unknown) => void;
  private readonly intervalMs: number;
  /** Every change under /registry/ up to this revision has been applied. */
  position = 0;
  private watch: KVWatch | undefined;
  private connected = false;
  private closed = false;
  private term: string | undefined;
  private lastChangeAt = 0;
  private lastLocalWrite = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private busSub: BusSubscription | undefined;
  private heartbeatInFlight = false;
  private watchGeneration = 0;

  constructor(private readonly opts: CacherOptions) {
    this.onError = opts.onError ?? (() => undefined);
    this.intervalMs = opts.progressIntervalMs ?? 1000;
  }

  start(): void {
    for (const gr of this.opts.preload ?? []) this.resource(gr);
    void this.startWatch();
    if (this.opts.bus !== undefined && this.opts.leadership !== undefined) {
      // After its own reconnect the publisher restates where every resource stands, so subscribers
      // that missed messages in the meantime notice at once rather than on the next tick.
      this.busSub = this.opts.bus.onDisruption((d) => {
        if (d.kind === 'reconnect') this.publishAllProgress();
      });
      this.opts.leadership.start((term) => this.onLeadership(term));
    }
    this.scheduleTick();
  }

  /** Whether this replica currently publishes (and its term). */
  get publisherTerm(): string | undefined {
    return this.term;
  }

  /** The resource's cache, started if it was not (ready or not). */
  resource(gr: GroupResource): CachedResource {
    const prefix = `${registryRoot}/${gr.group === '' ? 'core' : gr.group}/${gr.resource}/`;
    return this.resources.get(prefix) ?? this.create({ group: gr.group, resource: gr.resource }, prefix, undefined);
  }

  /** The resource's cache when it can serve now; undefined while it is (re)listing or the watch is down. */
  ready(gr: GroupResource): CachedResource | undefined {
    const r = this.resource(gr);
    return r.ready && this.watch !== undefined ? r : undefined;
  }

  /** Waits (up to `timeoutMs`) for the resource's cache to be ready. */
  async whenReady(gr: GroupResource, timeoutMs: number, signal?: AbortSignal): Promise<CachedResource | undefined> {
    const r = this.resource(gr);
    if (r.ready && this.watch !== undefined) return r;
    const ok = await this.waitUntil(() => r.ready && this.watch !== undefined, timeoutMs, signal);
    return ok ? r : undefined;
  }

  /**
   * Waits (up to `timeoutMs`) until the store watch has a starting point: every write committed
   * after that is seen, and published. Writes wait for it so that none made through this replica
   * slips in before the watch, where it would be in the caches' first list but never an event.
   */
  async whenWatching(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.watch !== undefined) return;
    await this.waitUntil(() => this.watch !== undefined, timeoutMs, signal);
  }

  /** Whether the store watch is connected (a disconnected cache cannot become fresher). */
  get live(): boolean {
    return this.watch !== undefined && this.connected;
  }

  private create(gr: GroupResource, prefix: string, listAt: number | undefined): CachedResource {
    const r = new CachedResource(gr, prefix, this.opts.cache, this);
    this.resources.set(prefix, r);
    if (this.watch !== undefined) this.initialize(r, listAt ?? this.position);
    return r;
  }

  // ---- the store watch ----------------------------------------------------------------------------

  private async startWatch(): Promise<void> {
    let backoff = 100;
    while (!this.closed) {
      try {
        const current = await this.opts.kv.currentRevision();
        if (this.closed) return;
        this.beginAt(current);
        return;
      } catch (e) {
        this.onError(e);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  private beginAt(revision: number): void {
    this.position = revision;
    this.connected = true;
    // Only the current watch speaks: a replaced one that still delivers would apply changes twice.
    const gen = ++this.watchGeneration;
    this.watch = this.opts.kv.watch(
      { start: watchedStart, end: watchedEnd, after: revision, progressKey },
      {
        onChanges: (events, rev) => {
          if (gen === this.watchGeneration) this.onChanges(events, rev);
        },
        onBroken: (err) => {
          if (gen === this.watchGeneration) this.onBroken(err);
        },
        onConnection: (up) => {
          if (gen === this.watchGeneration) this.connected = up;
        },
      },
    );
    for (const r of this.resources.values()) this.initialize(r, revision);
    this.wakeWaiters();
  }

  private onChanges(events: KVEvent[], revision: number): void {
    for (const ev of events) {
      const res = resourceOfKey(ev.kv.key);
      if (res === undefined) {
        this.opts.leadership?.observe(ev.kv.key, ev.type === 'delete');
        continue;
      }
      // A resource first seen through a change starts just before it, so that change is published.
      const r = this.resources.get(res.prefix) ?? this.create(res.gr, res.prefix, ev.kv.modRevision - 1);
      if (!r.ready) {
        r.pending.push(ev);
        continue;
      }
      try {
        this.apply(r, ev);
      } catch (e) {
        // The cache can no longer vouch for its state: it re-lists from this change on, under a new
        // generation, rather than carry on with a hole.
        this.onError(e);
        this.initialize(r, ev.kv.modRevision);
      }
    }
    if (revision > this.position) this.position = revision;
    this.lastChangeAt = Date.now();
    this.wakeWaiters();
  }

  /**
   * The watch cannot resume (its history was compacted, or the store lost it). Every cache re-lists
   * and starts a new generation: its next events do not chain to the earlier ones and carry a new
   * epoch, so subscribers replay, and get 410 if what they need is gone. Never a silent gap.
   */
  private onBroken(err: Error): void {
    this.onError(err);
    this.watchGeneration++;
    this.watch?.close();
    this.watch = undefined;
    for (const r of this.resources.values()) {
      r.ready = false;
      r.initToken++;
      r.pending = [];
    }
    void this.startWatch();
  }

  private initialize(r: CachedResource, listAt: number): void {
    const token = ++r.initToken;
    r.ready = false;
    r.pending = [];
    void (async () => {
      let backoff = 100;
      while (!this.closed && token === r.initToken) {
        try {
          const end = prefixEnd(r.prefix);
          let res;
          try {
            res = await this.opts.kv.range({ start: r.prefix, end, revision: listAt > 0 ? listAt : undefined });
          } catch (e) {
            // Too far behind for a read at that revision: list the latest; the changes up to it
            // that the watch delivers later are already in the list and are skipped.
            if (!(e instanceof CompactedError)) throw e;
            res = await this.opts.kv.range({ start: r.prefix, end });
          }
          if (this.closed || token !== r.initToken) return;
          r.cache.reset(res.revision, res.kvs);
          if (r.everReady) r.generation++;
          const pending = r.pending;
          r.pending = [];
          for (const ev of pending) this.apply(r, ev);
          r.ready = true;
          r.everReady = true;
          // Announce the (possibly new) epoch and where the resource stands.
          if (this.term !== undefined) this.publishProgress(r);
          this.wakeWaiters();
          return;
        } catch (e) {
          this.onError(e);
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
        }
      }
    })();
  }

  private apply(r: CachedResource, ev: KVEvent): void {
    const ce = r.cache.apply(ev);
    if (ce !== undefined && this.term !== undefined) this.publishEvent(r, ce);
  }

  // ---- publishing ---------------------------------------------------------------------------------

  private epoch(r: CachedResource): string {
    return `${this.term}.${r.generation}`;
  }

  private publishEvent(r: CachedResource, ce: CacheEvent): void {
    const bus = this.opts.bus;
    if (bus === undefined) return;
    const data = WatchEventMessage.encode({
      type: ce.type,
      resourceVersion: String(ce.revision),
      prevResourceVersion: String(ce.prevRevision),
      publisherEpoch: this.epoch(r),
      object: ce.object,
      prevObject: ce.prevObject ?? emptyBytes,
    }).finish();
    r.lastPublishAt = Date.now();
    try {
      bus.publish(r.watchSubject, data, this.traceFor(ce.revision));
    } catch (e) {
      // The event cannot travel on the bus (over its max payload, or the bus is closed). A progress
      // message naming it as the last event is the reference: every subscriber sees an event it
      // did not receive and replays it from storage, where no such limit applies.
      if (!(e instanceof BusPayloadTooLargeError)) this.onError(e);
      this.publishProgress(r);
    }
  }

  private publishProgress(r: CachedResource): void {
    const bus = this.opts.bus;
    if (bus === undefined || this.term === undefined || !r.ready) return;
    const last = r.cache.lastEventRevision;
    const data = ProgressMessage.encode({
      resourceVersion: String(Math.max(r.revision, last)),
      lastEventResourceVersion: String(last),
      publisherEpoch: this.epoch(r),
    }).finish();
    r.lastPublishAt = Date.now();
    try {
      bus.publish(r.progressSubject, data);
    } catch (e) {
      this.onError(e);
    }
  }

  private publishAllProgress(): void {
    for (const r of this.resources.values()) this.publishProgress(r);
  }

  private onLeadership(term: string | undefined): void {
    this.term = term;
    // A new publisher continues each resource's chain from its own cache, under its own epoch;
    // subscribers see the epoch change and replay.
    if (term !== undefined) this.publishAllProgress();
  }

  private traceFor(revision: number): BusHeaders | undefined {
    const noted = this.traces.get(revision);
    if (noted !== undefined) {
      this.traces.delete(revision);
      return noted;
    }
    if (this.opts.synchronousDelivery) {
      const h = injectTraceContext({});
      return Object.keys(h).length > 0 ? h : undefined;
    }
    return undefined;
  }

  /**
   * A write this replica made (its revision, and the trace context of the request): reads at
   * resourceVersion "0" wait briefly for the cache to include it, and its event carries the trace.
   */
  noteWrite(revision: number, headers: BusHeaders): void {
    if (revision > this.lastLocalWrite) this.lastLocalWrite = revision;
    if (this.opts.synchronousDelivery || revision <= this.position || Object.keys(headers).length === 0) return;
    this.traces.set(revision, headers);
    if (this.traces.size > 4096) {
      const oldest = this.traces.keys().next();
      if (!oldest.done) this.traces.delete(oldest.value);
    }
  }

  get lastWriteRevision(): number {
    return this.lastLocalWrite;
  }

  // ---- the periodic tick: progress, history expiry, idle heartbeat ------------------------------

  private scheduleTick(): void {
    if (this.closed) return;
    const jittered = this.intervalMs * (0.75 + Math.random() * 0.5);
    this.tickTimer = setTimeout(() => {
      try {
        this.tick();
      } catch (e) {
        this.onError(e);
      }
      this.scheduleTick();
    }, jittered);
    this.tickTimer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const r of this.resources.values()) {
      if (!r.ready) continue;
      r.cache.evict(now);
      if (this.term !== undefined && now - r.lastPublishAt >= this.intervalMs * 0.75) this.publishProgress(r);
    }
    // While nothing changes under /registry/, writes elsewhere (compaction's key, leases) still move
    // the store's revision. The publisher proves the caches current with one write of the progress
    // key, so progress messages and lists from the cache keep up with the revisions clients see.
    if (this.term !== undefined && this.live && now - this.lastChangeAt >= this.intervalMs && !this.heartbeatInFlight) {
      this.heartbeatInFlight = true;
      void this.opts.kv
        .currentRevision()
        .then(async (current) => {
          if (current > this.position) await this.watch?.requestProgress();
        })
        .catch((e: unknown) => this.onError(e))
        .finally(() => {
          this.heartbeatInFlight = false;
        });
    }
  }

  // ---- waiting for the cache ----------------------------------------------------------------------

  private wakeWaiters(): void {
    for (const w of [...this.waiters]) {
      if (w.pred()) w.done(true);
    }
  }

  /** Resolves true once `pred` holds (re-checked whenever the cache moves), false after `timeoutMs` or an abort. */
  waitUntil(pred: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (pred()) return Promise.resolve(true);
    if (timeoutMs <= 0 || this.closed || signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w: Waiter = {
        pred,
        done: (ok) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.waiters.delete(w);
          resolve(ok);
        },
      };
      const onAbort = () => w.done(false);
      const timer = setTimeout(() => w.done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(w);
    });
  }

  /**
   * Waits until the cache has every change up to `revision`. A progress write helps only once the
   * store is at that revision, so one is made after a short passive wait (when the store is simply
   * idle), not for revisions no one has written yet.
   */
  async waitForRevision(revision: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const reached = () => this.position >= revision;
    if (reached()) return true;
    const until = Date.now() + timeoutMs;
    if (await this.waitUntil(reached, Math.min(50, timeoutMs), signal)) return true;
    if (this.live) void this.watch?.requestProgress().catch((e: unknown) => this.onError(e));
    return this.waitUntil(reached, until - Date.now(), signal);
  }

  /**
   * k8s parity: the consistent read from cache (KEP-2340). Resolves true once the cache holds every
   * change up to the store's current revision at the call, proven by the watch itself; false when
   * that takes longer than `timeoutMs` (the caller reads from the store instead).
   */
  async waitFresh(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.live) return false;
    const until = Date.now() + timeoutMs;
    const current = await this.opts.kv.currentRevision({ deadline: until });
    const fresh = () => this.position >= current;
    if (fresh()) return true;
    if (await this.waitUntil(fresh, Math.min(50, timeoutMs), signal)) return true;
    while (Date.now() < until && this.live) {
      const proven = await this.watch?.requestProgress();
      if (proven !== undefined && proven >= current) return this.waitUntil(fresh, until - Date.now(), signal);
    }
    return fresh();
  }

  /** Compaction discarded history up to `revision` (on this replica's request). */
  compacted(revision: number): void {
    for (const r of this.resources.values()) r.cache.compacted(revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.tickTimer !== undefined) clearTimeout(this.tickTimer);
    this.busSub?.unsubscribe();
    await this.opts.leadership?.close();
    this.term = undefined;
    this.watchGeneration++;
    this.watch?.close();
    this.watch = undefined;
    for (const w of [...this.waiters]) w.done(false);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
