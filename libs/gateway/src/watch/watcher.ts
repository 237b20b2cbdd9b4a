// One HTTP watch (k8s parity: cacher/cache_watcher.go and handlers/watch.go). Events from the
// feed are filtered by the watcher's namespace and selectors with kube-apiserver's transitions (an
// object that starts matching is ADDED, one that stops matching is DELETED), framed once per
// encoding and shared, and written with backpressure: a watcher that cannot keep up is ended so its
// client re-watches, instead of holding memory or slowing the others.
import type { ServerResponse } from 'node:http';
import { encodeProtobufObject, encodeProtobufWatchEvent, groupVersionString, toStatus, type JsonObject, type FieldSelector, type KubeObject, type LabelSelector, type Status } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { TableWatch } from '../handlers/table';
import type { FeedEvent } from './feed-event';
import type { FeedListener } from './resource-feed';

export interface WatcherOptions {
  desc: ResourceDescriptor;
  namespace: string;
  labelSelector: LabelSelector | undefined;
  fieldSelector: FieldSelector | undefined;
  allowBookmarks: boolean;
  /** Frames queued while the socket is full before the watcher is ended. */
  maxQueuedFrames: number;
  /** Table watches: each event becomes a one-row Table (column definitions on the first only), per watcher. */
  table: TableWatch | undefined;
  /** Protobuf framing (`application/vnd.kubernetes.protobuf;stream=watch`): length-prefixed WatchEvents. */
  protobuf: boolean;
  /**
   * Converts a stored object to the watch's version through the CRD's conversion webhook. Frames
   * are then built per watcher, in event order, after each conversion; a failed conversion ends
   * the watch with an ERROR event carrying the Status.
   */
  convert?: (obj: KubeObject) => Promise<KubeObject>;
}

type Delivered = { type: string; which: 'obj' | 'prev' };

const newline = Buffer.from('\n');

export class Watcher implements FeedListener {
  /** Events received from the feed before the watcher went live (it is replaying). */
  private pending: FeedEvent[] | undefined = [];
  private queue: Buffer[] = [];
  private blocked = false;
  private ended = false;
  lastRv = 0;
  private readonly version: string;
  private readonly onDone: Array<() => void> = [];
  /** Webhook conversions in flight, chained so that frames leave in event order. */
  private converting: Promise<void> = Promise.resolve();

  constructor(
    private readonly res: ServerResponse,
    private readonly o: WatcherOptions,
  ) {
    this.version = groupVersionString(o.desc.group, o.desc.version);
    res.on('drain', () => this.flush());
    res.once('close', () => this.finish());
  }

  get isEnded(): boolean {
    return this.ended;
  }

  whenDone(f: () => void): void {
    if (this.ended) f();
    else this.onDone.push(f);
  }

  // ---- feed listener -------------------------------------------------------------------------

  onEvent(e: FeedEvent): void {
    if (this.pending !== undefined) {
      this.pending.push(e);
      return;
    }
    this.send(e);
  }

  onProgress(_rv: number): void {}

  onExpired(status: Status): void {
    // Still replaying: its own replay says where it starts, and the feed, starting afresh, is
    // anchored or checked from there; nothing has been written yet (not even the headers).
    if (this.pending !== undefined) return;
    this.writeFrame(this.encode('ERROR', status as unknown as JsonObject));
    this.end();
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Events the feed delivered while the watcher was replaying; the watcher is live afterwards. */
  takePending(): FeedEvent[] {
    const p = this.pending ?? [];
    this.pending = undefined;
    return p;
  }

  /**
   * Sends one event if it concerns this watcher and is newer than what it has sent. An event whose
   * predecessor on the stream is newer than this watcher's revision means the watcher missed that
   * predecessor (its replay and the feed did not meet): the watch ends, cleanly, and the client
   * watches again from the last revision it received, which a fresh replay covers. Never a silent gap.
   */
  send(e: FeedEvent, initial = false): void {
    if (this.ended || e.rv <= this.lastRv) return;
    if (!initial && e.prevRv > this.lastRv) {
      this.end();
      return;
    }
    const d = initial ? this.deliverInitial(e) : this.deliver(e);
    this.lastRv = e.rv;
    if (d === undefined) return;
    if (this.o.convert !== undefined) return this.sendConverted(e, d, this.o.convert);
    const key = `${this.version}|${d.type}|${d.which}|${this.o.protobuf ? 'pb' : 'json'}`;
    this.writeFrame(this.o.table !== undefined ? this.buildFrame(e, d) : e.frame(key, () => this.buildFrame(e, d)));
  }

  private sendConverted(e: FeedEvent, d: Delivered, convert: (obj: KubeObject) => Promise<KubeObject>): void {
    const converted = convert(this.storedObject(e, d, true));
    this.converting = this.converting.then(async () => {
      let obj: KubeObject;
      try {
        obj = await converted;
      } catch (err) {
        if (this.ended) return;
        this.writeFrame(this.encode('ERROR', toStatus(err) as unknown as JsonObject));
        this.end();
        return;
      }
      if (this.ended) return;
      if (this.o.table !== undefined) this.writeFrame(this.o.table.frame(d.type, Buffer.from(JSON.stringify(obj))));
      else this.writeFrame(this.encode(d.type, obj as JsonObject));
    });
  }


  bookmark(rv: number, annotations?: Record<string, string>): void {
    if (this.ended || !this.o.allowBookmarks) return;
    const r = Math.max(rv, this.lastRv);
    const metadata: Record<string, unknown> = { resourceVersion: String(r), creationTimestamp: null };
    if (annotations !== undefined) metadata['annotations'] = annotations;
    const object = { kind: this.o.desc.kind, apiVersion: this.version, metadata };
    const write = () => {
      if (!this.ended) this.writeFrame(this.o.table !== undefined ? this.o.table.frame('BOOKMARK', object) : this.encode('BOOKMARK', object as JsonObject));
    };
    // A bookmark must not overtake an event still being converted.
    if (this.o.convert !== undefined) this.converting = this.converting.then(write);
    else write();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.queue.length === 0 || !this.blocked) this.res.end();
    else this.res.once('drain', () => this.res.end());
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    for (const f of this.onDone.splice(0)) f();
  }

  // ---- selection -----------------------------------------------------------------------------

  private matches(obj: KubeObject | undefined): boolean {
    if (obj === undefined) return false;
    if (this.o.namespace !== '' && (obj.metadata?.namespace ?? '') !== this.o.namespace) return false;
    if (this.o.labelSelector !== undefined && !this.o.labelSelector.matches(obj.metadata?.labels)) return false;
    if (this.o.fieldSelector !== undefined && !this.o.fieldSelector.matches(this.o.desc.selectableFields(obj))) return false;
    return true;
  }

  private get filters(): boolean {
    return this.o.namespace !== '' || this.o.labelSelector !== undefined || this.o.fieldSelector !== undefined;
  }

  private deliverInitial(e: FeedEvent): Delivered | undefined {
    return !this.filters || this.matches(e.obj) ? { type: 'ADDED', which: 'obj' } : undefined;
  }

  /** k8s parity: cacheWatcher.convertToWatchEvent. */
  private deliver(e: FeedEvent): Delivered | undefined {
    if (!this.filters) return { type: e.type, which: 'obj' };
    switch (e.type) {
      case 'ADDED':
        return this.matches(e.obj) ? { type: 'ADDED', which: 'obj' } : undefined;
      case 'DELETED':
        return this.matches(e.prev ?? e.obj) ? { type: 'DELETED', which: 'obj' } : undefined;
      case 'MODIFIED': {
        const cur = this.matches(e.obj);
        const old = this.matches(e.prev);
        if (cur && old) return { type: 'MODIFIED', which: 'obj' };
        if (cur) return { type: 'ADDED', which: 'obj' };
        if (old) return { type: 'DELETED', which: 'prev' };
        return undefined;
      }
    }
  }

  /**
   * The object a delivery carries, in storage form, copied when it may be changed. An object that
   * stopped matching leaves as its previous state at the event's revision.
   */
  private storedObject(e: FeedEvent, d: Delivered, copy: boolean): KubeObject {
    if (d.which === 'obj') return copy ? structuredClone(e.obj) : e.obj;
    const prev = structuredClone(e.prev as KubeObject);
    prev.metadata = { ...(prev.metadata ?? {}), resourceVersion: String(e.rv) };
    return prev;
  }

  private buildFrame(e: FeedEvent, d: Delivered): Buffer {
    const desc = this.o.desc;
    const converts = desc.fromStorage !== undefined;
    const versioned = (): KubeObject => {
      const obj = this.storedObject(e, d, converts);
      return desc.fromStorage !== undefined ? desc.fromStorage(obj) : obj;
    };
    if (this.o.protobuf) return this.encode(d.type, versioned() as JsonObject);
    const raw = d.which === 'prev' || converts ? Buffer.from(JSON.stringify(versioned())) : e.object;
    if (this.o.table !== undefined) return this.o.table.frame(d.type, raw);
    return Buffer.concat([Buffer.from(`{"type":"${d.type}","object":`), raw, Buffer.from('}\n')]);
  }


  /** One frame in the watcher's encoding (not for Table watches, which frame themselves). */
  private encode(type: string, object: JsonObject): Buffer {
    if (this.o.protobuf) return Buffer.from(encodeProtobufWatchEvent(type, encodeProtobufObject(object)));
    return Buffer.concat([Buffer.from(JSON.stringify({ type, object })), newline]);
  }

  // ---- writing -------------------------------------------------------------------------------

  private writeFrame(frame: Buffer): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    if (this.blocked) {
      this.queue.push(frame);
      if (this.queue.length > this.o.maxQueuedFrames) {
        // Too slow: drop the connection; the client re-watches from its last resourceVersion.
        this.queue = [];
        this.ended = true;
        this.res.destroy();
        this.finish();
      }
      return;
    }
    if (!this.res.write(frame)) this.blocked = true;
  }

  private flush(): void {
    this.blocked = false;
    while (this.queue.length > 0 && !this.blocked) {
      const f = this.queue.shift() as Buffer;
      if (!this.res.write(f)) this.blocked = true;
    }
  }
}
