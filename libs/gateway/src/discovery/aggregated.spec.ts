import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, defaultRegistry, defineResource, defineStrategy } from '@portico/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatedDiscovery, negotiateAggregatedDiscovery } from './aggregated';

// What kubectl 1.33 and 1.35 send to /api and /apis.
const kubectlAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

const deployments = defineResource({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  // Deliberately unsorted: discovery lists verbs sorted, as the endpoint installer does.
  verbs: ['watch', 'create', 'update', 'patch', 'list', 'get', 'deletecollection', 'delete'],
  subresources: [
    { name: 'status', kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
    { name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['update', 'get', 'patch'] },
  ],
  strategy: defineStrategy({}),
});

const fake = (group: string, version: string, resource: string, kind: string, namespaced = true) =>
  defineResource({ group, version, resource, kind, singular: kind.toLowerCase(), namespaced, strategy: defineStrategy({}) });

describe('negotiateAggregatedDiscovery', () => {
  it('picks v2 for kubectl, and whatever version comes first', () => {
    expect(negotiateAggregatedDiscovery(kubectlAccept)).toBe('v2');
    expect(negotiateAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe('v2beta1');
    // client-go 1.35's no-peer profile is a parameter kube-apiserver 1.33 ignores.
    expect(negotiateAggregatedDiscovery(`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer,${kubectlAccept}`)).toBe('v2');
  });

  it('answers the legacy documents to plain Accepts', () => {
    expect(negotiateAggregatedDiscovery(undefined)).toBeUndefined();
    expect(negotiateAggregatedDiscovery('application/json')).toBeUndefined();
    expect(negotiateAggregatedDiscovery('*/*')).toBeUndefined();
    expect(negotiateAggregatedDiscovery(`application/json;q=0.9,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`)).toBe('v2');
    expect(negotiateAggregatedDiscovery(`application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`)).toBeUndefined();
  });

  it('skips conversions it does not serve', () => {
    expect(negotiateAggregatedDiscovery('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toBeUndefined();
    expect(
      negotiateAggregatedDiscovery(
        'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
    ).toBe('v2');
    expect(negotiateAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json')).toBeUndefined();
  });
});

describe('aggregated discovery documents', () => {
  it('holds the core group alone at /api, nameless', () => {
    const doc = new AggregatedDiscovery(defaultRegistry()).document('api') as {
      kind: string;
      apiVersion: string;
      items: { metadata: Record<string, unknown>; versions: { version: string; freshness: string; resources: { resource: string }[] }[] }[];
    };
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]?.metadata).toEqual({ creationTimestamp: null });
    expect(doc.items[0]?.versions.map((v) => [v.version, v.freshness])).toEqual([['v1', 'Current']]);
    expect(doc.items[0]?.versions[0]?.resources.map((r) => r.resource)).toContain('configmaps');
  });

  it('describes resources as ConvertGroupVersionIntoToDiscovery does', () => {
    const doc = new AggregatedDiscovery(new Registry([deployments])).document('apis') as { items: { versions: { resources: unknown[] }[] }[] };
    expect(doc.items[0]?.versions[0]?.resources[0]).toEqual({
      resource: 'deployments',
      responseKind: { group: '', version: '', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: '', version: '', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
  });

  it('orders groups by priority and versions preferred first, and leaves out empty fields', () => {
    const r = new Registry([
      fake('example.com', 'v1beta1', 'widgets', 'Widget'),
      fake('example.com', 'v1', 'widgets', 'Widget'),
      fake('batch', 'v1', 'jobs', 'Job'),
      fake('', 'v1', 'pods', 'Pod'),
      fake('apps', 'v1', 'deployments', 'Deployment'),
    ]);
    const doc = new AggregatedDiscovery(r).document('apis', 'v2beta1') as {
      apiVersion: string;
      items: { metadata: { name: string }; versions: { version: string; resources: Record<string, unknown>[] }[] }[];
    };
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((i) => [i.metadata.name, i.versions.map((v) => v.version)])).toEqual([
      ['apps', ['v1']],
      ['batch', ['v1']],
      ['example.com', ['v1', 'v1beta1']],
    ]);
    const widget = doc.items[2]?.versions[0]?.resources[0] ?? {};
    expect(Object.keys(widget)).toEqual(['resource', 'responseKind', 'scope', 'singularResource', 'verbs']);
  });
});

describe('aggregated discovery over HTTP', () => {
  const registry = new Registry([fake('', 'v1', 'configmaps', 'ConfigMap'), deployments]);
  const discovery = new AggregatedDiscovery(registry);
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const which = req.url === '/api' ? 'api' : 'apis';
      if (!discovery.serve(req, res, which)) {
        res.statusCode = 299; // the legacy document would be written here
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers with the GVK in the Content-Type, a quoted ETag, Vary and Cache-Control', async () => {
    const res = await fetch(`${base}/apis`, { headers: { accept: kubectlAccept } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(res.headers.get('etag')).toMatch(/^"[0-9A-F]{128}"$/);
    expect(res.headers.get('vary')).toBe('Accept');
    expect(res.headers.get('cache-control')).toBe('public');
    const body = (await res.json()) as { items: { metadata: { name: string } }[] };
    expect(body.items.map((i) => i.metadata.name)).toEqual(['apps']);

    const beta = await fetch(`${base}/apis`, { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' } });
    expect(beta.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    expect(((await beta.json()) as { apiVersion: string }).apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
  });

  it('answers 304 to a matching If-None-Match, and leaves plain requests to the legacy handler', async () => {
    const first = await fetch(`${base}/api`, { headers: { accept: kubectlAccept } });
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${base}/api`, { headers: { accept: kubectlAccept, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await fetch(`${base}/api`, { headers: { accept: 'application/json' } })).status).toBe(299);
  });

  it('follows the registry: a new resource changes the document and its ETag', async () => {
    const before = await fetch(`${base}/apis`, { headers: { accept: kubectlAccept } });
    const etag = before.headers.get('etag') ?? '';
    registry.add(fake('stable.example.com', 'v1', 'crontabs', 'CronTab'));
    try {
      const after = await fetch(`${base}/apis`, { headers: { accept: kubectlAccept, 'if-none-match': etag } });
      expect(after.status).toBe(200);
      expect(after.headers.get('etag')).not.toBe(etag);
      const body = (await after.json()) as { items: { metadata: { name: string } }[] };
      expect(body.items.map((i) => i.metadata.name)).toEqual(['apps', 'stable.example.com']);
    } finally {
      registry.remove('stable.example.com', 'v1', 'crontabs');
    }
    const restored = await fetch(`${base}/apis`, { headers: { accept: kubectlAccept } });
    expect(restored.headers.get('etag')).toBe(etag);
  });
});
