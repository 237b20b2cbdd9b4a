// The etcd backend: the transactions of k8s.io/apiserver pkg/storage/etcd3/store.go over the raw etcd
// v3 gRPC API of the etcd3 client (its builders hide prev_kv, keys_only and the watch response fields
// this code needs). Ranges and gets are linearizable unless the caller allows a stale read.
import {
  Etcd3,
  GRPCOutOfRangeError,
  type ICompare,
  type IEvent,
  type IKeyValue,
  type IOptions,
  type ITxnRequest,
  type ITxnResponse,
  type IWatchCreateRequest,
  type IWatchResponse,
  type WatchClient,
} from 'etcd3';
import {
  CompactedError,
  type DeleteResult,
  FutureRevisionError,
  type GetResult,
  type KVBackend,
  type KVEvent,
  type KVWatch,
  type KVWatchHandler,
  type KVWatchRequest,
  type KeyValue,
  type RangeRequest,
  type RangeResult,
  type ReadOptions,
  RequestTooLargeError,
  type WriteResult,
} from './kv';
import { startCompactionLoop } from './compaction';

/** The key kube-apiserver's compactor coordinates through (compact.go compactRevKey). */
export const compactRevKey = 'compact_rev_key';

export interface EtcdBackendOptions {
  endpoints: string[];
  /** Run the compactor every this many ms; 0 or absent = never. */
  compactionIntervalMs?: number;
  /** Deadline for calls that carry none, in ms; default 30 s. */
  callTimeoutMs?: number;
  /** Receives failures of background work (compaction). */
  onError?: (e: unknown) => void;
  /** Told each revision this backend compacted to (by its loop or on request). */
  onCompacted?: (revision: number) => void;
}

const b = (s: string) => Buffer.from(s, 'utf8');
const num = (s: string | number | undefined | null) => (s === undefined || s === null ? 0 : Number(s));

function toKv(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value,
    createRevision: num(kv.create_revision),
    modRevision: num(kv.mod_revision),
  };
}

function isCompacted(e: unknown): boolean {
  return e instanceof GRPCOutOfRangeError && e.message.includes('required revision has been compacted');
}

function isFuture(e: unknown): boolean {
  return e instanceof GRPCOutOfRangeError && e.message.includes('required revision is a future revision');
}

function isTooLarge(e: unknown): boolean {
  return e instanceof Error && e.message.includes('request is too large');
}

// Above this size the no-op check of update is done by reading first (see updateLarge).
const valueCompareMaxBytes = 256 * 1024;

type WatchStream = Awaited<ReturnType<WatchClient['watch']>>;

export class EtcdBackend implements KVBackend {
  private readonly client: Etcd3;
  private readonly callTimeoutMs: number;
  private readonly stopCompaction: () => void;
  private readonly onCompacted: (revision: number) => void;
  private readonly streams = new Set<WatchStream>();
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(opts: EtcdBackendOptions) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.onCompacted = opts.onCompacted ?? (() => undefined);
    const clientOpts: IOptions = {
      hosts: opts.endpoints,
      dialTimeout: 5_000,
      // A list of many objects exceeds grpc-js' 4 MiB default; kube-apiserver lifts the limit too.
      grpcOptions: { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 },
    };
    this.client = new Etcd3(clientOpts);
    // k8s parity: compact.go. The Version of compact_rev_key is a logical clock shared by every
    // replica: whoever advances it compacts, the others learn the new time and skip this round.
    this.stopCompaction = startCompactionLoop(
      opts.compactionIntervalMs ?? 0,
      { time: 0, rev: 0 },
      async ({ time, rev }) => {
        const resp = await this.client.kv.txn(
          {
            compare: [{ key: b(compactRevKey), target: 'Version', result: 'Equal', version: time }],
            success: [{ request_put: { key: b(compactRevKey), value: b(String(rev)) } }],
            failure: [{ request_range: { key: b(compactRevKey) } }],
          },
          this.callOptions(),
        );
        const curRev = num(resp.header.revision);
        if (!resp.succeeded) {
          const kv = resp.responses[0]?.response_range?.kvs[0];
          return { time: num(kv?.version), rev: curRev };
        }
        if (rev !== 0) await this.compact(rev);
        return { time: time + 1, rev: curRev };
      },
      opts.onError,
    );
  }

  private callOptions(deadline?: number): { deadline: number } {
    return { deadline: deadline ?? Date.now() + this.callTimeoutMs };
  }

  /** Maps etcd's revision errors to the backend contract's. */
  private async mapReadError(e: unknown, revision: number): Promise<never> {
    if (isCompacted(e)) throw new CompactedError(revision, await this.compactedRevision());
    if (isFuture(e)) throw new FutureRevisionError(revision, await this.currentRevision());
    throw e;
  }

  async get(key: string, opts: ReadOptions = {}): Promise<GetResult> {
    const rev = opts.revision ?? 0;
    try {
      const res = await this.client.kv.range({ key: b(key), revision: rev, serializable: opts.stale === true }, this.callOptions(opts.deadline));
      const kv = res.kvs[0];
      return kv === undefined ? { revision: rev > 0 ? rev : num(res.header.revision) } : { kv: toKv(kv), revision: rev > 0 ? rev : num(res.header.revision) };
    } catch (e) {
      return this.mapReadError(e, rev);
    }
  }

  async range(req: RangeRequest): Promise<RangeResult> {
    const rev = req.revision ?? 0;
    try {
      const res = await this.client.kv.range(
        {
          key: b(req.start),
          range_end: b(req.end),
          revision: rev,
          limit: req.limit ?? 0,
          serializable: req.stale === true,
        },
        this.callOptions(req.deadline),
      );
      const out: RangeResult = { kvs: res.kvs.map(toKv), more: res.more, revision: rev > 0 ? rev : num(res.header.revision) };
      if (req.count) out.count = num(res.count);
      return out;
    } catch (e) {
      return this.mapReadError(e, rev);
    }
  }

  async create(key: string, value: Buffer, opts: { deadline?: number } = {}): Promise<WriteResult> {
    const resp = await this.txn(
      {
        compare: [{ key: b(key), target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: b(key), value } }],
        failure: [{ request_range: { key: b(key) } }],
      },
      opts.deadline,
    );
    const revision = num(resp.header.revision);
    if (resp.succeeded) return { succeeded: true, revision, kv: { key, value, createRevision: revision, modRevision: revision } };
    const cur = resp.responses[0]?.response_range?.kvs[0];
    return cur === undefined ? { succeeded: false, revision } : { succeeded: false, revision, kv: toKv(cur) };
  }

  async update(key: string, value: Buffer, expectedModRevision?: number, opts: { deadline?: number } = {}): Promise<WriteResult> {
    if (value.length > valueCompareMaxBytes) return this.updateLarge(key, value, expectedModRevision, opts.deadline);
    // Writing identical bytes is skipped inside the same transaction: the Value != new comparison
    // fails and the Else branch returns the current state, which is then recognized as a no-op.
    const compare: ICompare[] =
      expectedModRevision === undefined
        ? [{ key: b(key), target: 'Mod', result: 'Greater', mod_revision: 0 }]
        : [{ key: b(key), target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }];
    compare.push({ key: b(key), target: 'Value', result: 'NotEqual', value });
    const resp = await this.txn(
      {
        compare,
        success: [{ request_put: { key: b(key), value } }, { request_range: { key: b(key), keys_only: true } }],
        failure: [{ request_range: { key: b(key) } }],
      },
      opts.deadline,
    );
    const revision = num(resp.header.revision);
    if (resp.succeeded) {
      const meta = resp.responses[1]?.response_range?.kvs[0];
      return { succeeded: true, revision, kv: { key, value, createRevision: num(meta?.create_revision), modRevision: revision } };
    }
    const raw = resp.responses[0]?.response_range?.kvs[0];
    if (raw === undefined) return { succeeded: false, revision };
    const cur = toKv(raw);
    const conditionHeld = expectedModRevision === undefined || cur.modRevision === expectedModRevision;
    return { succeeded: conditionHeld && cur.value.equals(value), revision, kv: cur };
  }

  /**
   * update for values too large to send twice in one request (the comparison would double it past
   * etcd's request limit): read, compare locally, then write conditioned on the revision read. An
   * unconditional update retries when it loses a race, as GuaranteedUpdate does.
   */
  private async updateLarge(key: string, value: Buffer, expectedModRevision: number | undefined, deadline?: number): Promise<WriteResult> {
    for (;;) {
      const got = await this.get(key, { deadline });
      const cur = got.kv;
      if (cur === undefined) return { succeeded: false, revision: got.revision };
      if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) return { succeeded: false, revision: got.revision, kv: cur };
      if (cur.value.equals(value)) return { succeeded: true, revision: got.revision, kv: cur };
      const resp = await this.txn(
        {
          compare: [{ key: b(key), target: 'Mod', result: 'Equal', mod_revision: cur.modRevision }],
          success: [{ request_put: { key: b(key), value } }],
          failure: [{ request_range: { key: b(key), keys_only: true } }],
        },
        deadline,
      );
      const revision = num(resp.header.revision);
      if (resp.succeeded) return { succeeded: true, revision, kv: { key, value, createRevision: cur.createRevision, modRevision: revision } };
      if (expectedModRevision !== undefined) {
        // The key moved on (or went away) after the read: report its current state.
        const now = await this.get(key, { deadline });
        return now.kv === undefined ? { succeeded: false, revision: now.revision } : { succeeded: false, revision: now.revision, kv: now.kv };
      }
    }
  }

  async delete(key: string, expectedModRevision?: number, opts: { deadline?: number } = {}): Promise<DeleteResult> {
    const compare: ICompare[] =
      expectedModRevision === undefined
        ? [{ key: b(key), target: 'Mod', result: 'Greater', mod_revision: 0 }]
        : [{ key: b(key), target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }];
    const resp = await this.txn(
      {
        compare,
        success: [{ request_delete_range: { key: b(key), prev_kv: true } }],
        failure: [{ request_range: { key: b(key) } }],
      },
      opts.deadline,
    );
    const revision = num(resp.header.revision);
    if (resp.succeeded) {
      const prev = resp.responses[0]?.response_delete_range?.prev_kvs[0];
      return prev === undefined ? { succeeded: true, revision } : { succeeded: true, revision, prevKv: toKv(prev) };
    }
    const cur = resp.responses[0]?.response_range?.kvs[0];
    return cur === undefined ? { succeeded: false, revision } : { succeeded: false, revision, kv: toKv(cur) };
  }

  private async txn(req: ITxnRequest, deadline?: number): Promise<ITxnResponse> {
    try {
      return await this.client.kv.txn(req, this.callOptions(deadline));
    } catch (e) {
      if (isTooLarge(e)) throw new RequestTooLargeError((e as Error).message, { cause: e });
      throw e;
    }
  }

  async currentRevision(opts: { deadline?: number } = {}): Promise<number> {
    const res = await this.client.kv.range({ key: b(compactRevKey), count_only: true }, this.callOptions(opts.deadline));
    return num(res.header.revision);
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.client.kv.compact({ revision }, this.callOptions());
      this.onCompacted(revision);
    } catch (e) {
      // Already compacted at or past it (another replica, or an operator): nothing to do.
      if (isCompacted(e)) {
        this.onCompacted(revision);
        return;
      }
      if (isFuture(e)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw e;
    }
  }

  async compactedRevision(): Promise<number> {
    // etcd 3.4 does not report the compacted revision on reads, but a watch that starts below it is
    // cancelled with it. Only ask when a read at revision 1 proves that compaction happened, since
    // an uncompacted watch from revision 1 would replay history instead of being cancelled.
    try {
      await this.client.kv.range({ key: b(compactRevKey), revision: 1, count_only: true }, this.callOptions());
      return 0;
    } catch (e) {
      if (!isCompacted(e)) throw e;
    }
    const w = await this.openWatch({ key: b(compactRevKey), start_revision: 1 });
    try {
      for (;;) {
        const res = await w.next();
        if (res.canceled) return num(res.compact_revision);
      }
    } finally {
      w.close();
    }
  }

  watch(req: KVWatchRequest, handler: KVWatchHandler): KVWatch {
    const w = new EtcdWatch(this.client, req, handler, this.callTimeoutMs, () => this.compactedRevision(), (x) => this.watches.delete(x));
    this.watches.add(w);
    return w;
  }

  /** The etcd client, for what lives beside the KV contract (leader election). */
  get etcd(): Etcd3 {
    return this.client;
  }

  /** A single-watcher raw watch stream with a pull interface. */
  private async openWatch(create: IWatchCreateRequest): Promise<{ next(deadline?: number): Promise<IWatchResponse>; close(): void }> {
    const stream = await this.client.watchClient.watch();
    this.streams.add(stream);
    const queue: IWatchResponse[] = [];
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let closed = false;
    stream.on('data', (res: IWatchResponse) => {
      if (closed) return;
      queue.push(res);
      wake?.();
    });
    stream.on('error', (e: Error) => {
      failure ??= e;
      wake?.();
    });
    stream.on('end', () => {
      failure ??= new Error('etcd watch stream ended');
      wake?.();
    });
    const close = () => {
      if (closed) return;
      closed = true;
      this.streams.delete(stream);
      // A cancelled call reports CANCELLED; keep a listener so it is not an unhandled 'error'.
      stream.on('error', () => undefined);
      stream.cancel();
    };
    const next = async (deadline?: number): Promise<IWatchResponse> => {
      const until = deadline ?? Date.now() + this.callTimeoutMs;
      for (;;) {
        const res = queue.shift();
        if (res !== undefined) return res;
        if (failure !== undefined) throw failure;
        const left = until - Date.now();
        if (left <= 0) throw new Error('etcd watch: deadline exceeded');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            wake = undefined;
            resolve();
          };
        });
      }
    };
    stream.write({ create_request: create });
    try {
      const created = await next();
      if (!created.created) throw new Error('etcd watch: expected the creation response first');
    } catch (e) {
      close();
      throw e;
    }
    return { next, close };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCompaction();
    for (const w of [...this.watches]) w.close();
    for (const s of this.streams) {
      s.on('error', () => undefined);
      s.cancel();
    }
    this.streams.clear();
    this.client.close();
  }
}

function toEvent(ev: IEvent): KVEvent {
  const key = ev.kv.key.toString('utf8');
  const out: KVEvent =
    ev.type === 'Delete'
      ? { type: 'delete', kv: { key, value: Buffer.alloc(0), createRevision: 0, modRevision: num(ev.kv.mod_revision) } }
      : { type: 'put', kv: toKv(ev.kv) };
  if (ev.prev_kv !== null && ev.prev_kv !== undefined) out.prevKv = toKv(ev.prev_kv);
  return out;
}

/**
 * One etcd watch that survives connection losses: it reopens from the revision after the last one it
 * delivered (with backoff), so nothing is skipped and nothing is delivered twice. Only a compacted
 * resume point, or an etcd whose revision went backwards (restored from an older snapshot), stops it.
 */
class EtcdWatch implements KVWatch {
  private position: number;
  private stream: WatchStream | undefined;
  private closed = false;
  private connected = false;
  private backoffMs = backoffInitialMs;
  private retryTimer: NodeJS.Timeout | undefined;
  private progressInFlight: Promise<number> | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly req: KVWatchRequest,
    private readonly handler: KVWatchHandler,
    private readonly callTimeoutMs: number,
    private readonly compactedRevision: () => Promise<number>,
    private readonly onClosed: (w: EtcdWatch) => void,
  ) {
    this.position = req.after;
    void this.open();
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    const from = this.position;
    let stream: WatchStream;
    try {
      // etcd accepts a watch that starts exactly at the compacted revision, but a deletion at that
      // revision is gone by then: resuming there would skip it silently.
      const compacted = await this.compactedRevision();
      if (compacted > from) {
        if (!this.closed) this.stop(new CompactedError(from + 1, compacted));
        return;
      }
      stream = await this.client.watchClient.watch();
    } catch {
      this.retry();
      return;
    }
    if (this.closed) {
      stream.on('error', () => undefined);
      stream.cancel();
      return;
    }
    this.stream = stream;
    let failed = false;
    const fail = () => {
      if (failed || this.stream !== stream) return;
      failed = true;
      this.stream = undefined;
      stream.on('error', () => undefined);
      stream.cancel();
      if (this.connected) {
        this.connected = false;
        this.handler.onConnection?.(false);
      }
      this.retry();
    };
    stream.on('error', fail);
    stream.on('end', fail);
    stream.on('data', (res: IWatchResponse) => {
      if (this.stream !== stream || this.closed) return;
      if (res.canceled) {
        const compacted = num(res.compact_revision);
        this.stop(compacted > 0 ? new CompactedError(from + 1, compacted) : new Error(`etcd cancelled the watch: ${res.cancel_reason}`));
        return;
      }
      if (res.created) {
        // A store whose revision is behind what was already delivered lost that history.
        const rev = num(res.header.revision);
        if (rev < from) {
          this.stop(new Error(`etcd is at revision ${rev}, behind the ${from} already watched: its data was restored or replaced`));
          return;
        }
        this.backoffMs = backoffInitialMs;
        if (!this.connected) {
          this.connected = true;
          this.handler.onConnection?.(true);
        }
        if (res.events.length === 0) return;
      }
      if (res.events.length === 0) return;
      const events = res.events.map(toEvent);
      const last = events[events.length - 1] as KVEvent;
      this.position = last.kv.modRevision;
      this.handler.onChanges(events, this.position);
    });
    stream.write({
      create_request: { key: b(this.req.start), range_end: b(this.req.end), start_revision: from + 1, prev_kv: true },
    });
  }

  private retry(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, backoffMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.open();
    }, delay);
  }

  private stop(err: Error): void {
    this.close();
    this.handler.onBroken(err);
  }

  requestProgress(): Promise<number> {
    // k8s parity: cacher's progress requester, but with a write instead of etcd's
    // WatchProgressRequest, whose response etcd 3.4 (before 3.4.31) can send ahead of pending events.
    this.progressInFlight ??= this.client.kv
      .put({ key: b(this.req.progressKey), value: b(String(Date.now())) }, { deadline: Date.now() + this.callTimeoutMs })
      .then((res) => num(res.header.revision))
      .finally(() => {
        this.progressInFlight = undefined;
      });
    return this.progressInFlight;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    const s = this.stream;
    this.stream = undefined;
    if (s !== undefined) {
      s.on('error', () => undefined);
      s.cancel();
    }
    this.onClosed(this);
  }
}

const backoffInitialMs = 100;
const backoffMaxMs = 2000;

export function createEtcdBackend(opts: EtcdBackendOptions): EtcdBackend {
  return new EtcdBackend(opts);
}
