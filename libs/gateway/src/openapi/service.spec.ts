import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonObject, JsonValue } from '@portico/api';
import {
  Registry,
  configmaps,
  defineResource,
  defineStrategy,
  events,
  eventsV1,
  leases,
  namespaces,
  secrets,
  serviceaccounts,
  type ResourceDescriptor,
} from '@portico/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathTarget } from './builder';
import { OpenAPIService } from './service';

// A fixed set, so the expectations hold while more built-in resources join the default registry.
const builtins: ResourceDescriptor[] = [namespaces, configmaps, secrets, serviceaccounts, events, eventsV1, leases];

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, JsonObject> & { parameters?: JsonObject[] }>;
  components: { schemas: Record<string, JsonObject> };
};

const deployments = defineResource({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: [
    { name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { name: 'status', kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
  ],
  strategy: defineStrategy({}),
});

/** A custom resource as a CRD would register it, bringing its own schema. */
const crontabs: ResourceDescriptor = defineResource({
  group: 'stable.example.com',
  version: 'v1',
  resource: 'crontabs',
  kind: 'CronTab',
  singular: 'crontab',
  namespaced: true,
  shortNames: ['ct'],
  subresources: [{ name: 'status', kind: { group: 'stable.example.com', version: 'v1', kind: 'CronTab' }, verbs: ['get', 'patch', 'update'] }],
  openapi: {
    schemaName: 'com.example.stable.v1.CronTab',
    schemas: {
      'com.example.stable.v1.CronTab': {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
          spec: { type: 'object', properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer' } } },
        },
      },
    },
  },
  strategy: defineStrategy({}),
});

const service = (descs: ResourceDescriptor[]) => new OpenAPIService(new Registry(descs), 'v1.33.1-portico');
const doc = (s: OpenAPIService, path: string) => s.documentV3(path) as unknown as Doc;

function allRefs(v: JsonValue | undefined, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) allRefs(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else allRefs(x, out);
    }
  }
  return out;
}

function allKeys(v: JsonValue | undefined, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) allKeys(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      allKeys(x, out);
    }
  }
  return out;
}

const patchOps = (d: Doc) =>
  Object.entries(d.paths).flatMap(([path, item]) => (item['patch'] === undefined ? [] : [[path, item['patch']] as const]));

describe('OpenAPI v3 documents', () => {
  const s = service([...builtins, deployments]);

  it('lists the served group-versions, their groups, and api, apis and version', () => {
    expect([...s.documentHashes().keys()]).toEqual([
      'api',
      'api/v1',
      'apis',
      'apis/apps',
      'apis/apps/v1',
      'apis/coordination.k8s.io',
      'apis/coordination.k8s.io/v1',
      'apis/events.k8s.io',
      'apis/events.k8s.io/v1',
      'version',
    ]);
    for (const h of s.documentHashes().values()) expect(h).toMatch(/^[0-9A-F]{128}$/);
  });

  it('keeps only the paths of served resources and subresources', () => {
    const core = doc(s, 'api/v1');
    expect(core.openapi).toBe('3.0.0');
    expect(Object.keys(core.paths)).toContain('/api/v1/namespaces/{namespace}/configmaps/{name}');
    expect(Object.keys(core.paths)).toContain('/api/v1/namespaces/{name}/status');
    expect(Object.keys(core.paths).filter((p) => /pods|nodes|services/.test(p))).toEqual([]);
    const apps = doc(s, 'apis/apps/v1');
    expect(Object.keys(apps.paths).sort()).toEqual([
      '/apis/apps/v1/',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
      '/apis/apps/v1/watch/deployments',
      '/apis/apps/v1/watch/namespaces/{namespace}/deployments',
      '/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}',
    ]);
  });

  it('gives every PATCH the inline fieldValidation parameter, the patch media types, the action and one GVK', () => {
    for (const path of s.documentHashes().keys()) {
      for (const [p, op] of patchOps(doc(s, path))) {
        const names = (op['parameters'] as JsonObject[]).map((x) => `${String(x['in'])}:${String(x['name'])}`);
        expect(names, p).toEqual(['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']);
        const content = Object.keys((op['requestBody'] as { content: JsonObject }).content);
        expect(content, p).toEqual(expect.arrayContaining(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']));
        expect(op['x-kubernetes-action'], p).toBe('patch');
        const gvk = op['x-kubernetes-group-version-kind'] as JsonObject;
        expect(Object.keys(gvk).sort(), p).toEqual(['group', 'kind', 'version']);
      }
    }
    const cm = doc(s, 'api/v1').paths['/api/v1/namespaces/{namespace}/configmaps/{name}']?.['patch'];
    expect(cm?.['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'ConfigMap' });
    const scale = doc(s, 'apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.['patch'];
    expect(scale?.['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('carries every definition its refs reach, with GVK lists and the x-kubernetes-* names restored', () => {
    for (const path of s.documentHashes().keys()) {
      const d = doc(s, path);
      for (const ref of allRefs(d as unknown as JsonValue)) {
        expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
        expect(d.components.schemas[ref.slice('#/components/schemas/'.length)], `${path}: ${ref}`).toBeDefined();
      }
      const keys = allKeys(d.components.schemas as unknown as JsonValue);
      for (const camel of ['ref', 'gvk', 'patchMergeKey', 'patchStrategy', 'listType', 'listMapKeys', 'mapType']) {
        expect(keys.has(camel), `${path} has ${camel}`).toBe(false);
      }
    }
    const core = doc(s, 'api/v1').components.schemas;
    expect(core['io.k8s.api.core.v1.ConfigMap']?.['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'ConfigMap', version: 'v1' }]);
    const meta = core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']?.['properties'] as Record<string, JsonObject>;
    expect(meta['ownerReferences']).toMatchObject({ 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge' });
    expect(meta['managedFields']).toMatchObject({ 'x-kubernetes-list-type': 'atomic' });
    // A ref with siblings is wrapped in allOf, as kube-openapi writes v3.
    expect((core['io.k8s.api.core.v1.ConfigMap']?.['properties'] as Record<string, JsonObject>)['metadata']).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      default: {},
    });
    const spec = doc(s, 'apis/apps/v1').components.schemas['io.k8s.api.core.v1.PodSpec']?.['properties'] as Record<string, JsonObject>;
    expect(spec['containers']).toMatchObject({
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
  });

  it('keeps only the operations the verbs allow', () => {
    const getOnly = { ...deployments, verbs: ['get' as const, 'list' as const], subresources: [] };
    const d = doc(service([getOnly]), 'apis/apps/v1');
    expect(Object.keys(d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] ?? {})).toEqual(['get', 'parameters']);
    expect(Object.keys(d.paths['/apis/apps/v1/namespaces/{namespace}/deployments'] ?? {})).toEqual(['get', 'parameters']);
    expect(d.paths['/apis/apps/v1/watch/deployments']).toBeUndefined();
  });

  it('reads what a path is about', () => {
    expect(pathTarget('/api/v1/', '/api/v1')).toEqual({ root: true });
    expect(pathTarget('/api/v1/namespaces/{name}/finalize', '/api/v1')).toEqual({ resource: 'namespaces', subresource: 'finalize' });
    expect(pathTarget('/api/v1/namespaces/{namespace}/configmaps', '/api/v1')).toEqual({ resource: 'configmaps' });
    expect(pathTarget('/api/v1/watch/namespaces/{namespace}/pods/{name}', '/api/v1')).toEqual({ resource: 'pods' });
    expect(pathTarget('/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}', '/api/v1')).toEqual({ resource: 'pods', subresource: 'proxy' });
    expect(pathTarget('/api/v1/namespaces', '/api/v1')).toEqual({ resource: 'namespaces' });
  });
});

describe('OpenAPI v3 for a descriptor that brings its schema (CRDs)', () => {
  const registry = new Registry(builtins);
  const s = new OpenAPIService(registry, 'v1.33.1-portico');

  it('synthesizes the standard operations around it, without strategic merge patch', () => {
    registry.add(crontabs);
    try {
      const d = doc(s, 'apis/stable.example.com/v1');
      expect(Object.keys(d.paths)).toEqual([
        '/apis/stable.example.com/v1/crontabs',
        '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs',
        '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}',
        '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status',
      ]);
      const item = d.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'] ?? {};
      expect(Object.keys(item)).toEqual(['delete', 'get', 'patch', 'put', 'parameters']);
      const patch = item['patch'] as JsonObject;
      expect((patch['parameters'] as JsonObject[]).map((p) => p['name'])).toContain('fieldValidation');
      expect(Object.keys((patch['requestBody'] as { content: JsonObject }).content)).toEqual([
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
      ]);
      expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'stable.example.com', version: 'v1', kind: 'CronTab' });
      const schemas = d.components.schemas;
      expect(schemas['com.example.stable.v1.CronTab']?.['x-kubernetes-group-version-kind']).toEqual([
        { group: 'stable.example.com', kind: 'CronTab', version: 'v1' },
      ]);
      expect(schemas['com.example.stable.v1.CronTabList']?.['x-kubernetes-group-version-kind']).toEqual([
        { group: 'stable.example.com', kind: 'CronTabList', version: 'v1' },
      ]);
      for (const name of ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch']) {
        expect(schemas[name], name).toBeDefined();
      }
      for (const ref of allRefs(d as unknown as JsonValue)) expect(schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    } finally {
      registry.remove('stable.example.com', 'v1', 'crontabs');
    }
    expect(s.documentV3('apis/stable.example.com/v1')).toBeUndefined();
  });

  it('rebuilds only the documents whose resources changed', () => {
    const before = s.documentHashes();
    registry.add(deployments);
    try {
      const after = s.documentHashes();
      expect(after.get('api/v1')).toBe(before.get('api/v1'));
      expect(before.has('apis/apps/v1')).toBe(false);
      expect(after.get('apis/apps/v1')).toMatch(/^[0-9A-F]{128}$/);
    } finally {
      registry.remove('apps', 'v1', 'deployments');
    }
  });
});

describe('OpenAPI v2', () => {
  it('puts every document into one Swagger 2.0 document', () => {
    const v2 = service(builtins).documentV2() as {
      swagger: string;
      paths: Record<string, Record<string, JsonObject>>;
      definitions: Record<string, JsonObject>;
    };
    expect(v2.swagger).toBe('2.0');
    const patch = v2.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']?.['patch'] ?? {};
    expect(patch['consumes']).toContain('application/strategic-merge-patch+json');
    expect((patch['parameters'] as JsonObject[]).map((p) => [p['name'], p['in']])).toEqual([
      ['body', 'body'],
      ['dryRun', 'query'],
      ['fieldManager', 'query'],
      ['fieldValidation', 'query'],
      ['force', 'query'],
    ]);
    expect((patch['parameters'] as JsonObject[])[3]).toMatchObject({ type: 'string', uniqueItems: true });
    for (const ref of allRefs(v2 as unknown as JsonValue)) {
      expect(ref.startsWith('#/definitions/'), ref).toBe(true);
      expect(v2.definitions[ref.slice('#/definitions/'.length)], ref).toBeDefined();
    }
    expect((v2.definitions['io.k8s.api.core.v1.ConfigMap']?.['properties'] as Record<string, JsonObject>)['metadata']).toMatchObject({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    });
  });
});

describe('OpenAPI over HTTP', () => {
  const s = service(builtins);
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!s.serve(req, res, url.pathname, url.searchParams)) {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lists each document with its hash; the hashed URL is immutable', async () => {
    const index = await fetch(`${base}/openapi/v3`, { headers: { accept: 'application/json, */*' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('application/json');
    expect(index.headers.get('etag')).toMatch(/^"[0-9A-F]{128}"$/);
    const paths = ((await index.json()) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    const url = paths['api/v1']?.serverRelativeURL ?? '';
    expect(url).toBe(`/openapi/v3/api/v1?hash=${s.documentHashes().get('api/v1')}`);

    const res = await fetch(`${base}${url}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('public, immutable');
    expect(res.headers.get('vary')).toContain('Accept');
    const expires = Date.parse(res.headers.get('expires') ?? '');
    expect(expires - Date.now()).toBeGreaterThan(364 * 24 * 3600 * 1000);
    expect(((await res.json()) as Doc).paths['/api/v1/namespaces/{namespace}/configmaps/{name}']).toBeDefined();
  });

  it('redirects a stale hash to the current one and revalidates with If-None-Match', async () => {
    const stale = await fetch(`${base}/openapi/v3/api/v1?hash=0123`, { redirect: 'manual' });
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(`/openapi/v3/api/v1?hash=${s.documentHashes().get('api/v1')}`);
    const plain = await fetch(`${base}/openapi/v3/api/v1`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBeNull();
    const etag = plain.headers.get('etag') ?? '';
    expect((await fetch(`${base}/openapi/v3/api/v1`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('negotiates JSON only: protobuf alone is 406, a list that allows JSON gets it', async () => {
    const pb = 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf';
    expect((await fetch(`${base}/openapi/v3/api/v1`, { headers: { accept: pb } })).status).toBe(406);
    expect((await fetch(`${base}/openapi/v3/api/v1`, { headers: { accept: `${pb}, */*` } })).status).toBe(200);
    expect((await fetch(`${base}/openapi/v2`, { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } })).status).toBe(406);
    const v2 = await fetch(`${base}/openapi/v2`, { headers: { accept: 'application/json' } });
    expect(v2.status).toBe(200);
    expect(((await v2.json()) as { swagger: string }).swagger).toBe('2.0');
  });

  it('compresses large documents for clients that accept gzip, and 404s unknown ones', async () => {
    const res = await fetch(`${base}/openapi/v2`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as { swagger: string }).swagger).toBe('2.0');
    expect((await fetch(`${base}/openapi/v3/apis/nope/v1`)).status).toBe(404);
  });
});
