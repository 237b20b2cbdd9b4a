// The storage port with the watch cache in front of the store: kube-apiserver's CacheDelegator
// (k8s.io/apiserver pkg/storage/cacher/delegator.go, 1.33) decides, per request, whether the cache
// can answer; writes always go to the store. Watch replays come only from the cache.
import { type GroupResource, encodeContinue, isStatusError, parseResourceVersion, statusErrors } from '@portico/api';
import type {
  CallContext,
  CreateRequest,
  CreateResponse,
  CurrentRevisionResponse,
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  ResourceRef,
  StorageServicePort,
  UpdateRequest,
  UpdateResponse,
  WatchReplayRequest,
  WatchReplayResponse,
} from '@portico/proto';
import type { CachedResource, Cacher } from './cacher';
import { collectionPrefix, groupResourceOf, objectKey } from './keys';
import { type KVBackend, prefixEnd } from './kv';
import { type FieldsFor, type ObjectStore, type Predicate, compileSelectors, parseObject } from './object-store';
import { toProtoStatus, withStatus } from './status';
import type { CacheEntry } from './watch-cache';
import { stampBytes } from './versioner';

export interface CachedStoreOptions {
  fieldsFor: FieldsFor;
  /** How long a read for a revision the cache has not reached waits before 504; default 3000 ms. */
  resourceVersionWaitMs?: number;
  /** How long a consistent read waits for the cache to prove itself current before reading the store; default 3000 ms. */
  consistentReadWaitMs?: number;
  /** How long a watch replay waits for a cache that is (re)listing before 429; default 3000 ms. */
  readyWaitMs?: number;
}

const emptyBytes = Buffer.alloc(0);

/** Reads at resourceVersion "0" wait at most this long for the cache to include this replica's own writes. */
const ownWritesWaitMs = 1000;

function budget(ms: number, ctx?: CallContext): number {
  const left = ctx?.deadline === undefined ? ms : Math.min(ms, ctx.deadline - Date.now() - 50);
  return Math.max(0, left);
}

function message(m: Partial<WatchReplayResponse>): WatchReplayResponse {
  return { initialStateEndResourceVersion: '', caughtUpResourceVersion: '', ...m };
}

export class CachedStore implements StorageServicePort {
  private readonly waitMs: number;
  private readonly consistentWaitMs: number;
  private readonly readyWaitMs: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly kv: KVBackend,
    protected readonly cacher: Cacher,
    private readonly opts: CachedStoreOptions,
  ) {
    this.waitMs = opts.resourceVersionWaitMs ?? 3000;
    this.consistentWaitMs = opts.consistentReadWaitMs ?? 3000;
    this.readyWaitMs = opts.readyWaitMs ?? 3000;
  }

  /**
   * Waits until the cache is at least at `rv`. For 0 ("any") that is this replica's own last write,
   * briefly, and never an error; for N, the 504 "Too large resource version" after the wait.
   */
  private async atLeast(r: CachedResource, rv: number, original: string, ctx?: CallContext): Promise<void> {
    if (rv === 0) return this.ownWrites(r, ctx);
    if (r.revision >= rv) return;
    await this.cacher.waitForRevision(rv, budget(this.waitMs, ctx), ctx?.signal);
    if (r.revision < rv) throw statusErrors.tooLargeResourceVersion(original, r.revision, 1);
  }

  /**
   * Waits briefly for the cache to include this replica's own last write: beyond what
   * kube-apiserver promises for "0", a client never reads its own write back as missing through the
   * same replica, and a replay includes it.
   */
  private async ownWrites(r: CachedResource, ctx?: CallContext): Promise<void> {
    const own = this.cacher.lastWriteRevision;
    if (r.revision < own) await this.cacher.waitUntil(() => r.revision >= own, budget(ownWritesWaitMs, ctx), ctx?.signal);
  }

  /** atLeast, then (for N, which atLeast does not cover) this replica's own writes; "0" waits for them once. */
  private async atLeastWithOwnWrites(r: CachedResource, rv: number, original: string, ctx?: CallContext): Promise<void> {
    await this.atLeast(r, rv, original, ctx);
    if (rv !== 0) await this.ownWrites(r, ctx);
  }

  private async fresh(ctx?: CallContext): Promise<boolean> {
    try {
      return await this.cacher.waitFresh(budget(this.consistentWaitMs, ctx), ctx?.signal);
    } catch {
      // The store could not say where it is; reading from it will report the failure.
      return false;
    }
  }

  // ---- reads ----------------------------------------------------------------------------------------

  get(req: GetRequest, ctx?: CallContext): Promise<GetResponse> {
    // k8s parity: CacheDelegator.Get. "" reads the store; any other revision is served from the cache.
    if (req.resourceVersion === '') return this.store.get(req, ctx);
    return withStatus(
      async () => {
        const key = objectKey(req.ref);
        const rv = parseResourceVersion(req.resourceVersion);
        const gr = groupResourceOf(req.ref);
        const r = this.cacher.ready(gr);
        if (r === undefined) return this.store.get(req, ctx);
        await this.atLeast(r, rv, req.resourceVersion, ctx);
        const e = r.cache.get(key);
        if (e === undefined) throw statusErrors.notFound(gr, (req.ref as ResourceRef).name);
        return { object: e.object };
      },
      (status) => ({ object: emptyBytes, status }),
    );
  }

  list(req: ListRequest, ctx?: CallContext): Promise<ListResponse> {
    if (!this.servesList(req)) return this.store.list(req, ctx);
    return withStatus(
      async () => {
        const keyPrefix = collectionPrefix(req.ref);
        const pred = compileSelectors(req);
        const rv = parseResourceVersion(req.resourceVersion);
        const gr = groupResourceOf(req.ref);
        const r = this.cacher.ready(gr);
        if (r === undefined) return this.store.list(req, ctx);
        if (req.resourceVersion === '') {
          if (!(await this.fresh(ctx))) return this.store.list(req, ctx);
        } else {
          await this.atLeast(r, rv, req.resourceVersion, ctx);
        }
        // k8s parity: cacher.go computeListLimit, the limit is ignored at resourceVersion "0".
        const limit = req.resourceVersion === '0' ? 0 : Math.max(0, Number(req.limit === '' ? 0 : req.limit));
        return this.listFrom(r, gr, keyPrefix, pred, limit);
      },
      (status) => ({ items: [], resourceVersion: '', continue: '', status }),
    );
  }

  /**
   * k8s parity: delegator.ShouldDelegateList without cache snapshots. Exact reads, the legacy "N with
   * a limit", continue tokens and unknown matches go to the store; "" (consistent), "0" and
   * not-older-than N come from the cache.
   */
  private servesList(req: ListRequest): boolean {
    if (req.continue !== '') return false;
    switch (req.resourceVersionMatch) {
      case 'NotOlderThan':
        return req.resourceVersion !== '';
      case '': {
        const limited = req.limit !== '' && Number(req.limit) > 0;
        return !(limited && req.resourceVersion !== '' && req.resourceVersion !== '0');
      }
      default:
        return false;
    }
  }

  private matches(p: Predicate, gr: GroupResource, e: CacheEntry): boolean {
    if (p.label === undefined && p.field === undefined) return true;
    if (e.attrs === undefined) {
      const obj = parseObject(e.object, `the object at ${e.key}`);
      e.attrs = { labels: obj.metadata?.labels ?? {}, fields: this.opts.fieldsFor(gr, obj) };
    }
    if (p.label !== undefined && !p.label.matches(e.attrs.labels)) return false;
    if (p.field !== undefined && !p.field.matches(e.attrs.fields)) return false;
    return true;
  }

  /** One page from the cache, as cacher.go GetList builds it (continue tokens then read the store at that revision). */
  private listFrom(r: CachedResource, gr: GroupResource, keyPrefix: string, pred: Predicate, limit: number): ListResponse {
    const rev = r.revision;
    const entries = r.cache.list(keyPrefix);
    const items: Buffer[] = [];
    let lastKey = '';
    let hasMore = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as CacheEntry;
      if (this.matches(pred, gr, e)) {
        items.push(e.object);
        lastKey = e.key;
      }
      if (limit > 0 && items.length >= limit) {
        hasMore = i < entries.length - 1;
        break;
      }
    }
    const out: ListResponse = { items, resourceVersion: String(rev), continue: '' };
    if (hasMore) {
      out.continue = encodeContinue(`${lastKey}\u0000`, keyPrefix, rev);
      if (pred.label === undefined && pred.field === undefined) out.remainingItemCount = String(entries.length - limit);
    }
    return out;
  }

  currentRevision(ctx?: CallContext): Promise<CurrentRevisionResponse> {
    return this.store.currentRevision(ctx);
  }

  // ---- writes -------------------------------------------------------------------------------------

  async create(req: CreateRequest, ctx?: CallContext): Promise<CreateResponse> {
    await this.cacher.whenWatching(budget(this.readyWaitMs, ctx), ctx?.signal);
    return this.store.create(req, ctx);
  }

  async update(req: UpdateRequest, ctx?: CallContext): Promise<UpdateResponse> {
    await this.cacher.whenWatching(budget(this.readyWaitMs, ctx), ctx?.signal);
    return this.store.update(req, ctx);
  }

  async delete(req: DeleteRequest, ctx?: CallContext): Promise<DeleteResponse> {
    await this.cacher.whenWatching(budget(this.readyWaitMs, ctx), ctx?.signal);
    return this.store.delete(req, ctx);
  }

  // ---- watch replay -------------------------------------------------------------------------------

  async *watchReplay(req: WatchReplayRequest, ctx?: CallContext): AsyncIterable<WatchReplayResponse> {
    let messages: WatchReplayResponse[];
    try {
      messages = await this.replay(req, ctx);
    } catch (e) {
      if (!isStatusError(e)) throw e;
      yield message({ status: toProtoStatus(e.status) });
      return;
    }
    yield* messages;
  }

  /**
   * The replay, taken from the cache in one synchronous step once it is recent enough, so the
   * events, the marker and the caught-up revision describe one moment. Messages reference the
   * cache's buffers; nothing is copied or re-encoded.
   */
  private async replay(req: WatchReplayRequest, ctx?: CallContext): Promise<WatchReplayResponse[]> {
    const keyPrefix = collectionPrefix(req.ref);
    const exactKey = req.ref !== undefined && req.ref.name !== '' ? objectKey(req.ref) : undefined;
    const rv = parseResourceVersion(req.resourceVersion);
    const gr = groupResourceOf(req.ref);
    const r = await this.cacher.whenReady(gr, budget(this.readyWaitMs, ctx), ctx?.signal);
    if (r === undefined) {
      // k8s parity: cacher.go Watch on a cache that is not ready.
      throw statusErrors.tooManyRequests('storage is (re)initializing', 1);
    }

    if (req.sendInitialState) {
      if (req.resourceVersion === '') {
        if (!(await this.fresh(ctx))) return this.initialStateFromStore(keyPrefix, exactKey, ctx);
      } else {
        await this.atLeastWithOwnWrites(r, rv, req.resourceVersion, ctx);
      }
      const rev = r.revision;
      const entries = exactKey === undefined ? r.cache.list(keyPrefix) : [r.cache.get(exactKey)].filter((e): e is CacheEntry => e !== undefined);
      const out = entries.map((e) =>
        message({ event: { type: 'ADDED', resourceVersion: String(e.modRevision), object: e.object, prevObject: emptyBytes } }),
      );
      out.push(message({ initialStateEndResourceVersion: String(rev) }));
      out.push(message({ caughtUpResourceVersion: String(rev) }));
      return out;
    }

    await this.atLeastWithOwnWrites(r, rv, req.resourceVersion, ctx);
    if (rv === 0) {
      // Nothing to replay: the caller goes live from where the cache is.
      return [message({ caughtUpResourceVersion: String(r.revision) })];
    }
    const rev = r.revision;
    const out: WatchReplayResponse[] = [];
    for (const e of r.cache.eventsAfter(rv)) {
      if (exactKey !== undefined ? e.key !== exactKey : !e.key.startsWith(keyPrefix)) continue;
      out.push(
        message({
          event: { type: e.type, resourceVersion: String(e.revision), object: e.object, prevObject: e.prevObject ?? emptyBytes },
        }),
      );
    }
    out.push(message({ caughtUpResourceVersion: String(rev) }));
    return out;
  }

  /** The consistent initial state when the cache cannot prove itself current in time: one range of the store. */
  private async initialStateFromStore(keyPrefix: string, exactKey: string | undefined, ctx?: CallContext): Promise<WatchReplayResponse[]> {
    const out: WatchReplayResponse[] = [];
    let revision: number;
    const add = (value: Buffer, rev: number) =>
      out.push(message({ event: { type: 'ADDED', resourceVersion: String(rev), object: stampBytes(value, rev), prevObject: emptyBytes } }));
    if (exactKey !== undefined) {
      const res = await this.kv.get(exactKey, { deadline: ctx?.deadline });
      revision = res.revision;
      if (res.kv !== undefined) add(res.kv.value, res.kv.modRevision);
    } else {
      const res = await this.kv.range({ start: keyPrefix, end: prefixEnd(keyPrefix), deadline: ctx?.deadline });
      revision = res.revision;
      for (const kv of res.kvs) add(kv.value, kv.modRevision);
    }
    out.push(message({ initialStateEndResourceVersion: String(revision) }));
    out.push(message({ caughtUpResourceVersion: String(revision) }));
    return out;
  }
}
