// Aggregated discovery and OpenAPI v3 as kubectl 1.33 and 1.35 use them, with validation on:
// api-resources and api-versions from /api and /apis alone, explain from /openapi/v3, apply and
// create -f computing their requests from the v3 documents, and never asking for /openapi/v2.
// Expected output is what the same kubectl prints against kube-apiserver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinaries, runKubectl, type RunResult } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeconfigCredentials, rawRequest, readKubeconfig } from '../support/https';
import { KUBECTL_VERSIONS } from '../support/kubectl-output';
import type { Portico } from '../support/portico';
import { uniqueSuffix } from '../support/status';

const aggregatedAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

function describeRun(r: RunResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-6000)}`;
}

/** The requests kubectl logged at -v=6 or higher: `"Request"|"Response" verb="GET" url="…"`. */
function requests(stderr: string): { verb: string; path: string }[] {
  const seen: { verb: string; path: string }[] = [];
  for (const m of stderr.matchAll(/"(?:Request|Response)" verb="(\w+)" url="([^"]+)"/g)) {
    const u = new URL(m[2] as string);
    const entry = { verb: m[1] as string, path: u.pathname + u.search };
    if (!seen.some((s) => s.verb === entry.verb && s.path === entry.path)) seen.push(entry);
  }
  return seen;
}

const paths = (r: RunResult) => requests(r.stderr).map((x) => x.path.replace(/[?&]timeout=32s/, '').replace(/\?$/, ''));

/** Rows of kubectl's default table output, keyed by the header's column names. */
function tableRows(stdout: string): Record<string, string>[] {
  const [header, ...rows] = stdout.trimEnd().split('\n');
  const cols = (header ?? '').trim().split(/\s{2,}/);
  const starts = cols.map((c) => (header ?? '').indexOf(c));
  return rows.map((row) => Object.fromEntries(cols.map((c, i) => [c, row.slice(starts[i], starts[i + 1]).trim()])));
}

export function discoveryOpenAPISuite(portico: () => Portico): void {
  describe('discovery and OpenAPI over raw HTTPS', () => {
    let creds: KubeconfigCredentials;
    beforeAll(() => {
      creds = readKubeconfig(portico().kubeconfigPath);
    });

    it('answers /apis in aggregated form with the Content-Type client-go checks, and legacy otherwise', async () => {
      const agg = await rawRequest(creds, { method: 'GET', path: '/apis', headers: { accept: aggregatedAccept } });
      expect(agg.status).toBe(200);
      expect(agg.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      expect(agg.headers['etag']).toMatch(/^"[0-9A-F]+"$/);
      expect(agg.headers['cache-control']).toBe('public');
      expect(agg.json).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
      const again = await rawRequest(creds, { method: 'GET', path: '/apis', headers: { accept: aggregatedAccept, 'if-none-match': String(agg.headers['etag']) } });
      expect(again.status).toBe(304);
      const legacy = await rawRequest(creds, { method: 'GET', path: '/apis' });
      expect(legacy.json).toMatchObject({ kind: 'APIGroupList' });
      // Both forms name the same group-versions.
      const aggGroups = (agg.json as { items: { metadata: { name: string }; versions: { version: string }[] }[] }).items.flatMap((g) =>
        g.versions.map((v) => `${g.metadata.name}/${v.version}`),
      );
      const legacyGroups = (legacy.json as { groups: { versions: { groupVersion: string }[] }[] }).groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
      expect(aggGroups).toEqual(legacyGroups);
    });

    it('serves /openapi/v3 documents under their hash, immutable, and redirects a stale hash', async () => {
      const index = await rawRequest(creds, { method: 'GET', path: '/openapi/v3' });
      expect(index.status).toBe(200);
      const entries = (index.json as { paths: Record<string, { serverRelativeURL: string }> }).paths;
      const url = entries['api/v1']?.serverRelativeURL ?? '';
      expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
      const doc = await rawRequest(creds, { method: 'GET', path: url });
      expect(doc.status).toBe(200);
      expect(doc.headers['cache-control']).toBe('public, immutable');
      expect(doc.json).toMatchObject({ openapi: '3.0.0' });
      const stale = await rawRequest(creds, { method: 'GET', path: '/openapi/v3/api/v1?hash=0' });
      expect(stale.status).toBe(301);
      expect(stale.headers['location']).toBe(url);
      const v2 = await rawRequest(creds, { method: 'GET', path: '/openapi/v2' });
      expect(v2.status).toBe(200);
      expect(v2.json).toMatchObject({ swagger: '2.0' });
    });
  });

  describe.each(KUBECTL_VERSIONS)('$label with discovery and OpenAPI', ({ label, pick }) => {
    let bin = '';
    let dir = '';
    const suffix = `${label.replace(/\D/g, '')}-${uniqueSuffix()}`;
    const kubectl = (args: string[]): Promise<RunResult> => runKubectl(bin, args, { kubeconfig: portico().kubeconfigPath, timeoutMs: 60_000 });

    beforeAll(async () => {
      bin = pick(await kubectlBinaries());
      dir = mkdtempSync(join(tmpdir(), 'portico-e2e-openapi-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('api-resources lists the served resources from /api and /apis alone', async () => {
      const r = await kubectl(['api-resources', '-v=6']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(paths(r), describeRun(r)).toEqual(['/api', '/apis']);
      const rows = tableRows(r.stdout);
      expect(Object.keys(rows[0] ?? {})).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      const row = (name: string, apiVersion: string) => rows.find((x) => x['NAME'] === name && x['APIVERSION'] === apiVersion);
      expect(row('configmaps', 'v1')).toEqual({ NAME: 'configmaps', SHORTNAMES: 'cm', APIVERSION: 'v1', NAMESPACED: 'true', KIND: 'ConfigMap' });
      expect(row('namespaces', 'v1')).toEqual({ NAME: 'namespaces', SHORTNAMES: 'ns', APIVERSION: 'v1', NAMESPACED: 'false', KIND: 'Namespace' });
      expect(row('leases', 'coordination.k8s.io/v1')).toMatchObject({ NAMESPACED: 'true', KIND: 'Lease' });
      expect(row('events', 'events.k8s.io/v1')).toMatchObject({ SHORTNAMES: 'ev', KIND: 'Event' });
    });

    it('api-versions prints every served group-version', async () => {
      const r = await kubectl(['api-versions']);
      expect(r.code, describeRun(r)).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toEqual([...lines].sort());
      expect(lines).toEqual(expect.arrayContaining(['v1', 'coordination.k8s.io/v1', 'events.k8s.io/v1']));
      for (const l of lines) expect(l).toMatch(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
    });

    it('explain configmap.data reads the field from /openapi/v3/api/v1', async () => {
      const r = await kubectl(['explain', 'configmap.data', '-v=6']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toMatch(/^KIND: +ConfigMap$/m);
      expect(r.stdout).toMatch(/^VERSION: +v1$/m);
      expect(r.stdout).toMatch(/^FIELD: data <map\[string\]string>$/m);
      expect(r.stdout).toContain('Data contains the configuration data.');
      expect(paths(r)).toEqual(expect.arrayContaining(['/openapi/v3', expect.stringMatching(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/)]));
      expect(paths(r).filter((p) => p.startsWith('/openapi/v2'))).toEqual([]);
    });

    it('explain reaches into a group and through refs: lease.spec.leaseDurationSeconds, namespace.spec', async () => {
      const lease = await kubectl(['explain', 'lease.spec.leaseDurationSeconds']);
      expect(lease.code, describeRun(lease)).toBe(0);
      expect(lease.stdout).toMatch(/^GROUP: +coordination\.k8s\.io$/m);
      expect(lease.stdout).toMatch(/^KIND: +Lease$/m);
      expect(lease.stdout).toMatch(/^FIELD: leaseDurationSeconds <integer>$/m);
      const ns = await kubectl(['explain', 'namespace.spec']);
      expect(ns.code, describeRun(ns)).toBe(0);
      expect(ns.stdout).toMatch(/^FIELD: spec <NamespaceSpec>$/m);
      expect(ns.stdout).toMatch(/^ {2}finalizers\t<\[\]string>$/m);
      const missing = await kubectl(['explain', 'configmap.nope']);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe('error: field "nope" does not exist');
    });

    it('apply -f creates, finds nothing to change the second time, and computes a strategic merge patch from /openapi/v3', async () => {
      const name = `e2e-apply-${suffix}`;
      const file = join(dir, 'cm.yaml');
      const write = (value: string) =>
        writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "${value}"\n`);
      write('1');
      const created = await kubectl(['apply', '-f', file, '-v=6']);
      expect(created.code, describeRun(created)).toBe(0);
      expect(created.stdout.trim()).toBe(`configmap/${name} created`);
      expect(paths(created)).toEqual(
        expect.arrayContaining([
          '/openapi/v3',
          expect.stringMatching(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/),
          '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
        ]),
      );
      expect(paths(created).filter((p) => p.startsWith('/openapi/v2'))).toEqual([]);

      const unchanged = await kubectl(['apply', '-f', file]);
      expect(unchanged.code, describeRun(unchanged)).toBe(0);
      expect(unchanged.stdout.trim()).toBe(`configmap/${name} unchanged`);

      // The PATCH verb itself belongs to the resource handlers; what the OpenAPI document decides
      // is that kubectl sends a strategic merge patch with server-side field validation.
      write('2');
      const changed = await kubectl(['apply', '-f', file, '-v=8']);
      const patch = /"Request" verb="PATCH" url="([^"]+)" headers=<\n((?:\t[^\n]*\n)*)/.exec(changed.stderr);
      expect(patch, describeRun(changed)).not.toBeNull();
      expect(new URL(patch?.[1] ?? 'https://x/').pathname + new URL(patch?.[1] ?? 'https://x/').search).toBe(
        `/api/v1/namespaces/default/configmaps/${name}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
      );
      expect(patch?.[2]).toContain('Content-Type: application/strategic-merge-patch+json');
      expect(paths(changed).filter((p) => p.startsWith('/openapi/v2'))).toEqual([]);

      const del = await kubectl(['delete', 'cm', name, '-n', 'default']);
      expect(del.code, describeRun(del)).toBe(0);
    });

    it('create -f with validation on checks fieldValidation support in /openapi/v3 and creates', async () => {
      const name = `e2e-create-${suffix}`;
      const file = join(dir, 'ns.yaml');
      writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`);
      const r = await kubectl(['create', '-f', file, '-v=6']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.trim()).toBe(`namespace/${name} created`);
      expect(paths(r)).toEqual(
        expect.arrayContaining([
          '/openapi/v3',
          expect.stringMatching(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/),
          '/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict',
        ]),
      );
      expect(paths(r).filter((p) => p.startsWith('/openapi/v2'))).toEqual([]);
      const del = await kubectl(['delete', 'ns', name, '--wait=false']);
      expect(del.code, describeRun(del)).toBe(0);
    });
  });
}
