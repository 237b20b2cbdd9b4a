// k8s parity: kube-controller-manager's garbage collector (pkg/controller/garbagecollector): a graph
// fed by informers. Portico has no controller manager, so each gateway runs it. It honours the two
// GC finalizers and background deletion:
// - `foregroundDeletion` on an owner being deleted: its dependents are deleted first, then the
//   finalizer is removed (and the owner goes);
// - `orphan`: the owner's reference is removed from its dependents, then the finalizer;
// - an object whose owners are all gone is deleted (background cascading deletion).
// Every step is idempotent (deletes of the absent, CAS updates), so gateway replicas may all run it.
//
// The graph holds only the objects that matter (those with owner references or a GC finalizer),
// not every object: owners are looked up in storage when a dependent needs them, and an owner
// confirmed there is remembered until its deletion arrives on the feed. One list per resource
// builds the graph, the gateway's watch feeds keep it current, and a slow relist is the safety
// net. Without an event bus there are no feeds, and the relist runs often, as the whole mechanism.
import { isPlainObject, isStatusError, parseGroupVersion, type KubeObject, type OwnerReference } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { ApiResources } from '../discovery/api-resources';
import type { Logger } from '../logger';
import { parseObject, type GenericStore, type WriteOptions } from '../store/generic-store';
import type { FeedEvent } from '../watch/feed-event';
import type { WatchHub } from '../watch/watch-hub';
import { ResourceInformer, rvOf } from './informer';
import { PeriodicSync } from './periodic';

const gcUser = { username: 'system:serviceaccount:kube-system:generic-garbage-collector', uid: '', groups: ['system:masters'], extra: {} };

export interface Stored {
  desc: ResourceDescriptor;
  obj: KubeObject;
}

export interface GarbageCollectorOptions {
  /** How often resources added at run time are picked up and failed first lists retried. */
  tickMs?: number;
  /** The full relist; without a bus it is the only source, so it defaults to every tick. */
  resyncMs?: number;
}

const storageKey = (d: ResourceDescriptor) => `${d.storage.group}/${d.storage.resource}`;
const uidOf = (o: KubeObject) => o.metadata?.uid ?? '';
const refsOf = (o: KubeObject): OwnerReference[] => o.metadata?.ownerReferences ?? [];
const deleting = (o: KubeObject) => o.metadata?.deletionTimestamp !== undefined && o.metadata.deletionTimestamp !== null;
// Cheap enough to run on every event's raw bytes: an object without these words cannot matter.
const markers = ['ownerReferences', 'orphan', 'foregroundDeletion'];

export class GarbageCollector {
  private readonly loop: PeriodicSync;
  private readonly resyncMs: number;
  private lastFullPass = 0;
  private stopped = false;
  private resourcesKey: unknown;
  private readonly informers = new Map<string, ResourceInformer>();

  /** The graph: objects that matter by uid, and the dependents of each owner uid. */
  private readonly objects = new Map<string, Stored>();
  private readonly dependents = new Map<string, Set<string>>();
  /** Owners read from storage, by uid: the lookups (see ownerLookup) that found them, and in which pass. */
  private readonly confirmed = new Map<string, { keys: Set<string>; pass: number }>();
  private pass = 0;
  /**
   * Recent news (this and the previous relist period) that a list from the storage cache, or a
   * read in flight, may not have seen yet: uids deleted (uids are never reused), and the revision
   * at which an object left the graph while staying in storage.
   */
  private deleted = new Set<string>();
  private deletedBefore = new Set<string>();
  private left = new Map<string, number>();
  private leftBefore = new Map<string, number>();
  /** Uids seen by the relist in progress (to forget confirmed owners that are gone). */
  private seen: Set<string> | undefined;

  private readonly dirty = new Set<string>();
  private draining: Promise<void> | undefined;
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: GenericStore,
    private readonly api: ApiResources,
    private readonly logger: Logger,
    private readonly hub?: WatchHub,
    opts: GarbageCollectorOptions = {},
  ) {
    const tickMs = opts.tickMs ?? 2_000;
    this.resyncMs = opts.resyncMs ?? (hub === undefined ? tickMs : 60_000);
    this.loop = new PeriodicSync('garbage collector', () => this.tick(), logger, tickMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.stopped = true;
    this.loop.stop();
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
  }

  /** The objects the graph holds (for tests and diagnostics). */
  get size(): number {
    return this.objects.size;
  }

  /** Resolves once nothing is queued. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private async tick(): Promise<void> {
    if (Date.now() - this.lastFullPass >= this.resyncMs) return this.syncAll();
    this.syncResources();
    // A resource added at run time, or whose first list failed.
    for (const i of this.informers.values()) if (!i.isSynced) await this.listOne(i);
    await this.idle();
  }

  /** Relists every resource, then looks at every object of the graph again. */
  async syncAll(): Promise<void> {
    const pass = ++this.pass;
    this.lastFullPass = Date.now();
    this.syncResources();
    this.seen = new Set();
    let complete = true;
    for (const i of [...this.informers.values()]) complete = (await this.listOne(i)) && complete;
    const seen = this.seen;
    this.seen = undefined;
    if (complete) {
      for (const [uid, c] of this.confirmed) if (c.pass < pass && !seen.has(uid)) this.confirmed.delete(uid);
    }
    this.deletedBefore = this.deleted;
    this.deleted = new Set();
    this.leftBefore = this.left;
    this.left = new Map();
    for (const uid of this.objects.keys()) this.dirty.add(uid);
    this.kick();
    await this.idle();
  }

  private async listOne(i: ResourceInformer): Promise<boolean> {
    try {
      await i.relist();
      return true;
    } catch (e) {
      this.logger.warn({ err: e, resource: i.desc.resource, group: i.desc.group }, 'garbage collector: list failed, retrying');
      return false;
    }
  }

  /** One informer per stored resource (resources sharing storage are read through one descriptor). */
  private syncResources(): void {
    const key = this.api.version?.() ?? this.api.all();
    if (key === this.resourcesKey) return;
    this.resourcesKey = key;
    const wanted = new Map<string, ResourceDescriptor>();
    for (const desc of this.api.all()) {
      const k = storageKey(desc);
      if (wanted.has(k) || !desc.verbs.includes('list') || desc.storage.group !== desc.group) continue;
      wanted.set(k, desc);
    }
    for (const [k, informer] of this.informers) {
      if (wanted.has(k)) continue;
      informer.stop();
      this.informers.delete(k);
      // The resource is no longer served (a CRD went): its objects leave the graph like deletions.
      for (const [uid, s] of this.objects) if (storageKey(s.desc) === k) this.forget(uid);
    }
    for (const [k, desc] of wanted) {
      if (this.informers.has(k)) continue;
      const informer = new ResourceInformer(
        this.store,
        desc,
        this.hub,
        { replace: (objects, listRv) => this.replace(desc, objects, listRv), event: (e) => this.onEvent(desc, e) },
        this.logger,
        // The storage cache may be a little stale: nothing is deleted before a live read.
        { name: 'garbage collector', listResourceVersion: '0' },
      );
      informer.start();
      this.informers.set(k, informer);
    }
  }

  // ---- the graph -------------------------------------------------------------------------------

  /** A list of one resource: what changed since is queued. */
  replace(desc: ResourceDescriptor, objects: KubeObject[], listRv: number): void {
    const listed = new Set<string>();
    for (const obj of objects) {
      const uid = uidOf(obj);
      listed.add(uid);
      this.seen?.add(uid);
      if (this.isStale(uid, rvOf(obj))) continue;
      if (matters(obj)) this.put(desc, obj);
      else this.drop(uid, rvOf(obj));
    }
    const key = storageKey(desc);
    for (const [uid, s] of this.objects) {
      // Gone since, unless the feed brought it after the list was taken.
      if (storageKey(s.desc) === key && !listed.has(uid) && rvOf(s.obj) <= listRv) this.forget(uid);
    }
    this.kick();
  }

  /** One change from a resource's feed. */
  onEvent(desc: ResourceDescriptor, e: FeedEvent): void {
    // Most objects never matter: skip their creation without decoding it.
    if (e.type === 'ADDED' && !markers.some((w) => e.object.includes(w))) return;
    const obj = e.obj;
    const uid = uidOf(obj);
    if (e.type === 'DELETED') {
      this.forget(uid);
    } else {
      if (this.isStale(uid, e.rv)) return;
      if (matters(obj)) this.put(desc, obj);
      else this.drop(uid, e.rv);
    }
    this.kick();
  }

  /** Whether the graph already knows better than a copy of the object at `rv`. */
  private isStale(uid: string, rv: number): boolean {
    if (this.deleted.has(uid) || this.deletedBefore.has(uid)) return true;
    const known = this.objects.get(uid);
    const floor = Math.max(known === undefined ? 0 : rvOf(known.obj), this.left.get(uid) ?? 0, this.leftBefore.get(uid) ?? 0);
    return floor >= rv;
  }

  /** An object that matters, new or changed: it and its owners (old and new) are looked at. */
  private put(desc: ResourceDescriptor, obj: KubeObject): void {
    const uid = uidOf(obj);
    const before = this.objects.get(uid);
    this.unlink(uid, before);
    this.objects.set(uid, { desc, obj });
    for (const r of refsOf(obj)) {
      let deps = this.dependents.get(r.uid);
      if (deps === undefined) this.dependents.set(r.uid, (deps = new Set()));
      deps.add(uid);
      this.dirty.add(r.uid);
    }
    this.dirty.add(uid);
  }

  /** An object that no longer matters (but exists, at `rv`): its former owners are looked at. */
  private drop(uid: string, rv?: number): void {
    const s = this.objects.get(uid);
    if (s === undefined) return;
    if (rv !== undefined) this.left.set(uid, rv);
    this.unlink(uid, s);
    this.objects.delete(uid);
  }

  /** An object gone from storage: its owners and its dependents are looked at. */
  private forget(uid: string): void {
    // Only what the graph knows of can come back in a stale list or a read in flight.
    if (this.objects.has(uid) || this.dependents.has(uid)) this.deleted.add(uid);
    this.drop(uid);
    this.confirmed.delete(uid);
    for (const d of this.dependents.get(uid) ?? []) this.dirty.add(d);
  }

  private unlink(uid: string, s: Stored | undefined): void {
    if (s === undefined) return;
    for (const r of refsOf(s.obj)) {
      const deps = this.dependents.get(r.uid);
      deps?.delete(uid);
      if (deps?.size === 0) this.dependents.delete(r.uid);
      this.dirty.add(r.uid);
    }
  }

  private dependentsOf(uid: string): Stored[] {
    const out: Stored[] = [];
    for (const d of this.dependents.get(uid) ?? []) {
      const s = this.objects.get(d);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  // ---- the work queue ------------------------------------------------------------------------

  private kick(): void {
    if (this.draining !== undefined || this.stopped || this.dirty.size === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // Queued after the loop looked for the last time.
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const next = this.dirty.values().next();
      if (next.done === true) return;
      this.dirty.delete(next.value);
      try {
        await this.process(next.value);
      } catch (e) {
        this.logger.warn({ err: e, uid: next.value }, 'garbage collector: step failed, retrying');
        this.retryLater(next.value);
      }
    }
  }

  private retryLater(uid: string): void {
    const t = setTimeout(() => {
      this.retries.delete(t);
      this.dirty.add(uid);
      this.kick();
    }, 1_000);
    t.unref();
    this.retries.add(t);
  }

  /** Brings one object of the graph a step closer to where its finalizers and owners say it should be. */
  private async process(uid: string): Promise<void> {
    const s = this.objects.get(uid);
    if (s === undefined) return;
    const m = s.obj.metadata ?? {};
    const finalizers = m.finalizers ?? [];
    if (deleting(s.obj) && finalizers.includes('orphan')) {
      for (const d of this.dependentsOf(uid)) await this.dropOwner(d, uid);
      await this.removeFinalizer(s, 'orphan');
      return;
    }
    if (deleting(s.obj) && finalizers.includes('foregroundDeletion')) {
      const deps = this.dependentsOf(uid);
      for (const d of deps) if (!deleting(d.obj)) await this.delete(d, 'Foreground');
      if (deps.length === 0) await this.removeFinalizer(s, 'foregroundDeletion');
      return;
    }
    const owners = refsOf(s.obj);
    if (owners.length === 0 || deleting(s.obj) || owners.some((r) => this.knownToExist(r, s))) return;
    if (!(await this.ownersGone(s, owners))) return;
    // The graph may lag storage: the dependent as storage has it now decides, and the delete is
    // made conditional on that revision.
    const live = await this.read(s.desc, s.obj.metadata?.namespace ?? '', s.obj.metadata?.name ?? '');
    if (live === undefined || uidOf(live) !== uid || deleting(live) || refsOf(live).length === 0) return;
    const current = { desc: s.desc, obj: live };
    if (await this.ownersGone(current, refsOf(live))) await this.delete(current, 'Background', live.metadata?.resourceVersion);
  }

  /** Where the owner named by `ref` would be looked up from `dependent`, if its kind is served. */
  private ownerLookup(ref: OwnerReference, dependent: Stored): { desc: ResourceDescriptor; namespace: string; key: string } | undefined {
    const { group, version } = parseGroupVersion(ref.apiVersion);
    const all = this.api.all();
    // Any served version of the kind finds the object, should the reference name an older one.
    const desc =
      all.find((d) => d.group === group && d.version === version && d.kind === ref.kind) ?? all.find((d) => d.group === group && d.kind === ref.kind);
    if (desc === undefined) return undefined;
    // A namespaced owner must be in the dependent's namespace; cluster-scoped owners own anything.
    const namespace = desc.namespaced ? (dependent.obj.metadata?.namespace ?? '') : '';
    return { desc, namespace, key: `${group}/${ref.kind}/${namespace}/${ref.name}` };
  }

  /** What the graph and earlier reads say, without asking storage. */
  private knownToExist(ref: OwnerReference, dependent: Stored): boolean {
    const owner = this.objects.get(ref.uid);
    if (owner !== undefined) {
      const { group } = parseGroupVersion(ref.apiVersion);
      if (owner.desc.group !== group && owner.desc.storage.group !== group) return false;
      if (owner.obj.kind !== undefined && owner.obj.kind !== ref.kind) return false;
      return !owner.desc.namespaced || owner.obj.metadata?.namespace === dependent.obj.metadata?.namespace;
    }
    const c = this.confirmed.get(ref.uid);
    const lookup = c === undefined ? undefined : this.ownerLookup(ref, dependent);
    return lookup !== undefined && c !== undefined && c.keys.has(lookup.key);
  }

  /** The live check before a background deletion: no owner is there any more with its uid. */
  private async ownersGone(s: Stored, owners: OwnerReference[]): Promise<boolean> {
    for (const ref of owners) {
      const lookup = this.ownerLookup(ref, s);
      // An owner whose kind is not served (a custom resource this gateway does not serve yet, or
      // no longer) cannot be proven gone: kube's collector retries such items and never deletes.
      if (lookup === undefined) return false;
      const owner = await this.read(lookup.desc, lookup.namespace, ref.name);
      if (owner === undefined || uidOf(owner) !== ref.uid) continue;
      if (!this.deleted.has(ref.uid) && !this.deletedBefore.has(ref.uid)) {
        const c = this.confirmed.get(ref.uid) ?? { keys: new Set<string>(), pass: 0 };
        c.keys.add(lookup.key);
        c.pass = this.pass;
        this.confirmed.set(ref.uid, c);
      }
      return false;
    }
    return true;
  }

  // ---- storage -----------------------------------------------------------------------------

  private options(): WriteOptions {
    return { dryRun: false, fieldManager: 'generic-garbage-collector', user: gcUser, ctx: { deadline: Date.now() + 30_000 }, warnings: [] };
  }

  private async read(desc: ResourceDescriptor, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return parseObject(await this.store.get(desc, namespace, name, '', { deadline: Date.now() + 10_000 }));
    } catch (e) {
      if (isStatusError(e) && e.code === 404) return undefined;
      throw e;
    }
  }

  private async delete(s: Stored, propagationPolicy: 'Background' | 'Foreground', resourceVersion?: string): Promise<void> {
    try {
      const preconditions = { uid: uidOf(s.obj), ...(resourceVersion !== undefined ? { resourceVersion } : {}) };
      await this.store.delete(s.desc, s.obj.metadata?.namespace ?? '', s.obj.metadata?.name ?? '', { propagationPolicy, preconditions }, this.options());
      this.logger.info({ resource: s.desc.resource, namespace: s.obj.metadata?.namespace, name: s.obj.metadata?.name, propagationPolicy }, 'garbage collector deleted a dependent');
    } catch (e) {
      // 409: the object changed since it was read; its change event queues it again.
      if (!(isStatusError(e) && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  private async update(s: Stored, change: (obj: KubeObject) => void): Promise<void> {
    try {
      await this.store.guaranteedUpdate(
        s.desc,
        s.obj.metadata?.namespace ?? '',
        s.obj.metadata?.name ?? '',
        this.options(),
        async (current) => {
          const next = structuredClone(current ?? s.obj);
          change(next);
          return next;
        },
        false,
      );
    } catch (e) {
      if (!(isStatusError(e) && e.code === 404)) throw e;
    }
  }

  private dropOwner(s: Stored, ownerUid: string): Promise<void> {
    return this.update(s, (obj) => {
      const m = obj.metadata ?? {};
      const refs = (m.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      if (refs.length > 0) m.ownerReferences = refs;
      else delete m.ownerReferences;
    });
  }

  private removeFinalizer(s: Stored, finalizer: string): Promise<void> {
    return this.update(s, (obj) => {
      const m = obj.metadata ?? {};
      m.finalizers = (m.finalizers ?? []).filter((f) => f !== finalizer);
    });
  }
}

/** An object the collector has to keep in its graph. */
export function matters(obj: KubeObject): boolean {
  return refsOf(obj).length > 0 || hasGcFinalizer(obj);
}

function hasGcFinalizer(obj: KubeObject): boolean {
  const f = obj.metadata?.finalizers;
  return isPlainObject(obj.metadata) && Array.isArray(f) && (f.includes('orphan') || f.includes('foregroundDeletion'));
}
