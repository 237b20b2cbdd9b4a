// Server-side apply and managedFields tracking for every write.
// k8s parity: apimachinery pkg/util/managedfields/internal — the manager chain built by
// NewDefaultFieldManager (versionCheck → lastAppliedUpdater → lastAppliedManager →
// skipNonApplied → capManagers → buildManagerInfo → managedFieldsUpdater → stripMeta →
// structuredMerge) — over structured-merge-diff's merge.Updater (Update, Apply, prune).
// Objects are plain JSON in the request's version; every API version of a kind is read with
// the same schema (Portico serves one version per kind, so no conversion is needed).
import { statusErrors, type KubeObject, type ManagedFieldsEntry } from '@portico/api';
import { formatTimestamp } from '../codec';
import { schemaNodesOf } from '../crd/openapi';
import type { DescriptorOpenAPI, ResourceDescriptor } from '../descriptor';
import { openapiSchemas } from '../generated';
import { internalUnknown } from './errors';
import { FieldSet, fieldElement, type Path } from './fieldpath';
import { cloneJson, goJsonMarshal, isObject, jsonEqual, type JsonObject, type JsonValue } from './json';
import {
  ApplyConflicts,
  applyConflictError,
  buildManagerIdentifier,
  capUpdateManagers,
  conflictsFromManagers,
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  isResetManagedFields,
  type Managed,
  type VersionedSet,
} from './managed-fields';
import { schemaNameForKind } from './schema-lookup';
import {
  DuplicateKeyError,
  TypeSchema,
  compare,
  ensureNamedFieldsAreMembers,
  merge,
  removeItems,
  toFieldSet,
  validate,
  validationErrorsText,
  type Comparison,
  type TypeRef,
} from './typed';

export const lastAppliedConfigAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
const totalAnnotationSizeLimitB = 256 * (1 << 10);
const beforeFirstApplyManager = 'before-first-apply';
const currentOperation = 'current-operation';

/** What a field manager needs to know about the kind it manages. */
export interface FieldManagerScope {
  group: string;
  version: string;
  kind: string;
  /** The subresource written ("status"); "" for the main resource. */
  subresource: string;
  /** The OpenAPI definition of the kind; undefined reads objects as deduced (custom resources without a schema). */
  definition: string | undefined;
  /** Paths the strategy resets on this endpoint (status on the main resource, spec on /status), never owned here. */
  resetFields?: readonly (readonly string[])[];
  now?: () => Date;
  schema?: TypeSchema;
}

const sharedSchema = new TypeSchema();

const stripSet = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f): Path => [fieldElement('metadata'), fieldElement(f)],
  ),
);

/** The reset fields of an endpoint: status on a main resource that has /status, spec on /status. */
export function defaultResetFields(desc: ResourceDescriptor, subresource: string): string[][] {
  if (subresource === 'status') return [['spec']];
  if (subresource === '' && desc.subresources.some((s) => s.name === 'status')) return [['status']];
  return [];
}

// One TypeSchema per descriptor schema set: its parsed atoms are reused by every request.
const describedSchemas = new WeakMap<DescriptorOpenAPI, TypeSchema>();

/**
 * The typed view of a kind the generated tables do not describe (a CRD version): its own
 * definitions next to the built-in ones its refs name (ObjectMeta), so x-kubernetes-list-type,
 * -list-map-keys and -map-type drive merging as they do in kube-apiserver.
 */
function describedSchema(openapi: DescriptorOpenAPI): TypeSchema {
  let schema = describedSchemas.get(openapi);
  if (schema === undefined) {
    schema = new TypeSchema({ ...openapiSchemas, ...schemaNodesOf(openapi) });
    describedSchemas.set(openapi, schema);
  }
  return schema;
}

export function fieldManagerScope(desc: ResourceDescriptor, subresource = ''): FieldManagerScope {
  const generated = schemaNameForKind(desc.group, desc.version, desc.kind);
  const scope: FieldManagerScope = {
    group: desc.group,
    version: desc.version,
    kind: desc.kind,
    subresource,
    definition: generated,
    resetFields: defaultResetFields(desc, subresource),
  };
  if (generated === undefined && desc.openapi !== undefined) {
    scope.definition = desc.openapi.schemaName;
    scope.schema = describedSchema(desc.openapi);
  }
  return scope;
}

/**
 * managerOrUserAgent: the fieldManager option, else the User-Agent up to its first "/" with
 * unprintable characters dropped, cut at 128 bytes.
 */
export function managerOrUserAgent(fieldManager: string, userAgent: string | undefined): string {
  if (fieldManager !== '') return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > 128) break;
    out += ch;
    bytes += n;
  }
  return out;
}

interface Typed {
  schema: TypeSchema;
  root: TypeRef;
}

/**
 * FieldManager for one endpoint of one kind. `update` records an Update entry (what create,
 * update and non-apply patches do); `apply` merges an applied configuration.
 */
export class FieldManager {
  private readonly t: Typed;
  private readonly apiVersion: string;
  private readonly resetFilter: FieldSet | undefined;
  private readonly now: () => Date;

  constructor(readonly scope: FieldManagerScope) {
    const schema = scope.schema ?? sharedSchema;
    this.t = { schema, root: schema.rootType(scope.definition) };
    this.apiVersion = scope.group === '' ? scope.version : `${scope.group}/${scope.version}`;
    const reset = scope.resetFields ?? [];
    this.resetFilter = reset.length === 0 ? undefined : FieldSet.of(...reset.map((p) => p.map(fieldElement)));
    this.now = scope.now ?? (() => new Date());
  }

  /**
   * FieldManager.UpdateNoErrors: sets obj.metadata.managedFields for a write of `obj` over `live`
   * (undefined for a create) by `manager`. Mutates obj. On an internal failure the live
   * managedFields are kept, as kube-apiserver does.
   */
  update(live: KubeObject | undefined, obj: KubeObject, manager: string): void {
    try {
      const managed = this.decodeLiveOrNew(live, obj);
      const liveBody = live === undefined ? undefined : withoutManagedFields(live);
      if (obj.metadata !== undefined) delete obj.metadata.managedFields;
      const result = this.updateChain(liveBody, withoutManagedFields(obj), managed, manager, live === undefined || uidOf(live) === '');
      setManagedFields(obj, encodeManagedFields(result));
    } catch {
      const meta = (obj.metadata ??= {});
      const kept = live?.metadata?.managedFields;
      if (kept === undefined) delete meta.managedFields;
      else meta.managedFields = cloneJson(kept as JsonValue) as ManagedFieldsEntry[];
    }
  }

  /**
   * FieldManager.Apply: merges `applied` into `live` (an empty object of the kind when absent)
   * for `manager`, or throws the StatusError kube-apiserver answers with (409 conflicts, 400 for
   * a wrong kind or managedFields in the configuration, 500 for a configuration the schema rejects).
   * Returns the new object with its managedFields.
   */
  apply(live: KubeObject, applied: JsonObject, manager: string, force: boolean): KubeObject {
    let managed: Managed;
    try {
      managed = decodeManagedFields(asArray(live.metadata?.managedFields));
    } catch (e) {
      throw internalUnknown(`failed to decode managed fields: ${e instanceof Error ? e.message : String(e)}`);
    }
    const gvk = gvkOf(applied);
    if (gvk.apiVersion !== this.apiVersion || gvk.kind !== this.scope.kind) {
      const g = gvk.apiVersion.includes('/') ? gvk.apiVersion.slice(0, gvk.apiVersion.indexOf('/')) : '';
      const v = gvk.apiVersion.includes('/') ? gvk.apiVersion.slice(gvk.apiVersion.indexOf('/') + 1) : gvk.apiVersion;
      throw statusErrors.badRequest(`invalid object type: ${g}/${v}, Kind=${gvk.kind}`);
    }
    const liveBody = withoutManagedFields(live);
    let result: { object: JsonObject; managed: Managed };
    try {
      result = this.applyWithLastApplied(liveBody, live, applied, managed, manager, force);
    } catch (e) {
      if (e instanceof ApplyConflicts) throw applyConflictError(e.conflicts);
      throw e;
    }
    // lastAppliedUpdater: kubectl's server-side apply keeps a client-side annotation current.
    if (manager === 'kubectl' && hasLastApplied(result.object)) setLastApplied(result.object, buildLastApplied(applied));
    const out = result.object as KubeObject;
    setManagedFields(out, encodeManagedFields(result.managed));
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private decodeLiveOrNew(live: KubeObject | undefined, obj: KubeObject): Managed {
    const liveManaged = (): Managed => {
      try {
        return decodeManagedFields(asArray(live?.metadata?.managedFields));
      } catch {
        return emptyManaged();
      }
    };
    // A subresource write may not set managedFields: the live ones count.
    if (this.scope.subresource !== '') return liveManaged();
    const requested = obj.metadata?.managedFields;
    if (isResetManagedFields(requested)) return emptyManaged();
    try {
      const m = decodeManagedFields(asArray(requested));
      if (m.fields.size > 0) return m;
    } catch {
      // Clients that do not understand managedFields must not wipe them.
    }
    return liveManaged();
  }

  /** skipNonApplied → capManagers → buildManagerInfo → managedFieldsUpdater → stripMeta → structuredMerge (Update). */
  private updateChain(live: JsonObject | undefined, obj: JsonObject, managed: Managed, manager: string, creating: boolean): Managed {
    // An object that has never been tracked starts being tracked on its creation only.
    if (managed.fields.size === 0 && !creating) return managed;
    return this.updateTracked(live, obj, managed, manager);
  }

  private updateTracked(live: JsonObject | undefined, obj: JsonObject, managed: Managed, manager: string): Managed {
    const id = buildManagerIdentifier({
      manager: manager === '' ? 'unknown' : manager,
      operation: 'Update',
      apiVersion: this.apiVersion,
      subresource: this.scope.subresource,
    });
    const fields = this.updaterUpdate(live ?? this.emptyObject(), obj, managed.fields, currentOperation);
    const out: Managed = { fields, times: managed.times };
    this.stripFields(out.fields, currentOperation);
    const vs = out.fields.get(currentOperation);
    if (vs !== undefined) {
      out.fields.delete(currentOperation);
      const previous = out.fields.get(id);
      out.fields.set(id, previous === undefined ? vs : { set: vs.set.union(previous.set), apiVersion: vs.apiVersion, applied: vs.applied });
      out.times.set(id, formatTimestamp(this.now()));
    }
    capUpdateManagers(out);
    return out;
  }

  /** lastAppliedManager: kubectl's first server-side apply may take over what its client-side apply set. */
  private applyWithLastApplied(
    liveBody: JsonObject,
    live: KubeObject,
    applied: JsonObject,
    managed: Managed,
    manager: string,
    force: boolean,
  ): { object: JsonObject; managed: Managed } {
    try {
      return this.applySkipNonApplied(liveBody, applied, cloneManaged(managed), manager, force);
    } catch (e) {
      if (manager !== 'kubectl' || !(e instanceof ApplyConflicts)) throw e;
      const allowed = this.allowedConflictsFromLastApplied(live);
      if (allowed === undefined) throw e;
      const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw new ApplyConflicts(remaining);
      return this.applySkipNonApplied(liveBody, applied, cloneManaged(managed), manager, true);
    }
  }

  private allowedConflictsFromLastApplied(live: KubeObject): FieldSet | undefined {
    const text = live.metadata?.annotations?.[lastAppliedConfigAnnotation];
    if (text === undefined || text === '') return undefined;
    const liveBody = withoutManagedFields(live);
    if (validate(this.t.schema, liveBody, this.t.root).length > 0) return undefined;
    let lastApplied: unknown;
    try {
      lastApplied = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isObject(lastApplied) || lastApplied['apiVersion'] !== this.apiVersion) return undefined;
    if (validate(this.t.schema, lastApplied, this.t.root).length > 0) return undefined;
    const set = toFieldSet(this.t.schema, lastApplied, this.t.root);
    const c = compare(this.t.schema, lastApplied, liveBody, this.t.root);
    return set.difference(c.modified).difference(c.added).difference(c.removed);
  }

  private applySkipNonApplied(live: JsonObject, applied: JsonObject, managedIn: Managed, manager: string, force: boolean): { object: JsonObject; managed: Managed } {
    let managed = managedIn;
    // The first apply to an untracked object records who set what so far as before-first-apply.
    if (managed.fields.size === 0) managed = this.updateTracked(this.emptyObject(), live, managed, beforeFirstApplyManager);
    const id = buildManagerIdentifier({ manager, operation: 'Apply', subresource: this.scope.subresource });
    const r = this.structuredApply(live, applied, managed, id, force);
    this.stripFields(r.managed.fields, id);
    if (r.object !== undefined) {
      r.managed.times.set(id, formatTimestamp(this.now()));
      return { object: r.object, managed: r.managed };
    }
    return { object: cloneJson(live), managed: r.managed };
  }

  private structuredApply(live: JsonObject, applied: JsonObject, managed: Managed, manager: string, force: boolean): { object: JsonObject | undefined; managed: Managed } {
    if (isObject(applied['metadata']) && 'managedFields' in applied['metadata'] && applied['metadata']['managedFields'] !== null) {
      throw statusErrors.badRequest('metadata.managedFields must be nil');
    }
    const errs = validate(this.t.schema, applied, this.t.root);
    if (errs.length > 0) throw internalUnknown(`failed to create typed patch object (${this.objectGVKNN(applied)}): ${validationErrorsText(errs)}`);
    const r = this.updaterApply(live, applied, managed.fields, manager, force);
    return { object: r.object, managed: { fields: r.managers, times: managed.times } };
  }

  private objectGVKNN(obj: JsonObject): string {
    const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    const group = this.scope.group;
    return `${namespace}/${name}; ${group}/${this.scope.version}, Kind=${this.scope.kind}`;
  }

  private emptyObject(): JsonObject {
    return { apiVersion: this.apiVersion, kind: this.scope.kind };
  }

  private stripFields(fields: Map<string, VersionedSet>, manager: string): void {
    const vs = fields.get(manager);
    if (vs === undefined) return;
    const set = vs.set.difference(stripSet);
    if (set.empty()) fields.delete(manager);
    else fields.set(manager, { set, apiVersion: vs.apiVersion, applied: vs.applied });
  }

  private filter(s: FieldSet): FieldSet {
    return this.resetFilter === undefined ? s : s.recursiveDifference(this.resetFilter);
  }

  private filterComparison(c: Comparison): Comparison {
    return { removed: this.filter(c.removed), modified: this.filter(c.modified), added: this.filter(c.added) };
  }

  // merge.Updater -----------------------------------------------------------------------------

  /** Updater.update: conflicts with other managers and their loss of removed fields. */
  private updateManagers(
    oldObj: JsonObject,
    newObj: JsonObject,
    managers: Map<string, VersionedSet>,
    workflow: string,
    force: boolean,
  ): { managers: Map<string, VersionedSet>; compare: Comparison } {
    const c = this.filterComparison(compare(this.t.schema, oldObj, newObj, this.t.root));
    const conflicts = new Map<string, VersionedSet>();
    const removed = new Map<string, VersionedSet>();
    const changed = c.modified.union(c.added);
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      const conflictSet = vs.set.intersection(changed);
      if (!conflictSet.empty()) conflicts.set(manager, { set: conflictSet, apiVersion: vs.apiVersion, applied: false });
      if (!c.removed.empty()) removed.set(manager, { set: c.removed, apiVersion: vs.apiVersion, applied: false });
    }
    if (!force && conflicts.size > 0) throw new ApplyConflicts(conflictsFromManagers(conflicts));
    for (const [manager, cs] of conflicts) {
      const vs = managers.get(manager) as VersionedSet;
      managers.set(manager, { ...vs, set: vs.set.difference(cs.set) });
    }
    for (const [manager, rs] of removed) {
      const vs = managers.get(manager) as VersionedSet;
      managers.set(manager, { ...vs, set: vs.set.difference(rs.set) });
    }
    for (const [manager, vs] of [...managers]) if (vs.set.empty()) managers.delete(manager);
    return { managers, compare: c };
  }

  private updaterUpdate(live: JsonObject, obj: JsonObject, managersIn: Map<string, VersionedSet>, manager: string): Map<string, VersionedSet> {
    const { managers, compare: c } = this.updateManagers(live, obj, managersIn, manager, true);
    const previous = managers.get(manager)?.set ?? new FieldSet();
    const set = this.filter(previous.difference(c.removed).union(c.modified).union(c.added));
    if (set.empty()) managers.delete(manager);
    else managers.set(manager, { set, apiVersion: this.apiVersion, applied: false });
    return managers;
  }

  private updaterApply(
    live: JsonObject,
    config: JsonObject,
    managers: Map<string, VersionedSet>,
    manager: string,
    force: boolean,
  ): { object: JsonObject | undefined; managers: Map<string, VersionedSet> } {
    const { schema, root } = this.t;
    let newObject: JsonValue | undefined;
    try {
      newObject = merge(schema, live, config, root);
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw internalUnknown(`failed to merge config: ${e.message}`);
      throw e;
    }
    const lastSet = managers.get(manager);
    const set = this.filter(toFieldSet(schema, config, root));
    managers.set(manager, { set, apiVersion: this.apiVersion, applied: true });
    newObject = this.prune(isObject(newObject) ? newObject : {}, managers, lastSet);
    const r = this.updateManagers(live, newObject as JsonObject, managers, manager, force);
    if (jsonEqual(live, newObject)) return { object: undefined, managers: r.managers };
    return { object: newObject as JsonObject, managers: r.managers };
  }

  /** Removes what the applier owned before and no longer applies, unless someone else owns it. */
  private prune(merged: JsonObject, managers: Map<string, VersionedSet>, lastSet: VersionedSet | undefined): JsonObject {
    if (lastSet === undefined || lastSet.set.empty()) return merged;
    const { schema, root } = this.t;
    const ensure = (s: FieldSet) => ensureNamedFieldsAreMembers(schema, s, root);
    const fieldSetOf = (v: JsonValue | undefined) => (v === undefined ? new FieldSet() : toFieldSet(schema, v, root));
    const removeFrom = (v: JsonObject, s: FieldSet): JsonObject => {
      const r = removeItems(schema, v, s, root);
      return isObject(r) ? r : {};
    };
    let pruned = removeFrom(merged, ensure(lastSet.set));
    // addBackOwnedItems: anything some manager (the applier's new set included) owns stays.
    let owned = new FieldSet();
    for (const vs of managers.values()) owned = owned.union(vs.set);
    const mergedSet = ensure(fieldSetOf(merged));
    pruned = removeFrom(merged, mergedSet.difference(ensure(fieldSetOf(pruned)).union(ensure(owned))));
    // addBackDanglingItems: only what the applier itself owned may go.
    const prunedSet = ensure(fieldSetOf(pruned));
    return removeFrom(merged, mergedSet.difference(prunedSet).intersection(ensure(lastSet.set)));
  }
}

// ---------------------------------------------------------------------------------------------

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function uidOf(obj: KubeObject): string {
  return typeof obj.metadata?.uid === 'string' ? obj.metadata.uid : '';
}

function gvkOf(obj: JsonObject): { apiVersion: string; kind: string } {
  return {
    apiVersion: typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '',
    kind: typeof obj['kind'] === 'string' ? obj['kind'] : '',
  };
}

function withoutManagedFields(obj: KubeObject): JsonObject {
  const copy = cloneJson(obj as JsonObject);
  const meta = copy['metadata'];
  if (isObject(meta)) delete meta['managedFields'];
  return copy;
}

function setManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries === undefined) {
    if (obj.metadata !== undefined) delete obj.metadata.managedFields;
    return;
  }
  (obj.metadata ??= {}).managedFields = entries;
}

function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

function hasLastApplied(obj: JsonObject): boolean {
  const meta = obj['metadata'];
  if (!isObject(meta) || !isObject(meta['annotations'])) return false;
  const v = meta['annotations'][lastAppliedConfigAnnotation];
  return typeof v === 'string' && v.length > 0;
}

/** buildLastApplied: the applied configuration without that annotation, as sorted-key JSON plus a newline. */
function buildLastApplied(applied: JsonObject): string {
  const copy = cloneJson(applied);
  const meta = copy['metadata'];
  if (isObject(meta) && isObject(meta['annotations'])) delete meta['annotations'][lastAppliedConfigAnnotation];
  return `${goJsonMarshal(copy)}\n`;
}

/** SetLastApplied: dropped again when the annotations would exceed their total size limit. */
function setLastApplied(obj: JsonObject, value: string): void {
  const meta = isObject(obj['metadata']) ? obj['metadata'] : (obj['metadata'] = {});
  const annotations = isObject(meta['annotations']) ? meta['annotations'] : (meta['annotations'] = {});
  annotations[lastAppliedConfigAnnotation] = value;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  if (total > totalAnnotationSizeLimitB) delete annotations[lastAppliedConfigAnnotation];
}

// ---------------------------------------------------------------------------------------------
// Entry points for the store and the gateway

const recorded = new WeakSet<object>();

/**
 * Marks an object whose managedFields this request already computed (an applied or patched
 * object handed to the store's create path), so that updateManagedFields leaves them alone.
 */
export function markManagedFieldsRecorded(obj: KubeObject): void {
  recorded.add(obj);
}

/**
 * Records the Update entry of a create (`live` undefined), update or non-apply patch by
 * `manager` (already defaulted with managerOrUserAgent). Objects are in storage form; the
 * descriptor's version is the one recorded. Mutates obj.metadata.managedFields, once per object:
 * later calls with the same object (or one marked by markManagedFieldsRecorded) do nothing.
 */
export function updateManagedFields(desc: ResourceDescriptor, live: KubeObject | undefined, obj: KubeObject, manager: string, subresource = ''): void {
  if (recorded.has(obj)) return;
  const fm = new FieldManager(fieldManagerScope(desc, subresource));
  const versioned = (o: KubeObject) => (desc.fromStorage === undefined ? o : desc.fromStorage(cloneJson(o as JsonObject) as KubeObject));
  const target = versioned(obj);
  fm.update(live === undefined ? undefined : versioned(live), target, manager);
  setManagedFields(obj, target.metadata?.managedFields);
  // A create-on-update hands this object on to the create path, which must not record it again.
  recorded.add(obj);
}

/**
 * IgnoreManagedFieldsTimestampsTransformer: when an update changes nothing but managedFields
 * timestamps, the old timestamps are kept so the write is recognised as a no-op. Mutates newObj.
 */
export function ignoreManagedFieldsTimestamps(newObj: KubeObject, oldObj: KubeObject): void {
  const oldMF = oldObj.metadata?.managedFields;
  const newMF = newObj.metadata?.managedFields;
  if (!Array.isArray(oldMF) || !Array.isArray(newMF) || oldMF.length !== newMF.length || newMF.length === 0) return;
  if (newMF.every((e, i) => e.time === oldMF[i]?.time)) return;
  const noTime = (l: ManagedFieldsEntry[]) => l.map(({ time: _t, ...rest }) => rest) as JsonValue;
  if (!jsonEqual(noTime(oldMF), noTime(newMF))) return;
  const strip = (o: KubeObject) => {
    const c = cloneJson(o as JsonObject);
    if (isObject(c['metadata'])) {
      delete c['metadata']['managedFields'];
      delete c['metadata']['resourceVersion'];
    }
    return c;
  };
  if (!jsonEqual(strip(oldObj), strip(newObj))) return;
  newMF.forEach((e, i) => {
    const t = oldMF[i]?.time;
    if (t === undefined) delete e.time;
    else e.time = t;
  });
}
