// k8s parity: kubernetes pkg/registry/core/event/strategy.go, pkg/apis/core/validation/events.go,
// pkg/apis/events/v1/conversion.go and the events.k8s.io field-label conversion.
//
// Events are served as core/v1 Event and as events.k8s.io/v1 Event and stored once, in core/v1
// form (kube-apiserver keeps its internal core.Event in etcd). Each version has its own
// descriptor and strategy working on that version's JSON; the events.k8s.io descriptor converts to
// and from the core form at the storage boundary (toStorage / fromStorage) and validates through
// the same conversion, so its field errors name the internal fields, as kube-apiserver's do.
import {
  type FieldError,
  type KubeObject,
  type ObjectMeta,
  fieldErrors,
  goStruct,
  goTime,
  isDNS1123Subdomain,
  isPlainObject,
  isQualifiedName,
  nameIsDNSSubdomain,
} from '@portico/api';
import { decodeTimeField, parseGoTime } from '../codec';
import { deepEqualJson, immutableField, validateCoreObjectMeta, validateCoreObjectMetaUpdate } from '../core-validation';
import { defineResource, defineStrategy, fieldLabelConversion, metaOf, objectMetaFieldsSet, record, str } from '../define';
import type { RESTStrategy } from '../descriptor';

/** kube-apiserver's --event-ttl default. */
export const eventTTLSeconds = 3600;

const reportingInstanceLengthLimit = 128;
const actionLengthLimit = 128;
const reasonLengthLimit = 128;
const noteLengthLimit = 1024;

// ---------------------------------------------------------------------------------------------
// JSON shapes

const referenceKeys = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

/** A core/v1 ObjectReference as Go writes it: known fields, empty ones omitted. */
function objectReference(v: unknown): Record<string, string> {
  const r = record(v) ?? {};
  const out: Record<string, string> = {};
  for (const k of referenceKeys) if (str(r[k]) !== '') out[k] = str(r[k]);
  return out;
}

function eventSource(v: unknown): Record<string, string> {
  const r = record(v) ?? {};
  const out: Record<string, string> = {};
  if (str(r.component) !== '') out.component = str(r.component);
  if (str(r.host) !== '') out.host = str(r.host);
  return out;
}

const timeOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);

/** Replaces the object's fields with `shape`, keeping kind and apiVersion first. */
function reshape(obj: KubeObject, shape: Record<string, unknown>): void {
  const { kind, apiVersion } = obj;
  for (const k of Object.keys(obj)) delete obj[k];
  if (kind !== undefined) obj.kind = kind;
  if (apiVersion !== undefined) obj.apiVersion = apiVersion;
  Object.assign(obj, shape);
}

function put(out: Record<string, unknown>, key: string, value: unknown, omitEmpty: boolean): void {
  if (omitEmpty && (value === '' || value === 0 || value === undefined || value === null)) return;
  out[key] = value;
}

/** core/v1 Event as Go serializes it: struct fields always present, omitempty ones dropped. */
function coreEventShape(obj: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = { metadata: obj.metadata ?? {} };
  out.involvedObject = objectReference(obj.involvedObject);
  put(out, 'reason', str(obj.reason), true);
  put(out, 'message', str(obj.message), true);
  out.source = eventSource(obj.source);
  out.firstTimestamp = timeOrNull(obj.firstTimestamp);
  out.lastTimestamp = timeOrNull(obj.lastTimestamp);
  put(out, 'count', int(obj.count), true);
  put(out, 'type', str(obj.type), true);
  out.eventTime = timeOrNull(obj.eventTime);
  const series = record(obj.series);
  if (series) {
    const s: Record<string, unknown> = {};
    put(s, 'count', int(series.count), true);
    s.lastObservedTime = timeOrNull(series.lastObservedTime);
    out.series = s;
  }
  put(out, 'action', str(obj.action), true);
  if (isPlainObject(obj.related)) out.related = objectReference(obj.related);
  out.reportingComponent = str(obj.reportingComponent);
  out.reportingInstance = str(obj.reportingInstance);
  return out;
}

/** events.k8s.io/v1 Event as Go serializes it. */
function eventsV1Shape(obj: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = { metadata: obj.metadata ?? {} };
  out.eventTime = timeOrNull(obj.eventTime);
  const series = record(obj.series);
  if (series) out.series = { count: int(series.count), lastObservedTime: timeOrNull(series.lastObservedTime) };
  put(out, 'reportingController', str(obj.reportingController), true);
  put(out, 'reportingInstance', str(obj.reportingInstance), true);
  put(out, 'action', str(obj.action), true);
  put(out, 'reason', str(obj.reason), true);
  out.regarding = objectReference(obj.regarding);
  if (isPlainObject(obj.related)) out.related = objectReference(obj.related);
  put(out, 'note', str(obj.note), true);
  put(out, 'type', str(obj.type), true);
  out.deprecatedSource = eventSource(obj.deprecatedSource);
  out.deprecatedFirstTimestamp = timeOrNull(obj.deprecatedFirstTimestamp);
  out.deprecatedLastTimestamp = timeOrNull(obj.deprecatedLastTimestamp);
  put(out, 'deprecatedCount', int(obj.deprecatedCount), true);
  return out;
}

/** Convert_v1_Event_To_core_Event, to the core/v1 JSON kept in storage. */
export function eventsV1ToCore(ev: KubeObject): KubeObject {
  const series = record(ev.series);
  const core: KubeObject = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: structuredClone(ev.metadata ?? {}),
    involvedObject: ev.regarding,
    reason: ev.reason,
    message: ev.note,
    source: ev.deprecatedSource,
    firstTimestamp: ev.deprecatedFirstTimestamp,
    lastTimestamp: ev.deprecatedLastTimestamp,
    count: ev.deprecatedCount,
    type: ev.type,
    eventTime: ev.eventTime,
    action: ev.action,
    related: ev.related,
    reportingComponent: ev.reportingController,
    reportingInstance: ev.reportingInstance,
  };
  if (series) core.series = { count: series.count, lastObservedTime: series.lastObservedTime };
  reshape(core, coreEventShape(core));
  return core;
}

/** Convert_core_Event_To_v1_Event, from storage to an events.k8s.io/v1 response. */
export function coreToEventsV1(core: KubeObject): KubeObject {
  const series = record(core.series);
  const ev: KubeObject = {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: structuredClone(core.metadata ?? {}),
    eventTime: core.eventTime,
    reportingController: core.reportingComponent,
    reportingInstance: core.reportingInstance,
    action: core.action,
    reason: core.reason,
    regarding: core.involvedObject,
    related: core.related,
    note: core.message,
    type: core.type,
    deprecatedSource: core.source,
    deprecatedFirstTimestamp: core.firstTimestamp,
    deprecatedLastTimestamp: core.lastTimestamp,
    deprecatedCount: core.count,
  };
  if (series) ev.series = { count: series.count, lastObservedTime: series.lastObservedTime };
  reshape(ev, eventsV1Shape(ev));
  return ev;
}

// ---------------------------------------------------------------------------------------------
// Decoding

type TimeField = { path: string[]; micro: boolean; struct: string };

const coreTimes: TimeField[] = [
  { path: ['firstTimestamp'], micro: false, struct: 'Event' },
  { path: ['lastTimestamp'], micro: false, struct: 'Event' },
  { path: ['eventTime'], micro: true, struct: 'Event' },
  { path: ['series', 'lastObservedTime'], micro: true, struct: 'EventSeries' },
];

const eventsV1Times: TimeField[] = [
  { path: ['eventTime'], micro: true, struct: 'Event' },
  { path: ['series', 'lastObservedTime'], micro: true, struct: 'EventSeries' },
  { path: ['deprecatedFirstTimestamp'], micro: false, struct: 'Event' },
  { path: ['deprecatedLastTimestamp'], micro: false, struct: 'Event' },
];

/** Applies `fn` to each time field present; stops at the first error text it returns. */
function eachTime(obj: KubeObject, fields: TimeField[], fn: (parent: Record<string, unknown>, key: string, f: TimeField) => string | undefined): string | undefined {
  for (const f of fields) {
    let parent: Record<string, unknown> | undefined = obj;
    for (const p of f.path.slice(0, -1)) parent = record(parent?.[p]);
    const key = f.path[f.path.length - 1] as string;
    if (parent === undefined || !(key in parent)) continue;
    const err = fn(parent, key, f);
    if (err !== undefined) return err;
  }
  return undefined;
}

const zeroInstant = -62135596800;

function timesDecodeError(fields: TimeField[]) {
  return (obj: KubeObject): string | undefined =>
    eachTime(obj, fields, (parent, key, f) => {
      const r = decodeTimeField(parent[key], f.micro, f.struct, f.path.join('.'));
      return 'error' in r ? r.error : undefined;
    });
}

/** Canonical time strings; the zero time is written as null, as metav1.Time marshals it. */
function normalizeTimes(obj: KubeObject, fields: TimeField[]): void {
  eachTime(obj, fields, (parent, key, f) => {
    const r = decodeTimeField(parent[key], f.micro, f.struct, f.path.join('.'));
    if ('value' in r && typeof r.value === 'string') {
      const t = parseGoTime(r.value, f.micro);
      parent[key] = 'seconds' in t && t.seconds === zeroInstant && t.nanos === 0 ? null : r.value;
    }
    return undefined;
  });
}

// ---------------------------------------------------------------------------------------------
// Validation (on the core form, with the internal field names Go uses)

interface CoreEvent {
  meta: ObjectMeta;
  namespace: string;
  involvedObject: Record<string, string>;
  reason: string;
  message: string;
  source: Record<string, string>;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  count: number;
  type: string;
  eventTime: string | null;
  series: { count: number; lastObservedTime: string | null } | null;
  action: string;
  related: Record<string, string> | null;
  reportingController: string;
  reportingInstance: string;
}

function coreView(core: KubeObject): CoreEvent {
  const meta = metaOf(core);
  const series = record(core.series);
  return {
    meta,
    namespace: str(meta.namespace),
    involvedObject: objectReference(core.involvedObject),
    reason: str(core.reason),
    message: str(core.message),
    source: eventSource(core.source),
    firstTimestamp: timeOrNull(core.firstTimestamp),
    lastTimestamp: timeOrNull(core.lastTimestamp),
    count: int(core.count),
    type: str(core.type),
    eventTime: timeOrNull(core.eventTime),
    series: series ? { count: int(series.count), lastObservedTime: timeOrNull(series.lastObservedTime) } : null,
    action: str(core.action),
    related: isPlainObject(core.related) ? objectReference(core.related) : null,
    reportingController: str(core.reportingComponent),
    reportingInstance: str(core.reportingInstance),
  };
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** legacyValidateEvent: every event, whatever the API version. */
function legacyValidateEvent(e: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  const involvedNamespace = e.involvedObject.namespace ?? '';
  const mismatch = () => fieldErrors.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (e.eventTime === null) {
    // "Old" events: the namespaces agree, or an unnamespaced object's event lives in "" or "default".
    if (involvedNamespace === '') {
      if (e.namespace !== '' && e.namespace !== 'default') errs.push(mismatch());
    } else if (e.namespace !== involvedNamespace) {
      errs.push(mismatch());
    }
  } else {
    if (involvedNamespace === '' && e.namespace !== 'default' && e.namespace !== 'kube-system') errs.push(mismatch());
    if (e.reportingController === '') errs.push(fieldErrors.required('reportingController'));
    for (const msg of isQualifiedName(e.reportingController)) errs.push(fieldErrors.invalid('reportingController', e.reportingController, msg));
    if (e.reportingInstance === '') errs.push(fieldErrors.required('reportingInstance'));
    if (bytes(e.reportingInstance) > reportingInstanceLengthLimit) {
      errs.push(fieldErrors.invalid('reportingInstance', '', `can have at most ${reportingInstanceLengthLimit} characters`));
    }
    if (e.action === '') errs.push(fieldErrors.required('action'));
    if (bytes(e.action) > actionLengthLimit) errs.push(fieldErrors.invalid('action', '', `can have at most ${actionLengthLimit} characters`));
    if (e.reason === '') errs.push(fieldErrors.required('reason'));
    if (bytes(e.reason) > reasonLengthLimit) errs.push(fieldErrors.invalid('reason', '', `can have at most ${reasonLengthLimit} characters`));
    if (bytes(e.message) > noteLengthLimit) errs.push(fieldErrors.invalid('message', '', `can have at most ${noteLengthLimit} characters`));
  }
  for (const msg of isDNS1123Subdomain(e.namespace)) errs.push(fieldErrors.invalid('namespace', e.namespace, msg));
  return errs;
}

function validateV1EventSeries(e: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  if (e.series !== null) {
    if (e.series.count < 2) errs.push(fieldErrors.invalid('series.count', '', 'should be at least 2'));
    if (e.series.lastObservedTime === null) errs.push(fieldErrors.required('series.lastObservedTime'));
  }
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1: metadata, eventTime, type, and no deprecated fields. */
function validateEventsV1Create(e: CoreEvent): FieldError[] {
  const errs = legacyValidateEvent(e);
  errs.push(...validateCoreObjectMeta(e.meta, true, nameIsDNSSubdomain));
  errs.push(...validateV1EventSeries(e));
  if (e.eventTime === null) errs.push(fieldErrors.required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(fieldErrors.invalid('type', '', `has invalid value: ${e.type}`));
  if (e.firstTimestamp !== null) errs.push(fieldErrors.invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp !== null) errs.push(fieldErrors.invalid('lastTimestamp', '', 'needs to be unset'));
  if (e.count !== 0) errs.push(fieldErrors.invalid('count', '', 'needs to be unset'));
  if (e.source.component !== undefined || e.source.host !== undefined) errs.push(fieldErrors.invalid('source', '', 'needs to be unset'));
  return errs;
}

const goReference = (r: Record<string, string>) =>
  goStruct('core.ObjectReference', [
    ['Kind', r.kind ?? ''],
    ['Namespace', r.namespace ?? ''],
    ['Name', r.name ?? ''],
    ['UID', r.uid ?? ''],
    ['APIVersion', r.apiVersion ?? ''],
    ['ResourceVersion', r.resourceVersion ?? ''],
    ['FieldPath', r.fieldPath ?? ''],
  ]);

/** ValidateEventUpdate for events.k8s.io/v1: almost everything is immutable. */
function validateEventsV1Update(e: CoreEvent, o: CoreEvent): FieldError[] {
  const errs = legacyValidateEvent(e);
  errs.push(...validateCoreObjectMetaUpdate(e.meta, o.meta));
  if (!deepEqualJson(e.series, o.series)) errs.push(...validateV1EventSeries(e));
  errs.push(...immutableField(deepEqualJson(e.involvedObject, o.involvedObject), 'involvedObject', goReference(e.involvedObject)));
  errs.push(...immutableField(e.reason === o.reason, 'reason', e.reason));
  errs.push(...immutableField(e.message === o.message, 'message', e.message));
  errs.push(
    ...immutableField(
      deepEqualJson(e.source, o.source),
      'source',
      goStruct('core.EventSource', [
        ['Component', e.source.component ?? ''],
        ['Host', e.source.host ?? ''],
      ]),
    ),
  );
  errs.push(...immutableField(e.firstTimestamp === o.firstTimestamp, 'firstTimestamp', goTime(e.firstTimestamp)));
  errs.push(...immutableField(e.lastTimestamp === o.lastTimestamp, 'lastTimestamp', goTime(e.lastTimestamp)));
  errs.push(...immutableField(e.count === o.count, 'count', e.count));
  // Go checks reason twice.
  errs.push(...immutableField(e.reason === o.reason, 'reason', e.reason));
  errs.push(...immutableField(e.type === o.type, 'type', e.type));
  errs.push(...immutableField(e.eventTime === o.eventTime, 'eventTime', goTime(e.eventTime)));
  errs.push(...immutableField(e.action === o.action, 'action', e.action));
  errs.push(...immutableField(deepEqualJson(e.related, o.related), 'related', e.related === null ? null : goReference(e.related)));
  errs.push(...immutableField(e.reportingController === o.reportingController, 'reportingController', e.reportingController));
  errs.push(...immutableField(e.reportingInstance === o.reportingInstance, 'reportingInstance', e.reportingInstance));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Selection

/** ToSelectableFields of a stored (core/v1) event. */
export function eventSelectableFields(core: KubeObject): Record<string, string> {
  const e = coreView(core);
  const source = e.source.component ?? '';
  return {
    ...objectMetaFieldsSet(core, true),
    'involvedObject.kind': e.involvedObject.kind ?? '',
    'involvedObject.namespace': e.involvedObject.namespace ?? '',
    'involvedObject.name': e.involvedObject.name ?? '',
    'involvedObject.uid': e.involvedObject.uid ?? '',
    'involvedObject.apiVersion': e.involvedObject.apiVersion ?? '',
    'involvedObject.resourceVersion': e.involvedObject.resourceVersion ?? '',
    'involvedObject.fieldPath': e.involvedObject.fieldPath ?? '',
    reason: e.reason,
    reportingComponent: e.reportingController,
    source: source === '' ? e.reportingController : source,
    type: e.type,
  };
}

const coreEventFieldLabels = fieldLabelConversion([
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  'metadata.namespace',
  'metadata.name',
]);

const eventsV1FieldLabels = fieldLabelConversion(['reason', 'source', 'type', 'metadata.namespace', 'metadata.name'], {
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
});

// ---------------------------------------------------------------------------------------------
// Strategies and descriptors

const common = {
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: true,
  defaultGarbageCollectionPolicy: 'Unsupported',
} satisfies Partial<RESTStrategy>;

/** core/v1: only the legacy checks, for compatibility with old recorders. */
export const coreEventStrategy = defineStrategy({
  ...common,
  decodeError: timesDecodeError(coreTimes),
  applyDefaults(obj) {
    normalizeTimes(obj, coreTimes);
    reshape(obj, coreEventShape(obj));
  },
  validate: (obj) => legacyValidateEvent(coreView(obj)),
  validateUpdate: (obj) => legacyValidateEvent(coreView(obj)),
});

/** events.k8s.io/v1: strict validation, on the object converted to its stored form. */
export const eventsV1Strategy = defineStrategy({
  ...common,
  decodeError: timesDecodeError(eventsV1Times),
  applyDefaults(obj) {
    normalizeTimes(obj, eventsV1Times);
    reshape(obj, eventsV1Shape(obj));
  },
  validate: (obj) => validateEventsV1Create(coreView(eventsV1ToCore(obj))),
  validateUpdate: (obj, old) => validateEventsV1Update(coreView(eventsV1ToCore(obj)), coreView(eventsV1ToCore(old))),
});

export const events = defineResource({
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  selectableFields: eventSelectableFields,
  convertFieldLabel: coreEventFieldLabels,
  ttlSeconds: eventTTLSeconds,
  strategy: coreEventStrategy,
});

export const eventsV1 = defineResource({
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  storage: { group: '', resource: 'events' },
  selectableFields: eventSelectableFields,
  convertFieldLabel: eventsV1FieldLabels,
  toStorage: eventsV1ToCore,
  fromStorage: coreToEventsV1,
  ttlSeconds: eventTTLSeconds,
  strategy: eventsV1Strategy,
});
