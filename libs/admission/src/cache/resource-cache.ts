// An informer for admission's configuration (webhook configurations, policies, bindings,
// namespaces): a storage List, kept current from the event bus. The stream is checked the way
// the gateway's feeds check it — each event names the one before it and progress ticks name the
// last event — and anything that may have lost an event (a gap, a new publisher epoch, a bus
// disruption) makes the cache List again. Without a bus (tests, a bare chain) every read Lists.
import type { KubeObject } from '@portico/api';
import {
  ProgressMessage,
  WatchEventMessage,
  progressSubject,
  watchSubject,
  type BusSubscription,
  type CallContext,
  type EventBusPort,
  type StorageServicePort,
} from '@portico/proto';
import { listObjects } from '../plugins/cluster-state';

export interface ObjectSource {
  /** The current objects, sorted by namespace/name. */
  list(ctx?: CallContext): Promise<readonly KubeObject[]>;
  /** One object by namespace ('' for cluster-scoped) and name, undefined when there is none. */
  get(namespace: string, name: string, ctx?: CallContext): Promise<KubeObject | undefined>;
  close(): void;
}

const keyOf = (o: KubeObject): string => key(o.metadata?.namespace ?? '', o.metadata?.name ?? '');
const key = (namespace: string, name: string): string => `${namespace}/${name}`;

async function listAll(storage: StorageServicePort, group: string, resource: string, ctx?: CallContext): Promise<{ items: KubeObject[]; rv: number }> {
  // A resource the registry does not serve (yet) has no configuration: no items, revision 0.
  const { items, resourceVersion } = await listObjects(storage, group, resource, '', ctx);
  return { items, rv: Number(resourceVersion) };
}

function sorted(m: Map<string, KubeObject>): KubeObject[] {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}

/** Lists on every read: always current, for setups without a bus. */
export class ListingSource implements ObjectSource {
  constructor(
    private readonly storage: StorageServicePort,
    private readonly group: string,
    private readonly resource: string,
  ) {}

  async list(ctx?: CallContext): Promise<readonly KubeObject[]> {
    const { items } = await listAll(this.storage, this.group, this.resource, ctx);
    return sorted(new Map(items.map((o) => [keyOf(o), o])));
  }

  async get(namespace: string, name: string, ctx?: CallContext): Promise<KubeObject | undefined> {
    return (await this.list(ctx)).find((o) => keyOf(o) === key(namespace, name));
  }

  close(): void {}
}

/** List once, then follow the bus; relist whenever the stream may have lost something. */
export class WatchedSource implements ObjectSource {
  private objects = new Map<string, KubeObject>();
  private snapshot: KubeObject[] | undefined;
  private listRv = 0;
  private lastRv: number | undefined;
  private epoch: string | undefined;
  private loading: Promise<void> | undefined;
  private stale = true;
  private buffered: WatchEventMessage[] = [];
  private readonly subs: BusSubscription[];

  constructor(
    private readonly storage: StorageServicePort,
    bus: EventBusPort,
    private readonly group: string,
    private readonly resource: string,
  ) {
    this.subs = [
      bus.subscribe(watchSubject(group, resource), (m) => this.onEvent(WatchEventMessage.decode(m.data))),
      bus.subscribe(progressSubject(group, resource), (m) => this.onProgress(ProgressMessage.decode(m.data))),
      bus.onDisruption(() => this.invalidate()),
    ];
  }

  async list(ctx?: CallContext): Promise<readonly KubeObject[]> {
    while (this.stale) await this.load(ctx);
    this.snapshot ??= sorted(this.objects);
    return this.snapshot;
  }

  /** A map lookup: no sorted snapshot is built, so a per-request read stays cheap while objects change. */
  async get(namespace: string, name: string, ctx?: CallContext): Promise<KubeObject | undefined> {
    while (this.stale) await this.load(ctx);
    return this.objects.get(key(namespace, name));
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }

  private invalidate(): void {
    this.stale = true;
  }

  private load(ctx?: CallContext): Promise<void> {
    this.loading ??= (async () => {
      try {
        this.buffered = [];
        this.stale = false;
        const { items, rv } = await listAll(this.storage, this.group, this.resource, ctx);
        this.objects = new Map(items.map((o) => [keyOf(o), o]));
        this.snapshot = undefined;
        this.listRv = rv;
        this.lastRv = undefined;
        this.epoch = undefined;
        const pending = this.buffered;
        this.buffered = [];
        for (const e of pending) this.apply(e);
      } catch (e) {
        this.stale = true;
        throw e;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private onEvent(e: WatchEventMessage): void {
    if (this.stale) return;
    if (this.loading !== undefined) {
      this.buffered.push(e);
      return;
    }
    this.apply(e);
  }

  private apply(e: WatchEventMessage): void {
    const rv = Number(e.resourceVersion);
    const prev = Number(e.prevResourceVersion);
    if (rv <= this.listRv) return;
    if (this.epoch !== undefined && e.publisherEpoch !== this.epoch) return this.invalidate();
    // The first event after the List must follow something the List already saw.
    if (this.lastRv === undefined ? prev > this.listRv : prev !== this.lastRv) return this.invalidate();
    this.epoch = e.publisherEpoch;
    this.lastRv = rv;
    const obj = JSON.parse(Buffer.from(e.object).toString('utf8')) as KubeObject;
    if (e.type === 'DELETED') this.objects.delete(keyOf(obj));
    else this.objects.set(keyOf(obj), obj);
    this.snapshot = undefined;
  }

  private onProgress(p: ProgressMessage): void {
    if (this.stale || this.loading !== undefined) return;
    if (this.epoch !== undefined && p.publisherEpoch !== this.epoch) return this.invalidate();
    const last = Number(p.lastEventResourceVersion);
    if (last > Math.max(this.listRv, this.lastRv ?? 0)) this.invalidate();
  }
}

export function objectSource(storage: StorageServicePort, bus: EventBusPort | undefined, group: string, resource: string): ObjectSource {
  return bus === undefined ? new ListingSource(storage, group, resource) : new WatchedSource(storage, bus, group, resource);
}

/**
 * Cluster state the built-in plugins read often (quotas, limit ranges, priority and storage
 * classes): one watched cache per resource with a bus, a List per read without one.
 */
export class CachedLister {
  private readonly sources = new Map<string, ObjectSource>();

  constructor(
    private readonly storage: StorageServicePort,
    private readonly bus: EventBusPort | undefined,
  ) {}

  async list(group: string, resource: string, namespace: string, ctx?: CallContext): Promise<readonly KubeObject[]> {
    const key = `${group}/${resource}`;
    let source = this.sources.get(key);
    if (source === undefined) {
      source = objectSource(this.storage, this.bus, group, resource);
      this.sources.set(key, source);
    }
    const all = await source.list(ctx);
    return namespace === '' ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  close(): void {
    for (const s of this.sources.values()) s.close();
    this.sources.clear();
  }
}
