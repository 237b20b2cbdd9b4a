// k8s parity: apiserver pkg/registry/generic/registry/store.go and the create/update/delete
// handlers. The order of a write is kube-apiserver's: defaults → mutating admission → strategy
// (prepare, system fields, validate) → validating admission → storage. Updates run the whole
// sequence inside the retry loop (guaranteedUpdate), so admission sees the object it will replace.
import { randomUUID } from 'node:crypto';
import { fieldErrors, statusErrors, success, type KubeObject, type Status } from '@portico/api';
import type { AdmissionServicePort, CallContext, ResourceRef, StorageServicePort, UserInfo } from '@portico/proto';
import { beforeCreate, beforeDelete, beforeUpdate, shouldDeleteDuringUpdate, type ResourceDescriptor } from '@portico/registry';
import { callService, throwIfStatus } from './port-status';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  user: UserInfo | undefined;
  ctx: CallContext;
  /** Warnings for the client (Warning headers). */
  warnings: string[];
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

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

/** Each conflict retry re-reads and re-admits; kube-apiserver has no bound, a runaway loop is worse. */
const maxUpdateAttempts = 20;

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

export class GenericStore {
  constructor(
    private readonly storage: StorageServicePort,
    private readonly admission: AdmissionServicePort,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const name = obj.metadata?.name ?? '';
    const admitted = await this.admit(desc, 'CREATE', namespace, name, obj, undefined, o, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
    beforeCreate(desc, admitted, { namespace, now: this.now(), uid: randomUUID() });
    o.warnings.push(...desc.strategy.warningsOnCreate(admitted));
    const finalName = admitted.metadata?.name ?? '';
    await this.validate(desc, 'CREATE', namespace, finalName, admitted, undefined, o, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
    if (o.dryRun) return admitted;
    const res = await callService(
      'storage',
      this.storage.create({ ref: ref(desc, namespace, finalName), object: Buffer.from(JSON.stringify(admitted)) }, o.ctx),
    );
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
    return this.guaranteedUpdate(desc, namespace, name, o, pinned, async (current) => {
      if (current === undefined) return structuredClone(obj);
      const next = structuredClone(obj);
      if (pinned === '') {
        if (!desc.strategy.allowUnconditionalUpdate) {
          throw statusErrors.invalid(desc.group, desc.kind, name, [
            fieldErrors.invalid('metadata.resourceVersion', 0, 'must be specified for an update'),
          ]);
        }
        next.metadata = { ...(next.metadata ?? {}), resourceVersion: current.metadata?.resourceVersion ?? '' };
      }
      return next;
    });
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
    pinnedResourceVersion: string,
    tryUpdate: (current: KubeObject | undefined) => Promise<KubeObject>,
  ): Promise<{ object: KubeObject; created: boolean }> {
    let currentBytes: Buffer | undefined;
    let fresh = false;
    const options = { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' };
    for (let attempt = 0; attempt < maxUpdateAttempts; attempt++) {
      if (!fresh) {
        const got = await callService('storage', this.storage.get({ ref: ref(desc, namespace, name), resourceVersion: '' }, o.ctx));
        if (got.status !== undefined && got.status.code !== 404) throwIfStatus(got.status);
        currentBytes = got.status === undefined ? got.object : undefined;
      }
      fresh = false;
      const current = currentBytes === undefined ? undefined : parseObject(currentBytes);
      if (current === undefined) {
        if (!desc.strategy.allowCreateOnUpdate) throw statusErrors.notFound(gr(desc), name);
        const created = await this.create(desc, namespace, await tryUpdate(undefined), o);
        return { object: created, created: true };
      }
      const currentRv = current.metadata?.resourceVersion ?? '';
      if (pinnedResourceVersion !== '' && pinnedResourceVersion !== currentRv) throw statusErrors.modified(gr(desc), name);
      let next = await tryUpdate(current);
      next = await this.admit(desc, 'UPDATE', namespace, name, next, current, o, options);
      beforeUpdate(desc, next, current, { now: this.now() });
      o.warnings.push(...desc.strategy.warningsOnUpdate(next, current));
      await this.validate(desc, 'UPDATE', namespace, name, next, current, o, options);
      if (shouldDeleteDuringUpdate(next)) {
        if (o.dryRun) return { object: next, created: false };
        const del = await callService(
          'storage',
          this.storage.delete({ ref: ref(desc, namespace, name), preconditions: undefined, expectedResourceVersion: currentRv }, o.ctx),
        );
        if (del.succeeded) return { object: next, created: false };
        throwIfStatus(del.status);
        currentBytes = del.object.length > 0 ? del.object : undefined;
        fresh = true;
        continue;
      }
      // An update that changes nothing is not written: same resourceVersion, no watch event.
      if (withoutResourceVersion(next) === withoutResourceVersion(current)) return { object: current, created: false };
      if (o.dryRun) return { object: next, created: false };
      const res = await callService(
        'storage',
        this.storage.update(
          { ref: ref(desc, namespace, name), object: Buffer.from(JSON.stringify(next)), expectedResourceVersion: currentRv },
          o.ctx,
        ),
      );
      throwIfStatus(res.status);
      if (res.succeeded) return { object: parseObject(res.object), created: false };
      if (pinnedResourceVersion !== '') throw statusErrors.modified(gr(desc), name);
      currentBytes = res.object.length > 0 ? res.object : undefined;
      fresh = true;
    }
    throw statusErrors.conflict(gr(desc), name, 'too many conflicting updates, please try again');
  }

  /**
   * DELETE: objects with finalizers (or kinds that delete gracefully, like namespaces) are updated
   * with a deletionTimestamp and returned; others are removed and answered with a Status, or with
   * the object for kinds that return it.
   */
  async delete(
    desc: ResourceDescriptor,
    namespace: string,
    name: string,
    options: DeleteOptions,
    o: WriteOptions,
  ): Promise<{ code: 200 | 202; body: KubeObject | Status }> {
    const deleteOptions = { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...options };
    for (let attempt = 0; attempt < maxUpdateAttempts; attempt++) {
      const current = parseObject(await this.get(desc, namespace, name, '', o.ctx));
      checkPreconditions(desc, name, current, options.preconditions);
      await this.admit(desc, 'DELETE', namespace, name, undefined, current, o, deleteOptions);
      await this.validate(desc, 'DELETE', namespace, name, undefined, current, o, deleteOptions);
      const next = structuredClone(current);
      const graceful = beforeDelete(desc, next, options, { now: this.now() });
      if (graceful) {
        // k8s parity: the graceful path is a storage-level update (no admission, no strategy).
        if (o.dryRun) return { code: 200, body: next };
        const res = await callService(
          'storage',
          this.storage.update(
            {
              ref: ref(desc, namespace, name),
              object: Buffer.from(JSON.stringify(next)),
              expectedResourceVersion: current.metadata?.resourceVersion ?? '',
            },
            o.ctx,
          ),
        );
        throwIfStatus(res.status);
        if (!res.succeeded) continue;
        const code = options.orphanDependents === false ? 202 : 200;
        return { code, body: parseObject(res.object) };
      }
      if (o.dryRun) return { code: 200, body: this.deletedResponse(desc, name, current) };
      const res = await callService(
        'storage',
        this.storage.delete(
          { ref: ref(desc, namespace, name), preconditions: undefined, expectedResourceVersion: current.metadata?.resourceVersion ?? '' },
          o.ctx,
        ),
      );
      if (res.status?.code === 404) throw statusErrors.notFound(gr(desc), name);
      throwIfStatus(res.status);
      if (res.succeeded) return { code: 200, body: this.deletedResponse(desc, name, parseObject(res.object)) };
    }
    throw statusErrors.conflict(gr(desc), name, 'too many conflicting updates, please try again');
  }

  private deletedResponse(desc: ResourceDescriptor, name: string, obj: KubeObject): KubeObject | Status {
    if (desc.strategy.returnDeletedObject) return obj;
    return success({ name, ...(desc.group !== '' ? { group: desc.group } : {}), kind: desc.resource, uid: obj.metadata?.uid ?? '' });
  }

  private async admit(
    desc: ResourceDescriptor,
    operation: 'CREATE' | 'UPDATE' | 'DELETE',
    namespace: string,
    name: string,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    o: WriteOptions,
    options: object,
  ): Promise<KubeObject> {
    const res = await callService('admission', this.admission.admit(this.admissionRequest(desc, operation, namespace, name, obj, old, o, options), o.ctx));
    o.warnings.push(...res.warnings);
    if (!res.allowed) {
      throwIfStatus(res.status);
      throw statusErrors.forbidden(gr(desc), name, 'admission denied the request');
    }
    if (res.object.length > 0) return parseObject(res.object);
    return obj ?? {};
  }

  private async validate(
    desc: ResourceDescriptor,
    operation: 'CREATE' | 'UPDATE' | 'DELETE',
    namespace: string,
    name: string,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    o: WriteOptions,
    options: object,
  ): Promise<void> {
    const res = await callService(
      'admission',
      this.admission.validate(this.admissionRequest(desc, operation, namespace, name, obj, old, o, options), o.ctx),
    );
    o.warnings.push(...res.warnings);
    if (!res.allowed) {
      throwIfStatus(res.status);
      throw statusErrors.forbidden(gr(desc), name, 'admission denied the request');
    }
  }

  private admissionRequest(
    desc: ResourceDescriptor,
    operation: string,
    namespace: string,
    name: string,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    o: WriteOptions,
    options: object,
  ) {
    return {
      uid: randomUUID(),
      operation,
      kind: { group: desc.group, version: desc.version, kind: desc.kind },
      resource: { group: desc.group, version: desc.version, resource: desc.resource },
      subResource: '',
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

/** k8s parity: storage.Preconditions.Check. */
function checkPreconditions(desc: ResourceDescriptor, name: string, obj: KubeObject, p: DeleteOptions['preconditions']): void {
  if (p === undefined) return;
  const uid = obj.metadata?.uid ?? '';
  const rv = obj.metadata?.resourceVersion ?? '';
  if (p.uid !== undefined && p.uid !== uid) {
    throw statusErrors.conflict(gr(desc), name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${uid}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== rv) {
    throw statusErrors.conflict(
      gr(desc),
      name,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${rv}`,
    );
  }
}

