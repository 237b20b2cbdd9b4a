import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { serviceAllocationNeeds, services } from './services';

const svc = (spec: Record<string, unknown>, name = 's'): KubeObject => ({ metadata: { name }, spec });
const create = (o: KubeObject) => simulateCreate(services, o).stored;
const errors = (o: KubeObject) => writeErrors(() => simulateCreate(services, o));

describe('services', () => {
  it('describes the resource', () => {
    expect(services).toMatchObject({ shortNames: ['svc'], categories: ['all'] });
    expect(services.strategy).toMatchObject({ allowCreateOnUpdate: true, returnDeletedObject: true, tracksGeneration: false });
  });

  it('applies SetDefaults_Service and the single-stack family fields', () => {
    expect(create(svc({ ports: [{ port: 80 }], selector: { app: 'a' } })).spec).toEqual({
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: 'a' },
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    const np = create(svc({ type: 'NodePort', clusterIP: '10.0.0.10', ports: [{ name: 'http', port: 80, targetPort: 'web' }] })).spec;
    expect(np).toMatchObject({ externalTrafficPolicy: 'Cluster', clusterIPs: ['10.0.0.10'], ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
    expect(create(svc({ type: 'ExternalName', externalName: 'example.com' })).spec).toEqual({ type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  });

  it('gives a headless service without selector both families (initIPFamilyFields)', () => {
    expect(create(svc({ clusterIP: 'None' })).spec).toMatchObject({ clusterIPs: ['None'], ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] });
    expect(create(svc({ clusterIP: 'None', selector: { a: 'b' } })).spec).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] });
    expect(errors(svc({ ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }] }))).toEqual([
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    ]);
  });

  it('validates names (DNS-1035), ports, protocols and types', () => {
    expect(errors(svc({}, 'S1'))).toEqual([
      `metadata.name: Invalid value: "S1": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      'spec.ports: Required value',
    ]);
    expect(errors(svc({ ports: [{ port: 0, protocol: 'FOO' }] }))).toEqual([
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    expect(errors(svc({ ports: [{ port: 80 }, { port: 81 }], type: 'Foo' }))).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[1].name: Required value',
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(errors(svc({ ports: [{ port: 80, nodePort: 30001 }] }))).toEqual(["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  });

  it('keeps the cluster IP once set', () => {
    const old = create(svc({ clusterIP: '10.0.0.10', ports: [{ port: 80 }] }));
    const next = structuredClone(old);
    Object.assign(next.spec as object, { clusterIP: '10.0.0.11', clusterIPs: ['10.0.0.11'] });
    expect(writeErrors(() => simulateUpdate(services, next, old))).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.11"}: may not change once set']);
    // A PUT that leaves the allocated values out keeps them (patchAllocatedValues).
    const bare = structuredClone(old);
    delete (bare.spec as Record<string, unknown>).clusterIP;
    delete (bare.spec as Record<string, unknown>).clusterIPs;
    expect(simulateUpdate(services, bare, old).stored.spec).toMatchObject({ clusterIP: '10.0.0.10', clusterIPs: ['10.0.0.10'] });
  });

  it('says what the allocator must provide (it runs after defaulting, before validation)', () => {
    const lb = svc({ type: 'LoadBalancer', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81 }], externalTrafficPolicy: 'Local' });
    services.strategy.applyDefaults(lb);
    expect(serviceAllocationNeeds(lb)).toEqual({ clusterIP: true, nodePorts: [1], healthCheckNodePort: true });
    // Unallocated, validation asks for what the allocator would have filled in.
    expect(errors(lb)).toEqual(['spec.healthCheckNodePort: Required value']);
    expect(serviceAllocationNeeds(create(svc({ clusterIP: 'None' })))).toEqual({ clusterIP: false, nodePorts: [], healthCheckNodePort: false });
  });

  it('selects on spec.clusterIP and spec.type', () => {
    const s = create(svc({ clusterIP: '10.0.0.1', ports: [{ port: 80 }] }));
    expect(services.selectableFields(s)).toEqual({ 'metadata.name': 's', 'metadata.namespace': 'default', 'spec.clusterIP': '10.0.0.1', 'spec.type': 'ClusterIP' });
  });
});
