// One stored resource kept current in a gateway (client-go's reflector, in the shape the gateway
// already has): a list from storage, then the resource's watch feed, which reaches the gateway over
// the event bus; a relist repairs whatever a feed interruption could have hidden. What is kept of
// the objects is the handler's business: the CRD informer keeps them all, the garbage collector
// only the few that own, are owned or carry its finalizers.
import type { KubeObject, Status } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { Logger } from '../logger';
import { parseObject, type GenericStore } from '../store/generic-store';
import type { FeedEvent } from '../watch/feed-event';
import type { FeedListener } from '../watch/resource-feed';
import type { WatchHub } from '../watch/watch-hub';
import { PeriodicSync } from './periodic';

export interface InformerHandler {
  /**
   * Everything storage held at `listRv`. Events the feed delivered while the list was in flight
   * may be newer than the list: compare resource versions before overwriting.
   */
  replace(objects: KubeObject[], listRv: number): void;
  /** One change, as the feed delivered it. */
  event(e: FeedEvent): void;
}

export interface InformerOptions {
  /** For log lines. */
  name: string;
  /** "" reads storage itself; "0" may be served from the storage cache (cheaper, maybe a little stale). */
  listResourceVersion?: '' | '0';
  /**
   * A relist every so often. Absent: the owner relists when it sees fit (the garbage collector
   * relists its many resources one after the other rather than on independent timers).
   */
  resyncMs?: number;
}

export const rvOf = (o: KubeObject | undefined): number => Number(o?.metadata?.resourceVersion ?? 0);

export class ResourceInformer implements FeedListener {
  private readonly resync: PeriodicSync | undefined;
  private synced = false;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly store: GenericStore,
    readonly desc: ResourceDescriptor,
    private readonly hub: WatchHub | undefined,
    private readonly handler: InformerHandler,
    private readonly logger: Logger,
    private readonly opts: InformerOptions,
  ) {
    this.resync = opts.resyncMs === undefined ? undefined : new PeriodicSync(opts.name, () => this.relist(), logger, opts.resyncMs);
  }

  /** Attaches to the feed; with a resync period, also lists at once and then periodically. */
  start(): void {
    // Attach before listing, so nothing written between the list and the attach is missed.
    this.hub?.feed(this.desc.storage.group, this.desc.storage.resource).attach(this);
    if (this.resync === undefined) return;
    void this.relist().catch((e: unknown) => this.logger.warn({ err: e }, `${this.opts.name}: first list failed, retrying`));
    this.resync.start();
  }

  stop(): void {
    this.resync?.stop();
    this.hub?.feed(this.desc.storage.group, this.desc.storage.resource).detach(this);
  }

  /** Resolves once a first list has been handed to the handler. */
  hasSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  get isSynced(): boolean {
    return this.synced;
  }

  async relist(): Promise<void> {
    const list = await this.store.list(
      this.desc,
      '',
      { resourceVersion: this.opts.listResourceVersion ?? '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' },
      { deadline: Date.now() + 10_000 },
    );
    this.handler.replace(list.items.map(parseObject), Number(list.resourceVersion));
    if (!this.synced) {
      this.synced = true;
      for (const w of this.waiting.splice(0)) w();
    }
  }

  onEvent(e: FeedEvent): void {
    this.handler.event(e);
  }

  onProgress(): void {}

  onExpired(_status: Status): void {
    void this.relist().catch((e: unknown) => this.logger.warn({ err: e }, `${this.opts.name}: relist after expired feed failed`));
  }
}
