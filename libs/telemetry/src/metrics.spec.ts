import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiserverRequestDurationSeconds,
  apiserverRequestTotal,
  metricDryRun,
  metricScope,
  metricVerb,
  recordApiRequest,
  renderMetrics,
  REQUEST_DURATION_BUCKETS,
} from './metrics';

beforeEach(() => {
  apiserverRequestTotal.reset();
  apiserverRequestDurationSeconds.reset();
});

describe('apiserver request metrics', () => {
  it("uses kube-apiserver's names, labels and label order", async () => {
    recordApiRequest({ verb: 'LIST', version: 'v1', resource: 'configmaps', scope: 'namespace' }, 200, 0.003);
    recordApiRequest({ verb: 'LIST', version: 'v1', resource: 'configmaps', scope: 'namespace' }, 200, 0.03);
    recordApiRequest({ verb: 'POST', group: 'apps', version: 'v1', resource: 'deployments', scope: 'resource', dryRun: 'All' }, 409, 0.01);
    const { contentType, body } = await renderMetrics();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body).toContain('# TYPE apiserver_request_total counter');
    expect(body).toContain(
      'apiserver_request_total{verb="LIST",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver",code="200"} 2',
    );
    expect(body).toContain(
      'apiserver_request_total{verb="POST",dry_run="All",group="apps",version="v1",resource="deployments",subresource="",scope="resource",component="apiserver",code="409"} 1',
    );
    expect(body).toContain('# TYPE apiserver_request_duration_seconds histogram');
    const labels = 'verb="LIST",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver"';
    expect(body).toContain(`apiserver_request_duration_seconds_bucket{le="0.005",${labels}} 1`);
    expect(body).toContain(`apiserver_request_duration_seconds_bucket{le="0.025",${labels}} 1`);
    expect(body).toContain(`apiserver_request_duration_seconds_bucket{le="0.05",${labels}} 2`);
    expect(body).toContain(`apiserver_request_duration_seconds_bucket{le="+Inf",${labels}} 2`);
    expect(body).toContain(`apiserver_request_duration_seconds_count{${labels}} 2`);
  });

  it("has kube-apiserver's duration buckets", async () => {
    expect(REQUEST_DURATION_BUCKETS).toEqual([
      0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
    ]);
    recordApiRequest({ verb: 'GET', subresource: '/readyz' }, 200, 0.001);
    const { body } = await renderMetrics();
    const les = [...body.matchAll(/apiserver_request_duration_seconds_bucket\{le="([^"]+)"/g)].map((m) => m[1]);
    expect(les).toEqual([...REQUEST_DURATION_BUCKETS.map(String), '+Inf']);
  });
});

describe('metricVerb (CanonicalVerb + CleanVerb)', () => {
  it.each([
    [{ method: 'GET', scope: 'resource' }, 'GET'],
    [{ method: 'GET', scope: 'namespace' }, 'LIST'],
    [{ method: 'GET', scope: 'cluster' }, 'LIST'],
    [{ method: 'HEAD', scope: 'cluster' }, 'LIST'],
    [{ method: 'GET', scope: '' }, 'GET'],
    [{ method: 'GET', scope: 'namespace', watch: 'true' }, 'WATCH'],
    [{ method: 'GET', scope: 'namespace', watch: '1' }, 'WATCH'],
    [{ method: 'GET', scope: 'namespace', watch: 'false' }, 'LIST'],
    [{ method: 'GET', scope: 'namespace', watch: '0' }, 'LIST'],
    [{ method: 'GET', scope: 'resource', legacyWatchPath: true }, 'WATCH'],
    [{ method: 'POST', scope: 'resource' }, 'POST'],
    [{ method: 'PUT', scope: 'resource' }, 'PUT'],
    [{ method: 'DELETE', scope: 'namespace' }, 'DELETE'],
    [{ method: 'PATCH', scope: 'resource', contentType: 'application/merge-patch+json' }, 'PATCH'],
    [{ method: 'PATCH', scope: 'resource', contentType: 'application/apply-patch+yaml' }, 'APPLY'],
    [{ method: 'POST', scope: 'resource', isResourceRequest: true, subresource: 'exec' }, 'CONNECT'],
    [{ method: 'GET', scope: 'resource', isResourceRequest: true, subresource: 'log' }, 'CONNECT'],
    [{ method: 'GET', scope: 'resource', isResourceRequest: true, subresource: 'status' }, 'GET'],
    [{ method: 'OPTIONS', scope: '' }, 'other'],
  ])('%j → %s', (input, verb) => {
    expect(metricVerb(input)).toBe(verb);
  });
});

describe('metricScope (CleanScope)', () => {
  it('names resource, namespace, cluster and non-resource scopes', () => {
    expect(metricScope({ name: 'x', namespace: 'ns', isResourceRequest: true })).toBe('resource');
    expect(metricScope({ verb: 'create', namespace: 'ns', isResourceRequest: true })).toBe('resource');
    expect(metricScope({ namespace: 'ns', isResourceRequest: true })).toBe('namespace');
    expect(metricScope({ isResourceRequest: true })).toBe('cluster');
    expect(metricScope({ isResourceRequest: false })).toBe('');
  });
});

describe('metricDryRun (cleanDryRun)', () => {
  it('is empty when absent, sorted and deduplicated when valid, "invalid" otherwise', () => {
    expect(metricDryRun(undefined)).toBe('');
    expect(metricDryRun([])).toBe('');
    expect(metricDryRun(['All'])).toBe('All');
    expect(metricDryRun(['All', 'All'])).toBe('All');
    expect(metricDryRun(['Nope'])).toBe('invalid');
  });
});
