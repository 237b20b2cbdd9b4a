// k8s parity: kubernetes pkg/registry/core/namespace (strategy.go, storage/storage.go),
// pkg/apis/core/validation ValidateNamespace*, pkg/apis/core/v1/defaults.go SetDefaults_Namespace
// and SetDefaults_NamespaceStatus.
import { type FieldError, FieldPath, type KubeObject, fieldErrors, isPlainObject, nameIsDNSLabel, statusErrors } from '@portico/api';
import { formatTimestamp } from '../codec';
import { validateCoreFinalizerName, validateCoreObjectMeta, validateCoreObjectMetaUpdate } from '../core-validation';
import { defineResource, defineStrategy, fieldLabelConversion, metaOf, objectMetaFieldsSet, record, str } from '../define';
import type { DeleteOptions, DeletePlan, RESTStrategy } from '../descriptor';

/** The label every namespace carries with its own name. */
export const labelMetadataName = 'kubernetes.io/metadata.name';
export const finalizerKubernetes = 'kubernetes';

const specOf = (obj: KubeObject): Record<string, unknown> => {
  if (!isPlainObject(obj.spec)) obj.spec = {};
  return obj.spec as Record<string, unknown>;
};
const specFinalizers = (obj: KubeObject): string[] => {
  const f = record(obj.spec)?.finalizers;
  return Array.isArray(f) ? (f as string[]) : [];
};
const phaseOf = (obj: KubeObject): string => str(record(obj.status)?.phase);

function setNameLabel(obj: KubeObject): void {
  const m = metaOf(obj);
  obj.metadata = m;
  m.labels = { ...(m.labels ?? {}), [labelMetadataName]: str(m.name) };
}

/** ValidateNamespace: a DNS-1123 label name and qualified, standard spec finalizers. */
function validateNamespace(obj: KubeObject): FieldError[] {
  const errs = validateCoreObjectMeta(metaOf(obj), false, nameIsDNSLabel);
  for (const f of specFinalizers(obj)) errs.push(...validateCoreFinalizerName(f, 'spec.finalizers'));
  return errs;
}

const base = {
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
  returnDeletedObject: true,
  applyDefaults(obj: KubeObject) {
    // SetDefaults_Namespace cannot label a namespace that only has a generateName yet; Canonicalize does.
    if (str(metaOf(obj).name) !== '') setNameLabel(obj);
    specOf(obj);
    if (!isPlainObject(obj.status)) obj.status = {};
    const status = obj.status as Record<string, unknown>;
    if (str(status.phase) === '') status.phase = 'Active';
  },
  prepareForCreate(obj: KubeObject) {
    obj.status = { phase: 'Active' };
    const spec = specOf(obj);
    const finalizers = specFinalizers(obj);
    if (!finalizers.includes(finalizerKubernetes)) spec.finalizers = [...finalizers, finalizerKubernetes];
  },
  validate: validateNamespace,
  canonicalize: setNameLabel,
  shouldDeleteDuringUpdate: (obj: KubeObject) => specFinalizers(obj).length === 0,
  customDelete: namespaceDelete,
} satisfies Partial<RESTStrategy>;

export const namespaceStrategy = defineStrategy({
  ...base,
  prepareForUpdate(obj, old) {
    const spec = specOf(obj);
    const oldFinalizers = record(old.spec)?.finalizers;
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(oldFinalizers);
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  },
  validateUpdate: (obj, old) => [...validateNamespace(obj), ...validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old))],
});

/** namespaces/status: everything but spec may change; the phase must agree with deletionTimestamp. */
export const namespaceStatusStrategy = defineStrategy({
  ...base,
  prepareForUpdate(obj, old) {
    if (old.spec === undefined) delete obj.spec;
    else obj.spec = structuredClone(old.spec);
  },
  validateUpdate(obj, old) {
    const errs = validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old));
    const phase = phaseOf(obj);
    if (!metaOf(obj).deletionTimestamp) {
      if (phase !== 'Active') errs.push(fieldErrors.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (phase !== 'Terminating') {
      errs.push(fieldErrors.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
    }
    return errs;
  },
});

/** namespaces/finalize: only spec.finalizers (and metadata) may change. */
export const namespaceFinalizeStrategy = defineStrategy({
  ...base,
  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  },
  validateUpdate(obj, old) {
    const errs = validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old));
    const path = FieldPath.root('spec').child('finalizers');
    specFinalizers(obj).forEach((f, i) => errs.push(...validateCoreFinalizerName(f, path.index(i))));
    return errs;
  },
});

function shouldHaveOrphanFinalizer(options: DeleteOptions, has: boolean): boolean {
  if (typeof options.orphanDependents === 'boolean') return options.orphanDependents;
  if (options.propagationPolicy !== undefined && options.propagationPolicy !== null) return options.propagationPolicy === 'Orphan';
  return has;
}

function shouldHaveDeleteDependentsFinalizer(options: DeleteOptions, has: boolean): boolean {
  if (typeof options.orphanDependents === 'boolean') return !options.orphanDependents;
  if (options.propagationPolicy !== undefined && options.propagationPolicy !== null) return options.propagationPolicy === 'Foreground';
  return has;
}

/**
 * namespace REST.Delete: the first DELETE marks the namespace Terminating (deletionTimestamp,
 * phase, GC finalizers per the options) and the namespace controller empties it; while
 * spec.finalizers remain, later DELETEs answer with the namespace unchanged; then the generic
 * store deletes it.
 */
function namespaceDelete(obj: KubeObject, options: DeleteOptions, ctx: { now: Date; generic: () => DeletePlan }): DeletePlan {
  const m = metaOf(obj);
  const name = str(m.name);
  const gr = { group: '', resource: 'namespaces' };
  const pre = options.preconditions;
  if (pre && typeof pre.uid === 'string' && pre.uid !== str(m.uid)) {
    throw statusErrors.conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${str(m.uid)}`);
  }
  if (pre && typeof pre.resourceVersion === 'string' && pre.resourceVersion !== str(m.resourceVersion)) {
    throw statusErrors.conflict(
      gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${str(m.resourceVersion)}`,
    );
  }
  if (!m.deletionTimestamp) {
    obj.metadata = m;
    m.deletionTimestamp = formatTimestamp(ctx.now);
    if (!isPlainObject(obj.status)) obj.status = {};
    (obj.status as Record<string, unknown>).phase = 'Terminating';
    const current = Array.isArray(m.finalizers) ? [...m.finalizers] : [];
    const want: [string, boolean][] = [
      ['orphan', shouldHaveOrphanFinalizer(options, current.includes('orphan'))],
      ['foregroundDeletion', shouldHaveDeleteDependentsFinalizer(options, current.includes('foregroundDeletion'))],
    ];
    let next = current;
    for (const [f, should] of want) {
      if (should && !next.includes(f)) next = [...next, f];
      if (!should && next.includes(f)) next = next.filter((x) => x !== f);
    }
    if (next.length !== current.length || next.some((f, i) => f !== current[i])) {
      if (next.length) m.finalizers = next;
      else delete m.finalizers;
    }
    return { action: 'update', object: obj, thenDelete: false };
  }
  if (specFinalizers(obj).length !== 0) return { action: 'wait', object: obj };
  return ctx.generic();
}

const gvk = { group: '', version: 'v1', kind: 'Namespace' };

export const namespaces = defineResource({
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  subresources: [
    { name: 'finalize', kind: gvk, verbs: ['update'], strategy: namespaceFinalizeStrategy },
    { name: 'status', kind: gvk, verbs: ['get', 'patch', 'update'], strategy: namespaceStatusStrategy },
  ],
  // NamespaceToSelectableFields keeps a bare "name" for old clients.
  selectableFields: (obj) => ({ ...objectMetaFieldsSet(obj, false), 'status.phase': phaseOf(obj), name: str(metaOf(obj).name) }),
  convertFieldLabel: fieldLabelConversion(['status.phase', 'metadata.name']),
  strategy: namespaceStrategy,
});
