// networking, rbac, storage, admission, coordination, scheduling, node, certificates,
// flowcontrol, discovery and policy printers; cases re-expressed from printers_test.go (v1.33.1).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@portico/api';
import { tableConvertorFor } from './convertors';
import type { TableCell } from './types';

const now = new Date('2025-06-01T12:00:00Z');
const at = (ms: number): string => new Date(now.getTime() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
const s = 1000;
const m = 60 * s;
const y = 365 * 24 * 60 * m;
const print = (group: string, resource: string, obj: KubeObject): TableCell[] => tableConvertorFor(group, resource).printRow(obj, now).cells;
const names = (group: string, resource: string): string[] => tableConvertorFor(group, resource).columnDefinitions.map((c) => c.name);

describe('networking.k8s.io', () => {
  it('prints ingresses', () => {
    const ing: KubeObject = {
      metadata: { name: 'test1', creationTimestamp: at(-10 * y) },
      spec: { ingressClassName: 'foo', defaultBackend: { service: { name: 'default-backend', port: { number: 80 } } } },
      status: { loadBalancer: { ingress: [{ ip: '2.3.4.5', hostname: 'localhost.localdomain' }] } },
    };
    expect(print('networking.k8s.io', 'ingresses', ing)).toEqual(['test1', 'foo', '*', '2.3.4.5', '80', '10y']);
    const hosts: KubeObject = {
      metadata: { name: 'hosts' },
      spec: { rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
    };
    expect(print('networking.k8s.io', 'ingresses', hosts).slice(1, 5)).toEqual(['<none>', 'a.example.com,b.example.com,c.example.com + 2 more...', '', '80, 443']);
  });

  it('prints ingress classes', () => {
    const ic = (name: string, spec: Record<string, unknown>, age: number): KubeObject => ({ metadata: { name, creationTimestamp: at(-age) }, spec });
    expect(print('networking.k8s.io', 'ingressclasses', ic('test1', { controller: 'example.com/controller', parameters: { kind: 'customgroup', name: 'example' } }, 10 * y))).toEqual([
      'test1',
      'example.com/controller',
      'customgroup/example',
      '10y',
    ]);
    expect(
      print('networking.k8s.io', 'ingressclasses', ic('test1', { controller: 'example.com/controller', parameters: { apiGroup: 'example.com', kind: 'customgroup', name: 'example' } }, 10 * y))[2],
    ).toBe('customgroup.example.com/example');
    expect(print('networking.k8s.io', 'ingressclasses', ic('test2', { controller: 'example.com/controller2' }, 11 * y))).toEqual(['test2', 'example.com/controller2', '<none>', '11y']);
  });

  it('prints network policies, service CIDRs and IP addresses', () => {
    expect(print('networking.k8s.io', 'networkpolicies', { metadata: { name: 'policy1', creationTimestamp: at(s) }, spec: {} })).toEqual(['policy1', '<none>', '0s']);
    expect(print('networking.k8s.io', 'networkpolicies', { metadata: { name: 'policy2', creationTimestamp: at(s) }, spec: { podSelector: { matchLabels: { foo: 'bar' } } } })).toEqual([
      'policy2',
      'foo=bar',
      '0s',
    ]);
    expect(print('networking.k8s.io', 'servicecidrs', { metadata: { name: 'kubernetes' }, spec: { cidrs: ['10.96.0.0/12', 'fd00::/108'] } })[1]).toBe('10.96.0.0/12,fd00::/108');
    expect(print('networking.k8s.io', 'ipaddresses', { metadata: { name: '10.96.0.1' }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } } })[1]).toBe(
      'services/default/kubernetes',
    );
    expect(names('networking.k8s.io', 'ipaddresses')).toEqual(['Name', 'ParentRef']);
  });
});

describe('rbac.authorization.k8s.io', () => {
  it('prints role bindings with users, groups and service accounts', () => {
    const rb: KubeObject = {
      metadata: { name: 'binding1', creationTimestamp: at(s) },
      subjects: [
        { kind: 'User', name: 'system:kube-controller-manager' },
        { kind: 'Group', name: 'system:authenticated' },
        { kind: 'ServiceAccount', namespace: 'kube-system', name: 'default' },
        { kind: 'Unknown', name: 'x' },
      ],
      roleRef: { kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    };
    expect(print('rbac.authorization.k8s.io', 'rolebindings', rb)).toEqual([
      'binding1',
      'Role/extension-apiserver-authentication-reader',
      '0s',
      'system:kube-controller-manager',
      'system:authenticated',
      'kube-system/default',
    ]);
    expect(names('rbac.authorization.k8s.io', 'clusterrolebindings')).toEqual(['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
    const crb: KubeObject = { metadata: { name: 'b' }, subjects: [{ kind: 'User', name: 'a' }, { kind: 'User', name: 'b' }], roleRef: { kind: 'ClusterRole', name: 'admin' } };
    expect(print('rbac.authorization.k8s.io', 'clusterrolebindings', crb).slice(1)).toEqual(['ClusterRole/admin', '<unknown>', 'a, b', '', '']);
  });

  it('gives roles and cluster roles the default columns', () => {
    expect(names('rbac.authorization.k8s.io', 'roles')).toEqual(['Name', 'Created At']);
    expect(names('rbac.authorization.k8s.io', 'clusterroles')).toEqual(['Name', 'Created At']);
  });
});

describe('storage.k8s.io', () => {
  it('prints storage classes with their defaults', () => {
    expect(print('storage.k8s.io', 'storageclasses', { metadata: { name: 'sc1', creationTimestamp: at(s) }, provisioner: 'kubernetes.io/glusterfs' })).toEqual([
      'sc1',
      'kubernetes.io/glusterfs',
      'Delete',
      'Immediate',
      false,
      '0s',
    ]);
    const sc6: KubeObject = {
      metadata: { name: 'sc6', creationTimestamp: at(-5 * m), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubernetes.io/nfs',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    expect(print('storage.k8s.io', 'storageclasses', sc6)).toEqual(['sc6 (default)', 'kubernetes.io/nfs', 'Retain', 'WaitForFirstConsumer', true, '5m']);
  });

  it('prints volume attachments, CSI nodes, drivers and capacities', () => {
    const va: KubeObject = {
      metadata: { name: 'va' },
      spec: { attacher: 'csi.example.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } },
      status: { attached: true },
    };
    expect(print('storage.k8s.io', 'volumeattachments', va)).toEqual(['va', 'csi.example.com', 'pv-1', 'node-1', true, '<unknown>']);
    expect(print('storage.k8s.io', 'csinodes', { metadata: { name: 'n' }, spec: { drivers: [{ name: 'a' }, { name: 'b' }] } })).toEqual(['n', 2, '<unknown>']);
    expect(print('storage.k8s.io', 'csidrivers', { metadata: { name: 'd' }, spec: {} })).toEqual(['d', true, false, false, '<unset>', false, '<none>', '<unknown>']);
    const driver: KubeObject = {
      metadata: { name: 'd' },
      spec: { attachRequired: false, podInfoOnMount: true, storageCapacity: true, tokenRequests: [{ audience: 'a' }, { audience: 'b' }], requiresRepublish: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] },
    };
    expect(print('storage.k8s.io', 'csidrivers', driver).slice(1, 7)).toEqual([false, true, true, 'a,b', true, 'Persistent,Ephemeral']);
    // The store registers the default convertor although printers.go has a printer.
    expect(names('storage.k8s.io', 'csistoragecapacities')).toEqual(['Name', 'Created At']);
  });
});

describe('admissionregistration.k8s.io', () => {
  it('counts webhooks and validations', () => {
    expect(print('admissionregistration.k8s.io', 'validatingwebhookconfigurations', { metadata: { name: 'w' }, webhooks: [{}, {}] })).toEqual(['w', 2, '<unknown>']);
    expect(print('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', { metadata: { name: 'w' } })).toEqual(['w', 0, '<unknown>']);
    expect(print('admissionregistration.k8s.io', 'validatingadmissionpolicies', { metadata: { name: 'p' }, spec: { validations: [{ expression: 'true' }], paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } } })).toEqual([
      'p',
      1,
      'v1/ConfigMap',
      '<unknown>',
    ]);
    expect(print('admissionregistration.k8s.io', 'validatingadmissionpolicies', { metadata: { name: 'p' }, spec: {} })[2]).toBe('<unset>');
  });

  it('prints the param of a policy binding', () => {
    const binding = (paramRef?: Record<string, unknown>): KubeObject => ({
      metadata: { name: 'config', creationTimestamp: at(-5 * m) },
      spec: { policyName: 'test-scale.example.com', ...(paramRef ? { paramRef } : {}) },
    });
    const vapb = (o: KubeObject) => print('admissionregistration.k8s.io', 'validatingadmissionpolicybindings', o);
    expect(vapb(binding({ name: 'test-scale-setting.example.com', parameterNotFoundAction: 'Deny' }))).toEqual(['config', 'test-scale.example.com', '*/test-scale-setting.example.com', '5m']);
    expect(vapb(binding({ name: 'setting', namespace: 'ns' }))[2]).toBe('ns/setting');
    expect(vapb(binding())[2]).toBe('<unset>');
    expect(vapb(binding({ selector: { matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['x', 'y'] }] } }))[2]).toBe(
      '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[x y],},},}',
    );
  });
});

describe('coordination, scheduling, node, certificates', () => {
  it('prints leases, priority classes and runtime classes', () => {
    expect(print('coordination.k8s.io', 'leases', { metadata: { name: 'lease1', creationTimestamp: at(s) }, spec: { holderIdentity: 'holder1' } })).toEqual(['lease1', 'holder1', '0s']);
    expect(print('coordination.k8s.io', 'leases', { metadata: { name: 'lease2', creationTimestamp: at(-5 * m) }, spec: {} })).toEqual(['lease2', '', '5m']);
    expect(print('scheduling.k8s.io', 'priorityclasses', { metadata: { name: 'pc1', creationTimestamp: at(s) }, value: 1 })).toEqual(['pc1', 1, false, '0s', 'PreemptLowerPriority']);
    expect(
      print('scheduling.k8s.io', 'priorityclasses', { metadata: { name: 'pc2', creationTimestamp: at(-5 * m) }, value: 1000000000, globalDefault: true, preemptionPolicy: 'Never' }),
    ).toEqual(['pc2', 1000000000, true, '5m', 'Never']);
    expect(print('node.k8s.io', 'runtimeclasses', { metadata: { name: 'rc1', creationTimestamp: at(s) }, handler: 'h1' })).toEqual(['rc1', 'h1', '0s']);
    expect(tableConvertorFor('node.k8s.io', 'runtimeclasses').columnDefinitions[1]?.description).toBe('');
  });

  it('prints certificate signing requests', () => {
    const csr = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'csr1', creationTimestamp: at(s) }, spec, status });
    const c = (o: KubeObject) => print('certificates.k8s.io', 'certificatesigningrequests', o);
    expect(c(csr({}))).toEqual(['csr1', '0s', '<none>', '', '<none>', 'Pending']);
    expect(c(csr({ username: 'CSR Requestor' }, { conditions: [{ type: 'Approved' }] }))).toEqual(['csr1', '0s', '<none>', 'CSR Requestor', '<none>', 'Approved']);
    expect(c(csr({ username: 'CSR Requestor', signerName: 'example.com/test-signer', expirationSeconds: 7 * 86400 + 3600 }, { conditions: [{ type: 'Approved' }] }))).toEqual([
      'csr1',
      '0s',
      'example.com/test-signer',
      'CSR Requestor',
      '7d1h',
      'Approved',
    ]);
    expect(c(csr({}, { conditions: [{ type: 'Approved' }], certificate: 'Y2VydCBkYXRh' }))[5]).toBe('Approved,Issued');
    expect(c(csr({}, { conditions: [{ type: 'Approved' }, { type: 'Denied' }] }))[5]).toBe('Denied');
    expect(c(csr({}, { conditions: [{ type: 'Approved' }, { type: 'Failed' }], certificate: 'eA==' }))[5]).toBe('Approved,Failed,Issued');
  });
});

describe('flowcontrol.apiserver.k8s.io', () => {
  const fs = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, creationTimestamp: at(-5 * m) }, spec, status });

  it('prints flow schemas and sorts their list by precedence, then name', () => {
    expect(
      print('flowcontrol.apiserver.k8s.io', 'flowschemas', fs('some-matcher', { priorityLevelConfiguration: { name: 'allee' }, matchingPrecedence: 7, distinguisherMethod: { type: 'ByNamespace' } }, { conditions: [{ type: 'Dangling', status: 'True' }] })),
    ).toEqual(['some-matcher', 'allee', 7, 'ByNamespace', '5m', 'True']);
    expect(print('flowcontrol.apiserver.k8s.io', 'flowschemas', fs('exempt', { priorityLevelConfiguration: { name: 'exempt' } })).slice(1, 6)).toEqual(['exempt', 1000, '<none>', '5m', '?']);
    const c = tableConvertorFor('flowcontrol.apiserver.k8s.io', 'flowschemas');
    const sorted = c.sortList?.([fs('b', { matchingPrecedence: 500 }), fs('z', { matchingPrecedence: 100 }), fs('a', { matchingPrecedence: 500 })]) ?? [];
    expect(sorted.map((o) => o.metadata?.name)).toEqual(['z', 'a', 'b']);
  });

  it('prints priority level configurations', () => {
    const plc = (name: string, spec: Record<string, unknown>): KubeObject => ({ metadata: { name, creationTimestamp: at(s) }, spec });
    const p = (o: KubeObject) => print('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', o);
    expect(p(plc('unlimited', { type: 'Exempt', exempt: {} }))).toEqual(['unlimited', 'Exempt', '<none>', '<none>', '<none>', '<none>', '0s']);
    expect(p(plc('unqueued', { type: 'Limited', limited: { nominalConcurrencyShares: 47, limitResponse: { type: 'Reject' } } }))).toEqual([
      'unqueued',
      'Limited',
      47,
      '<none>',
      '<none>',
      '<none>',
      '0s',
    ]);
    expect(
      p(plc('queued', { type: 'Limited', limited: { nominalConcurrencyShares: 42, limitResponse: { type: 'Queue', queuing: { queues: 8, handSize: 3, queueLengthLimit: 4 } } } })),
    ).toEqual(['queued', 'Limited', 42, 8, 3, 4, '0s']);
  });
});

describe('discovery and policy', () => {
  it('prints endpoint slices', () => {
    const slice = (ports: unknown[], endpoints: unknown[]): KubeObject => ({ metadata: { name: 'abcslice.123', creationTimestamp: at(s) }, addressType: 'IPv4', ports, endpoints });
    const e = (o: KubeObject) => print('discovery.k8s.io', 'endpointslices', o);
    expect(e(slice([{ name: 'http', port: 80, protocol: 'TCP' }], [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }]))).toEqual(['abcslice.123', 'IPv4', '80', '10.1.2.3,2001:db8::1234:5678', '0s']);
    const four = [80, 443, 3000, 3001].map((port) => ({ port }));
    const two = [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }, { addresses: ['10.2.3.4', '2001:db8::2345:6789'] }];
    expect(e(slice(four, two)).slice(2, 4)).toEqual(['80,443,3000 + 1 more...', '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...']);
    expect(e(slice([{ name: 'named' }, {}], [])).slice(2, 4)).toEqual(['named,*', '<unset>']);
  });

  it('prints pod disruption budgets', () => {
    const pdb = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'pdb1', creationTimestamp: at(s) }, spec, status: { disruptionsAllowed: 5 } });
    expect(print('policy', 'poddisruptionbudgets', pdb({ minAvailable: 22 }))).toEqual(['pdb1', '22', 'N/A', 5, '0s']);
    expect(print('policy', 'poddisruptionbudgets', pdb({ maxUnavailable: '11%' }))).toEqual(['pdb1', 'N/A', '11%', 5, '0s']);
  });
});

describe('apiregistration.k8s.io', () => {
  it('prints API services and always sends their columns', () => {
    const svc = (spec: Record<string, unknown>, conditions: unknown[]): KubeObject => ({ metadata: { name: 'v1beta1.metrics.k8s.io', creationTimestamp: at(-5 * m) }, spec, status: { conditions } });
    const a = (o: KubeObject) => print('apiregistration.k8s.io', 'apiservices', o);
    expect(a(svc({}, [{ type: 'Available', status: 'True', reason: 'Local' }]))).toEqual(['v1beta1.metrics.k8s.io', 'Local', 'True', '5m']);
    expect(a(svc({ service: { namespace: 'kube-system', name: 'metrics-server' } }, [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }]))).toEqual([
      'v1beta1.metrics.k8s.io',
      'kube-system/metrics-server',
      'False (MissingEndpoints)',
      '5m',
    ]);
    expect(a(svc({}, []))[2]).toBe('Unknown');
    expect(tableConvertorFor('apiregistration.k8s.io', 'apiservices').headersAlways).toBe(true);
  });
});

describe('resources without a printer', () => {
  it('get the default convertor', () => {
    expect(names('', 'limitranges')).toEqual(['Name', 'Created At']);
    expect(names('apiextensions.k8s.io', 'customresourcedefinitions')).toEqual(['Name', 'Created At']);
    expect(names('example.com', 'widgets')).toEqual(['Name', 'Created At']);
  });
});
