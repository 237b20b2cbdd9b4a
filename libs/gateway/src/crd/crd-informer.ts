// Every gateway's view of the CustomResourceDefinitions (k8s parity: the shared CRD informer of
// apiextensions-apiserver). A list from storage, then the CRD watch feed the gateway already
// receives over the event bus, so that a CRD change reaches every gateway replica within the
// bus's latency; a periodic relist repairs anything a feed interruption could have hidden.
import type { KubeObject } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { Logger } from '../logger';
import { ResourceInformer, rvOf, type InformerHandler } from '../controllers/informer';
import type { GenericStore } from '../store/generic-store';
import type { FeedEvent } from '../watch/feed-event';
import type { WatchHub } from '../watch/watch-hub';

export type CrdListener = (crds: ReadonlyMap<string, KubeObject>) => void;

export class CustomResourceDefinitionInformer implements InformerHandler {
  private readonly crds = new Map<string, KubeObject>();
  private readonly listeners: CrdListener[] = [];
  private readonly informer: ResourceInformer;
  private notifyQueued = false;

  constructor(
    store: GenericStore,
    crdDescriptor: ResourceDescriptor,
    hub: WatchHub | undefined,
    private readonly logger: Logger,
    /** Without a watch feed the relist is the only source, so it runs often. */
    resyncMs = hub === undefined ? 1_000 : 10_000,
  ) {
    this.informer = new ResourceInformer(store, crdDescriptor, hub, this, logger, { name: 'crd informer', resyncMs });
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
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
    return this.informer.hasSynced();
  }

  /** Replaces the view with what storage holds now (a newer object seen on the feed is kept). */
  relist(): Promise<void> {
    return this.informer.relist();
  }

  // ---- informer handler ----------------------------------------------------------------------

  replace(objects: KubeObject[], listRv: number): void {
    const seen = new Set<string>();
    // The first list is news even when empty: listeners learn there are no CRDs.
    let changed = !this.informer.isSynced;
    for (const crd of objects) {
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
    if (changed) this.notify();
  }

  event(e: FeedEvent): void {
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

  /**
   * A CRD this gateway has just written (kube's mutation cache): taken in at once, listeners run
   * before the caller goes on, so that the writer's next request already sees what it wrote.
   */
  observe(crd: KubeObject): void {
    const name = crd.metadata?.name ?? '';
    const known = this.crds.get(name);
    if (known !== undefined && rvOf(known) >= rvOf(crd)) return;
    this.crds.set(name, crd);
    this.notifyListeners();
  }

  /** Listeners run once per burst of changes, after the current turn. */
  private notify(): void {
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      this.notifyListeners();
    });
  }

  private notifyListeners(): void {
    for (const l of this.listeners) {
      try {
        l(this.crds);
      } catch (err) {
        this.logger.warn({ err }, 'crd informer: a listener failed');
      }
    }
  }
}
