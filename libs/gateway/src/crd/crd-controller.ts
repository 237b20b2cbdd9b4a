// The CRD controllers kube-apiserver runs in apiextensions-apiserver, in one loop over the
// informer's view (k8s parity: pkg/controller/status/naming_controller.go,
// pkg/controller/establish/establishing_controller.go, pkg/controller/finalizer/crd_finalizer.go).
// Names are accepted unless another CRD of the group holds them; the CRD is Established at once
// (a single writer per CRD is not needed: every step is a compare-and-swap of the status, so any
// number of gateway replicas may run it); a deleted CRD's custom resources are deleted before its
// cleanup finalizer is removed.
import { FieldPath, fieldErrors, isPlainObject, isStatusError, type FieldError, type KubeObject } from '@portico/api';
import type { Registry, ResourceDescriptor } from '@portico/registry';
import type { Logger } from '../logger';
import { PeriodicSync } from '../controllers/periodic';
import { parseObject, type GenericStore, type WriteOptions } from '../store/generic-store';
import { conditionEquivalent, conditionIsTrue, findCondition, setCondition, type CrdCondition } from './crd-conditions';
import type { CustomResourceDefinitionInformer } from './crd-informer';

export const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';
const controllerUser = { username: 'system:apiserver', uid: '', groups: ['system:masters'], extra: {} };

export interface CrdNames {
  plural: string;
  singular: string;
  shortNames: string[];
  kind: string;
  listKind: string;
  categories: string[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const objOf = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? (v as Record<string, unknown>) : {});

export function namesOf(v: unknown): CrdNames {
  const n = objOf(v);
  return {
    plural: str(n['plural']),
    singular: str(n['singular']),
    shortNames: strs(n['shortNames']),
    kind: str(n['kind']),
    listKind: str(n['listKind']),
    categories: strs(n['categories']),
  };
}

export const specNames = (crd: KubeObject): CrdNames => namesOf(objOf(crd['spec'])['names']);
export const acceptedNames = (crd: KubeObject): CrdNames => namesOf(objOf(crd['status'])['acceptedNames']);
export const crdGroup = (crd: KubeObject): string => str(objOf(crd['spec'])['group']);

const sameNames = (a: CrdNames, b: CrdNames): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The resource names and kinds already claimed in a group: other CRDs' accepted names and the built-ins'. */
export function claimedNames(group: string, self: string, crds: Iterable<KubeObject>, builtins: readonly ResourceDescriptor[]): { resources: Set<string>; kinds: Set<string> } {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const c of crds) {
    if (c.metadata?.name === self || crdGroup(c) !== group) continue;
    const n = acceptedNames(c);
    for (const r of [n.plural, n.singular, ...n.shortNames]) if (r !== '') resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k !== '') kinds.add(k);
  }
  for (const d of builtins) {
    if (d.group !== group || d.customResource !== undefined) continue;
    for (const r of [d.resource, d.singular, ...d.shortNames]) resources.add(r);
    kinds.add(d.kind);
    kinds.add(d.listKind);
  }
  return { resources, kinds };
}

/** calculateNamesAndConditions: the names this CRD may have and its NamesAccepted/Established conditions. */
export function calculateNamesAndConditions(
  crd: KubeObject,
  claimed: { resources: Set<string>; kinds: Set<string> },
): { names: CrdNames; namesAccepted: CrdCondition; established: CrdCondition } {
  const requested = specNames(crd);
  const accepted = acceptedNames(crd);
  const names: CrdNames = { ...accepted };
  let cond: CrdCondition = { type: 'NamesAccepted', status: 'Unknown', reason: '', message: '' };
  const conflict = (reason: string, message: string) => (cond = { type: 'NamesAccepted', status: 'False', reason, message });
  const fresh = (req: string, acc: string, used: Set<string>): string | undefined => (req === acc || !used.has(req) ? undefined : `"${req}" is already in use`);

  const accept = (field: 'plural' | 'singular' | 'kind' | 'listKind', reason: string, used: Set<string>) => {
    const err = fresh(requested[field], accepted[field], used);
    if (err !== undefined) conflict(reason, err);
    else names[field] = requested[field];
  };

  // In kube's order: the last conflict found names the condition.
  accept('plural', 'PluralConflict', claimed.resources);
  accept('singular', 'SingularConflict', claimed.resources);
  if (JSON.stringify(requested.shortNames) !== JSON.stringify(accepted.shortNames)) {
    const errs = requested.shortNames.filter((n) => !accepted.shortNames.includes(n)).map((n) => fresh(n, '', claimed.resources)).filter((e) => e !== undefined);
    // utilerrors.NewAggregate prints one error bare and several as a bracketed list.
    if (errs.length === 1) conflict('ShortNamesConflict', errs[0] as string);
    else if (errs.length > 1) conflict('ShortNamesConflict', `[${errs.join(', ')}]`);
    else names.shortNames = requested.shortNames;
  }
  accept('kind', 'KindConflict', claimed.kinds);
  accept('listKind', 'ListKindConflict', claimed.kinds);
  names.categories = requested.categories;
  if (cond.status === 'Unknown') cond = { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };

  let established: CrdCondition = findCondition(crd, 'Established') ?? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  if (established.status !== 'True' && cond.status === 'True') {
    established = { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' };
  }
  return { names, namesAccepted: cond, established };
}

/** Names without empty fields, as Go's omitempty writes CustomResourceDefinitionNames. */
function namesJson(n: CrdNames): Record<string, unknown> {
  const out: Record<string, unknown> = { plural: n.plural, kind: n.kind };
  if (n.singular !== '') out['singular'] = n.singular;
  if (n.shortNames.length > 0) out['shortNames'] = n.shortNames;
  if (n.listKind !== '') out['listKind'] = n.listKind;
  if (n.categories.length > 0) out['categories'] = n.categories;
  return out;
}

export class CustomResourceDefinitionController {
  private readonly loop: PeriodicSync;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly store: GenericStore,
    private readonly registry: Registry,
    private readonly crdDescriptor: ResourceDescriptor,
    private readonly informer: CustomResourceDefinitionInformer,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    intervalMs = 5_000,
  ) {
    this.loop = new PeriodicSync('crd controller', () => this.kick(), logger, intervalMs);
  }

  start(): void {
    this.informer.onChange(() => void this.kick().catch((err: unknown) => this.logger.warn({ err }, 'crd controller: sync failed')));
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** One pass at a time; a change during a pass runs another right after it. */
  kick(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.syncAll();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private options(): WriteOptions {
    return { dryRun: false, fieldManager: 'apiextensions-apiserver', user: controllerUser, ctx: { deadline: Date.now() + 30_000 }, warnings: [], subresource: 'status' };
  }

  async syncAll(): Promise<void> {
    for (const crd of [...this.informer.list().values()]) {
      try {
        await this.syncOne(crd);
      } catch (err) {
        if (isStatusError(err) && (err.code === 404 || err.code === 409)) continue; // changed meanwhile: the next event brings it back
        this.logger.warn({ err, crd: crd.metadata?.name }, 'crd controller: sync failed');
      }
    }
  }

  private async syncOne(crd: KubeObject): Promise<void> {
    if (crd.metadata?.deletionTimestamp !== undefined) {
      if ((crd.metadata.finalizers ?? []).includes(cleanupFinalizer)) await this.finalize(crd);
      return;
    }
    if (!sameNames(specNames(crd), acceptedNames(crd)) || findCondition(crd, 'NamesAccepted') === undefined) {
      await this.acceptNames(crd);
      return;
    }
    if (conditionIsTrue(crd, 'NamesAccepted') && !conditionIsTrue(crd, 'Established')) await this.establish(crd);
  }

  private async updateStatus(crd: KubeObject, mutate: (c: KubeObject) => boolean): Promise<void> {
    const name = crd.metadata?.name ?? '';
    try {
      const r = await this.store.guaranteedUpdate(
        this.crdDescriptor,
        '',
        name,
        this.options(),
        async (current) => {
          if (current === undefined || current.metadata?.uid !== crd.metadata?.uid) throw new NothingToDo();
          const next = structuredClone(current);
          if (!mutate(next)) throw new NothingToDo();
          return next;
        },
        false,
      );
      // The next step (establishing after naming) and this gateway's serving start from what was
      // just written, not from whenever its event comes back over the bus.
      if (r.object.metadata?.deletionTimestamp === undefined || (r.object.metadata.finalizers ?? []).length > 0) this.informer.observe(r.object);
    } catch (e) {
      if (!(e instanceof NothingToDo)) throw e;
    }
  }

  /**
   * After a client wrote a CRD through this gateway: its names are accepted and it is established
   * (when it can be) before the response goes out, so the client's next request finds the
   * resource served, listed and documented here. Helm 4 reads /openapi/v3 right after creating
   * its CRDs without waiting for Established. Bounded, so a slow storage never holds a response.
   */
  async settle(crd: KubeObject, timeoutMs = 5_000): Promise<void> {
    this.informer.observe(crd);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.kick().catch((err: unknown) => this.logger.warn({ err }, 'crd controller: sync after a write failed')),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private async acceptNames(crd: KubeObject): Promise<void> {
    await this.updateStatus(crd, (c) => {
      const claimed = claimedNames(crdGroup(c), c.metadata?.name ?? '', this.informer.list().values(), this.registry.all());
      const { names, namesAccepted, established } = calculateNamesAndConditions(c, claimed);
      if (sameNames(acceptedNames(c), names) && conditionEquivalent(namesAccepted, findCondition(c, 'NamesAccepted'))) return false;
      const status = (isPlainObject(c['status']) ? c['status'] : (c['status'] = {})) as Record<string, unknown>;
      status['acceptedNames'] = namesJson(names);
      setCondition(c, namesAccepted, this.now());
      setCondition(c, established, this.now());
      return true;
    });
  }

  /** The establishing controller: a single server establishes at once. */
  private async establish(crd: KubeObject): Promise<void> {
    await this.updateStatus(crd, (c) => {
      if (!conditionIsTrue(c, 'NamesAccepted') || conditionIsTrue(c, 'Established')) return false;
      setCondition(c, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, this.now());
      return true;
    });
  }

  /** CRDFinalizer.sync: delete every custom resource, then drop the cleanup finalizer (which deletes the CRD). */
  private async finalize(crd: KubeObject): Promise<void> {
    const name = crd.metadata?.name ?? '';
    if (findCondition(crd, 'Terminating')?.reason !== 'InstanceDeletionInProgress') {
      await this.updateStatus(crd, (c) => {
        setCondition(c, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, this.now());
        return true;
      });
    }
    let done: CrdCondition;
    if (conditionIsTrue(crd, 'Established')) {
      const remaining = await this.deleteInstances(crd);
      if (remaining > 0) return; // the next pass (the deletes' events, or the resync) checks again
      done = { type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' };
    } else {
      done = { type: 'Terminating', status: 'False', reason: 'NeverEstablished', message: 'resource was never established' };
    }
    await this.updateStatus(crd, (c) => {
      setCondition(c, done, this.now());
      const m = c.metadata ?? {};
      m.finalizers = (m.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
      c.metadata = m;
      return true;
    });
    this.logger.info({ crd: name }, 'custom resources deleted, CRD finalized');
  }

  /** Deletes what is stored of the CRD's resource (by storage, as kube's finalizer does); returns how many remain. */
  private async deleteInstances(crd: KubeObject): Promise<number> {
    const served = this.registry.all().filter((d) => d.customResource?.crdName === crd.metadata?.name);
    const desc = served.find((d) => d.version === d.customResource?.storageVersion) ?? served[0];
    if (desc === undefined) return 0;
    const list = await this.store.list(desc, '', { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' }, { deadline: Date.now() + 30_000 });
    let remaining = 0;
    for (const raw of list.items) {
      const obj = parseObject(raw);
      remaining++;
      if (obj.metadata?.deletionTimestamp !== undefined) continue;
      try {
        await this.store.delete(desc, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', {}, { ...this.options(), subresource: '' });
      } catch (e) {
        if (!(isStatusError(e) && e.code === 404)) throw e;
      }
    }
    if (remaining === 0) return 0;
    // Objects without finalizers are gone now; count what is left.
    const after = await this.store.list(desc, '', { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' }, { deadline: Date.now() + 30_000 });
    return after.items.length;
  }
}

class NothingToDo extends Error {}

/**
 * Names of a new CRD that another CRD of its group, or a built-in resource of its group, already
 * holds. kube-apiserver accepts such a CRD and reports NamesAccepted=False; Portico refuses it at
 * creation with a 422 naming each clash (issue #7), and keeps the condition for the races two
 * concurrent creates can still produce.
 */
export function crdNameConflicts(crd: KubeObject, others: Iterable<KubeObject>, served: readonly ResourceDescriptor[]): FieldError[] {
  const claimed = claimedNames(crdGroup(crd), crd.metadata?.name ?? '', others, served);
  const n = specNames(crd);
  const p = FieldPath.root('spec').child('names');
  const errs: FieldError[] = [];
  const check = (field: FieldPath, value: string, used: Set<string>) => {
    if (value !== '' && used.has(value)) errs.push(fieldErrors.invalid(String(field), value, `"${value}" is already in use`));
  };
  check(p.child('plural'), n.plural, claimed.resources);
  check(p.child('singular'), n.singular, claimed.resources);
  n.shortNames.forEach((s, i) => check(p.child('shortNames').index(i), s, claimed.resources));
  check(p.child('kind'), n.kind, claimed.kinds);
  check(p.child('listKind'), n.listKind, claimed.kinds);
  return errs;
}
