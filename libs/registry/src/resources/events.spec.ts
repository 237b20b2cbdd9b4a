import { type KubeObject, fieldErrorString } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeCreate, beforeUpdate } from '../metadata';
import { coreEventStrategy, coreToEventsV1, eventSelectableFields, events, eventsV1, eventsV1Strategy, eventsV1ToCore } from './events';

const now = new Date('2024-05-06T07:08:09Z');
const nameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const coreErrors = (obj: KubeObject) => coreEventStrategy.validate(obj).map(fieldErrorString);
const v1Errors = (obj: KubeObject) => eventsV1Strategy.validate(obj).map(fieldErrorString);

const validV1 = (): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'e1', namespace: 'ns' },
  eventTime: '2024-01-01T00:00:00.000000Z',
  reportingController: 'example.com/ctrl',
  reportingInstance: 'ctrl-1',
  action: 'Sync',
  reason: 'Synced',
  regarding: { kind: 'Pod', namespace: 'ns', name: 'p' },
  note: 'done',
  type: 'Normal',
});

describe('core/v1 events', () => {
  it('describe the resource', () => {
    expect(events).toMatchObject({ group: '', resource: 'events', kind: 'Event', shortNames: ['ev'], ttlSeconds: 3600, storage: { group: '', resource: 'events' } });
    expect(events.strategy).toMatchObject({ allowCreateOnUpdate: true, allowUnconditionalUpdate: true, defaultGarbageCollectionPolicy: 'Unsupported' });
  });

  it('are written in the shape Go gives them', () => {
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'p', uid: '' },
      reason: 'Started',
      firstTimestamp: '2024-01-01T00:00:00.5+01:00',
      count: 1,
      unknown: 'dropped',
    };
    coreEventStrategy.applyDefaults(ev);
    expect(ev).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'p' },
      reason: 'Started',
      source: {},
      firstTimestamp: '2023-12-31T23:00:00Z',
      lastTimestamp: null,
      count: 1,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    });
    expect(Object.keys(ev).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
  });

  it('report times that do not parse as Go does', () => {
    expect(coreEventStrategy.decodeError?.({ eventTime: '2024-01-01T00:00:00Z' })).toBe(
      'parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    );
    expect(coreEventStrategy.decodeError?.({ series: { lastObservedTime: 7 } })).toBe(
      'json: cannot unmarshal number into Go struct field EventSeries.series.lastObservedTime of type string',
    );
    expect(coreEventStrategy.decodeError?.({ firstTimestamp: '2024-01-01T00:00:00.123Z', eventTime: null })).toBeUndefined();
  });

  it('need matching namespaces when eventTime is unset', () => {
    expect(coreErrors({ metadata: { name: 'e', namespace: 'ns' }, involvedObject: { namespace: 'other' } })).toEqual([
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
    expect(coreErrors({ metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Node', name: 'n' } })).toEqual([]);
    expect(coreErrors({ metadata: { name: 'e', namespace: 'ns' }, involvedObject: { kind: 'Node', name: 'n' } })).toEqual([
      'involvedObject.namespace: Invalid value: "": does not match event.namespace',
    ]);
  });

  it('need the new-style fields when eventTime is set', () => {
    expect(coreErrors({ metadata: { name: 'e', namespace: 'ns' }, involvedObject: { namespace: 'ns' }, eventTime: '2024-01-01T00:00:00.000000Z' })).toEqual([
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      `reportingController: Invalid value: "": ${nameMsg}`,
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
    ]);
    expect(
      coreErrors({
        metadata: { name: 'e', namespace: 'ns' },
        involvedObject: { namespace: 'ns' },
        eventTime: '2024-01-01T00:00:00.000000Z',
        reportingComponent: 'kubelet',
        reportingInstance: 'x'.repeat(129),
        action: 'a'.repeat(129),
        reason: 'r'.repeat(129),
        message: 'm'.repeat(1025),
      }),
    ).toEqual([
      'reportingInstance: Invalid value: "": can have at most 128 characters',
      'action: Invalid value: "": can have at most 128 characters',
      'reason: Invalid value: "": can have at most 128 characters',
      'message: Invalid value: "": can have at most 1024 characters',
    ]);
  });

  it('accept any path-safe name and need no involvedObject fields', () => {
    const ev: KubeObject = { metadata: { name: 'Pod.17a2b3c4d5e6f7', namespace: 'ns' }, involvedObject: {} };
    expect(() => beforeCreate(events, ev, { namespace: 'default', now, uid: 'u' })).toThrow(/does not match the namespace/);
    const ok: KubeObject = { metadata: { name: 'Pod.17a2b3c4d5e6f7' }, involvedObject: {} };
    beforeCreate(events, ok, { namespace: 'default', now, uid: 'u' });
    expect(ok.metadata?.namespace).toBe('default');
  });

  it('select by involvedObject fields, reason, source, type and reportingComponent', () => {
    const ev: KubeObject = {
      metadata: { name: 'e', namespace: 'ns' },
      involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{c}' },
      reason: 'Pulled',
      source: {},
      type: 'Normal',
      reportingComponent: 'kubelet',
    };
    expect(eventSelectableFields(ev)).toEqual({
      'metadata.name': 'e',
      'metadata.namespace': 'ns',
      'involvedObject.kind': 'Pod',
      'involvedObject.namespace': 'ns',
      'involvedObject.name': 'p',
      'involvedObject.uid': 'u1',
      'involvedObject.apiVersion': 'v1',
      'involvedObject.resourceVersion': '7',
      'involvedObject.fieldPath': 'spec.containers{c}',
      reason: 'Pulled',
      reportingComponent: 'kubelet',
      source: 'kubelet',
      type: 'Normal',
    });
    expect(eventSelectableFields({ ...ev, source: { component: 'scheduler' } }).source).toBe('scheduler');
    expect(events.convertFieldLabel('involvedObject.name', 'p')).toEqual({ label: 'involvedObject.name', value: 'p' });
    expect(events.convertFieldLabel('regarding.name', 'p')).toEqual({ error: 'field label not supported: regarding.name' });
  });
});

describe('events.k8s.io/v1 events', () => {
  it('share the core storage', () => {
    expect(eventsV1).toMatchObject({ group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', shortNames: ['ev'], storage: { group: '', resource: 'events' } });
  });

  it('convert to the stored core form and back', () => {
    const ev = validV1();
    ev.series = { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' };
    ev.deprecatedSource = { component: 'c' };
    const core = eventsV1ToCore(ev);
    expect(core).toEqual({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e1', namespace: 'ns' },
      involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p' },
      reason: 'Synced',
      message: 'done',
      source: { component: 'c' },
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: '2024-01-01T00:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
      action: 'Sync',
      reportingComponent: 'example.com/ctrl',
      reportingInstance: 'ctrl-1',
    });
    expect(coreToEventsV1(core)).toEqual({
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'e1', namespace: 'ns' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
      reportingController: 'example.com/ctrl',
      reportingInstance: 'ctrl-1',
      action: 'Sync',
      reason: 'Synced',
      regarding: { kind: 'Pod', namespace: 'ns', name: 'p' },
      note: 'done',
      type: 'Normal',
      deprecatedSource: { component: 'c' },
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
  });

  it('validate strictly on create, naming internal fields', () => {
    expect(v1Errors(validV1())).toEqual([]);
    expect(
      v1Errors({
        metadata: { name: 'Bad', namespace: 'ns' },
        regarding: { namespace: 'ns' },
        type: 'Info',
        series: { count: 1 },
        deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
        deprecatedCount: 3,
        deprecatedSource: { host: 'h' },
      }),
    ).toEqual([
      expect.stringMatching(/^metadata\.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain/),
      'series.count: Invalid value: "": should be at least 2',
      'series.lastObservedTime: Required value',
      'eventTime: Required value',
      'type: Invalid value: "": has invalid value: Info',
      'firstTimestamp: Invalid value: "": needs to be unset',
      'count: Invalid value: "": needs to be unset',
      'source: Invalid value: "": needs to be unset',
    ]);
  });

  it('keep almost everything immutable on update', () => {
    const old = { ...validV1(), metadata: { name: 'e1', namespace: 'ns', uid: 'u', resourceVersion: '1' } };
    const changed: KubeObject = { ...structuredClone(old), note: 'other', regarding: { kind: 'Pod', namespace: 'ns', name: 'q' }, eventTime: '2024-01-01T00:00:01.000000Z' };
    expect(eventsV1Strategy.validateUpdate(changed, old).map(fieldErrorString)).toEqual([
      'involvedObject: Invalid value: core.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"q", UID:"", APIVersion:"", ResourceVersion:"", FieldPath:""}: field is immutable',
      'message: Invalid value: "other": field is immutable',
      'eventTime: Invalid value: 2024-01-01 00:00:01 +0000 UTC: field is immutable',
    ]);
    const series: KubeObject = { ...structuredClone(old), series: { count: 5, lastObservedTime: '2024-01-01T00:02:00.000000Z' } };
    expect(eventsV1Strategy.validateUpdate(series, old)).toEqual([]);
    const obj = structuredClone(series);
    beforeUpdate(eventsV1, obj, old);
    expect(obj.metadata?.uid).toBe('u');
  });

  it('normalize their times and shape', () => {
    const ev: KubeObject = { ...validV1(), eventTime: '2024-01-01T02:00:00.000001+02:00', deprecatedLastTimestamp: '0001-01-01T00:00:00Z' };
    expect(eventsV1Strategy.decodeError?.(ev)).toBeUndefined();
    eventsV1Strategy.applyDefaults(ev);
    expect(ev.eventTime).toBe('2024-01-01T00:00:00.000001Z');
    expect(ev.deprecatedLastTimestamp).toBeNull();
    expect(ev.deprecatedSource).toEqual({});
    expect(eventsV1Strategy.decodeError?.({ deprecatedFirstTimestamp: 'soon' })).toBe(
      'parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006"',
    );
  });

  it('map their field labels to the stored ones', () => {
    expect(eventsV1.convertFieldLabel('regarding.name', 'p')).toEqual({ label: 'involvedObject.name', value: 'p' });
    expect(eventsV1.convertFieldLabel('reportingController', 'x')).toEqual({ label: 'reportingComponent', value: 'x' });
    expect(eventsV1.convertFieldLabel('type', 'Normal')).toEqual({ label: 'type', value: 'Normal' });
    expect(eventsV1.convertFieldLabel('involvedObject.name', 'p')).toEqual({ error: 'field label not supported: involvedObject.name' });
  });
});
