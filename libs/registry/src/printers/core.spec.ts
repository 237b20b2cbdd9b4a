// Cases re-expressed from kubernetes pkg/printers/internalversion/printers_test.go (v1.33.1) as
// JSON objects; kube-apiserver always prints wide, so rows carry the priority-1 cells too.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@portico/api';
import { tableConvertorFor } from './convertors';
import type { TableCell } from './types';

const now = new Date('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString().replace(/\.\d+Z$/, 'Z');
const agoMicro = (ms: number): string => new Date(now.getTime() - ms).toISOString().replace(/Z$/, '000Z');
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

const print = (resource: string, obj: KubeObject, group = ''): TableCell[] => tableConvertorFor(group, resource).printRow(obj, now).cells;
const columns = (resource: string, group = ''): string[] => tableConvertorFor(group, resource).columnDefinitions.map((c) => c.name);

const running = { running: {} };
const containers = (n: number) => Array.from({ length: n }, () => ({}));
const pod = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...meta },
  spec,
  status,
});
/** The five default cells of a pod row. */
const podCells = (o: KubeObject) => print('pods', o).slice(0, 5);

describe('pods', () => {
  it('has the 1.33 columns with their priorities', () => {
    expect(tableConvertorFor('', 'pods').columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ]);
    expect(tableConvertorFor('', 'pods').columnDefinitions[0]?.format).toBe('name');
  });

  it('counts ready containers and restarts, and keeps the phase', () => {
    const p = pod('test1', { containers: containers(2) }, {
      phase: 'podPhase',
      containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }],
    });
    expect(podCells(p)).toEqual(['test1', '1/2', 'podPhase', '6', '<unknown>']);
  });

  it('shows a waiting reason over the phase; the first container wins', () => {
    const p2 = pod('test2', { containers: containers(2) }, {
      phase: 'podPhase',
      containerStatuses: [
        { ready: true, restartCount: 3, state: running },
        { state: { waiting: { reason: 'ContainerWaitingReason' } }, restartCount: 3 },
      ],
    });
    expect(podCells(p2)).toEqual(['test2', '1/2', 'ContainerWaitingReason', '6', '<unknown>']);
    const p3 = pod('test3', { containers: containers(2) }, {
      phase: 'podPhase',
      containerStatuses: [
        { state: { waiting: { reason: 'ContainerWaitingReason' } }, restartCount: 3 },
        { state: { terminated: { reason: 'ContainerTerminatedReason' } }, restartCount: 3 },
      ],
    });
    expect(podCells(p3)).toEqual(['test3', '0/2', 'ContainerWaitingReason', '6', '<unknown>']);
  });

  it('needs a running state to count a ready container; status.reason beats the phase', () => {
    const base = { containerStatuses: [{ ready: true, restartCount: 3, state: running }, { ready: true, restartCount: 3 }] };
    expect(podCells(pod('test4', { containers: containers(2) }, { phase: 'podPhase', ...base }))).toEqual(['test4', '1/2', 'podPhase', '6', '<unknown>']);
    expect(podCells(pod('test5', { containers: containers(2) }, { phase: 'podPhase', reason: 'podReason', ...base }))).toEqual([
      'test5',
      '1/2',
      'podReason',
      '6',
      '<unknown>',
    ]);
  });

  it('turns Completed back into Running or NotReady while a container runs', () => {
    const statuses = [
      { ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      { ready: true, restartCount: 3, state: running },
    ];
    expect(podCells(pod('test6', { containers: containers(2) }, { phase: 'Running', containerStatuses: statuses }))).toEqual([
      'test6',
      '1/2',
      'NotReady',
      '6',
      '<unknown>',
    ]);
    const ready = { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] };
    expect(podCells(pod('test6', { containers: containers(2) }, ready))).toEqual(['test6', '1/2', 'Running', '6', '<unknown>']);
  });

  it('reports init containers as Init:i/n and restarts with the last restart age', () => {
    const restarting = { ready: false, restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(10 * s) } } };
    const waiting = { ready: false, state: { waiting: {} } };
    expect(
      podCells(pod('test7', { initContainers: containers(1), containers: containers(1) }, { phase: 'podPhase', initContainerStatuses: [restarting], containerStatuses: [waiting] })),
    ).toEqual(['test7', '0/1', 'Init:0/1', '3 (10s ago)', '<unknown>']);
    expect(
      podCells(
        pod('test8', { initContainers: containers(2), containers: containers(1) }, { phase: 'podPhase', initContainerStatuses: [restarting, waiting], containerStatuses: [waiting] }),
      ),
    ).toEqual(['test8', '0/1', 'Init:0/2', '3 (10s ago)', '<unknown>']);
    expect(
      podCells(
        pod(
          'test9',
          { initContainers: containers(2), containers: containers(1) },
          { phase: 'podPhase', initContainerStatuses: [{ ready: false, state: { terminated: {} } }, restarting], containerStatuses: [waiting] },
        ),
      ),
    ).toEqual(['test9', '0/1', 'Init:1/2', '3 (10s ago)', '<unknown>']);
    const completedWithRestarts = { ready: false, restartCount: 2, state: { terminated: {} }, lastState: { terminated: { finishedAt: ago(2 * m) } } };
    expect(
      podCells(
        pod('test10', { initContainers: containers(2), containers: containers(1) }, { phase: 'podPhase', initContainerStatuses: [completedWithRestarts, restarting], containerStatuses: [waiting] }),
      ),
    ).toEqual(['test10', '0/1', 'Init:1/2', '5 (10s ago)', '<unknown>']);
    expect(
      podCells(
        pod(
          'test11',
          { initContainers: containers(1), containers: containers(1) },
          {
            phase: 'Running',
            initContainerStatuses: [completedWithRestarts],
            containerStatuses: [{ ready: false, restartCount: 4, state: running, lastState: { terminated: { finishedAt: ago(20 * s) } } }],
          },
        ),
      ),
    ).toEqual(['test11', '0/1', 'Running', '4 (20s ago)', '<unknown>']);
  });

  it('uses the most recent restart of any container', () => {
    const restarted = (count: number, when: number) => ({ ready: true, restartCount: count, state: running, lastState: { terminated: { finishedAt: ago(when) } } });
    expect(podCells(pod('test12', { containers: containers(1) }, { phase: 'Running', containerStatuses: [restarted(3, 5 * d)] }))).toEqual([
      'test12',
      '1/1',
      'Running',
      '3 (5d ago)',
      '<unknown>',
    ]);
    expect(
      podCells(pod('test13', { containers: containers(2) }, { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 0, state: running }, restarted(3, 10 * d)] })),
    ).toEqual(['test13', '2/2', 'Running', '3 (10d ago)', '<unknown>']);
    expect(podCells(pod('test14', { containers: containers(2) }, { phase: 'Running', containerStatuses: [restarted(6, 5 * d), restarted(3, 20 * d)] }))).toEqual([
      'test14',
      '2/2',
      'Running',
      '9 (5d ago)',
      '<unknown>',
    ]);
  });

  it('shows SchedulingGated, Completed rows with conditions, and Terminating', () => {
    const gated = pod('test15', { containers: containers(2) }, { phase: 'podPhase', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    expect(podCells(gated)).toEqual(['test15', '0/2', 'SchedulingGated', '0', '<unknown>']);

    const succeeded = pod('test16', { containers: containers(1) }, {
      phase: 'Succeeded',
      containerStatuses: [{ ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
    });
    const row = tableConvertorFor('', 'pods').printRow(succeeded, now);
    expect(row.cells.slice(0, 5)).toEqual(['test16', '0/1', 'Completed', '0', '<unknown>']);
    expect(row.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);

    const failed = pod('test17', { containers: containers(1) }, {
      phase: 'Failed',
      containerStatuses: [{ ready: false, restartCount: 0, state: { terminated: { reason: 'Error', exitCode: 1 } } }],
    });
    const failedRow = tableConvertorFor('', 'pods').printRow(failed, now);
    expect(failedRow.cells[2]).toBe('Error');
    expect(failedRow.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);

    const deleting = { deletionTimestamp: ago(10 * s) };
    const completedDeleting = pod(
      'test18',
      { containers: containers(1) },
      { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }] },
      deleting,
    );
    expect(podCells(completedDeleting)[2]).toBe('Completed');
    expect(podCells(pod('test19', { containers: containers(1) }, { phase: 'Running', containerStatuses: [{ state: running }] }, deleting))[2]).toBe('Terminating');
    expect(podCells(pod('test20', { containers: containers(1) }, { phase: 'Pending' }, deleting))[2]).toBe('Terminating');
    expect(podCells(pod('lost', { containers: containers(1) }, { phase: 'Running', reason: 'NodeLost' }, deleting))[2]).toBe('Unknown');
  });

  it('counts restartable init containers (sidecars) in Ready and Restarts', () => {
    const sidecars = [
      { name: 'restartable-init-1', restartPolicy: 'Always' },
      { name: 'restartable-init-2', restartPolicy: 'Always' },
    ];
    const first = { name: 'restartable-init-1', ready: false, restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(10 * s) } } };
    const notInitialized = [{ type: 'Initialized', status: 'False' }];
    const p1 = pod('test1', { initContainers: sidecars, containers: containers(1) }, {
      phase: 'Pending',
      initContainerStatuses: [
        { ...first, started: false },
        { name: 'restartable-init-2', ready: false, state: { waiting: {} }, started: false },
      ],
      containerStatuses: [{ ready: false, restartCount: 0, state: { waiting: {} } }],
      conditions: notInitialized,
    });
    expect(podCells(p1)).toEqual(['test1', '0/3', 'Init:0/2', '3 (10s ago)', '<unknown>']);
    const p2 = pod('test1', { initContainers: sidecars, containers: containers(1) }, {
      phase: 'Pending',
      initContainerStatuses: [
        { ...first, started: true },
        { name: 'restartable-init-2', ready: false, state: running, started: false },
      ],
      containerStatuses: [{ ready: false, restartCount: 0, state: { waiting: {} } }],
      conditions: notInitialized,
    });
    expect(podCells(p2)).toEqual(['test1', '0/3', 'Init:1/2', '3 (10s ago)', '<unknown>']);
    const p3 = pod('test2', { initContainers: sidecars, containers: containers(1) }, {
      phase: 'Running',
      initContainerStatuses: [
        { ...first, started: true },
        { name: 'restartable-init-2', ready: false, state: running, started: true },
      ],
      containerStatuses: [{ ready: true, restartCount: 4, state: running, lastState: { terminated: { finishedAt: ago(20 * s) } } }],
      conditions: [{ type: 'Initialized', status: 'True' }],
    });
    expect(podCells(p3)).toEqual(['test2', '1/3', 'Running', '7 (10s ago)', '<unknown>']);
  });

  it('prints IP, node, nominated node and readiness gates', () => {
    const p = pod(
      'test1',
      { containers: containers(2), nodeName: 'test1', readinessGates: [{ conditionType: 'condition1' }, { conditionType: 'condition2' }] },
      {
        phase: 'podPhase',
        podIPs: [{ ip: '1.1.1.1' }, { ip: '2001:db8::' }],
        containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }],
        nominatedNodeName: 'node1',
        conditions: [
          { type: 'condition1', status: 'True' },
          { type: 'condition2', status: 'False' },
        ],
      },
    );
    expect(print('pods', p)).toEqual(['test1', '1/2', 'podPhase', '6', '<unknown>', '1.1.1.1', 'test1', 'node1', '1/2']);
    expect(print('pods', pod('test2', { containers: containers(1) }, { phase: 'podPhase' })).slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });
});

describe('pod templates and replication controllers', () => {
  it('prints containers, images and pod labels', () => {
    const t: KubeObject = {
      metadata: { name: 'pod-template-1' },
      template: { metadata: { labels: { foo: 'bar' } }, spec: { containers: [{ name: 'fake-container1', image: 'fake-image1' }, { name: 'fake-container2', image: 'fake-image2' }] } },
    };
    expect(print('podtemplates', t)).toEqual(['pod-template-1', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']);
    expect(print('podtemplates', { metadata: { name: 'pod-template-2' }, template: {} })).toEqual(['pod-template-2', '', '', '<none>']);
  });

  it('prints desired, current, ready and the wide columns', () => {
    const rc: KubeObject = {
      metadata: { name: 'rc1', creationTimestamp: ago(5 * m) },
      spec: {
        replicas: 5,
        selector: { a: 'b' },
        template: { spec: { containers: [{ name: 'test', image: 'test_image' }] } },
      },
      status: { replicas: 5, readyReplicas: 2 },
    };
    expect(print('replicationcontrollers', rc)).toEqual(['rc1', 5, 5, 2, '5m', 'test', 'test_image', 'a=b']);
  });
});

describe('services', () => {
  const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ metadata: { name }, spec, status });

  it('prints ClusterIP, NodePort and ExternalName services', () => {
    expect(print('services', svc('test1', { type: 'ClusterIP', ports: [{ protocol: 'tcp', port: 2233 }], clusterIPs: ['10.9.8.7'], selector: { foo: 'bar' } }))).toEqual([
      'test1',
      'ClusterIP',
      '10.9.8.7',
      '<none>',
      '2233/tcp',
      '<unknown>',
      'foo=bar',
    ]);
    expect(print('services', svc('test2', { type: 'NodePort', ports: [{ protocol: 'tcp', port: 8888, nodePort: 9999 }], clusterIPs: ['10.9.8.7'] })).slice(0, 5)).toEqual([
      'test2',
      'NodePort',
      '10.9.8.7',
      '<none>',
      '8888:9999/tcp',
    ]);
    expect(print('services', svc('test7', { type: 'ExternalName', externalName: 'my.database.example.com', ports: [] })).slice(0, 5)).toEqual([
      'test7',
      'ExternalName',
      '<none>',
      'my.database.example.com',
      '<none>',
    ]);
    expect(print('services', svc('ext', { type: 'ClusterIP', clusterIPs: ['10.0.0.1'], externalIPs: ['80.11.12.10', '80.11.12.11'], ports: [{ port: 80 }] })).slice(3, 5)).toEqual([
      '80.11.12.10,80.11.12.11',
      '80/TCP',
    ]);
  });

  it('prints load balancer addresses (never clipped: the server prints wide)', () => {
    const ports = [{ port: 80, protocol: 'TCP' }, { port: 8090, protocol: 'UDP' }, { port: 8000, protocol: 'TCP' }];
    expect(
      print('services', svc('service4', { clusterIPs: ['1.5.6.7'], type: 'LoadBalancer', ports, selector: { foo: 'bar' } }, { loadBalancer: { ingress: [{ ip: '2.3.4.5' }, { ip: '3.4.5.6' }, { ip: '5.6.7.8', hostname: 'host5678' }] } })),
    ).toEqual(['service4', 'LoadBalancer', '1.5.6.7', '2.3.4.5,3.4.5.6,5.6.7.8', '80/TCP,8090/UDP,8000/TCP', '<unknown>', 'foo=bar']);
    expect(print('services', svc('service2', { clusterIPs: ['1.3.4.5'], type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 7777, protocol: 'SCTP' }] }))[3]).toBe('<pending>');
    expect(
      print('services', svc('test5', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'], externalIPs: ['80.11.12.10'] }, { loadBalancer: { ingress: [{ ip: '3.4.5.6', hostname: 'test.cluster.com' }] } }))[3],
    ).toBe('3.4.5.6,80.11.12.10');
    expect(print('services', svc('hostname', { type: 'LoadBalancer', clusterIPs: ['10.0.0.1'], ports: [{ port: 443 }] }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } }))[3]).toBe(
      'lb.example.com',
    );
  });

  it('treats an unset type as ClusterIP and prints <none> for no cluster IP or ports', () => {
    expect(print('services', svc('headless', { clusterIPs: [] })).slice(0, 5)).toEqual(['headless', 'ClusterIP', '<none>', '<none>', '<none>']);
    expect(print('services', svc('odd', { type: 'Weird', clusterIPs: ['10.0.0.1'] }))[3]).toBe('<unknown>');
  });
});

describe('endpoints', () => {
  it('prints up to three addresses with ports', () => {
    expect(print('endpoints', { metadata: { name: 'e' }, subsets: [] })[1]).toBe('<none>');
    const two = { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }, { ip: '10.10.1.1' }], ports: [{ port: 8001, protocol: 'TCP' }] }] };
    expect(print('endpoints', two)[1]).toBe('127.0.0.1:8001,10.10.1.1:8001');
    const many = {
      metadata: { name: 'e' },
      subsets: [
        { addresses: [{ ip: '127.0.0.1' }, { ip: '10.10.1.1' }, { ip: '10.10.1.2' }], ports: [{ port: 8001 }, { port: 8002 }] },
        { addresses: [{ ip: 'fe80::1' }] },
      ],
    };
    expect(print('endpoints', many)[1]).toBe('127.0.0.1:8001,10.10.1.1:8001,10.10.1.2:8001 + 4 more...');
    expect(print('endpoints', { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: 'fe80::1' }], ports: [{ port: 80 }] }] })[1]).toBe('[fe80::1]:80');
  });
});

describe('nodes', () => {
  const node = (spec: Record<string, unknown>, status: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
    metadata: { name: 'foo', ...(labels ? { labels } : {}) },
    spec,
    status,
  });

  it('prints Ready, NotReady, Unknown and SchedulingDisabled', () => {
    expect(print('nodes', node({}, { conditions: [{ type: 'Ready', status: 'True' }] }))[1]).toBe('Ready');
    expect(print('nodes', node({ unschedulable: true }, { conditions: [{ type: 'Ready', status: 'True' }] }))[1]).toBe('Ready,SchedulingDisabled');
    expect(print('nodes', node({}, { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'True' }] }))[1]).toBe('Ready');
    expect(print('nodes', node({}, { conditions: [{ type: 'Ready', status: 'False' }] }))[1]).toBe('NotReady');
    expect(print('nodes', node({ unschedulable: true }, { conditions: [{ type: 'Ready', status: 'False' }] }))[1]).toBe('NotReady,SchedulingDisabled');
    expect(print('nodes', node({}, { conditions: [{ type: 'InvalidValue', status: 'True' }] }))[1]).toBe('Unknown');
    expect(print('nodes', node({ unschedulable: true }, {}))[1]).toBe('Unknown,SchedulingDisabled');
  });

  it('prints roles from node-role labels and kubernetes.io/role', () => {
    expect(print('nodes', node({}, {}))[2]).toBe('<none>');
    expect(print('nodes', node({}, {}, { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/proxy': '', 'kubernetes.io/role': 'node' }))[2]).toBe('master,node,proxy');
    expect(print('nodes', node({}, {}, { 'node-role.kubernetes.io/': '', 'kubernetes.io/role': '' }))[2]).toBe('<none>');
  });

  it('prints version, addresses and system info', () => {
    const n = node(
      {},
      {
        nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'fake-os-image', kernelVersion: 'fake-kernel-version', containerRuntimeVersion: 'foo://1.2.3' },
        addresses: [
          { type: 'ExternalIP', address: '1.1.1.1' },
          { type: 'InternalIP', address: '2.2.2.2' },
          { type: 'InternalIP', address: '3.3.3.3' },
        ],
      },
    );
    expect(print('nodes', n)).toEqual(['foo', 'Unknown', '<none>', '<unknown>', 'v1.33.1', '2.2.2.2', '1.1.1.1', 'fake-os-image', 'fake-kernel-version', 'foo://1.2.3']);
    expect(print('nodes', node({}, {})).slice(5)).toEqual(['<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('events', () => {
  const base = {
    metadata: { name: 'event2' },
    source: { component: 'kubelet', host: 'Node1' },
    involvedObject: { kind: 'Deployment', name: 'Deployment Name', fieldPath: 'spec.containers{foo}' },
    reason: 'Event Reason',
    message: 'Message Data',
    type: 'Warning',
  };

  it('has Last Seen, Type, Reason, Object, Message by default and the rest wide', () => {
    expect(tableConvertorFor('', 'events').columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Last Seen:0',
      'Type:0',
      'Reason:0',
      'Object:0',
      'Subobject:1',
      'Source:1',
      'Message:0',
      'First Seen:1',
      'Count:1',
      'Name:1',
    ]);
  });

  it('prints timestamps, object, source and count', () => {
    const e = { ...base, firstTimestamp: ago(3 * d), lastTimestamp: ago(2 * d), count: 6 };
    expect(print('events', e)).toEqual(['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 6, 'event2']);
  });

  it('falls back to eventTime, series and a count of 1', () => {
    expect(print('events', { ...base, eventTime: agoMicro(3 * d), lastTimestamp: ago(3 * d), count: 1 }).slice(0, 1)).toEqual(['3d']);
    expect(print('events', { ...base, eventTime: agoMicro(3 * d), firstTimestamp: ago(3 * d), count: 1 })[0]).toBe('3d');
    const noTimes = print('events', { ...base, eventTime: agoMicro(3 * d) });
    expect([noTimes[0], noTimes[7], noTimes[8]]).toEqual(['3d', '3d', 1]);
    const series = print('events', { ...base, eventTime: agoMicro(3 * d), series: { count: 2, lastObservedTime: agoMicro(2 * d) } });
    expect([series[0], series[7], series[8]]).toEqual(['2d', '3d', 2]);
  });

  it('uses the reporting controller and instance when source is empty', () => {
    const e = { ...base, source: {}, reportingComponent: 'kubelet', reportingInstance: 'Node1', eventTime: agoMicro(3 * d) };
    expect(print('events', e)[5]).toBe('kubelet, Node1');
    expect(print('events', { ...base, source: { component: 'kubelet' } })[5]).toBe('kubelet');
    expect(print('events', { ...base, involvedObject: { kind: 'Node' }, message: '  trimmed \n' }).slice(3, 7)).toEqual(['node', '', 'kubelet, Node1', 'trimmed']);
  });

  it('prints events.k8s.io/v1 objects as the core event they are stored as', () => {
    const v1 = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'ev', namespace: 'default' },
      eventTime: agoMicro(3 * d),
      series: { count: 4, lastObservedTime: agoMicro(5 * m) },
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      action: 'Pulling',
      reason: 'Pulling',
      regarding: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{web}' },
      note: 'Pulling image "nginx"',
      type: 'Normal',
    };
    expect(print('events', v1, 'events.k8s.io')).toEqual(['5m', 'Normal', 'Pulling', 'pod/web-0', 'spec.containers{web}', 'kubelet, node-1', 'Pulling image "nginx"', '3d', 4, 'ev']);
    expect(columns('events', 'events.k8s.io')).toEqual(columns('events'));
  });
});

describe('namespaces, secrets, service accounts, config maps', () => {
  it('prints namespaces', () => {
    expect(print('namespaces', { metadata: { name: 'namespace1', creationTimestamp: ago(0) }, status: { phase: 'Active' } })).toEqual(['namespace1', 'Active', '0s']);
    expect(print('namespaces', { metadata: { name: 'namespace2', creationTimestamp: ago(300 * d) }, status: { phase: 'Terminating' } })).toEqual(['namespace2', 'Terminating', '300d']);
    expect(print('namespaces', { metadata: { name: 'defaulted' } })).toEqual(['defaulted', 'Active', '<unknown>']);
  });

  it('prints secrets, service accounts and config maps', () => {
    expect(print('secrets', { metadata: { name: 'secret1', creationTimestamp: ago(0) }, type: 'kubernetes.io/tls', data: { a: 'eA==', b: 'eQ==' } })).toEqual([
      'secret1',
      'kubernetes.io/tls',
      2,
      '0s',
    ]);
    expect(print('secrets', { metadata: { name: 'secret2', creationTimestamp: ago(10 * 365 * d) } })).toEqual(['secret2', 'Opaque', 0, '10y']);
    expect(print('serviceaccounts', { metadata: { name: 'sa1', creationTimestamp: ago(0) }, secrets: [{ name: 's1' }, { name: 's2' }] })).toEqual(['sa1', 2, '0s']);
    expect(print('serviceaccounts', { metadata: { name: 'sa2', creationTimestamp: ago(10 * 365 * d) } })).toEqual(['sa2', 0, '10y']);
    expect(print('configmaps', { metadata: { name: 'configmap1', creationTimestamp: ago(0) } })).toEqual(['configmap1', 0, '0s']);
    expect(print('configmaps', { metadata: { name: 'configmap2', creationTimestamp: ago(0) }, data: { 'foo-key': 'foo-value', 'bar-key': 'bar-value' }, binaryData: { b: 'AA==' } })).toEqual([
      'configmap2',
      3,
      '0s',
    ]);
  });
});

describe('persistent volumes and claims', () => {
  it('prints a bound PV with its claim, class and quantity in canonical form', () => {
    const pv: KubeObject = {
      metadata: { name: 'test2' },
      spec: {
        claimRef: { name: 'test', namespace: 'default' },
        accessModes: ['ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOnce'],
        capacity: { storage: '5Gi' },
        persistentVolumeReclaimPolicy: 'Delete',
        volumeMode: 'Filesystem',
        storageClassName: 'fast',
      },
      status: { phase: 'Bound', reason: 'something' },
    };
    expect(print('persistentvolumes', pv)).toEqual(['test2', '5Gi', 'RWO,ROX', 'Delete', 'Bound', 'default/test', 'fast', '<unset>', 'something', '<unknown>', 'Filesystem']);
    const pending: KubeObject = {
      metadata: { name: 'test5', deletionTimestamp: ago(s), annotations: { 'volume.beta.kubernetes.io/storage-class': 'beta' } },
      spec: { capacity: { storage: '2048Mi' }, volumeAttributesClassName: 'vac' },
    };
    expect(print('persistentvolumes', pending)).toEqual(['test5', '2Gi', '', 'Retain', 'Terminating', '', 'beta', 'vac', '', '<unknown>', 'Filesystem']);
  });

  it('prints a claim with volume capacity only once bound', () => {
    const bound: KubeObject = {
      metadata: { name: 'test1' },
      spec: { volumeName: 'my-volume', volumeMode: 'Block', storageClassName: 'standard' },
      status: { phase: 'Bound', capacity: { storage: '4Gi' }, accessModes: ['ReadOnlyMany'] },
    };
    expect(print('persistentvolumeclaims', bound)).toEqual(['test1', 'Bound', 'my-volume', '4Gi', 'ROX', 'standard', '<unset>', '<unknown>', 'Block']);
    const pending: KubeObject = { metadata: { name: 'test3' }, spec: { resources: { requests: { storage: '1Gi' } } }, status: { capacity: { storage: '4Gi' } } };
    expect(print('persistentvolumeclaims', pending)).toEqual(['test3', 'Pending', '', '', '', '', '<unset>', '<unknown>', 'Filesystem']);
    expect(print('persistentvolumeclaims', { metadata: { name: 'x', deletionTimestamp: ago(s) }, status: { phase: 'Bound' } })[1]).toBe('Terminating');
  });
});

describe('resource quotas and component statuses', () => {
  it('splits requests and limits, sorted by resource name', () => {
    const q: KubeObject = {
      metadata: { name: 'test-resourcequota', creationTimestamp: ago(0) },
      status: {
        used: { cpu: '1', memory: '1Gi', 'limits.cpu': '2', 'limits.memory': '2048Mi', pods: '1', 'requests.storage': '1Gi' },
        hard: { cpu: '1000m', memory: '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi', pods: '10', 'requests.storage': '2Gi' },
      },
    };
    expect(print('resourcequotas', q)).toEqual([
      'test-resourcequota',
      'cpu: 1/1, memory: 1Gi/1Gi, pods: 1/10, requests.storage: 1Gi/2Gi',
      'limits.cpu: 2/2, limits.memory: 2Gi/2Gi',
      '0s',
    ]);
    expect(print('resourcequotas', { metadata: { name: 'q' }, status: { hard: { 'count/pods': '5' } } }).slice(1, 3)).toEqual(['count/pods: 0/5', '']);
  });

  it('prints component statuses', () => {
    expect(print('componentstatuses', { metadata: { name: 'cs1' }, conditions: [{ type: 'Healthy', status: 'True', message: 'Healthy message' }] })).toEqual([
      'cs1',
      'Healthy',
      'Healthy message',
      '',
    ]);
    expect(print('componentstatuses', { metadata: { name: 'cs2' }, conditions: [{ type: 'Healthy', status: 'False', message: 'm', error: 'e' }] })).toEqual(['cs2', 'Unhealthy', 'm', 'e']);
    expect(print('componentstatuses', { metadata: { name: 'cs3' }, conditions: [{ type: 'InvalidType', status: 'True' }] })).toEqual(['cs3', 'Unknown', '', '']);
  });
});
