// metadata.managedFields in the wire format and in the form the field manager works on.
// k8s parity: apimachinery pkg/util/managedfields/internal managedfields.go (decode, encode,
// manager identifiers, entry order), conflict.go (the 409 apply conflict), capmanagers.go.
import { StatusError, compareBytes, goQuote, type ManagedFieldsEntry, type Status } from '@portico/api';
import { FieldSet, pathString, type Path } from './fieldpath';
import { goJsonString, isObject, type JsonObject, type JsonValue } from './json';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** fieldpath.ManagedFields plus the time of each manager's last change, keyed by manager identifier. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/**
 * BuildManagerIdentifier: the JSON of the entry without fieldsType, fieldsV1 and time (and
 * without apiVersion for appliers), in ManagedFieldsEntry's field order.
 */
export function buildManagerIdentifier(e: ManagerInfo): string {
  const parts: string[] = [];
  if (e.manager !== '') parts.push(`"manager":${goJsonString(e.manager)}`);
  parts.push(`"operation":${goJsonString(e.operation)}`);
  if (e.operation !== 'Apply' && e.apiVersion !== undefined && e.apiVersion !== '') parts.push(`"apiVersion":${goJsonString(e.apiVersion)}`);
  if (e.subresource !== undefined && e.subresource !== '') parts.push(`"subresource":${goJsonString(e.subresource)}`);
  return `{${parts.join(',')}}`;
}

export function parseManagerIdentifier(id: string): ManagerInfo | undefined {
  let v: unknown;
  try {
    v = JSON.parse(id);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  const info: ManagerInfo = {
    manager: typeof v['manager'] === 'string' ? v['manager'] : '',
    operation: v['operation'] === 'Apply' ? 'Apply' : 'Update',
  };
  if (typeof v['apiVersion'] === 'string') info.apiVersion = v['apiVersion'];
  if (typeof v['subresource'] === 'string') info.subresource = v['subresource'];
  return info;
}

/** DecodeManagedFields; throws an Error with Go's text for an invalid list. */
export function decodeManagedFields(encoded: readonly unknown[]): Managed {
  const m = emptyManaged();
  encoded.forEach((raw, i) => {
    if (!isObject(raw)) throw new Error(`managed fields entry ${i} is not an object`);
    const e = raw as ManagedFieldsEntry & JsonObject;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof e.apiVersion !== 'string' || e.apiVersion.length < 1) throw new Error('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${goQuote(String(e.fieldsType))} in managed fields entry ${i}`);
    const info: ManagerInfo = { manager: typeof e.manager === 'string' ? e.manager : '', operation: e.operation, apiVersion: e.apiVersion };
    if (typeof e.subresource === 'string') info.subresource = e.subresource;
    const id = buildManagerIdentifier(info);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 as JsonValue | undefined);
    } catch (err) {
      throw new Error(`error decoding versioned set from ${JSON.stringify(raw)}: error decoding set: ${err instanceof Error ? err.message : String(err)}`);
    }
    m.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, typeof e.time === 'string' ? e.time : undefined);
  });
  return m;
}

const seconds = (t: string | undefined): number => {
  if (t === undefined) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

/** encodeManagedFields: undefined (no managedFields) when nobody manages anything. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const info = parseManagerIdentifier(id) ?? { manager: id, operation: 'Update' as const };
    const e: ManagedFieldsEntry = {};
    if (info.manager !== '') e.manager = info.manager;
    e.operation = vs.applied ? 'Apply' : info.operation;
    if (vs.apiVersion !== '') e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t !== undefined) e.time = t;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource !== undefined && info.subresource !== '') e.subresource = info.subresource;
    out.push(e);
  }
  return out.sort((p, q) => {
    if (p.operation !== q.operation) return compareBytes(p.operation ?? '', q.operation ?? '');
    const ps = seconds(p.time);
    const qs = seconds(q.time);
    if (ps !== qs) return ps < qs ? -1 : 1;
    if (p.manager !== q.manager) return compareBytes(p.manager ?? '', q.manager ?? '');
    if (p.apiVersion !== q.apiVersion) return compareBytes(p.apiVersion ?? '', q.apiVersion ?? '');
    return compareBytes(p.subresource ?? '', q.subresource ?? '');
  });
}

/** isResetManagedFields: an empty list, or a list of one empty entry, clears the managed fields. */
export function isResetManagedFields(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  return v.length === 1 && isObject(v[0]) && Object.keys(v[0]).length === 0;
}

// ---------------------------------------------------------------------------------------------
// Conflicts

export interface Conflict {
  /** The manager identifier. */
  manager: string;
  path: Path;
}

/** printManager: "name" [with subresource "x"] [using <apiVersion>] for the conflict texts. */
export function printManager(id: string): string {
  const info = parseManagerIdentifier(id);
  if (info === undefined) return goQuote(id);
  let s = goQuote(info.manager);
  if (info.subresource !== undefined && info.subresource !== '') s = `${s} with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') s = `${s} using ${info.apiVersion ?? ''}`;
  return s;
}

/** merge.ConflictsFromManagers, managers in identifier order, paths in set order. */
export function conflictsFromManagers(sets: Map<string, VersionedSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const id of [...sets.keys()].sort(compareBytes)) {
    (sets.get(id) as VersionedSet).set.iterate((p) => out.push({ manager: id, path: p }));
  }
  return out;
}

export class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
  }
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as Conflict;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) {
    const l = byManager.get(c.manager) ?? [];
    l.push(c.path);
    byManager.set(c.manager, l);
  }
  const messages: string[] = [];
  for (const manager of [...byManager.keys()].sort(compareBytes)) {
    messages.push(`conflicts with ${printManager(manager)}:`);
    for (const p of byManager.get(manager) ?? []) messages.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${messages.join('\n')}`;
}

/** internal.NewConflictError → errors.NewApplyConflict: 409 Conflict with one FieldManagerConflict cause per path. */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: conflictMessage(conflicts),
    reason: 'Conflict',
    details: {
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) })),
    },
    code: 409,
  };
  return new StatusError(status);
}

// ---------------------------------------------------------------------------------------------
// The cap on update managers

export const defaultMaxUpdateManagers = 10;
const oldUpdatesManagerName = 'ancient-changes';

/** capUpdateManagers: the oldest update entries beyond the cap merge into per-version "ancient-changes" buckets. */
export function capUpdateManagers(m: Managed, max = defaultMaxUpdateManagers): void {
  const updaters = [...m.fields.entries()].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => {
    const as = seconds(m.times.get(a));
    const bs = seconds(m.times.get(b));
    if (as !== bs) return as < bs ? -1 : 1;
    return compareBytes(a, b);
  });
  const versionToFirstManager = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const manager = updaters[i] as string;
    const vs = m.fields.get(manager) as VersionedSet;
    const time = m.times.get(manager);
    const version = vs.apiVersion;
    const bucket = buildManagerIdentifier({ manager: oldUpdatesManagerName, operation: 'Update', apiVersion: version });
    const first = versionToFirstManager.get(version);
    if (first !== undefined) {
      if (!m.fields.has(bucket)) {
        const s = m.fields.get(first) as VersionedSet;
        m.fields.delete(first);
        m.fields.set(bucket, s);
      }
      const b = m.fields.get(bucket) as VersionedSet;
      m.fields.set(bucket, { set: vs.set.union(b.set), apiVersion: vs.apiVersion, applied: vs.applied });
      m.fields.delete(manager);
      length--;
      m.times.set(bucket, time);
    } else {
      versionToFirstManager.set(version, manager);
    }
  }
}
