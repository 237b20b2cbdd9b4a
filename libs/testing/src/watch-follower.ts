// A model subscriber of the watch protocol, for tests: what a gateway does for one resource. It
// subscribes first, lists, replays from the list's revision, then follows the bus; whenever the
// stream may have lost something (a chain break, a new epoch, a progress message naming an event it
// did not get, a bus disruption) it replays from storage, and on 410 it relists. Tests compare its
// reconstructed state with the store's to prove that no event is ever lost silently.
import {
  type BusMessage,
  type BusSubscription,
  type EventBusPort,
  ProgressMessage,
  type StorageServicePort,
  WatchEventMessage,
  progressSubject,
  watchSubject,
} from '@portico/proto';

type Item = { kind: 'event'; msg: WatchEventMessage } | { kind: 'progress'; msg: ProgressMessage };

export interface FollowedObject {
  resourceVersion: number;
  object: Buffer;
}

export class ResourceFollower {
  /** namespace/name → the object as last seen. */
  readonly state = new Map<string, FollowedObject>();
  /** Revisions of every event applied, in order (from the bus or a replay). */
  readonly applied: number[] = [];
  /** Every publisher epoch seen. */
  readonly epochs = new Set<string>();
  replays = 0;
  relists = 0;
  errors: unknown[] = [];
  private lastRv = 0;
  private epoch: string | undefined;
  private busy: Promise<void> | undefined;
  private queue: Item[] = [];
  private readonly subs: BusSubscription[] = [];
  private stopped = false;

  /** `storage()` is asked each time, so a test can point the follower at a surviving replica. */
  constructor(
    private readonly bus: EventBusPort,
    private readonly storage: () => StorageServicePort,
    readonly group: string,
    readonly resource: string,
  ) {}

  async start(): Promise<void> {
    this.subs.push(
      this.bus.subscribe(watchSubject(this.group, this.resource), (m: BusMessage) => this.receive({ kind: 'event', msg: WatchEventMessage.decode(m.data) })),
      this.bus.subscribe(progressSubject(this.group, this.resource), (m: BusMessage) => this.receive({ kind: 'progress', msg: ProgressMessage.decode(m.data) })),
      this.bus.onDisruption(() => this.resync(false)),
    );
    await this.bus.flush();
    this.resync(true);
    await this.idle();
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
  }

  /** Resolves when no replay or relist is in flight. */
  async idle(): Promise<void> {
    while (this.busy !== undefined) await this.busy;
  }

  get lastResourceVersion(): number {
    return this.lastRv;
  }

  private receive(item: Item): void {
    if (this.stopped) return;
    if (this.busy !== undefined) {
      this.queue.push(item);
      return;
    }
    this.process(item);
  }

  private process(item: Item): void {
    const epoch = item.msg.publisherEpoch;
    this.epochs.add(epoch);
    const epochChanged = this.epoch !== undefined && epoch !== this.epoch;
    this.epoch = epoch;
    if (item.kind === 'event') {
      const m = item.msg;
      const rv = Number(m.resourceVersion);
      if (rv <= this.lastRv) return;
      const prev = Number(m.prevResourceVersion);
      // The follower knows everything up to lastRv: an event whose predecessor is at or below it
      // follows on with nothing missing in between; 0 means the publisher does not know.
      if (epochChanged || prev === 0 || prev > this.lastRv) {
        this.queue.push(item);
        this.resync(false);
        return;
      }
      this.apply(m.type, rv, Buffer.from(m.object));
      return;
    }
    if (epochChanged || Number(item.msg.lastEventResourceVersion) > this.lastRv) this.resync(false);
  }

  private apply(type: string, rv: number, object: Buffer): void {
    const meta = (JSON.parse(object.toString('utf8')) as { metadata: { name: string; namespace?: string } }).metadata;
    const key = `${meta.namespace ?? ''}/${meta.name}`;
    if (type === 'DELETED') this.state.delete(key);
    else this.state.set(key, { resourceVersion: rv, object });
    this.applied.push(rv);
    this.lastRv = rv;
  }

  private resync(relist: boolean): void {
    if (this.busy !== undefined || this.stopped) return;
    this.busy = (async () => {
      try {
        let needList = relist;
        for (let attempt = 0; ; attempt++) {
          if (needList) {
            await this.relist();
            needList = false;
          }
          const expired = await this.replay();
          if (!expired) break;
          needList = true;
          if (attempt > 5) throw new Error('replay keeps expiring');
        }
      } catch (e) {
        this.errors.push(e);
      } finally {
        this.busy = undefined;
        const queued = this.queue;
        this.queue = [];
        for (const item of queued) {
          if (this.busy !== undefined) this.queue.push(item);
          else this.process(item);
        }
      }
    })();
  }

  private async relist(): Promise<void> {
    this.relists++;
    const res = await this.storage().list({
      ref: { group: this.group, resource: this.resource, namespace: '', name: '' },
      resourceVersion: '',
      resourceVersionMatch: '',
      limit: '0',
      continue: '',
      labelSelector: '',
      fieldSelector: '',
    });
    if (res.status !== undefined) throw new Error(`list failed: ${res.status.message}`);
    this.state.clear();
    for (const item of res.items) {
      const o = JSON.parse(item.toString('utf8')) as { metadata: { name: string; namespace?: string; resourceVersion: string } };
      this.state.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, { resourceVersion: Number(o.metadata.resourceVersion), object: item });
    }
    this.lastRv = Number(res.resourceVersion);
  }

  /** Replays from lastRv; true when the history is gone (410). */
  private async replay(): Promise<boolean> {
    this.replays++;
    const stream = this.storage().watchReplay({
      ref: { group: this.group, resource: this.resource, namespace: '', name: '' },
      resourceVersion: String(this.lastRv),
      sendInitialState: false,
    });
    for await (const m of stream) {
      if (m.status !== undefined && m.status.code !== 0) {
        if (m.status.code === 410) return true;
        throw new Error(`replay failed: ${m.status.message}`);
      }
      if (m.event !== undefined) {
        const rv = Number(m.event.resourceVersion);
        if (rv > this.lastRv) this.apply(m.event.type, rv, Buffer.from(m.event.object));
      }
      if (m.caughtUpResourceVersion !== '') this.lastRv = Math.max(this.lastRv, Number(m.caughtUpResourceVersion));
    }
    return false;
  }
}

/** Subscribes, lists and replays; resolves once the follower is live. */
export async function followResource(
  bus: EventBusPort,
  storage: () => StorageServicePort,
  group: string,
  resource: string,
): Promise<ResourceFollower> {
  const f = new ResourceFollower(bus, storage, group, resource);
  await f.start();
  return f;
}
