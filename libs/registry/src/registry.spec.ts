import { describe, expect, it } from 'vitest';
import { defineResource, defineStrategy } from './define';
import { Registry, apiServicePriority, compareKubeAwareVersions, defaultRegistry } from './registry';

const fake = (group: string, version: string, resource: string, kind: string) =>
  defineResource({ group, version, resource, kind, singular: kind.toLowerCase(), namespaced: true, strategy: defineStrategy({}) });

describe('defaultRegistry', () => {
  const r = defaultRegistry();

  it('lists resources in discovery order', () => {
    expect(r.all().map((d) => `${d.group}/${d.version}/${d.resource}`)).toEqual([
      '/v1/componentstatuses',
      '/v1/configmaps',
      '/v1/endpoints',
      '/v1/events',
      '/v1/limitranges',
      '/v1/namespaces',
      '/v1/nodes',
      '/v1/persistentvolumeclaims',
      '/v1/persistentvolumes',
      '/v1/pods',
      '/v1/podtemplates',
      '/v1/replicationcontrollers',
      '/v1/resourcequotas',
      '/v1/secrets',
      '/v1/serviceaccounts',
      '/v1/services',
      'apps/v1/controllerrevisions',
      'apps/v1/daemonsets',
      'apps/v1/deployments',
      'apps/v1/replicasets',
      'apps/v1/statefulsets',
      'events.k8s.io/v1/events',
      'autoscaling/v2/horizontalpodautoscalers',
      'autoscaling/v1/horizontalpodautoscalers',
      'batch/v1/cronjobs',
      'batch/v1/jobs',
      'certificates.k8s.io/v1/certificatesigningrequests',
      'networking.k8s.io/v1/ingressclasses',
      'networking.k8s.io/v1/ingresses',
      'networking.k8s.io/v1/ipaddresses',
      'networking.k8s.io/v1/networkpolicies',
      'networking.k8s.io/v1/servicecidrs',
      'policy/v1/poddisruptionbudgets',
      'rbac.authorization.k8s.io/v1/clusterrolebindings',
      'rbac.authorization.k8s.io/v1/clusterroles',
      'rbac.authorization.k8s.io/v1/rolebindings',
      'rbac.authorization.k8s.io/v1/roles',
      'storage.k8s.io/v1/csidrivers',
      'storage.k8s.io/v1/csinodes',
      'storage.k8s.io/v1/csistoragecapacities',
      'storage.k8s.io/v1/storageclasses',
      'storage.k8s.io/v1/volumeattachments',
      'admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      'admissionregistration.k8s.io/v1/validatingadmissionpolicies',
      'admissionregistration.k8s.io/v1/validatingadmissionpolicybindings',
      'admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      'apiextensions.k8s.io/v1/customresourcedefinitions',
      'scheduling.k8s.io/v1/priorityclasses',
      'coordination.k8s.io/v1/leases',
      'node.k8s.io/v1/runtimeclasses',
      'discovery.k8s.io/v1/endpointslices',
      'flowcontrol.apiserver.k8s.io/v1/flowschemas',
      'flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations',
    ]);
    expect(r.served().filter((d) => d.createOnly === true).map((d) => `${d.group}/${d.version}/${d.resource}`)).toEqual([
      'authentication.k8s.io/v1/selfsubjectreviews',
      'authentication.k8s.io/v1/tokenreviews',
      'authorization.k8s.io/v1/localsubjectaccessreviews',
      'authorization.k8s.io/v1/selfsubjectaccessreviews',
      'authorization.k8s.io/v1/selfsubjectrulesreviews',
      'authorization.k8s.io/v1/subjectaccessreviews',
    ]);
    expect(r.groups()).toEqual([
      { group: '', versions: ['v1'] },
      { group: 'apps', versions: ['v1'] },
      { group: 'events.k8s.io', versions: ['v1'] },
      // Only create-only review resources in these two: all() leaves them out, groups() does not.
      { group: 'authentication.k8s.io', versions: ['v1'] },
      { group: 'authorization.k8s.io', versions: ['v1'] },
      { group: 'autoscaling', versions: ['v2', 'v1'] },
      { group: 'batch', versions: ['v1'] },
      { group: 'certificates.k8s.io', versions: ['v1'] },
      { group: 'networking.k8s.io', versions: ['v1'] },
      { group: 'policy', versions: ['v1'] },
      { group: 'rbac.authorization.k8s.io', versions: ['v1'] },
      { group: 'storage.k8s.io', versions: ['v1'] },
      { group: 'admissionregistration.k8s.io', versions: ['v1'] },
      { group: 'apiextensions.k8s.io', versions: ['v1'] },
      { group: 'scheduling.k8s.io', versions: ['v1'] },
      { group: 'coordination.k8s.io', versions: ['v1'] },
      { group: 'node.k8s.io', versions: ['v1'] },
      { group: 'discovery.k8s.io', versions: ['v1'] },
      { group: 'flowcontrol.apiserver.k8s.io', versions: ['v1'] },
    ]);
  });

  it('serves scope, short names, categories and subresources as kube-apiserver lists them', () => {
    const d = (g: string, v: string, res: string) => r.lookup(g, v, res);
    expect(d('', 'v1', 'pods')?.shortNames).toEqual(['po']);
    expect(d('', 'v1', 'pods')?.categories).toEqual(['all']);
    expect(d('', 'v1', 'pods')?.subresources.map((s) => s.name)).toEqual([
      'attach',
      'binding',
      'ephemeralcontainers',
      'eviction',
      'exec',
      'log',
      'portforward',
      'proxy',
      'resize',
      'status',
    ]);
    expect(d('apps', 'v1', 'deployments')?.shortNames).toEqual(['deploy']);
    expect(d('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')?.shortNames).toEqual(['crd', 'crds']);
    expect(d('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')?.namespaced).toBe(false);
    expect(d('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations')?.categories).toEqual(['api-extensions']);
    // The views of the stored object have a strategy; the others are only listed.
    const withStrategy = (g: string, v: string, res: string) => d(g, v, res)?.subresources.filter((s) => s.strategy).map((s) => s.name);
    expect(withStrategy('', 'v1', 'pods')).toEqual(['status']);
    expect(withStrategy('certificates.k8s.io', 'v1', 'certificatesigningrequests')).toEqual(['approval', 'status']);
    expect(withStrategy('apps', 'v1', 'deployments')).toEqual(['status']);
    const all = r.all().filter((x) => x.categories.includes('all')).map((x) => `${x.group}/${x.version}/${x.resource}`);
    expect(all).toEqual([
      '/v1/pods',
      '/v1/replicationcontrollers',
      '/v1/services',
      'apps/v1/daemonsets',
      'apps/v1/deployments',
      'apps/v1/replicasets',
      'apps/v1/statefulsets',
      'autoscaling/v2/horizontalpodautoscalers',
      'autoscaling/v1/horizontalpodautoscalers',
      'batch/v1/cronjobs',
      'batch/v1/jobs',
    ]);
  });

  it('shares one storage between the versions of a resource', () => {
    expect(r.lookup('autoscaling', 'v1', 'horizontalpodautoscalers')?.storage).toEqual({ group: 'autoscaling', resource: 'horizontalpodautoscalers' });
    expect(r.lookupStorage({ group: 'autoscaling', resource: 'horizontalpodautoscalers' })?.version).toBe('v2');
  });

  it('looks up by group, version and resource or kind', () => {
    expect(r.lookup('', 'v1', 'namespaces')?.kind).toBe('Namespace');
    expect(r.lookup('coordination.k8s.io', 'v1', 'leases')?.kind).toBe('Lease');
    expect(r.lookup('', 'v1', 'leases')).toBeUndefined();
    expect(r.lookupKind('events.k8s.io', 'v1', 'Event')?.group).toBe('events.k8s.io');
    expect(r.preferredVersion('coordination.k8s.io')).toBe('v1');
  });

  it('resolves the names kubectl accepts', () => {
    const names = (arg: string) => r.resolve(arg).map((d) => `${d.group}/${d.resource}`);
    expect(names('ev')).toEqual(['/events', 'events.k8s.io/events']);
    expect(names('event')).toEqual(['/events', 'events.k8s.io/events']);
    expect(names('Event')).toEqual(['/events', 'events.k8s.io/events']);
    expect(names('events.events.k8s.io')).toEqual(['events.k8s.io/events']);
    expect(names('ev.events.k8s.io')).toEqual(['events.k8s.io/events']);
    expect(names('leases.v1.coordination.k8s.io')).toEqual(['coordination.k8s.io/leases']);
    expect(names('ns')).toEqual(['/namespaces']);
    expect(names('cm')).toEqual(['/configmaps']);
    expect(names('sa')).toEqual(['/serviceaccounts']);
    expect(names('secret')).toEqual(['/secrets']);
    expect(names('nothing')).toEqual([]);
    expect(names('deploy')).toEqual(['apps/deployments']);
    expect(names('hpa')).toEqual(['autoscaling/horizontalpodautoscalers']);
    expect(names('crd')).toEqual(['apiextensions.k8s.io/customresourcedefinitions']);
    expect(names('po')).toEqual(['/pods']);
  });
});

describe('Registry ordering', () => {
  it('orders groups by priority, versions by priority then kube-aware order', () => {
    const r = new Registry([
      fake('zeta.example.com', 'v1', 'zs', 'Z'),
      fake('alpha.example.com', 'v1', 'as', 'A'),
      fake('batch', 'v1beta1', 'cronjobs', 'CronJob'),
      fake('apps', 'v1', 'replicasets', 'ReplicaSet'),
      fake('apps', 'v1', 'deployments', 'Deployment'),
      fake('batch', 'v1', 'jobs', 'Job'),
      fake('', 'v1', 'pods', 'Pod'),
      fake('alpha.example.com', 'v2beta1', 'as', 'A'),
      fake('alpha.example.com', 'v10', 'as', 'A'),
    ]);
    expect(r.groups()).toEqual([
      { group: '', versions: ['v1'] },
      { group: 'apps', versions: ['v1'] },
      { group: 'batch', versions: ['v1', 'v1beta1'] },
      { group: 'alpha.example.com', versions: ['v10', 'v1', 'v2beta1'] },
      { group: 'zeta.example.com', versions: ['v1'] },
    ]);
    expect(r.all().filter((d) => d.group === 'apps' && d.version === 'v1').map((d) => d.resource)).toEqual(['deployments', 'replicasets']);
    expect(r.resolve('a').map((d) => d.version)).toEqual(['v10']);
  });

  it('honours an explicit priority and refuses duplicates', () => {
    const custom = { ...fake('high.example.com', 'v1', 'hs', 'H'), priority: { group: 20000, version: 1 } };
    const r = new Registry([fake('apps', 'v1', 'deployments', 'Deployment'), custom]);
    expect(r.groups().map((g) => g.group)).toEqual(['high.example.com', 'apps']);
    expect(() => r.add(fake('apps', 'v1', 'deployments', 'Deployment'))).toThrow('resource apps/v1/deployments is already registered');
    expect(r.remove('apps', 'v1', 'deployments')).toBe(true);
    expect(r.remove('apps', 'v1', 'deployments')).toBe(false);
    expect(r.all()).toHaveLength(1);
  });

  it('moves its version on every add and remove, and only then', () => {
    const r = new Registry([fake('apps', 'v1', 'deployments', 'Deployment')]);
    const v0 = r.version();
    r.add(fake('apps', 'v1', 'replicasets', 'ReplicaSet'));
    const v1 = r.version();
    expect(v1).toBeGreaterThan(v0);
    expect(r.remove('apps', 'v1', 'statefulsets')).toBe(false);
    expect(r.version()).toBe(v1);
    r.remove('apps', 'v1', 'replicasets');
    expect(r.version()).toBeGreaterThan(v1);
  });

  it('knows kube-apiserver\'s priorities', () => {
    expect(apiServicePriority('', 'v1')).toEqual({ group: 18000, version: 1 });
    expect(apiServicePriority('events.k8s.io', 'v1')).toEqual({ group: 17750, version: 15 });
    expect(apiServicePriority('example.com', 'v1')).toEqual({ group: 1000, version: 100 });
  });
});

describe('compareKubeAwareVersions', () => {
  it('sorts GA, beta, alpha, then the rest', () => {
    const versions = ['v1alpha1', 'foo', 'v2', 'v1beta1', 'v1', 'v10', 'bar', 'v1beta2', 'v11alpha2', 'v12alpha1'];
    expect([...versions].sort((a, b) => compareKubeAwareVersions(b, a))).toEqual([
      'v10',
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v12alpha1',
      'v11alpha2',
      'v1alpha1',
      'bar',
      'foo',
    ]);
  });
});
