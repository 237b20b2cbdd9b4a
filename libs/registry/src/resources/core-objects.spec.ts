import { describe, expect, it } from 'vitest';
import { simulateCreate, writeErrors } from '../testing/write-path';
import { endpoints, limitranges, nodes, persistentvolumeclaims, persistentvolumes, podtemplates, replicationcontrollers, resourcequotas } from './core-objects';

describe('core/v1 objects', () => {
  it('endpoints: defaults port protocols, warns of the deprecation, refuses loopback', () => {
    const { stored, warnings } = simulateCreate(endpoints, { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] });
    expect(stored.subsets).toEqual([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
    expect(warnings).toEqual(['v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice']);
    expect(writeErrors(() => simulateCreate(endpoints, { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 0 }] }] }))).toEqual([
      'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    expect(endpoints.strategy.allowCreateOnUpdate).toBe(true);
  });

  it('persistentvolumeclaims and persistentvolumes', () => {
    expect(simulateCreate(persistentvolumeclaims, { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }).stored).toMatchObject({
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    expect(writeErrors(() => simulateCreate(persistentvolumeclaims, { metadata: { name: 'c' }, spec: { resources: { requests: {} } } }))).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
    const pv = simulateCreate(persistentvolumes, { metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp' } } }).stored;
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
    expect((pv.status as { phase: string }).phase).toBe('Pending');
    for (const d of [persistentvolumes, persistentvolumeclaims]) expect(d.strategy.returnDeletedObject).toBe(true);
  });

  it('nodes keep the status they are created with and select on spec.unschedulable', () => {
    const { stored } = simulateCreate(nodes, { metadata: { name: 'n1' }, spec: { unschedulable: true }, status: { capacity: { cpu: '4' } } });
    expect(stored.status).toMatchObject({ capacity: { cpu: '4' }, daemonEndpoints: { kubeletEndpoint: { Port: 0 } } });
    expect(nodes.selectableFields(stored)).toEqual({ 'metadata.name': 'n1', 'spec.unschedulable': 'true' });
  });

  it('replicationcontrollers default their selector from the template labels', () => {
    const { stored } = simulateCreate(replicationcontrollers, { metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    expect(stored.spec).toMatchObject({ replicas: 1, selector: { a: 'b' }, minReadySeconds: 0 });
    expect(stored.metadata?.labels).toEqual({ a: 'b' });
    expect(replicationcontrollers.selectableFields(stored)).toEqual({ 'metadata.name': 'rc', 'metadata.namespace': 'default', 'status.replicas': '0' });
  });

  it('podtemplates track generation', () => {
    expect(simulateCreate(podtemplates, { metadata: { name: 't' }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }).stored.metadata?.generation).toBe(1);
  });

  it('resourcequotas check quantities and scopes', () => {
    expect(simulateCreate(resourcequotas, { metadata: { name: 'q' }, spec: { hard: { pods: '10' } } }).stored.status).toEqual({});
    expect(writeErrors(() => simulateCreate(resourcequotas, { metadata: { name: 'q' }, spec: { hard: { pods: '-1' }, scopes: ['Nope'] } }))).toEqual([
      'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"Nope"}: unsupported scope',
    ]);
  });

  it('limitranges default from max and print the Quantity struct as Go does', () => {
    expect(simulateCreate(limitranges, { metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' } }] } }).stored.spec).toEqual({
      limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' }, default: { cpu: '2' }, defaultRequest: { cpu: '2' } }],
    });
    const q = (v: number, s: string) => `resource.Quantity{i:resource.int64Amount{value:${v}, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"${s}", Format:"DecimalSI"}`;
    expect(writeErrors(() => simulateCreate(limitranges, { metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '2' } }] } }))).toEqual([
      `spec.limits[0].min[cpu]: Invalid value: ${q(2, '2')}: min value 2 is greater than max value 1`,
      `spec.limits[0].defaultRequest[cpu]: Invalid value: ${q(1, '1')}: min value 2 is greater than default request value 1`,
      `spec.limits[0].default[cpu]: Invalid value: ${q(2, '2')}: min value 2 is greater than default value 1`,
    ]);
    expect(limitranges.strategy.allowCreateOnUpdate).toBe(true);
  });
});
