// The key-value backend under the object store: the few etcd operations kube-apiserver's etcd3 store
// uses (k8s.io/apiserver pkg/storage/etcd3), in the shape kine exposes them over SQL. Every backend
// gives the same answers for the same history, which the shared specs check. Keys are strings that
// sort by their UTF-8 bytes; values are opaque bytes; revisions are the store-wide counter that every
// write bumps by one (a resourceVersion is the revision that last modified a key).

/** One live key, as etcd's mvccpb.KeyValue. */
export interface KeyValue {
  key: string;
  value: Buffer;
  /** The revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** The revision of the last write to the key: the object's resourceVersion. */
  modRevision: number;
}

export interface ReadOptions {
  /** Read the state as of this revision; 0 or absent = the latest. */
  revision?: number;
  /** Allow a possibly stale read (etcd serializable); for resourceVersion "0". */
  stale?: boolean;
  /** Epoch ms after which the call should fail rather than wait. */
  deadline?: number;
}

export interface GetResult {
  kv?: KeyValue;
  /** The revision the read was served at (etcd's header revision). */
  revision: number;
}

export interface RangeRequest extends ReadOptions {
  /** Inclusive. */
  start: string;
  /** Exclusive. */
  end: string;
  /** At most this many keys; 0 or absent = all. */
  limit?: number;
  /** Also count every key in [start, end) at that revision (etcd's `count`). */
  count?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** Keys in the range remain after the last one returned. */
  more: boolean;
  /** Set when requested: how many keys the whole range holds at that revision. */
  count?: number;
  revision: number;
}

export interface WriteResult {
  /** Whether the condition held and the write (or the no-op) happened. */
  succeeded: boolean;
  /** The revision the write was committed at, or the store's revision when nothing was written. */
  revision: number;
  /**
   * After a successful create/update: the key as now stored. After a failed condition: the key as it
   * currently is, or undefined when it does not exist.
   */
  kv?: KeyValue;
}

export interface DeleteResult extends WriteResult {
  /** After a successful delete: the key as it was just before (etcd prev_kv). */
  prevKv?: KeyValue;
}

export type KVEventType = 'put' | 'delete';

/** One change, as an etcd watch event. */
export interface KVEvent {
  type: KVEventType;
  /** For a put, the new state; for a delete, the key with modRevision = the deletion revision and an empty value. */
  kv: KeyValue;
  /** The state before the change, when there was one. */
  prevKv?: KeyValue;
}

export interface KVWatchRequest {
  /** The watched keys: [start, end). */
  start: string;
  end: string;
  /** Deliver every change strictly after this revision. */
  after: number;
  /**
   * A key inside [start, end) that requestProgress may write (etcd): its change proves that the
   * watch has delivered everything committed before it. Callers ignore changes to it.
   */
  progressKey: string;
}

export interface KVWatchHandler {
  /**
   * Changes in revision order (possibly none). Once the call returns, every change in the range up to
   * `revision` has been delivered.
   */
  onChanges(events: KVEvent[], revision: number): void;
  /**
   * The watch cannot continue from its position: the history after it was compacted away
   * (CompactedError), or the store no longer has it (restored from an older backup). The watch has
   * stopped; the caller re-lists and watches again.
   */
  onBroken(err: Error): void;
  /** The connection to the store was lost (false) or is back (true); the watch resumes on its own. */
  onConnection?(connected: boolean): void;
}

export interface KVWatch {
  /**
   * Makes the watch prove progress: resolves with a revision at least the store's current one at the
   * call, up to which changes will be delivered soon (etcd writes progressKey, since etcd 3.4's own
   * progress requests can overtake pending events; SQLite delivers synchronously and needs nothing).
   */
  requestProgress(): Promise<number>;
  close(): void;
}

/**
 * The KV backend contract. Outcomes of conditions are values (succeeded: false); a rejected promise
 * means the backend failed or could not be reached, except for the two errors below, which every
 * implementation raises for the same situations.
 */
export interface KVBackend {
  get(key: string, opts?: ReadOptions): Promise<GetResult>;
  range(req: RangeRequest): Promise<RangeResult>;
  /** Writes `value` only if `key` does not exist (etcd `If(mod_revision==0) Put`). */
  create(key: string, value: Buffer, opts?: { deadline?: number }): Promise<WriteResult>;
  /**
   * Replaces the value of an existing key, only if its modRevision equals `expectedModRevision`
   * when given (etcd `If(mod==expected) Put Else Get`). A missing key never succeeds. When the
   * stored bytes already equal `value`, nothing is written and the current state is returned as a
   * success (kube-apiserver skips such no-op writes, so the resourceVersion does not move).
   */
  update(key: string, value: Buffer, expectedModRevision?: number, opts?: { deadline?: number }): Promise<WriteResult>;
  /** Deletes an existing key, only if its modRevision equals `expectedModRevision` when given; returns prevKv. */
  delete(key: string, expectedModRevision?: number, opts?: { deadline?: number }): Promise<DeleteResult>;
  currentRevision(opts?: { deadline?: number }): Promise<number>;
  /**
   * Discards history before `revision`: reads at a revision below it and history from before it
   * fail with CompactedError. Compacting to a revision at or below the compacted one is a no-op.
   */
  compact(revision: number): Promise<void>;
  /** The revision of the last compaction; 0 when never compacted. */
  compactedRevision(): Promise<number>;
  /**
   * Watches a key range from a revision (etcd Watch with prev_kv). The watch reconnects by itself
   * after a connection loss and resumes where it was; it stops (onBroken) only when that is impossible,
   * e.g. with a CompactedError when `after` is below the compacted revision.
   */
  watch(req: KVWatchRequest, handler: KVWatchHandler): KVWatch;
  close(): Promise<void>;
}

/** A read at, or history from, a revision that compaction has discarded. */
export class CompactedError extends Error {
  override readonly name = 'CompactedError';
  constructor(
    /** The revision asked for. */
    readonly requested: number,
    /** The compacted revision: the oldest one still readable. */
    readonly compactRevision: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted revision ${compactRevision})`);
  }
}

/** A read at a revision the store has not reached yet. */
export class FutureRevisionError extends Error {
  override readonly name = 'FutureRevisionError';
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`required revision ${requested} is a future revision (current revision ${current})`);
  }
}

/** A write the backend refused for its size (etcd's --max-request-bytes). */
export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

/**
 * The first key after every key that starts with `prefix` (etcd GetPrefixRangeEnd). Storage prefixes
 * end in "/", so incrementing the last (ASCII) character is enough.
 */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (prefix.length === 0 || last >= 0x7f) throw new Error(`prefixEnd: unsupported prefix ${JSON.stringify(prefix)}`);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
