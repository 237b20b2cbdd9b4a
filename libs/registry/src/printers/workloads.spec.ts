// apps, batch and autoscaling printers; cases re-expressed from printers_test.go (v1.33.1).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@portico/api';
import { formatHPAMetrics, hpaV1ToV2 } from './autoscaling';
import { tableConvertorFor } from './convertors';
import type { TableCell } from './types';

const now = new Date('2025-06-01T12:00:00Z');
const at = (ms: number): string => new Date(now.getTime() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
const s = 1000;
const m = 60 * s;
const d = 24 * 60 * m;
const print = (group: string, resource: string, obj: KubeObject): TableCell[] => tableConvertorFor(group, resource).printRow(obj, now).cells;

const template = {
  metadata: { labels: { foo: 'bar' } },
  spec: {
    containers: [
      { name: 'fake-container1', image: 'fake-image1' },
      { name: 'fake-container2', image: 'fake-image2' },
    ],
  },
};

describe('deployments', () => {
  it('prints Ready as ready/desired, Up-to-date, Available and the wide columns', () => {
    const dep: KubeObject = {
      metadata: { name: 'test1', creationTimestamp: at(s) },
      spec: { replicas: 5, template, selector: { matchLabels: { foo: 'bar' } } },
      status: { replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4 },
    };
    expect(print('apps', 'deployments', dep)).toEqual(['test1', '0/5', 2, 1, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']);
  });

  it('prints a selector with expressions in Go order and an empty one as ""', () => {
    const dep: KubeObject = {
      metadata: { name: 'x' },
      spec: { selector: { matchLabels: { z: '1', a: '2' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'b', operator: 'DoesNotExist' }] } },
    };
    expect(print('apps', 'deployments', dep).slice(1, 2).concat(print('apps', 'deployments', dep).slice(7))).toEqual(['0/1', 'a=2,!b,env in (dev,prod),z=1']);
    expect(print('apps', 'deployments', { metadata: { name: 'y' }, spec: {} })[7]).toBe('');
    expect(print('apps', 'deployments', { metadata: { name: 'z' }, spec: { selector: { matchExpressions: [{ key: 'k', operator: 'Bogus' }] } } })[7]).toBe('<invalid>');
  });
});

describe('replica sets, stateful sets, daemon sets, controller revisions', () => {
  it('prints replica sets', () => {
    const rs: KubeObject = {
      metadata: { name: 'test1', creationTimestamp: at(s) },
      spec: { replicas: 5, template, selector: { matchLabels: { foo: 'bar' } } },
      status: { replicas: 5, readyReplicas: 2 },
    };
    expect(print('apps', 'replicasets', rs)).toEqual(['test1', 5, 5, 2, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']);
  });

  it('prints stateful sets as ready/desired', () => {
    const sts: KubeObject = { metadata: { name: 'test1', creationTimestamp: at(s) }, spec: { replicas: 5, template }, status: { replicas: 5, readyReplicas: 2 } };
    expect(print('apps', 'statefulsets', sts)).toEqual(['test1', '2/5', '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2']);
  });

  it('prints daemon sets with the node selector', () => {
    const ds: KubeObject = {
      metadata: { name: 'test1', creationTimestamp: at(s) },
      spec: { template: { spec: { ...template.spec, nodeSelector: { disk: 'ssd' } } }, selector: { matchLabels: { foo: 'bar' } } },
      status: { currentNumberScheduled: 2, desiredNumberScheduled: 3, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 0 },
    };
    expect(print('apps', 'daemonsets', ds)).toEqual(['test1', 3, 2, 1, 2, 0, 'disk=ssd', '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']);
    expect(print('apps', 'daemonsets', { metadata: { name: 'bare' } }).slice(6, 7)).toEqual(['<none>']);
  });

  it('prints the controller of a revision', () => {
    const rev = (name: string, refs: unknown, revision: number): KubeObject => ({ metadata: { name, creationTimestamp: at(s), ownerReferences: refs as never }, revision });
    expect(print('apps', 'controllerrevisions', rev('test1', [{ controller: true, apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo' }], 1))).toEqual([
      'test1',
      'daemonset.apps/foo',
      1,
      '0s',
    ]);
    expect(print('apps', 'controllerrevisions', rev('test2', [{ controller: false, kind: 'ABC', name: 'foo' }], 2))).toEqual(['test2', '<none>', 2, '0s']);
    expect(print('apps', 'controllerrevisions', rev('test3', [], 3))).toEqual(['test3', '<none>', 3, '0s']);
    expect(print('apps', 'controllerrevisions', rev('core', [{ controller: true, apiVersion: 'v1', kind: 'ReplicationController', name: 'rc' }], 4))[1]).toBe('replicationcontroller/rc');
  });
});

describe('jobs', () => {
  const job = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name, creationTimestamp: at(s), ...meta },
    spec: { template: { spec: { containers: [{ name: 'fake-job-container1', image: 'fake-job-image1' }, { name: 'fake-job-container2', image: 'fake-job-image2' }] } }, ...spec },
    status,
  });

  it('prints status, completions, duration and the wide columns', () => {
    expect(print('batch', 'jobs', job('job1', { completions: 2, selector: { matchLabels: { 'job-label': 'job-label-value' } } }, { succeeded: 1 }))).toEqual([
      'job1',
      'Running',
      '1/2',
      '',
      '0s',
      'fake-job-container1,fake-job-container2',
      'fake-job-image1,fake-job-image2',
      'job-label=job-label-value',
    ]);
    expect(print('batch', 'jobs', job('job2', {}, {}, { creationTimestamp: at(-3653 * d) })).slice(0, 5)).toEqual(['job2', 'Running', '0/1', '', '10y']);
    expect(print('batch', 'jobs', job('job3', {}, { startTime: at(m), completionTime: at(31 * m) })).slice(2, 4)).toEqual(['0/1', '30m']);
    expect(print('batch', 'jobs', job('job4', {}, { startTime: at(-20 * m) })).slice(2, 4)).toEqual(['0/1', '20m']);
    expect(print('batch', 'jobs', job('par', { parallelism: 3 }, { succeeded: 1 }))[2]).toBe('1/1 of 3');
  });

  it('prints Complete, Failed, Terminating, Suspended and FailureTarget', () => {
    const withCondition = (type: string) => job('j', {}, { conditions: [{ type, status: 'True' }] });
    expect(print('batch', 'jobs', withCondition('Complete'))[1]).toBe('Complete');
    expect(print('batch', 'jobs', withCondition('Failed'))[1]).toBe('Failed');
    expect(print('batch', 'jobs', withCondition('Suspended'))[1]).toBe('Suspended');
    expect(print('batch', 'jobs', withCondition('FailureTarget'))[1]).toBe('FailureTarget');
    expect(print('batch', 'jobs', job('j', {}, {}, { deletionTimestamp: at(-s) }))[1]).toBe('Terminating');
    expect(print('batch', 'jobs', job('j', {}, { conditions: [{ type: 'Complete', status: 'False' }, { type: 'Complete', status: 'True' }] }))[1]).toBe('Running');
  });
});

describe('cron jobs', () => {
  const cron = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: 'cronjob1', creationTimestamp: at(s) },
    spec: {
      schedule: '0/5 * * * ?',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'fake-job-container1', image: 'fake-job-image1' }] } }, selector: { matchLabels: { a: 'b' } } } },
      ...spec,
    },
    status,
  });

  it('prints schedule, timezone, suspend, active, last schedule and the wide columns', () => {
    expect(print('batch', 'cronjobs', cron({ suspend: false }, { lastScheduleTime: at(-5 * m) }))).toEqual([
      'cronjob1',
      '0/5 * * * ?',
      '<none>',
      'False',
      0,
      '5m',
      '0s',
      'fake-job-container1',
      'fake-job-image1',
      'a=b',
    ]);
    expect(print('batch', 'cronjobs', cron({ suspend: true, timeZone: 'Europe/Berlin' }, { active: [{ name: 'j1' }, { name: 'j2' }] })).slice(2, 6)).toEqual([
      'Europe/Berlin',
      'True',
      2,
      '<none>',
    ]);
    // An unset suspend is defaulted to false before printing.
    expect(print('batch', 'cronjobs', cron({}))[3]).toBe('False');
  });
});

describe('horizontal pod autoscalers', () => {
  const hpa = (metrics: unknown[], currentMetrics: unknown[] = []): KubeObject => ({
    apiVersion: 'autoscaling/v2',
    metadata: { name: 'some-hpa' },
    spec: { scaleTargetRef: { name: 'some-rc', kind: 'ReplicationController' }, minReplicas: 2, maxReplicas: 10, metrics },
    status: { currentReplicas: 4, desiredReplicas: 5, currentMetrics },
  });
  const targets = (o: KubeObject) => print('autoscaling', 'horizontalpodautoscalers', o)[2];

  it('prints the reference, min/max and replicas', () => {
    expect(print('autoscaling', 'horizontalpodautoscalers', hpa([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]))).toEqual([
      'some-hpa',
      'ReplicationController/some-rc',
      'cpu: <unknown>/80%',
      '2',
      10,
      4,
      '<unknown>',
    ]);
    const noMin = { ...hpa([]), spec: { scaleTargetRef: { name: 'some-rc', kind: 'ReplicationController' }, maxReplicas: 10 } };
    expect(print('autoscaling', 'horizontalpodautoscalers', noMin)[3]).toBe('<unset>');
    expect(formatHPAMetrics([], [])).toBe('<none>');
  });

  it('formats external, object, pods and resource metrics', () => {
    const avg = (type: string, key: string) => ({ type, [key]: { metric: { name: 'm' }, target: { type: 'AverageValue', averageValue: '100m' } } });
    const val = (type: string, key: string) => ({ type, [key]: { metric: { name: 'm' }, target: { type: 'Value', value: '100m' } } });
    expect(targets(hpa([avg('External', 'external')]))).toBe('<unknown>/100m (avg)');
    expect(targets(hpa([avg('External', 'external')], [{ type: 'External', external: { current: { averageValue: '50m' } } }]))).toBe('50m/100m (avg)');
    expect(targets(hpa([val('External', 'external')]))).toBe('<unknown>/100m');
    expect(targets(hpa([val('External', 'external')], [{ type: 'External', external: { current: { value: '50m' } } }]))).toBe('50m/100m');
    expect(targets(hpa([val('Object', 'object')], [{ type: 'Object', object: { current: { value: '50m' } } }]))).toBe('50m/100m');
    expect(targets(hpa([avg('Pods', 'pods')]))).toBe('<unknown>/100m');
    expect(targets(hpa([avg('Pods', 'pods')], [{ type: 'Pods', pods: { current: { averageValue: '50m' } } }]))).toBe('50m/100m');
    const cpuValue = { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '100m' } } };
    expect(targets(hpa([cpuValue]))).toBe('cpu: <unknown>/100m');
    expect(targets(hpa([cpuValue], [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '50m' } } }]))).toBe('cpu: 50m/100m');
    const cpuUtil = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
    expect(targets(hpa([cpuUtil], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '40m' } } }]))).toBe('cpu: 50%/80%');
    const containerUtil = { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 80 } } };
    expect(targets(hpa([containerUtil], [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', current: { averageUtilization: 50 } } }]))).toBe(
      'cpu: 50%/80%',
    );
    expect(targets(hpa([{ type: 'Custom' }]))).toBe('<unknown type>');
  });

  it('shows two metrics, then "+ N more..."', () => {
    const pods = (name: string, v: string) => ({ type: 'Pods', pods: { metric: { name }, target: { type: 'AverageValue', averageValue: v } } });
    const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
    const o = hpa(
      [pods('some-pods-metric', '100m'), cpu, pods('other-pods-metric', '400m')],
      [
        { type: 'Pods', pods: { metric: { name: 'some-pods-metric' }, current: { averageValue: '50m' } } },
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50, averageValue: '40m' } } },
      ],
    );
    expect(targets(o)).toBe('50m/100m, cpu: 50%/80% + 1 more...');
  });

  it('reads autoscaling/v1 objects (target CPU, annotations, the 80% default)', () => {
    const v1 = (spec: Record<string, unknown>, status: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', ...(annotations ? { annotations } : {}) },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
      status: { currentReplicas: 1, desiredReplicas: 1, ...status },
    });
    expect(print('autoscaling', 'horizontalpodautoscalers', v1({ minReplicas: 1, targetCPUUtilizationPercentage: 50 }, { currentCPUUtilizationPercentage: 12 }))).toEqual([
      'web',
      'Deployment/web',
      'cpu: 12%/50%',
      '1',
      5,
      1,
      '<unknown>',
    ]);
    expect(targets(v1({}))).toBe('cpu: <unknown>/80%');
    const annotated = v1(
      { targetCPUUtilizationPercentage: 70 },
      {},
      {
        'autoscaling.alpha.kubernetes.io/metrics': JSON.stringify([{ type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '1k' } }]),
        'autoscaling.alpha.kubernetes.io/current-metrics': JSON.stringify([{ type: 'Pods', pods: { metricName: 'qps', currentAverageValue: '1500m' } }]),
      },
    );
    expect(targets(annotated)).toBe('1500m/1k, cpu: <unknown>/70%');
    expect((hpaV1ToV2(annotated)['spec'] as { metrics: unknown[] }).metrics).toHaveLength(2);
  });
});

describe('scale subresource', () => {
  it('prints Scale objects for /scale of deployments, replica sets, stateful sets and RCs', () => {
    const c = tableConvertorFor('apps', 'deployments', 'scale');
    expect(c.columnDefinitions.map((x) => [x.name, x.format])).toEqual([
      ['Name', ''],
      ['Desired', ''],
      ['Available', ''],
      ['Age', ''],
    ]);
    expect(c.printRow({ kind: 'Scale', metadata: { name: 'test-scale', creationTimestamp: at(-s) }, spec: { replicas: 2 }, status: { replicas: 1 } }, now).cells).toEqual([
      'test-scale',
      2,
      1,
      '1s',
    ]);
    expect(tableConvertorFor('', 'replicationcontrollers', 'scale')).toBe(c);
    expect(tableConvertorFor('apps', 'deployments', 'status')).toBe(tableConvertorFor('apps', 'deployments'));
  });
});
