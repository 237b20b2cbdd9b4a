import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { controllerrevisions, daemonsets, deployments, replicasets, statefulsets } from './apps';

const tpl = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1' }], ...spec } });
const podTemplateDefaults = {
  containers: [{ name: 'c', image: 'nginx:1', resources: {}, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};
const obj = (name: string, spec: Record<string, unknown>): KubeObject => ({ metadata: { name }, spec });

describe('deployments', () => {
  const good = obj('d', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }) });

  it('defaults replicas, strategy, history and deadline, and the pod template', () => {
    const { stored } = simulateCreate(deployments, good);
    expect(stored.spec).toEqual({
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' }, creationTimestamp: null }, spec: podTemplateDefaults },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(stored.metadata?.generation).toBe(1);
    expect(deployments).toMatchObject({ shortNames: ['deploy'], categories: ['all'] });
  });

  it('requires a selector that matches the template labels', () => {
    expect(writeErrors(() => simulateCreate(deployments, obj('d', { template: tpl({ a: 'b' }) })))).toEqual([
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: `selector` does not match template `labels`',
    ]);
    expect(writeErrors(() => simulateCreate(deployments, obj('d', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'c' }) })))).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not match template `labels`',
    ]);
  });

  it('checks replicas, the strategy and the deadlines', () => {
    expect(
      writeErrors(() =>
        simulateCreate(
          deployments,
          obj('d', {
            replicas: -1,
            selector: { matchLabels: {} },
            template: tpl({ a: 'b' }),
            strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } },
            revisionHistoryLimit: -2,
            progressDeadlineSeconds: 0,
            minReadySeconds: 5,
          }),
        ),
      ),
    ).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
      'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
      'spec.progressDeadlineSeconds: Invalid value: 0: must be greater than minReadySeconds',
    ]);
    expect(
      writeErrors(() => simulateCreate(deployments, obj('d', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }), strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }))),
    ).toEqual(['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']);
  });

  it('keeps the selector and bumps the generation on spec changes only', () => {
    const { stored } = simulateCreate(deployments, good);
    const moved = structuredClone(stored) as { spec: { selector: unknown; template: { metadata: { labels: unknown } } } } & KubeObject;
    moved.spec.selector = { matchLabels: { a: 'b', c: 'd' } };
    moved.spec.template.metadata.labels = { a: 'b', c: 'd' };
    expect(writeErrors(() => simulateUpdate(deployments, moved, stored))).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b", "c":"d"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    const scaled = structuredClone(stored);
    (scaled.spec as { replicas: number }).replicas = 3;
    expect(simulateUpdate(deployments, scaled, stored).stored.metadata?.generation).toBe(2);
    const labelled = structuredClone(stored);
    labelled.metadata = { ...labelled.metadata, labels: { x: 'y' } };
    expect(simulateUpdate(deployments, labelled, stored).stored.metadata?.generation).toBe(1);
  });
});

describe('replicasets', () => {
  it('defaults replicas and selects on status.replicas', () => {
    const { stored } = simulateCreate(replicasets, obj('rs', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }) }));
    expect((stored.spec as { replicas: number }).replicas).toBe(1);
    expect(replicasets.selectableFields(stored)).toEqual({ 'metadata.name': 'rs', 'metadata.namespace': 'default', 'status.replicas': '0' });
    expect(replicasets).toMatchObject({ shortNames: ['rs'], categories: ['all'] });
  });
});

describe('statefulsets', () => {
  it('applies the StatefulSet defaults, claim templates included', () => {
    const { stored } = simulateCreate(
      statefulsets,
      obj('s', {
        selector: { matchLabels: { a: 'b' } },
        template: tpl({ a: 'b' }),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    expect(stored.spec).toMatchObject({
      serviceName: '',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      podManagementPolicy: 'OrderedReady',
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', creationTimestamp: null },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    });
  });

  it('wants a DNS label name and a known pod management policy', () => {
    expect(writeErrors(() => simulateCreate(statefulsets, obj('s.x', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'c' }), podManagementPolicy: 'Foo' })))).toEqual([
      'metadata.name: Invalid value: "s.x": must not contain dots',
      `spec.podManagementPolicy: Invalid value: "Foo": must be 'OrderedReady' or 'Parallel'`,
      'spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not match template `labels`',
    ]);
  });
});

describe('daemonsets', () => {
  it('defaults the update strategy and records the template generation', () => {
    const { stored } = simulateCreate(daemonsets, obj('ds', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }) }));
    expect(stored.metadata?.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    expect(stored.spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
    expect(stored.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  it('wants restartPolicy Always and a way to make progress', () => {
    expect(
      writeErrors(() =>
        simulateCreate(
          daemonsets,
          obj('ds', { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }, { restartPolicy: 'Never' }), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }),
        ),
      ),
    ).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"', 'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
  });
});

describe('controllerrevisions', () => {
  it('wants data and a non-negative revision, and keeps data', () => {
    expect(writeErrors(() => simulateCreate(controllerrevisions, { metadata: { name: 'cr' }, revision: -1 }))).toEqual([
      'data: Required value: data is mandatory',
      'revision: Invalid value: -1: must be greater than or equal to 0',
    ]);
    const { stored } = simulateCreate(controllerrevisions, { metadata: { name: 'cr' }, data: { a: 1 }, revision: 1 });
    expect(writeErrors(() => simulateUpdate(controllerrevisions, { ...stored, data: { a: 2 }, revision: 2 }, stored))).toHaveLength(1);
    expect(simulateUpdate(controllerrevisions, { ...stored, revision: 2 }, stored).stored.revision).toBe(2);
  });
});
