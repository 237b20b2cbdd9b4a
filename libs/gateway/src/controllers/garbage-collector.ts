// k8s parity: kube-controller-manager's garbage collector (pkg/controller/garbagecollector), as a
// periodic pass instead of a dependency graph fed by informers: Portico has no controller manager,
// so the gateway runs it. It honours the two GC finalizers and background deletion:
// - `foregroundDeletion` on an owner being deleted: its dependents are deleted first, then the
//   finalizer is removed (and the owner goes);
// - `orphan`: the owner's reference is removed from its dependents, then the finalizer;
// - an object whose owners are all gone is deleted (background cascading deletion).
// Every step is idempotent (deletes of the absent, CAS updates), so gateway replicas may all run it.
import { isPlainObject, isStatusError, parseGroupVersion, type KubeObject, type OwnerReference } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { ApiResources } from '../discovery/api-resources';
import type { Logger } from '../logger';
import { parseObject, type GenericStore, type ListOptions, type WriteOptions } from '../store/generic-store';
import { PeriodicSync } from './periodic';

const gcUser = { username: 'system:serviceaccount:kube-system:generic-garbage-collector', uid: '', groups: ['system:masters'], extra: {} };
// Lists come from the storage cache ("0": any version): the pass may see a slightly stale world, so
// nothing is deleted for a missing owner before a live read confirms the owner is gone.
const listAll: ListOptions = { resourceVersion: '0', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' };

interface Stored {
  desc: ResourceDescriptor;
  obj: KubeObject;
}

export class GarbageCollector {
  private readonly loop: PeriodicSync;

  constructor(
    private readonly store: GenericStore,
    private readonly api: ApiResources,
    private readonly logger: Logger,
    intervalMs = 2_000,
  ) {
    this.loop = new PeriodicSync('garbage collector', () => this.syncAll(), logger, intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  private options(): WriteOptions {
    return { dryRun: false, fieldManager: 'generic-garbage-collector', user: gcUser, ctx: { deadline: Date.now() + 30_000 }, warnings: [] };
  }

  /** Every stored object once (resources sharing storage are read through one descriptor). */
  private async everything(): Promise<Stored[]> {
    const out: Stored[] = [];
    const seen = new Set<string>();
    for (const desc of this.api.all()) {
      const key = `${desc.storage.group}/${desc.storage.resource}`;
      if (seen.has(key) || !desc.verbs.includes('list') || desc.storage.group !== desc.group) continue;
      seen.add(key);
      const list = await this.store.list(desc, '', listAll, { deadline: Date.now() + 10_000 });
      for (const raw of list.items) out.push({ desc, obj: parseObject(raw) });
    }
    return out;
  }

  async syncAll(): Promise<void> {
    const all = await this.everything();
    if (!all.some((s) => (s.obj.metadata?.ownerReferences ?? []).length > 0 || hasGcFinalizer(s.obj))) return;
    const byUid = new Map(all.map((s) => [s.obj.metadata?.uid ?? '', s]));
    const dependentsOf = (owner: KubeObject) =>
      all.filter((s) => (s.obj.metadata?.ownerReferences ?? []).some((r) => r.uid === owner.metadata?.uid));

    for (const s of all) {
      const m = s.obj.metadata ?? {};
      const finalizers = m.finalizers ?? [];
      if (m.deletionTimestamp !== undefined && finalizers.includes('orphan')) {
        for (const d of dependentsOf(s.obj)) await this.dropOwner(d, m.uid ?? '');
        await this.removeFinalizer(s, 'orphan');
        continue;
      }
      if (m.deletionTimestamp !== undefined && finalizers.includes('foregroundDeletion')) {
        const deps = dependentsOf(s.obj);
        for (const d of deps) {
          if (d.obj.metadata?.deletionTimestamp === undefined) await this.delete(d, 'Foreground');
        }
        if (deps.length === 0) await this.removeFinalizer(s, 'foregroundDeletion');
        continue;
      }
      const owners = m.ownerReferences ?? [];
      if (owners.length > 0 && m.deletionTimestamp === undefined && owners.every((r) => !this.ownerExists(r, s, byUid))) {
        if (await this.ownersGone(s, owners)) await this.delete(s, 'Background');
      }
    }
  }

  /** An owner exists when an object with its uid is stored, of the named kind, where the dependent can see it. */
  private ownerExists(ref: OwnerReference, dependent: Stored, byUid: Map<string, Stored>): boolean {
    const owner = byUid.get(ref.uid);
    if (owner === undefined) return false;
    const { group } = parseGroupVersion(ref.apiVersion);
    if (owner.desc.group !== group && owner.desc.storage.group !== group) return false;
    if (owner.obj.kind !== undefined && owner.obj.kind !== ref.kind) return false;
    // A namespaced owner must be in the dependent's namespace; cluster-scoped owners own anything.
    return !owner.desc.namespaced || owner.obj.metadata?.namespace === dependent.obj.metadata?.namespace;
  }

  /** The live check before a background deletion: no owner is there any more with its uid. */
  private async ownersGone(s: Stored, owners: OwnerReference[]): Promise<boolean> {
    for (const ref of owners) {
      const { group, version } = parseGroupVersion(ref.apiVersion);
      const desc = this.api.all().find((d) => d.group === group && d.version === version && d.kind === ref.kind);
      if (desc === undefined) continue;
      try {
        const raw = await this.store.get(desc, desc.namespaced ? (s.obj.metadata?.namespace ?? '') : '', ref.name, '', { deadline: Date.now() + 10_000 });
        if (parseObject(raw).metadata?.uid === ref.uid) return false;
      } catch (e) {
        if (!(isStatusError(e) && e.code === 404)) throw e;
      }
    }
    return true;
  }

  private async delete(s: Stored, propagationPolicy: 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.store.delete(s.desc, s.obj.metadata?.namespace ?? '', s.obj.metadata?.name ?? '', { propagationPolicy, preconditions: { uid: s.obj.metadata?.uid ?? '' } }, this.options());
      this.logger.info({ resource: s.desc.resource, namespace: s.obj.metadata?.namespace, name: s.obj.metadata?.name, propagationPolicy }, 'garbage collector deleted a dependent');
    } catch (e) {
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

function hasGcFinalizer(obj: KubeObject): boolean {
  const f = obj.metadata?.finalizers;
  return isPlainObject(obj.metadata) && Array.isArray(f) && (f.includes('orphan') || f.includes('foregroundDeletion'));
}
