import { type KubeObject, type StatusError, isStatusError } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { defineResource, defineStrategy } from './define';
import {
  beforeCreate,
  beforeDelete,
  beforeUpdate,
  dedupOwnerReferences,
  finalizeDelete,
  newInvalid,
  resourceVersionForUpdate,
  shouldDeleteDuringUpdate,
  validateDeleteOptions,
} from './metadata';
import { configmaps } from './resources/configmaps';
import { events, eventsV1 } from './resources/events';
import { leases } from './resources/leases';
import { namespaces } from './resources/namespaces';
import { serviceaccounts } from './resources/serviceaccounts';
import { fieldErrors, fieldErrorString } from '@portico/api';

const now = new Date('2024-05-06T07:08:09.500Z');
const ctx = { namespace: 'ns', now, uid: 'uid-1', generateName: (b: string) => `${b}abcde` };

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** A kind with a spec, generation tracking and graceful deletion (like pods), to exercise those paths. */
const widgets = defineResource({
  group: 'example.com',
  version: 'v1',
  resource: 'widgets',
  kind: 'Widget',
  singular: 'widget',
  namespaced: true,
  strategy: defineStrategy({
    tracksGeneration: true,
    prepareForCreate: (obj) => {
      delete obj.status;
    },
    prepareForUpdate: (obj, old) => {
      obj.status = old.status;
    },
    checkGracefulDelete: (_obj, options) => {
      if (typeof options.gracePeriodSeconds !== 'number') options.gracePeriodSeconds = 30;
      return true;
    },
  }),
});

describe('newInvalid', () => {
  it('builds the 422 kube-apiserver sends', () => {
    const e = newInvalid('apps', 'Deployment', 'web', [fieldErrors.required('spec.selector'), fieldErrors.required('spec.selector'), fieldErrors.forbidden('', 'x')]);
    expect(e.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Deployment.apps "web" is invalid: [spec.selector: Required value, : Forbidden: x]',
      reason: 'Invalid',
      details: {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
          { reason: 'FieldValueForbidden', message: 'Forbidden: x' },
        ],
      },
      code: 422,
    });
  });
});

describe('beforeCreate', () => {
  it('sets system fields, the namespace and a generated name', () => {
    const obj: KubeObject = {
      metadata: {
        generateName: 'cm-',
        uid: 'client-uid',
        creationTimestamp: '2000-01-01T00:00:00Z',
        deletionTimestamp: '2000-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 5,
        selfLink: '/x',
        resourceVersion: '0',
      },
      data: { a: 'b' },
    };
    const { warnings } = beforeCreate(configmaps, obj, ctx);
    expect(warnings).toEqual([]);
    expect(obj).toEqual({
      metadata: { generateName: 'cm-', namespace: 'ns', creationTimestamp: '2024-05-06T07:08:09Z', uid: 'uid-1', name: 'cm-abcde' },
      data: { a: 'b' },
    });
  });

  it('uses the SimpleNameGenerator by default', () => {
    const obj: KubeObject = { metadata: { generateName: 'x-' } };
    beforeCreate(configmaps, obj, { namespace: 'ns', now, uid: 'u' });
    expect(obj.metadata?.name).toMatch(/^x-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects a namespace that differs from the URL', () => {
    const e = thrown(() => beforeCreate(configmaps, { metadata: { name: 'a', namespace: 'other' } }, ctx));
    expect(e.code).toBe(400);
    expect(e.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('clears the namespace of cluster-scoped objects', () => {
    const obj: KubeObject = { metadata: { name: 'team', namespace: 'whatever' } };
    beforeCreate(namespaces, obj, { namespace: '', now, uid: 'u' });
    expect(obj.metadata?.namespace).toBeUndefined();
  });

  it('refuses a set resourceVersion as the etcd store does, and drops an unparsable one', () => {
    const e = thrown(() => beforeCreate(configmaps, { metadata: { name: 'a', resourceVersion: '12' } }, ctx));
    expect(e.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'resourceVersion should not be set on objects to be created',
      reason: '',
      code: 500,
    });
    const obj: KubeObject = { metadata: { name: 'a', resourceVersion: 'abc' } };
    beforeCreate(configmaps, obj, ctx);
    expect(obj.metadata?.resourceVersion).toBeUndefined();
  });

  it('answers 422 with the kind validation first', () => {
    const e = thrown(() => beforeCreate(configmaps, { metadata: { name: 'Bad' } }, ctx));
    expect(e.code).toBe(422);
    expect(e.message).toBe(`ConfigMap "Bad" is invalid: metadata.name: Invalid value: "Bad": ${subdomainMsg}`);
    expect(e.status.details).toEqual({
      name: 'Bad',
      kind: 'ConfigMap',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "Bad": ${subdomainMsg}`, field: 'metadata.name' }],
    });
  });

  it('requires a name', () => {
    expect(thrown(() => beforeCreate(configmaps, { metadata: {} }, ctx)).message).toBe(
      'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    );
  });

  it('applies the path-segment rule to kinds without a name rule of their own', () => {
    const e = thrown(() =>
      beforeCreate(events, { metadata: { name: 'a/b' }, involvedObject: { namespace: 'ns' } }, { ...ctx }),
    );
    expect(e.message).toBe(`Event "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'`);
  });

  it('runs PrepareForCreate, tracks generation and canonicalizes', () => {
    const w: KubeObject = { metadata: { name: 'w', generation: 7 }, spec: { a: 1 }, status: { s: 1 } };
    beforeCreate(widgets, w, ctx);
    expect(w.metadata?.generation).toBe(1);
    expect(w.status).toBeUndefined();

    const ns: KubeObject = { metadata: { generateName: 'team-' } };
    namespaces.strategy.applyDefaults(ns);
    beforeCreate(namespaces, ns, { namespace: '', now, uid: 'u', generateName: (b) => `${b}xyz12` });
    expect(ns.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-xyz12' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('dedups owner references with kube-apiserver\'s warning and returns the strategy\'s warnings', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u1' };
    const obj: KubeObject = {
      metadata: { name: 'sa', ownerReferences: [ref, { ...ref }, { ...ref, name: 'other' }], annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } },
    };
    const { warnings } = beforeCreate(serviceaccounts, obj, ctx);
    expect(obj.metadata?.ownerReferences).toEqual([ref, { ...ref, name: 'other' }]);
    expect(warnings).toEqual([
      '.metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: u1',
      'metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets',
    ]);
  });
});

describe('dedupOwnerReferences', () => {
  it('uses the after-admission wording when asked', () => {
    const ref = { apiVersion: 'v1', kind: 'K', name: 'n', uid: 'x' };
    expect(dedupOwnerReferences({ metadata: { ownerReferences: [ref, ref] } }, true)).toEqual([
      '.metadata.ownerReferences contains duplicate entries after mutating admission happens; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: x',
    ]);
    expect(dedupOwnerReferences({ metadata: {} }, false)).toEqual([]);
  });
});

const stored = (): KubeObject => ({
  metadata: { name: 'c', namespace: 'ns', uid: 'u', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' },
  data: { a: 'b' },
});

describe('beforeUpdate', () => {
  it('keeps uid and creationTimestamp from the stored object', () => {
    const obj: KubeObject = { metadata: { name: 'c', resourceVersion: '5' }, data: { a: 'c' } };
    beforeUpdate(configmaps, obj, stored());
    expect(obj.metadata).toEqual({ name: 'c', namespace: 'ns', uid: 'u', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' });
  });

  it('keeps a deletion in progress', () => {
    const old = { ...stored(), metadata: { ...stored().metadata, deletionTimestamp: '2024-02-01T00:00:00Z', deletionGracePeriodSeconds: 0, finalizers: ['a.io/x'] } };
    const obj: KubeObject = { metadata: { name: 'c', resourceVersion: '5', finalizers: [] } };
    beforeUpdate(configmaps, obj, old);
    expect(obj.metadata?.deletionTimestamp).toBe('2024-02-01T00:00:00Z');
    expect(obj.metadata?.deletionGracePeriodSeconds).toBe(0);
    expect(shouldDeleteDuringUpdate(obj, configmaps)).toBe(true);
  });

  it('refuses new finalizers on an object being deleted', () => {
    const old = { ...stored(), metadata: { ...stored().metadata, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a.io/x'] } };
    const e = thrown(() => beforeUpdate(configmaps, { metadata: { name: 'c', resourceVersion: '5', finalizers: ['a.io/x', 'b.io/y'] } }, old));
    expect(e.message).toBe(
      'ConfigMap "c" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
    );
    // ValidateObjectMetaUpdate runs twice (generic and kind), so the cause is listed twice and the message once.
    expect(e.status.details?.causes).toHaveLength(2);
  });

  it('reports immutable metadata once in the message', () => {
    const e = thrown(() => beforeUpdate(configmaps, { metadata: { name: 'd', resourceVersion: '5' } }, stored()));
    expect(e.message).toBe('ConfigMap "d" is invalid: metadata.name: Invalid value: "d": field is immutable');
  });

  it('checks the namespace against the request', () => {
    expect(thrown(() => beforeUpdate(configmaps, { metadata: { name: 'c', namespace: 'x', resourceVersion: '5' } }, stored())).code).toBe(400);
  });

  it('bumps generation on spec changes only, for kinds that track it', () => {
    const old: KubeObject = { metadata: { name: 'w', namespace: 'ns', uid: 'u', resourceVersion: '3', generation: 2 }, spec: { a: 1 }, status: { s: 1 } };
    const metaOnly: KubeObject = { metadata: { name: 'w', resourceVersion: '3', generation: 9, labels: { x: 'y' } }, spec: { a: 1 }, status: { s: 2 } };
    beforeUpdate(widgets, metaOnly, old);
    expect(metaOnly.metadata?.generation).toBe(2);
    expect(metaOnly.status).toEqual({ s: 1 });
    const specChange: KubeObject = { metadata: { name: 'w', resourceVersion: '3' }, spec: { a: 2 } };
    beforeUpdate(widgets, specChange, old);
    expect(specChange.metadata?.generation).toBe(3);
  });

  it('uses the subresource strategy', () => {
    const old: KubeObject = {
      metadata: { name: 'n', uid: 'u', resourceVersion: '1' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    const obj: KubeObject = { metadata: { name: 'n', resourceVersion: '1' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
    const e = thrown(() => beforeUpdate(namespaces, obj, old, { subresource: 'status' }));
    expect(e.message).toBe('Namespace "n" is invalid: status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty');
    expect(obj.spec).toEqual({ finalizers: ['kubernetes'] });
  });
});

describe('resourceVersionForUpdate', () => {
  it('fills an empty resourceVersion for kinds allowing unconditional updates', () => {
    const obj: KubeObject = { metadata: { name: 'c' } };
    resourceVersionForUpdate(configmaps, obj, stored());
    expect(obj.metadata?.resourceVersion).toBe('5');
  });

  it('requires one for leases, naming the resource as Go does', () => {
    const e = thrown(() => resourceVersionForUpdate(leases, { metadata: { name: 'l' } }, { metadata: { name: 'l', resourceVersion: '5' } }));
    expect(e.message).toBe('leases.coordination.k8s.io "l" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    expect(e.status.details).toMatchObject({ group: 'coordination.k8s.io', kind: 'leases', name: 'l' });
  });

  it('answers 409 on a stale resourceVersion and 500 on an unparsable one', () => {
    const stale = thrown(() => resourceVersionForUpdate(configmaps, { metadata: { name: 'c', resourceVersion: '4' } }, stored()));
    expect(stale.code).toBe(409);
    expect(stale.message).toBe(
      'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
    );
    const bad = thrown(() => resourceVersionForUpdate(configmaps, { metadata: { name: 'c', resourceVersion: 'x' } }, stored()));
    expect(bad.code).toBe(500);
    expect(bad.message).toBe('strconv.ParseUint: parsing "x": invalid syntax');
    resourceVersionForUpdate(configmaps, { metadata: { name: 'c', resourceVersion: '5' } }, stored());
  });
});

describe('shouldDeleteDuringUpdate', () => {
  it('needs a deletion request, no finalizers and no grace period', () => {
    expect(shouldDeleteDuringUpdate({ metadata: {} })).toBe(false);
    expect(shouldDeleteDuringUpdate({ metadata: { deletionTimestamp: 't' } })).toBe(true);
    expect(shouldDeleteDuringUpdate({ metadata: { deletionTimestamp: 't', deletionGracePeriodSeconds: 0 } })).toBe(true);
    expect(shouldDeleteDuringUpdate({ metadata: { deletionTimestamp: 't', deletionGracePeriodSeconds: 30 } })).toBe(false);
    expect(shouldDeleteDuringUpdate({ metadata: { deletionTimestamp: 't', finalizers: ['x'] } })).toBe(false);
  });

  it('waits for a namespace\'s spec.finalizers', () => {
    const ns: KubeObject = { metadata: { deletionTimestamp: 't' }, spec: { finalizers: ['kubernetes'] } };
    expect(shouldDeleteDuringUpdate(ns, namespaces)).toBe(false);
    expect(shouldDeleteDuringUpdate({ ...ns, spec: {} }, namespaces)).toBe(true);
  });
});

describe('validateDeleteOptions', () => {
  it('rejects bad combinations with Go\'s messages', () => {
    expect(validateDeleteOptions({ orphanDependents: true, propagationPolicy: 'Orphan' }).map(fieldErrorString)).toEqual([
      'propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
    ]);
    expect(validateDeleteOptions({ propagationPolicy: 'Sideways' }).map(fieldErrorString)).toEqual([
      'propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
    ]);
    expect(validateDeleteOptions({ dryRun: ['All', 'x'] }).map(fieldErrorString)).toEqual([
      'dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"',
    ]);
    expect(validateDeleteOptions({ ignoreStoreReadErrorWithClusterBreakingPotential: true, gracePeriodSeconds: 0 }).map(fieldErrorString)).toEqual([
      'ignoreStoreReadErrorWithClusterBreakingPotential: Invalid value: true: cannot be set together with .gracePeriodSeconds',
    ]);
    expect(validateDeleteOptions({ dryRun: ['All'], propagationPolicy: 'Foreground', gracePeriodSeconds: 5 })).toEqual([]);
  });
});

describe('beforeDelete', () => {
  const withFinalizers = (f: string[], extra = {}): KubeObject => ({ ...stored(), metadata: { ...stored().metadata, finalizers: f, ...extra } });

  it('deletes an object without finalizers at once', () => {
    expect(beforeDelete(configmaps, stored(), {}, { now })).toEqual({ action: 'delete' });
    expect(beforeDelete(configmaps, stored(), { propagationPolicy: 'Background' }, { now })).toEqual({ action: 'delete' });
  });

  it('marks an object with finalizers as deleting instead', () => {
    const obj = withFinalizers(['a.io/x'], { generation: 3 });
    const plan = beforeDelete(configmaps, obj, {}, { now });
    expect(plan).toEqual({
      action: 'update',
      thenDelete: false,
      object: { ...obj, metadata: { ...obj.metadata, deletionTimestamp: '2024-05-06T07:08:09Z', deletionGracePeriodSeconds: 0, generation: 4 } },
    });
    expect(obj.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('keeps an earlier deletionTimestamp and bumps generation only once', () => {
    const obj = withFinalizers(['a.io/x'], { generation: 4, deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 });
    const plan = beforeDelete(configmaps, obj, {}, { now });
    expect(plan.action === 'update' && plan.object.metadata).toMatchObject({ deletionTimestamp: '2024-01-01T00:00:00Z', generation: 4 });
  });

  it('adds the finalizer the propagation policy asks for', () => {
    const orphan = beforeDelete(configmaps, stored(), { propagationPolicy: 'Orphan' }, { now });
    expect(orphan.action === 'update' && orphan.object.metadata?.finalizers).toEqual(['orphan']);
    const fg = beforeDelete(configmaps, withFinalizers(['a.io/x']), { propagationPolicy: 'Foreground' }, { now });
    expect(fg.action === 'update' && fg.object.metadata?.finalizers).toEqual(['a.io/x', 'foregroundDeletion']);
    const legacy = beforeDelete(configmaps, stored(), { orphanDependents: true }, { now });
    expect(legacy.action === 'update' && legacy.object.metadata?.finalizers).toEqual(['orphan']);
  });

  it('removes GC finalizers the options no longer want, deleting when none remain', () => {
    expect(beforeDelete(configmaps, withFinalizers(['orphan']), { propagationPolicy: 'Background' }, { now })).toEqual({ action: 'delete' });
    const kept = beforeDelete(configmaps, withFinalizers(['orphan']), {}, { now });
    expect(kept.action === 'update' && kept.object.metadata?.finalizers).toEqual(['orphan']);
  });

  it('never adds GC finalizers to kinds that do not support garbage collection', () => {
    const ev: KubeObject = { metadata: { name: 'e', namespace: 'ns', uid: 'u' } };
    expect(beforeDelete(events, ev, { propagationPolicy: 'Foreground' }, { now })).toEqual({ action: 'delete' });
    expect(beforeDelete(eventsV1, ev, { propagationPolicy: 'Orphan' }, { now })).toEqual({ action: 'delete' });
  });

  it('validates options and checks preconditions', () => {
    const invalid = thrown(() => beforeDelete(configmaps, stored(), { propagationPolicy: 'Nope' }, { now }));
    expect(invalid.code).toBe(422);
    expect(invalid.message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Nope": supported values: "Foreground", "Background", "Orphan", "nil"',
    );
    const uid = thrown(() => beforeDelete(configmaps, stored(), { preconditions: { uid: 'other' } }, { now }));
    expect(uid.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on ConfigMap "c": the UID in the precondition (other) does not match the UID in record (u). The object might have been deleted and then recreated',
      details: { name: 'c', kind: 'ConfigMap' },
    });
    const rv = thrown(() => beforeDelete(leases, { metadata: { name: 'l', uid: 'u', resourceVersion: '2' } }, { preconditions: { resourceVersion: '1' } }, { now }));
    expect(rv.message).toBe(
      'Operation cannot be fulfilled on Lease.coordination.k8s.io "l": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (2). The object might have been modified',
    );
    expect(beforeDelete(configmaps, stored(), { preconditions: { uid: 'u', resourceVersion: '5' } }, { now })).toEqual({ action: 'delete' });
  });

  describe('graceful kinds', () => {
    const w = (): KubeObject => ({ metadata: { name: 'w', namespace: 'ns', uid: 'u', resourceVersion: '1', generation: 1 }, spec: {} });

    it('set deletionTimestamp to now plus the grace period', () => {
      const plan = beforeDelete(widgets, w(), {}, { now });
      expect(plan).toEqual({
        action: 'update',
        thenDelete: false,
        object: { ...w(), metadata: { ...w().metadata, deletionTimestamp: '2024-05-06T07:08:39Z', deletionGracePeriodSeconds: 30, generation: 2 } },
      });
    });

    it('delete right after the write with a zero period', () => {
      const plan = beforeDelete(widgets, w(), { gracePeriodSeconds: 0 }, { now });
      expect(plan.action === 'update' && plan.thenDelete).toBe(true);
      // Negative periods count as one second.
      const neg = beforeDelete(widgets, w(), { gracePeriodSeconds: -5 }, { now });
      expect(neg.action === 'update' && neg.object.metadata?.deletionGracePeriodSeconds).toBe(1);
    });

    it('leave a pending deletion alone unless the period shrinks', () => {
      const deleting = { ...w(), metadata: { ...w().metadata, deletionTimestamp: '2024-05-06T07:08:39Z', deletionGracePeriodSeconds: 30 } };
      expect(beforeDelete(widgets, deleting, {}, { now }).action).toBe('pending');
      expect(beforeDelete(widgets, deleting, { gracePeriodSeconds: 60 }, { now }).action).toBe('pending');
      const shorter = beforeDelete(widgets, deleting, { gracePeriodSeconds: 10 }, { now });
      expect(shorter.action === 'update' && shorter.object.metadata).toMatchObject({ deletionTimestamp: '2024-05-06T07:08:19Z', deletionGracePeriodSeconds: 10 });
      const past = beforeDelete(widgets, { ...deleting, metadata: { ...deleting.metadata, deletionTimestamp: '2024-05-06T07:08:10Z' } }, { gracePeriodSeconds: 5 }, { now });
      expect(past.action === 'update' && past.object.metadata).toMatchObject({ deletionTimestamp: '2024-05-06T07:08:09Z', deletionGracePeriodSeconds: 1 });
    });
  });

  describe('namespaces', () => {
    const ns = (extra: Record<string, unknown> = {}): KubeObject => ({
      metadata: { name: 'team', uid: 'u', resourceVersion: '3', ...extra },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });

    it('start terminating on the first delete', () => {
      const plan = beforeDelete(namespaces, ns(), { propagationPolicy: 'Foreground' }, { now });
      expect(plan).toEqual({
        action: 'update',
        thenDelete: false,
        object: {
          metadata: { name: 'team', uid: 'u', resourceVersion: '3', deletionTimestamp: '2024-05-06T07:08:09Z', finalizers: ['foregroundDeletion'] },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Terminating' },
        },
      });
    });

    it('answer with the namespace while spec.finalizers remain, then delete it', () => {
      const terminating = { ...ns({ deletionTimestamp: '2024-05-06T07:00:00Z' }), status: { phase: 'Terminating' } };
      expect(beforeDelete(namespaces, terminating, {}, { now })).toEqual({ action: 'wait', object: terminating });
      expect(beforeDelete(namespaces, { ...terminating, spec: {} }, {}, { now })).toEqual({ action: 'delete' });
    });

    it('check the UID precondition with the namespace registry\'s message', () => {
      expect(thrown(() => beforeDelete(namespaces, ns(), { preconditions: { uid: 'x' } }, { now })).message).toBe(
        'Operation cannot be fulfilled on namespaces "team": Precondition failed: UID in precondition: x, UID in object meta: u',
      );
    });
  });
});

describe('finalizeDelete', () => {
  it('answers with a Status naming the resource, or with the object', () => {
    const cm = stored();
    expect(finalizeDelete(configmaps, cm)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'c', kind: 'configmaps', uid: 'u' },
    });
    expect(finalizeDelete(eventsV1, { metadata: { name: 'e', uid: 'v' } })).toMatchObject({ details: { name: 'e', group: 'events.k8s.io', kind: 'events', uid: 'v' } });
    const sa: KubeObject = { metadata: { name: 'sa' } };
    expect(finalizeDelete(serviceaccounts, sa)).toBe(sa);
  });
});
