// The generic write path, as pure functions over objects: k8s.io/apiserver v0.33.1
// pkg/registry/rest/{create,update,delete,meta}.go (BeforeCreate, BeforeUpdate, BeforeDelete),
// pkg/registry/generic/registry/store.go (system fields, name generation, the resourceVersion
// rules of Update, the finalizer and garbage-collection path of Delete, ShouldDeleteDuringUpdate)
// and the create/update handlers' metadata steps. Nothing here does I/O: the caller reads and
// writes storage and runs admission around these steps.
import {
  type FieldError,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
  StatusError,
  failure,
  fieldErrors,
  generateName as simpleNameGenerator,
  goQuote,
  goStringSlice,
  goSyntax,
  isPlainObject,
  statusErrors,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from '@portico/api';
import { formatTimestamp } from './codec';
import { deepEqualJson } from './core-validation';
import type { DeleteOptions, DeletePlan, RESTStrategy, ResourceDescriptor } from './descriptor';

// ---------------------------------------------------------------------------------------------
// Errors

/** apierrors.NewInvalid (kept under its Go name for the strategies). */
export const newInvalid = statusErrors.invalid;

/** An error kube-apiserver passes through without a Status: 500, empty reason, the bare text. */
function plainError(message: string): StatusError {
  return new StatusError(failure(500, '', message));
}

// ---------------------------------------------------------------------------------------------
// Small pieces, exported for callers that run admission between them

const metaOf = (obj: KubeObject): ObjectMeta => {
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as ObjectMeta;
};

const strOf = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * ObjectMeta's maps and lists are `omitempty` in Go: an empty one never reaches storage or a
 * response (a strategic patch adding `"annotations":{}` must not show up as a change).
 */
export function omitEmptyMetadata(obj: KubeObject): void {
  const m = metaOf(obj) as Record<string, unknown>;
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
    const v = m[field];
    if (v === null || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0)) delete m[field];
  }
}

/** rest.WipeObjectMetaSystemFields: what a client may not set on create. */
export function wipeObjectMetaSystemFields(obj: KubeObject): void {
  const m = metaOf(obj);
  delete m.creationTimestamp;
  delete m.uid;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
}

/** rest.FillObjectMetaSystemFields. */
export function fillObjectMetaSystemFields(obj: KubeObject, now: Date, uid: string): void {
  const m = metaOf(obj);
  m.creationTimestamp = formatTimestamp(now);
  m.uid = uid;
}

/**
 * rest.EnsureObjectNamespaceMatchesRequestNamespace with ExpectedNamespaceForScope: fills an empty
 * namespace from the request, clears it for cluster-scoped kinds, or answers 400 on a mismatch.
 */
export function ensureObjectNamespaceMatchesRequestNamespace(desc: ResourceDescriptor, obj: KubeObject, requestNamespace: string): void {
  const expected = desc.namespaced ? requestNamespace : '';
  const m = metaOf(obj);
  const actual = strOf(m.namespace);
  if (actual === expected) return;
  if (actual === '') {
    m.namespace = expected;
    return;
  }
  if (expected === '') {
    delete m.namespace;
    return;
  }
  throw statusErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

const duplicateOwnerReferencesWarningFormat =
  '.metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ';
const duplicateOwnerReferencesAfterMutatingAdmissionWarningFormat =
  '.metadata.ownerReferences contains duplicate entries after mutating admission happens; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ';

/**
 * The handlers' dedupOwnerReferencesAndAddWarning: drops owner references equal to an earlier one
 * and returns the warning (none when nothing was dropped). Create and update run it before and
 * after mutating admission, patch only after.
 */
export function dedupOwnerReferences(obj: KubeObject, afterMutatingAdmission: boolean): string[] {
  const m = metaOf(obj);
  if (!Array.isArray(m.ownerReferences)) return [];
  const result: OwnerReference[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const ref of m.ownerReferences) {
    if (!seen.has(ref.uid) || !result.some((r) => deepEqualJson(r, ref))) {
      seen.add(ref.uid);
      result.push(ref);
    } else {
      duplicates.push(ref.uid);
    }
  }
  if (duplicates.length === 0) return [];
  m.ownerReferences = result;
  const format = afterMutatingAdmission ? duplicateOwnerReferencesAfterMutatingAdmissionWarningFormat : duplicateOwnerReferencesWarningFormat;
  return [format + duplicates.join(', ')];
}

/** strconv.ParseUint(rv, 10, 64), as the storage versioner reads a resourceVersion. */
function parseResourceVersion(rv: string): { value: bigint } | { error: string } {
  if (rv === '') return { value: 0n };
  if (!/^[0-9]+$/.test(rv)) return { error: `strconv.ParseUint: parsing ${goQuote(rv)}: invalid syntax` };
  const v = BigInt(rv);
  if (v > 2n ** 64n - 1n) return { error: `strconv.ParseUint: parsing ${goQuote(rv)}: value out of range` };
  return { value: v };
}

function strategyFor(desc: ResourceDescriptor, subresource: string | undefined): RESTStrategy {
  if (subresource === undefined || subresource === '') return desc.strategy;
  return desc.subresources.find((s) => s.name === subresource)?.strategy ?? desc.strategy;
}

const withoutMetadataAndStatus = (obj: KubeObject): Record<string, unknown> => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
};

// ---------------------------------------------------------------------------------------------
// Create

export interface CreateContext {
  /** The namespace in the request URL ("" for cluster-scoped resources). */
  namespace: string;
  /** creationTimestamp (second precision). */
  now: Date;
  /** metadata.uid of the new object. */
  uid: string;
  /** Builds a name from metadata.generateName; SimpleNameGenerator unless given (tests pin it). */
  generateName?: (base: string) => string;
}

/**
 * Everything kube-apiserver does to a new object between decoding and validating admission, in
 * its order: wipe system fields, check the namespace, dedup owner references, fill uid and
 * creationTimestamp, generate the name, refuse a set resourceVersion, PrepareForCreate (plus
 * generation 1 for kinds that track it), the kind's Validate and then the generic object-meta
 * validation (422 via newInvalid), and Canonicalize. Mutates `obj`; returns the warnings
 * (duplicate owner references, the strategy's WarningsOnCreate).
 */
export function beforeCreate(desc: ResourceDescriptor, obj: KubeObject, ctx: CreateContext): { warnings: string[] } {
  const strategy = desc.strategy;
  const warnings: string[] = [];
  wipeObjectMetaSystemFields(obj);
  ensureObjectNamespaceMatchesRequestNamespace(desc, obj, ctx.namespace);
  warnings.push(...dedupOwnerReferences(obj, false));

  fillObjectMetaSystemFields(obj, ctx.now, ctx.uid);
  const m = metaOf(obj);
  const generateName = strOf(m.generateName);
  if (generateName !== '' && strOf(m.name) === '') m.name = (ctx.generateName ?? simpleNameGenerator)(generateName);

  // etcd3 store: a set resourceVersion is refused; an unparsable one is simply dropped.
  const rv = parseResourceVersion(strOf(m.resourceVersion));
  if ('value' in rv && rv.value !== 0n) throw plainError('resourceVersion should not be set on objects to be created');
  delete m.resourceVersion;

  ensureObjectNamespaceMatchesRequestNamespace(desc, obj, ctx.namespace);
  strategy.prepareForCreate(obj);
  if (strategy.tracksGeneration) metaOf(obj).generation = 1;

  const name = strOf(metaOf(obj).name);
  const kindErrs = strategy.validate(obj);
  if (kindErrs.length) throw newInvalid(desc.storage.group, desc.kind, name, kindErrs);
  const metaErrs = validateObjectMeta(metaOf(obj), { namespaced: desc.namespaced, nameValidator: validatePathSegmentName });
  if (metaErrs.length) throw newInvalid(desc.storage.group, desc.kind, name, metaErrs);

  warnings.push(...strategy.warningsOnCreate(obj));
  omitEmptyMetadata(obj);
  strategy.canonicalize(obj);
  return { warnings };
}

// ---------------------------------------------------------------------------------------------
// Update

export interface UpdateContext {
  /** The namespace in the request URL; defaults to the stored object's. */
  namespace?: string;
  /** The subresource written ("status", "finalize"); its strategy replaces the main one. */
  subresource?: string;
  /** Unused by the built-ins; accepted so callers can pass one clock everywhere. */
  now?: Date;
}

/**
 * Store.Update's resourceVersion rules, before BeforeUpdate: an empty resourceVersion takes the
 * stored one when the kind allows unconditional updates, else 422 `metadata.resourceVersion:
 * Invalid value: 0x0: must be specified for an update` (kind = the resource, as Go reports it); a
 * different one is the 409 clients retry on. Mutates `obj`.
 */
export function resourceVersionForUpdate(desc: ResourceDescriptor, obj: KubeObject, current: KubeObject): void {
  const m = metaOf(obj);
  const name = strOf(metaOf(current).name);
  const parsed = parseResourceVersion(strOf(m.resourceVersion));
  if ('error' in parsed) throw plainError(parsed.error);
  const existing = strOf(metaOf(current).resourceVersion);
  if (parsed.value === 0n) {
    if (desc.strategy.allowUnconditionalUpdate) {
      m.resourceVersion = existing;
      return;
    }
    throw newInvalid(desc.group, desc.resource, name, [fieldErrors.invalid('metadata.resourceVersion', goSyntax('0x0'), 'must be specified for an update')]);
  }
  const existingParsed = parseResourceVersion(existing);
  if (!('value' in existingParsed) || existingParsed.value !== parsed.value) throw statusErrors.modified({ group: desc.group, resource: desc.resource }, name);
}


/**
 * rest.BeforeUpdate: namespace check, generation carried over (and bumped for kinds that track it
 * when anything but metadata and status changed), PrepareForUpdate, uid / creationTimestamp /
 * deletionTimestamp / deletionGracePeriodSeconds kept from the stored object, then generic and
 * kind validation (422), and Canonicalize. `old` is the stored object; mutates `obj`. Returns the
 * strategy's WarningsOnUpdate.
 */
export function beforeUpdate(desc: ResourceDescriptor, obj: KubeObject, old: KubeObject, ctx: UpdateContext = {}): { warnings: string[] } {
  const strategy = strategyFor(desc, ctx.subresource);
  const oldMeta = metaOf(old);
  ensureObjectNamespaceMatchesRequestNamespace(desc, obj, ctx.namespace ?? strOf(oldMeta.namespace));

  const m = metaOf(obj);
  if (typeof oldMeta.generation === 'number') m.generation = oldMeta.generation;
  else delete m.generation;
  strategy.prepareForUpdate(obj, old);
  // A subresource without its own strategy (scale) writes through the kind's: its spec changes count.
  const isMainResource = strategy === desc.strategy;
  if (strategy.tracksGeneration && isMainResource && !deepEqualJson(withoutMetadataAndStatus(obj), withoutMetadataAndStatus(old))) {
    metaOf(obj).generation = (typeof oldMeta.generation === 'number' ? oldMeta.generation : 0) + 1;
  }

  const meta = metaOf(obj);
  if (strOf(meta.uid) === '' && oldMeta.uid !== undefined) meta.uid = oldMeta.uid;
  if (oldMeta.creationTimestamp) meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  if (typeof oldMeta.deletionGracePeriodSeconds === 'number' && typeof meta.deletionGracePeriodSeconds !== 'number') {
    meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  }

  const errs = [
    ...validateObjectMeta(meta, { namespaced: desc.namespaced, nameValidator: validatePathSegmentName }),
    ...validateObjectMetaUpdate(meta, oldMeta),
    ...strategy.validateUpdate(obj, old),
  ];
  if (errs.length) throw newInvalid(desc.storage.group, desc.kind, strOf(meta.name), errs);

  const warnings = strategy.warningsOnUpdate(obj, old);
  omitEmptyMetadata(obj);
  strategy.canonicalize(obj);
  return { warnings };
}

/**
 * ShouldDeleteDuringUpdate, on an object that went through beforeUpdate (which copied the stored
 * deletionTimestamp and grace period onto it): no finalizers left, deletion requested, no grace
 * period pending, and the kind's own condition (namespaces: spec.finalizers empty too).
 */
export function shouldDeleteDuringUpdate(obj: KubeObject, desc?: ResourceDescriptor): boolean {
  const m = isPlainObject(obj.metadata) ? (obj.metadata as ObjectMeta) : {};
  if (Array.isArray(m.finalizers) && m.finalizers.length > 0) return false;
  if (!m.deletionTimestamp) return false;
  const grace = m.deletionGracePeriodSeconds;
  if (typeof grace === 'number' && grace !== 0) return false;
  return desc?.strategy.shouldDeleteDuringUpdate?.(obj) ?? true;
}

// ---------------------------------------------------------------------------------------------
// Delete

/** metav1 validation.ValidateDeleteOptions. */
export function validateDeleteOptions(options: DeleteOptions): FieldError[] {
  const errs: FieldError[] = [];
  const policy = options.propagationPolicy;
  const hasOrphan = options.orphanDependents !== undefined && options.orphanDependents !== null;
  const hasPolicy = policy !== undefined && policy !== null;
  if (hasOrphan && hasPolicy) errs.push(fieldErrors.invalid('propagationPolicy', policy, 'orphanDependents and deletionPropagation cannot be both set'));
  if (hasPolicy && policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
    errs.push(fieldErrors.notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  const dryRun = options.dryRun ?? [];
  if (!dryRun.every((v) => v === 'All')) errs.push(fieldErrors.notSupported('dryRun', goStringSlice(options.dryRun), ['All']));
  if (options.ignoreStoreReadErrorWithClusterBreakingPotential === true) {
    const p = 'ignoreStoreReadErrorWithClusterBreakingPotential';
    if (dryRun.length > 0) errs.push(fieldErrors.invalid(p, true, 'cannot be set together with .dryRun'));
    if (hasPolicy) errs.push(fieldErrors.invalid(p, true, 'cannot be set together with .propagationPolicy'));
    if (hasOrphan) errs.push(fieldErrors.invalid(p, true, 'cannot be set together with .orphanDependents'));
    if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds !== null) {
      errs.push(fieldErrors.invalid(p, true, 'cannot be set together with .gracePeriodSeconds'));
    }
    if (options.preconditions !== undefined && options.preconditions !== null) {
      errs.push(fieldErrors.invalid(p, true, 'cannot be set together with .preconditions'));
    }
  }
  return errs;
}

const addSeconds = (iso: string, seconds: number): Date => new Date(Date.parse(iso) + seconds * 1000);

/**
 * rest.BeforeDelete: validates the options (422), checks the preconditions (409), normalizes
 * grace periods and, for kinds with graceful deletion, sets deletionTimestamp and the grace
 * period. Mutates `obj` and `options`.
 */
function restBeforeDelete(
  desc: ResourceDescriptor,
  obj: KubeObject,
  options: DeleteOptions,
  now: Date,
): { graceful: boolean; pending: boolean } {
  const errs = validateDeleteOptions(options);
  if (errs.length) throw newInvalid('meta.k8s.io', 'DeleteOptions', '', errs);
  const m = metaOf(obj);
  const name = strOf(m.name);
  // Go names the kind where a resource belongs in this message.
  const gr = { group: desc.storage.group, resource: desc.kind };
  const pre = options.preconditions;
  if (pre) {
    if (typeof pre.uid === 'string' && pre.uid !== strOf(m.uid)) {
      throw statusErrors.conflict(
        gr,
        name,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${strOf(m.uid)}). The object might have been deleted and then recreated`,
      );
    }
    if (typeof pre.resourceVersion === 'string' && pre.resourceVersion !== strOf(m.resourceVersion)) {
      throw statusErrors.conflict(
        gr,
        name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${strOf(m.resourceVersion)}). The object might have been modified`,
      );
    }
  }
  if (typeof options.gracePeriodSeconds === 'number' && options.gracePeriodSeconds < 0) options.gracePeriodSeconds = 1;
  if (typeof m.deletionGracePeriodSeconds === 'number' && m.deletionGracePeriodSeconds < 0) m.deletionGracePeriodSeconds = 1;

  const check = desc.strategy.checkGracefulDelete;
  if (check === undefined) return { graceful: false, pending: false };
  if (m.deletionTimestamp) {
    const current = m.deletionGracePeriodSeconds;
    if (typeof current !== 'number' || current === 0) return { graceful: false, pending: false };
    if (typeof options.gracePeriodSeconds === 'number') {
      let period = options.gracePeriodSeconds;
      if (period >= current) return { graceful: false, pending: true };
      // Shorten: move deletionTimestamp back by the difference, never into the past.
      let when = addSeconds(m.deletionTimestamp, period - current);
      if (when.getTime() < now.getTime()) {
        when = now;
        if (period !== 0) period = 1;
      }
      m.deletionTimestamp = formatTimestamp(when);
      m.deletionGracePeriodSeconds = period;
      return { graceful: true, pending: false };
    }
    options.gracePeriodSeconds = current;
    return { graceful: false, pending: true };
  }
  if (!check(obj, options)) return { graceful: false, pending: false };
  if (typeof options.gracePeriodSeconds !== 'number') throw statusErrors.internal('options.GracePeriodSeconds should not be nil');
  m.deletionTimestamp = formatTimestamp(new Date(now.getTime() + options.gracePeriodSeconds * 1000));
  m.deletionGracePeriodSeconds = options.gracePeriodSeconds;
  if (typeof m.generation === 'number' && m.generation > 0) m.generation += 1;
  return { graceful: true, pending: false };
}

function shouldOrphanDependents(strategy: RESTStrategy, finalizers: readonly string[], options: DeleteOptions): boolean {
  if (strategy.defaultGarbageCollectionPolicy === 'Unsupported') return false;
  if (typeof options.orphanDependents === 'boolean') return options.orphanDependents;
  switch (options.propagationPolicy) {
    case 'Orphan':
      return true;
    case 'Background':
    case 'Foreground':
      return false;
  }
  for (const f of finalizers) {
    if (f === 'orphan') return true;
    if (f === 'foregroundDeletion') return false;
  }
  return strategy.defaultGarbageCollectionPolicy === 'OrphanDependents';
}

function shouldDeleteDependents(strategy: RESTStrategy, finalizers: readonly string[], options: DeleteOptions): boolean {
  if (strategy.defaultGarbageCollectionPolicy === 'Unsupported') return false;
  if (typeof options.orphanDependents === 'boolean') return false;
  switch (options.propagationPolicy) {
    case 'Foreground':
      return true;
    case 'Background':
    case 'Orphan':
      return false;
  }
  for (const f of finalizers) {
    if (f === 'foregroundDeletion') return true;
    if (f === 'orphan') return false;
  }
  return false;
}

/** deletionFinalizersForGarbageCollection: the orphan/foregroundDeletion finalizers the options ask for. */
function gcFinalizers(strategy: RESTStrategy, finalizers: readonly string[], options: DeleteOptions): { changed: boolean; finalizers: string[] } {
  const orphan = shouldOrphanDependents(strategy, finalizers, options);
  const foreground = shouldDeleteDependents(strategy, finalizers, options);
  const next = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  if (orphan) next.push('orphan');
  if (foreground) next.push('foregroundDeletion');
  const a = new Set(finalizers);
  const b = new Set(next);
  const same = a.size === b.size && [...a].every((f) => b.has(f));
  return same ? { changed: false, finalizers: [...finalizers] } : { changed: true, finalizers: next };
}

/** markAsDeleting: deletionTimestamp now (or the earlier one), grace period 0, generation bumped once. */
function markAsDeleting(obj: KubeObject, now: Date): void {
  const m = metaOf(obj);
  if (!m.deletionTimestamp && typeof m.generation === 'number' && m.generation > 0) m.generation += 1;
  if (!m.deletionTimestamp || Date.parse(m.deletionTimestamp) > now.getTime()) m.deletionTimestamp = formatTimestamp(now);
  m.deletionGracePeriodSeconds = 0;
}

function genericDelete(desc: ResourceDescriptor, existing: KubeObject, options: DeleteOptions, now: Date): DeletePlan {
  const obj = structuredClone(existing);
  const opts: DeleteOptions = { ...options };
  const { graceful, pending } = restBeforeDelete(desc, obj, opts, now);
  if (pending) return { action: 'pending', object: structuredClone(existing) };
  const m = metaOf(obj);
  const current = Array.isArray(m.finalizers) ? m.finalizers : [];
  const gc = gcFinalizers(desc.strategy, current, opts);
  if (gc.changed) {
    if (gc.finalizers.length) m.finalizers = gc.finalizers;
    else delete m.finalizers;
  }
  const pendingFinalizers = gc.finalizers.length > 0;
  if (!graceful) {
    if (!pendingFinalizers) return { action: 'delete' };
    markAsDeleting(obj, now);
    return { action: 'update', object: obj, thenDelete: false };
  }
  return { action: 'update', object: obj, thenDelete: !pendingFinalizers && opts.gracePeriodSeconds === 0 };
}

/**
 * Store.Delete's decision for the stored object `obj` (not modified; plans carry copies): delete
 * now, or write the object with a deletionTimestamp because finalizers remain (after adding or
 * removing the orphan/foregroundDeletion finalizers the options and the kind's GC policy ask for),
 * or because the kind deletes gracefully. Throws 422 for invalid options and 409 for failed
 * preconditions. Kinds with their own REST Delete (namespaces) decide through customDelete.
 */
export function beforeDelete(desc: ResourceDescriptor, obj: KubeObject, options: DeleteOptions = {}, ctx: { now: Date }): DeletePlan {
  const generic = () => genericDelete(desc, obj, options, ctx.now);
  const custom = desc.strategy.customDelete;
  return custom ? custom(structuredClone(obj), { ...options }, { now: ctx.now, generic }) : generic();
}

/**
 * Store.finalizeDelete: the body of a successful delete. The object for kinds that return it,
 * else `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{…}}` with
 * the resource in details.kind and no code, as kube-apiserver writes it.
 */
export function finalizeDelete(desc: ResourceDescriptor, obj: KubeObject): KubeObject {
  if (desc.strategy.returnDeletedObject) return obj;
  const m = isPlainObject(obj.metadata) ? (obj.metadata as ObjectMeta) : {};
  const details: Record<string, string> = {};
  if (strOf(m.name) !== '') details.name = strOf(m.name);
  if (desc.group !== '') details.group = desc.group;
  details.kind = desc.resource;
  if (strOf(m.uid) !== '') details.uid = strOf(m.uid);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
