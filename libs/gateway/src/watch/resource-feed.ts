// One subscription per resource per gateway, whatever the number of watchers (design-anchors
// §5.3). The feed checks that the stream it receives is gap-free — every event names the one
// before it, progress ticks name the last event, and the publisher's epoch is stable — and when it
// is not (a lost message, a new publisher, a bus reconnect) it replays from storage from its last
// revision. If that history is gone it ends its watchers with 410 so their clients relist. It
// never skips silently.
import { StatusError, statusErrors, type Status } from '@portico/api';
import {
  ProgressMessage,
  WatchEventMessage,
  progressSubject,
  watchSubject,
  type BusSubscription,
  type EventBusPort,
  type StorageServicePort,
  type WatchReplayResponse,
} from '@portico/proto';
import type { Logger } from '../logger';
import { fromProtoStatus } from '../store/port-status';
import { FeedEvent, type EventType } from './feed-event';

/** What a feed delivers to each watcher attached to it. */
export interface FeedListener {
  onEvent(e: FeedEvent): void;
  /** Everything up to rv has been delivered (progress while idle). */
  onProgress(rv: number): void;
  /** The stream cannot continue (history gone); the watcher must end with this status. */
  onExpired(status: Status): void;
}

const recentCapacity = 4096;

export class ResourceFeed {
  private readonly listeners = new Set<FeedListener>();
  private subs: BusSubscription[] = [];
  private lastRv: number | undefined;
  private epoch: string | undefined;
  private progressRv = 0;
  private replaying: Promise<void> | undefined;
  private pending: Array<{ kind: 'event'; msg: WatchEventMessage } | { kind: 'progress'; msg: ProgressMessage }> = [];
  /** The most recent events, in order, for watchers that start while they are in flight. */
  readonly recent: FeedEvent[] = [];

  constructor(
    readonly group: string,
    readonly resource: string,
    private readonly bus: EventBusPort,
    private readonly storage: StorageServicePort,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.subs.length > 0) return;
    this.subs.push(
      this.bus.subscribe(watchSubject(this.group, this.resource), (m) => this.receive({ kind: 'event', msg: WatchEventMessage.decode(m.data) })),
      this.bus.subscribe(progressSubject(this.group, this.resource), (m) => this.receive({ kind: 'progress', msg: ProgressMessage.decode(m.data) })),
    );
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
  }

  attach(l: FeedListener): void {
    this.listeners.add(l);
  }

  detach(l: FeedListener): void {
    this.listeners.delete(l);
  }

  get watcherCount(): number {
    return this.listeners.size;
  }

  /**
   * The revision a bookmark may name to a watcher that has seen everything up to `watcherRv`.
   * Progress is only the watcher's too when the watcher has every event the feed has delivered;
   * otherwise the bookmark names the watcher's own revision (a client that resumes from a bookmark
   * would never see what lies below it).
   */
  bookmarkRevision(watcherRv: number): number {
    if (this.lastRv === undefined || watcherRv < this.lastRv) return watcherRv;
    return Math.max(this.progressRv, watcherRv);
  }

  /**
   * A watcher has replayed from storage up to `rv`. A feed that knows nothing yet (just started, or
   * started afresh after its history was gone) takes that as where its stream stands, so that the
   * next message proves there was no gap after it, or makes the feed replay from it.
   */
  anchor(rv: number): void {
    if (this.lastRv === undefined && this.replaying === undefined) this.lastRv = rv;
  }

  /** The bus may have dropped messages: catch up from storage. */
  disrupted(): void {
    if (this.lastRv !== undefined) this.replayFrom(this.lastRv, 'bus disruption');
  }

  private receive(item: { kind: 'event'; msg: WatchEventMessage } | { kind: 'progress'; msg: ProgressMessage }): void {
    if (this.replaying !== undefined) {
      this.pending.push(item);
      return;
    }
    this.process(item);
  }

  private process(item: { kind: 'event'; msg: WatchEventMessage } | { kind: 'progress'; msg: ProgressMessage }): void {
    const epoch = item.msg.publisherEpoch;
    if (item.kind === 'event') {
      const m = item.msg;
      const rv = Number(m.resourceVersion);
      const prev = Number(m.prevResourceVersion);
      if (this.lastRv !== undefined && rv <= this.lastRv) return; // a duplicate (replayed already)
      // An event after the one before it names a gap; one whose predecessor is older than the
      // feed's revision follows an anchor (a replay's revision, not an event's) and is the next one.
      if (this.lastRv !== undefined && (epoch !== this.epoch || prev > this.lastRv)) {
        const why = epoch !== this.epoch ? 'publisher changed' : `gap before ${rv}`;
        this.epoch = epoch;
        this.pending.push(item);
        this.replayFrom(this.lastRv, why);
        return;
      }
      this.epoch = epoch;
      this.deliver(new FeedEvent(m.type as EventType, rv, prev, m.object, m.prevObject.length > 0 ? m.prevObject : undefined));
      return;
    }
    const p = item.msg;
    const lastEvent = Number(p.lastEventResourceVersion);
    // Progress proves nothing to a feed that does not know where its stream stands: it waits for
    // an anchor (a watcher's replay) or an event.
    if (this.lastRv === undefined) return;
    if (epoch !== this.epoch || lastEvent > this.lastRv) {
      this.epoch = epoch;
      this.replayFrom(this.lastRv, 'progress names an event this gateway did not receive');
      return;
    }
    this.epoch = epoch;
    this.progressRv = Math.max(this.progressRv, Number(p.resourceVersion));
    for (const l of this.listeners) l.onProgress(this.progressRv);
  }

  private deliver(e: FeedEvent): void {
    this.lastRv = e.rv;
    this.recent.push(e);
    if (this.recent.length > recentCapacity) this.recent.splice(0, this.recent.length - recentCapacity);
    for (const l of this.listeners) l.onEvent(e);
  }

  private replayFrom(rv: number, why: string): void {
    if (this.replaying !== undefined) return;
    this.logger.info({ group: this.group, resource: this.resource, fromRv: rv, why }, 'watch feed replaying from storage');
    this.replaying = (async () => {
      try {
        const { events, status, caughtUp } = await collectReplay(this.storage, this.group, this.resource, rv, false);
        if (status !== undefined) {
          this.logger.warn(
            { group: this.group, resource: this.resource, fromRv: rv, code: status.code, message: status.message, watchers: this.listeners.size },
            'watch feed cannot replay: ending its watchers',
          );
          this.expire(status);
        } else {
          let prev = rv;
          for (const e of events) {
            if (e.rv <= prev) continue;
            this.deliver(new FeedEvent(e.type, e.rv, prev, e.object, e.prevObject));
            prev = e.rv;
          }
          this.logger.info({ group: this.group, resource: this.resource, fromRv: rv, caughtUp, events: events.length }, 'watch feed caught up from storage');
        }
      } catch (err) {
        this.logger.warn({ err, group: this.group, resource: this.resource }, 'watch feed replay failed');
        this.expire(statusErrors.internal('the watch stream was interrupted').status);
      } finally {
        this.replaying = undefined;
        const queued = this.pending;
        this.pending = [];
        for (const item of queued) {
          if (this.replaying !== undefined) this.pending.push(item);
          else this.process(item);
        }
      }
    })();
  }

  /** The history this feed needed is gone: its watchers end with the status, and the feed starts afresh. */
  private expire(status: Status): void {
    this.lastRv = undefined;
    this.progressRv = 0;
    this.recent.length = 0;
    for (const l of [...this.listeners]) l.onExpired(status);
  }
}

export interface ReplayedEvent {
  type: EventType;
  rv: number;
  object: Buffer;
  prevObject: Buffer | undefined;
}

export interface ReplayResult {
  events: ReplayedEvent[];
  /** Set when the replay was refused (410 Expired when the revision is too old). */
  status: Status | undefined;
  /** The revision the replay caught up to. */
  caughtUp: number;
  /** With the initial state: the revision of that state (the initial-events-end marker). */
  initialStateEnd: number | undefined;
}

/** Runs a storage WatchReplay to its end. */
export async function collectReplay(
  storage: StorageServicePort,
  group: string,
  resource: string,
  fromRv: number,
  sendInitialState: boolean,
  scope: { namespace?: string; name?: string } = {},
  ctx: { deadline?: number; signal?: AbortSignal } = {},
): Promise<ReplayResult> {
  const out: ReplayResult = { events: [], status: undefined, caughtUp: fromRv, initialStateEnd: undefined };
  const stream = storage.watchReplay(
    {
      ref: { group, resource, namespace: scope.namespace ?? '', name: scope.name ?? '' },
      resourceVersion: sendInitialState && fromRv === 0 ? '' : String(fromRv),
      sendInitialState,
    },
    ctx,
  );
  for await (const m of stream as AsyncIterable<WatchReplayResponse>) {
    if (m.status !== undefined && m.status.code !== 0) {
      out.status = fromProtoStatus(m.status);
      return out;
    }
    if (m.event !== undefined) {
      out.events.push({
        type: m.event.type as EventType,
        rv: Number(m.event.resourceVersion),
        object: m.event.object,
        prevObject: m.event.prevObject.length > 0 ? m.event.prevObject : undefined,
      });
    }
    if (m.initialStateEndResourceVersion !== '') out.initialStateEnd = Number(m.initialStateEndResourceVersion);
    if (m.caughtUpResourceVersion !== '') out.caughtUp = Number(m.caughtUpResourceVersion);
  }
  return out;
}

export function expiredError(status: Status): StatusError {
  return new StatusError(status);
}
