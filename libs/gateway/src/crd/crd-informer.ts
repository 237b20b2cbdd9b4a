// Every gateway's view of the CustomResourceDefinitions (k8s parity: the shared CRD informer of
// apiextensions-apiserver). A list from storage, then the CRD watch feed the gateway already
// receives over the event bus, so that a CRD change reaches every gateway replica within the
// bus's latency; a periodic relist repairs anything a feed interruption could have hidden.
import type { KubeObject, Status } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { Logger } from '../logger';
import { PeriodicSync } from '../controllers/periodic';
import { parseObject, type GenericStore } from '../store/generic-store';
import type { FeedEvent } from '../watch/feed-event';
import type { FeedListener } from '../watch/resource-feed';
import type { WatchHub } from '../watch/watch-hub';

export type CrdListener = (crds: ReadonlyMap<string, KubeObject>) => void;

const rvOf = (o: KubeObject | undefined): number => Number(o?.metadata?.resourceVersion ?? 0);

export class CustomResourceDefinitionInformer implements FeedListener {
  private readonly crds = new Map<string, KubeObject>();
  private readonly listeners: CrdListener[] = [];
  private readonly resync: PeriodicSync;
  private synced = false;
  private notifyQueued = false;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly store: GenericStore,
    private readonly crdDescriptor: ResourceDescriptor,
    private readonly hub: WatchHub | undefined,
    private readonly logger: Logger,
    /** Without a watch feed the relist is the only source, so it runs often. */
    resyncMs = hub === undefined ? 1_000 : 10_000,
  ) {
    this.resync = new PeriodicSync('crd informer', () => this.relist(), logger, resyncMs);
  }

  start(): void {
    // Attach before listing, so nothing written between the list and the attach is missed.
    this.hub?.feed(this.crdDescriptor.storage.group, this.crdDescriptor.storage.resource).attach(this);
    void this.relist().catch((e: unknown) => this.logger.warn({ err: e }, 'crd informer: first list failed, retrying'));
    this.resync.start();
  }

  stop(): void {
    this.resync.stop();
    this.hub?.feed(this.crdDescriptor.storage.group, this.crdDescriptor.storage.resource).detach(this);
  }

  onChange(l: CrdListener): void {
    this.listeners.push(l);
  }

  /** The CRDs as last seen, by name. */
  list(): ReadonlyMap<string, KubeObject> {
    return this.crds;
  }

  get(name: string): KubeObject | undefined {
    return this.crds.get(name);
  }

  /** Resolves once the first list has been read. */
  hasSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Replaces the view with what storage holds now (a newer object seen on the feed is kept). */
  async relist(): Promise<void> {
    const list = await this.store.list(
      this.crdDescriptor,
      '',
      { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' },
      { deadline: Date.now() + 10_000 },
    );
    const listRv = Number(list.resourceVersion);
    const seen = new Set<string>();
    let changed = false;
    for (const raw of list.items) {
      const crd = parseObject(raw);
      const name = crd.metadata?.name ?? '';
      seen.add(name);
      const known = this.crds.get(name);
      if (known === undefined || rvOf(known) < rvOf(crd)) {
        this.crds.set(name, crd);
        changed = true;
      }
    }
    for (const [name, crd] of this.crds) {
      // Deleted since: unless the feed brought it after the list was taken.
      if (!seen.has(name) && rvOf(crd) <= listRv) {
        this.crds.delete(name);
        changed = true;
      }
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.waiting.splice(0)) w();
      changed = true;
    }
    if (changed) this.notify();
  }

  // ---- feed listener -------------------------------------------------------------------------

  onEvent(e: FeedEvent): void {
    const crd = e.type === 'DELETED' ? (e.prev ?? e.obj) : e.obj;
    const name = crd.metadata?.name ?? '';
    const known = this.crds.get(name);
    if (e.type === 'DELETED') {
      if (known !== undefined && rvOf(known) <= e.rv) this.crds.delete(name);
    } else if (known === undefined || rvOf(known) < e.rv) {
      this.crds.set(name, e.obj);
    }
    this.notify();
  }

  onProgress(): void {}

  onExpired(_status: Status): void {
    void this.relist().catch((e: unknown) => this.logger.warn({ err: e }, 'crd informer: relist after expired feed failed'));
  }

  /** Listeners run once per burst of changes, after the current turn. */
  private notify(): void {
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const l of this.listeners) {
        try {
          l(this.crds);
        } catch (err) {
          this.logger.warn({ err }, 'crd informer: a listener failed');
        }
      }
    });
  }
}
