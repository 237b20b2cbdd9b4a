// k8s parity: apiserver pkg/registry/generic/registry/store.go and the create/update/delete
// handlers. The order of a write is kube-apiserver's: defaults → mutating admission → strategy
// (prepare, system fields, validate) → validating admission → storage. Updates run the whole
// sequence inside the retry loop (guaranteedUpdate), so admission sees the object it will replace.
import { randomUUID } from 'node:crypto';
import { generateName, StatusError, statusErrors, type KubeObject } from '@portico/api';
import type { AdmissionServicePort, CallContext, ResourceRef, Status as ProtoStatus, StorageServicePort, UserInfo } from '@portico/proto';
import {
  beforeCreate,
  beforeDelete,
  beforeUpdate,
  finalizeDelete,
  ignoreManagedFieldsTimestamps,
  resourceVersionForUpdate,
  updateManagedFields,
  shouldDeleteDuringUpdate,
  type DeleteOptions,
  type ResourceDescriptor,
} from '@portico/registry';
import { callService, fromProtoStatus, throwIfStatus } from './port-status';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  user: UserInfo | undefined;
  ctx: CallContext;
  /** Warnings for the client (Warning headers). */
  warnings: string[];
  /** The subresource written ("status", "finalize"); its strategy replaces the kind's. */
  subresource?: string;
}

export type { DeleteOptions };

export interface ListOptions {
  resourceVersion: string;
  resourceVersionMatch: string;
  limit: number;
  continue: string;
  labelSelector: string;
  fieldSelector: string;
}

export interface ListResult {
  items: Buffer[];
  resourceVersion: string;
  continue: string;
  remainingItemCount: number | undefined;
}

/** What admission is asked about (admission.Attributes). */
interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  namespace: string;
  name: string;
  obj: KubeObject | undefined;
  old: KubeObject | undefined;
  options: object;
}

const createOptions = { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' };

/**
 * Conflict retries go on while the request has time left, as kube-apiserver's GuaranteedUpdate
 * retries without a count; without a deadline (internal callers) they stop after a generous count.
 */
function retriesLeft(ctx: CallContext, attempt: number): boolean {
  return ctx.deadline !== undefined ? Date.now() < ctx.deadline : attempt < 1000;
}

function ref(desc: ResourceDescriptor, namespace: string, name: string): ResourceRef {
  return { group: desc.storage.group, resource: desc.storage.resource, namespace: desc.namespaced ? namespace : '', name };
}

const gr = (desc: ResourceDescriptor) => ({ group: desc.group, resource: desc.resource });

export function parseObject(b: Buffer): KubeObject {
  return JSON.parse(b.toString('utf8')) as KubeObject;
}

function withoutResourceVersion(obj: KubeObject): string {
  const meta = obj.metadata ?? {};
  const { resourceVersion: _rv, ...rest } = meta;
  return JSON.stringify({ ...obj, metadata: rest });
}

/**
 * What some kinds reserve outside their own object (a service's cluster IP and node ports): done
 * after mutating admission, before the strategy validates, undone when the write does not happen,
 * and released once the object no longer holds it.
 */
export interface AllocationHooks {
  allocate(obj: KubeObject, old: KubeObject | undefined, ctx: CallContext): Promise<() => Promise<void>>;
  release(old: KubeObject, next: KubeObject | undefined, ctx: CallContext): Promise<void>;
}

const noAllocation = async (): Promise<void> => {};

export class GenericStore {
  constructor(
    private readonly storage: StorageServicePort,
    private readonly admission: AdmissionServicePort,
    private readonly now: () => Date = () => new Date(),
    /** Keyed by storage "group/resource". */
    private readonly allocators: ReadonlyMap<string, AllocationHooks> = new Map(),
  ) {}

  private allocatorFor(desc: ResourceDescriptor): AllocationHooks | undefined {
    return this.allocators.get(`${desc.storage.group}/${desc.storage.resource}`);
  }

  async get(desc: ResourceDescriptor, namespace: string, name: string, resourceVersion: string, ctx: CallContext): Promise<Buffer> {
    const res = await callService('storage', this.storage.get({ ref: ref(desc, namespace, name), resourceVersion }, ctx));
    if (res.status?.code === 404) throw statusErrors.notFound(gr(desc), name);
    throwIfStatus(res.status);
    return res.object;
  }

  async list(desc: ResourceDescriptor, namespace: string, o: ListOptions, ctx: CallContext): Promise<ListResult> {
    const res = await callService(
      'storage',
      this.storage.list(
        {
          ref: ref(desc, namespace, ''),
          resourceVersion: o.resourceVersion,
          resourceVersionMatch: o.resourceVersionMatch,
          limit: String(o.limit),
          continue: o.continue,
          labelSelector: o.labelSelector,
          fieldSelector: o.fieldSelector,
        },
        ctx,
      ),
    );
    if (res.status?.code === 410 && res.continue !== '') {
      // An expired continue token: the Status carries a fresh token that continues at the latest revision.
      const expired = new StatusError(fromProtoStatus(res.status));
      expired.status.metadata = { continue: res.continue };
      throw expired;
    }
    throwIfStatus(res.status);
    return {
      items: res.items,
      resourceVersion: res.resourceVersion,
      continue: res.continue,
      remainingItemCount: res.remainingItemCount === undefined ? undefined : Number(res.remainingItemCount),
    };
  }

  async create(desc: ResourceDescriptor, namespace: string, obj: KubeObject, o: WriteOptions): Promise<KubeObject> {
    desc.strategy.applyDefaults(obj);
    updateManagedFields(desc, undefined, obj, o.fieldManager, o.subresource ?? '');
    const name = obj.metadata?.name ?? '';
    const { object: admitted, validationNotNeeded } = await this.admit(desc, { operation: 'CREATE', namespace, name, obj, old: undefined, options: createOptions }, o);
    const allocator = o.dryRun ? undefined : this.allocatorFor(desc);
    if (allocator !== undefined && (admitted.metadata?.name ?? '') === '' && admitted.metadata?.generateName !== undefined) {
      // What is allocated names its owner, so the name is chosen first.
      admitted.metadata.name = generateName(admitted.metadata.generateName);
    }
    const undo = allocator === undefined ? noAllocation : await allocator.allocate(admitted, undefined, o.ctx);
    let res;
    try {
      o.warnings.push(...beforeCreate(desc, admitted, { namespace, now: this.now(), uid: randomUUID() }).warnings);
      if (!validationNotNeeded) {
        await this.validate(desc, { operation: 'CREATE', namespace, name: admitted.metadata?.name ?? '', obj: admitted, old: undefined, options: createOptions }, o);
      }
      if (o.dryRun) return admitted;
      const generated = name === '' && admitted.metadata?.generateName !== undefined;
      // k8s parity: a generated name that is taken is generated again (store.go retries 8 times).
      for (let attempt = 0; ; attempt++) {
        res = await callService(
          'storage',
          this.storage.create({ ref: ref(desc, namespace, admitted.metadata?.name ?? ''), object: Buffer.from(JSON.stringify(admitted)) }, o.ctx),
        );
        if (!(generated && res.status?.reason === 'AlreadyExists' && attempt < 8)) break;
        (admitted.metadata ??= {}).name = generateName(admitted.metadata.generateName ?? '');
      }
      if (res.status !== undefined) await undo();
    } catch (e) {
      await undo();
      throw e;
    }
    const finalName = admitted.metadata?.name ?? '';
    if (res.status?.code === 409 && res.status.reason === 'AlreadyExists') {
      if (name === '' && admitted.metadata?.generateName !== undefined) throw statusErrors.generateNameConflict(gr(desc), finalName);
      throw statusErrors.alreadyExists(gr(desc), finalName);
    }
    throwIfStatus(res.status);
    return parseObject(res.object);
  }

  /**
   * PUT: replaces the object. A client-supplied resourceVersion pins the update (409 on mismatch);
   * without one the loop retries silently on conflicts, as GuaranteedUpdate does.
   */
  async update(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    obj: KubeObject,
    o: WriteOptions,
  ): Promise<{ object: KubeObject; created: boolean }> {
    desc.strategy.applyDefaults(obj);
    const pinned = obj.metadata?.resourceVersion ?? '';
    return this.guaranteedUpdate(desc, namespace, name, o, async (current) => {
      const next = structuredClone(obj);
      if (current !== undefined) {
        resourceVersionForUpdate(desc, next, current);
        updateManagedFields(desc, current, next, o.fieldManager, o.subresource ?? '');
      }
      return next;
    }, pinned !== '');
  }

  /**
   * The update loop shared by PUT, finalizer-driven deletion and (later) PATCH. tryUpdate builds the
   * desired object from the current one; it runs again on every conflict.
   */
  async guaranteedUpdate(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    o: WriteOptions,
    tryUpdate: (current: KubeObject | undefined) => Promise<KubeObject>,
    pinned: boolean,
  ): Promise<{ object: KubeObject; created: boolean }> {
    const options = { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' };
    for (let attempt = 0; retriesLeft(o.ctx, attempt); attempt++) {
      const got = await callService('storage', this.storage.get({ ref: ref(desc, namespace, name), resourceVersion: '' }, o.ctx));
      if (got.status !== undefined && got.status.code !== 404) throwIfStatus(got.status);
      const current = got.status === undefined ? parseObject(got.object) : undefined;
      if (current === undefined) {
        if (!desc.strategy.allowCreateOnUpdate) throw statusErrors.notFound(gr(desc), name);
        const created = await this.create(desc, namespace, await tryUpdate(undefined), o);
        return { object: created, created: true };
      }
      const admitted = await this.admit(desc, { operation: 'UPDATE', namespace, name, obj: await tryUpdate(current), old: current, options }, o);
      const next = admitted.object;
      const allocator = o.dryRun ? undefined : this.allocatorFor(desc);
      const undo = allocator === undefined ? noAllocation : await allocator.allocate(next, current, o.ctx);
      let written: KubeObject | undefined;
      try {
        written = await this.writeUpdate(desc, namespace, name, next, current, o, options, admitted.validationNotNeeded);
      } catch (e) {
        await undo();
        throw e;
      }
      if (written === undefined) {
        await undo();
        if (pinned) throw statusErrors.modified(gr(desc), name);
        continue;
      }
      if (allocator !== undefined) await allocator.release(current, shouldDeleteDuringUpdate(written, desc) ? undefined : written, o.ctx);
      return { object: written, created: false };
    }
    throw statusErrors.conflict(gr(desc), name, 'too many conflicting updates, please try again');
  }

  /**
   * One attempt of the update loop after mutating admission: strategy, validating admission, then
   * the compare-and-swap write (or the deletion once the last finalizer is gone). Undefined when the
   * object changed meanwhile.
   */
  private async writeUpdate(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    next: KubeObject,
    current: KubeObject,
    o: WriteOptions,
    options: object,
    validationNotNeeded: boolean,
  ): Promise<KubeObject | undefined> {
    const currentRv = current.metadata?.resourceVersion ?? '';
    o.warnings.push(...beforeUpdate(desc, next, current, { namespace, now: this.now(), subresource: o.subresource ?? '' }).warnings);
    ignoreManagedFieldsTimestamps(next, current);
    if (!validationNotNeeded) await this.validate(desc, { operation: 'UPDATE', namespace, name, obj: next, old: current, options }, o);
    if (shouldDeleteDuringUpdate(next, desc)) {
      if (o.dryRun) return next;
      const del = await callService(
        'storage',
        this.storage.delete({ ref: ref(desc, namespace, name), preconditions: undefined, expectedResourceVersion: currentRv }, o.ctx),
      );
      if (del.succeeded) return next;
      throwIfStatus(del.status);
      return undefined;
    }
    // An update that changes nothing is not written: same resourceVersion, no watch event.
    if (withoutResourceVersion(next) === withoutResourceVersion(current)) return current;
    if (o.dryRun) return next;
    const res = await callService(
      'storage',
      this.storage.update({ ref: ref(desc, namespace, name), object: Buffer.from(JSON.stringify(next)), expectedResourceVersion: currentRv }, o.ctx),
    );
    throwIfStatus(res.status);
    return res.succeeded ? parseObject(res.object) : undefined;
  }

  /**
   * DELETE: the registry decides (beforeDelete) whether the object goes now, is written with a
   * deletionTimestamp because finalizers remain, or (namespaces) waits; the store carries it out
   * with compare-and-swap writes and starts over when the object changed meanwhile.
   */
  async delete(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    options: DeleteOptions,
    o: WriteOptions,
  ): Promise<{ code: 200 | 202; body: KubeObject }> {
    const deleteOptions = { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...options };
    for (let attempt = 0; retriesLeft(o.ctx, attempt); attempt++) {
      const current = parseObject(await this.get(desc, namespace, name, '', o.ctx));
      const currentRv = current.metadata?.resourceVersion ?? '';
      const plan = beforeDelete(desc, current, options, { now: this.now() });
      const attrs: AdmissionAttributes = { operation: 'DELETE', namespace, name, obj: undefined, old: current, options: deleteOptions };
      const { validationNotNeeded } = await this.admit(desc, attrs, o);
      if (!validationNotNeeded) await this.validate(desc, attrs, o);
      switch (plan.action) {
        case 'pending':
          return { code: 200, body: finalizeDelete(desc, plan.object) };
        case 'wait':
          return { code: 200, body: plan.object };
        case 'update': {
          // k8s parity: the graceful path is a storage-level update (no admission, no strategy).
          if (o.dryRun) return { code: 200, body: plan.object };
          const res = await callService(
            'storage',
            this.storage.update(
              { ref: ref(desc, namespace, name), object: Buffer.from(JSON.stringify(plan.object)), expectedResourceVersion: currentRv },
              o.ctx,
            ),
          );
          throwIfStatus(res.status);
          if (!res.succeeded) continue;
          const written = parseObject(res.object);
          if (!plan.thenDelete) return { code: options.orphanDependents === false ? 202 : 200, body: written };
          const removed = await this.removeFromStorage(desc, namespace, name, written.metadata?.resourceVersion ?? '', o);
          if (removed === undefined) continue;
          return { code: 200, body: finalizeDelete(desc, removed) };
        }
        case 'delete': {
          if (o.dryRun) return { code: 200, body: finalizeDelete(desc, current) };
          const removed = await this.removeFromStorage(desc, namespace, name, currentRv, o);
          if (removed === undefined) continue;
          return { code: 200, body: finalizeDelete(desc, removed) };
        }
      }
    }
    throw statusErrors.conflict(gr(desc), name, 'too many conflicting updates, please try again');
  }

  /** Deletes at the expected revision; undefined when the object changed meanwhile. */
  private async removeFromStorage(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    expectedResourceVersion: string,
    o: WriteOptions,
  ): Promise<KubeObject | undefined> {
    const res = await callService(
      'storage',
      this.storage.delete({ ref: ref(desc, namespace, name), preconditions: undefined, expectedResourceVersion }, o.ctx),
    );
    if (res.status?.code === 404) throw statusErrors.notFound(gr(desc), name);
    throwIfStatus(res.status);
    if (!res.succeeded) return undefined;
    const removed = parseObject(res.object);
    await this.allocatorFor(desc)?.release(removed, undefined, o.ctx);
    return removed;
  }

  /**
   * Mutating admission; returns the object as admission left it, and whether admission said that
   * no validating step applies to the request (then the Validate round trip is skipped: it could
   * neither refuse, warn nor annotate).
   */
  private async admit(desc: ResourceDescriptor, a: AdmissionAttributes, o: WriteOptions): Promise<{ object: KubeObject; validationNotNeeded: boolean }> {
    const res = await callService('admission', this.admission.admit(this.admissionRequest(desc, a, o), o.ctx));
    this.enforce(desc, a.name, res, o);
    return { object: res.object.length > 0 ? parseObject(res.object) : (a.obj ?? {}), validationNotNeeded: res.validationNotNeeded === true };
  }

  /** Validating admission. */
  private async validate(desc: ResourceDescriptor, a: AdmissionAttributes, o: WriteOptions): Promise<void> {
    const res = await callService('admission', this.admission.validate(this.admissionRequest(desc, a, o), o.ctx));
    this.enforce(desc, a.name, res, o);
  }

  /** Passes admission's warnings on and turns a denial into the Status it carries. */
  private enforce(desc: ResourceDescriptor, name: string, res: { allowed: boolean; status?: ProtoStatus; warnings: string[] }, o: WriteOptions): void {
    o.warnings.push(...res.warnings);
    if (res.allowed) return;
    throwIfStatus(res.status);
    throw statusErrors.forbidden(gr(desc), name, 'admission denied the request');
  }

  private admissionRequest(desc: ResourceDescriptor, a: AdmissionAttributes, o: WriteOptions) {
    const { operation, namespace, name, obj, old, options } = a;
    return {
      uid: randomUUID(),
      operation,
      kind: { group: desc.group, version: desc.version, kind: desc.kind },
      resource: { group: desc.group, version: desc.version, resource: desc.resource },
      subResource: o.subresource ?? '',
      namespace: desc.namespaced ? namespace : '',
      name,
      object: obj === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(obj)),
      oldObject: old === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(old)),
      options: Buffer.from(JSON.stringify(options)),
      dryRun: o.dryRun,
      user: o.user,
    };
  }
}
