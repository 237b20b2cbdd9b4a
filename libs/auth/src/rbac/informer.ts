// Keeps an in-memory copy of one resource current: a storage List, then the watch events the
// storage publisher puts on the bus. Like client-go's reflector it relists whenever it cannot
// prove the stream is complete (an event whose predecessor it never saw, a new publisher, a
// progress tick naming an unseen event, a bus disruption). Relisting a few RBAC objects is cheap,
// so there is no replay path here (the gateway's watch feed replays, because its clients cannot relist).
import {
  ProgressMessage,
  WatchEventMessage,
  progressSubject,
  watchSubject,
  type BusSubscription,
  type EventBusPort,
  type StorageServicePort,
} from '@portico/proto';

export interface InformerHandler {
  replace(objects: object[]): void;
  upsert(obj: object): void;
  remove(obj: object): void;
}

export interface InformerLogger {
  warn(obj: object, msg: string): void;
}

type Queued = { kind: 'event'; msg: WatchEventMessage } | { kind: 'progress'; msg: ProgressMessage };

export interface InformerOptions {
  /** Wait before retrying a failed list; default 1 s. */
  retryMs?: number;
  pageSize?: number;
  logger?: InformerLogger;
}

export class Informer {
  private subs: BusSubscription[] = [];
  private lastRv: number | undefined;
  private epoch: string | undefined;
  private listing = false;
  private queued: Queued[] = [];
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private syncedResolve!: () => void;
  /** Resolves after the first complete list. */
  readonly synced: Promise<void>;
  private hasSynced = false;

  constructor(
    readonly group: string,
    readonly resource: string,
    private readonly storage: StorageServicePort,
    private readonly bus: EventBusPort,
    private readonly handler: InformerHandler,
    private readonly opts: InformerOptions = {},
  ) {
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
  }

  get isSynced(): boolean {
    return this.hasSynced;
  }

  start(): void {
    if (this.subs.length > 0 || this.stopped) return;
    this.subs.push(
      this.bus.subscribe(watchSubject(this.group, this.resource), (m) => this.receive({ kind: 'event', msg: WatchEventMessage.decode(m.data) })),
      this.bus.subscribe(progressSubject(this.group, this.resource), (m) => this.receive({ kind: 'progress', msg: ProgressMessage.decode(m.data) })),
      this.bus.onDisruption(() => this.relist()),
    );
    this.relist();
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
  }

  private receive(item: Queued): void {
    if (this.listing || this.lastRv === undefined) {
      this.queued.push(item);
      return;
    }
    this.process(item);
  }

  private process(item: Queued): void {
    const last = this.lastRv;
    if (last === undefined) return;
    const epoch = item.msg.publisherEpoch;
    if (this.epoch !== undefined && epoch !== this.epoch) {
      this.epoch = epoch;
      this.relist();
      return;
    }
    this.epoch = epoch;
    if (item.kind === 'progress') {
      if (Number(item.msg.lastEventResourceVersion) > last) this.relist();
      return;
    }
    const m = item.msg;
    const rv = Number(m.resourceVersion);
    if (rv <= last) return; // already in the list or seen
    if (Number(m.prevResourceVersion) > last) {
      this.relist();
      return;
    }
    this.lastRv = rv;
    let obj: object;
    try {
      obj = JSON.parse(Buffer.from(m.object).toString('utf8')) as object;
    } catch {
      return;
    }
    if (m.type === 'DELETED') this.handler.remove(obj);
    else this.handler.upsert(obj);
  }

  private relist(): void {
    if (this.listing || this.stopped) return;
    this.listing = true;
    void this.list().then(
      () => {
        this.listing = false;
        const queued = this.queued;
        this.queued = [];
        for (const q of queued) {
          if (this.listing) this.queued.push(q);
          else this.process(q);
        }
        if (!this.hasSynced) {
          this.hasSynced = true;
          this.syncedResolve();
        }
      },
      (err: unknown) => {
        this.listing = false;
        this.opts.logger?.warn({ err, group: this.group, resource: this.resource }, 'informer list failed, retrying');
        if (!this.stopped) this.retryTimer = setTimeout(() => this.relist(), this.opts.retryMs ?? 1_000);
      },
    );
  }

  private async list(): Promise<void> {
    const items: object[] = [];
    let cont = '';
    let rv = '';
    do {
      const res = await this.storage.list(
        {
          ref: { group: this.group, resource: this.resource, namespace: '', name: '' },
          // Later pages must come from the first page's snapshot, which the continue token carries.
          resourceVersion: '',
          resourceVersionMatch: '',
          limit: String(this.opts.pageSize ?? 500),
          continue: cont,
          labelSelector: '',
          fieldSelector: '',
        },
        { deadline: Date.now() + 30_000 },
      );
      if (res.status !== undefined && res.status.code !== 0) throw new Error(`list ${this.resource}: ${res.status.message}`);
      for (const b of res.items) items.push(JSON.parse(Buffer.from(b).toString('utf8')) as object);
      cont = res.continue;
      rv = res.resourceVersion;
    } while (cont !== '');
    this.handler.replace(items);
    this.lastRv = Number(rv);
  }
}
