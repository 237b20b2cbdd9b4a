import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Names, labels, help texts and buckets follow k8s.io/apiserver pkg/endpoints/metrics/metrics.go,
// so dashboards and SLO queries written for kube-apiserver work unchanged.

/** One registry for the process, separate from prom-client's global one. */
export const metricsRegistry = new Registry();

/** kube-apiserver's request_duration_seconds buckets (tuned for its latency SLOs). */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

const durationLabels = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const totalLabels = [...durationLabels, 'code'] as const;

export const apiserverRequestTotal = new Counter({
  name: 'apiserver_request_total',
  help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
  labelNames: totalLabels,
  registers: [metricsRegistry],
});

export const apiserverRequestDurationSeconds = new Histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
  labelNames: durationLabels,
  buckets: [...REQUEST_DURATION_BUCKETS],
  registers: [metricsRegistry],
});

/** kube-apiserver's `component` label value for requests it serves itself. */
export const APISERVER_COMPONENT = 'apiserver';

export interface ApiRequestLabels {
  /** The reported verb: use `metricVerb` to derive it the way kube-apiserver does. */
  verb: string;
  /** `metricDryRun` of the dryRun query values; '' when absent. */
  dryRun?: string;
  group?: string;
  version?: string;
  resource?: string;
  /** The subresource; for non-resource requests kube-apiserver puts the path here (e.g. "/readyz"). */
  subresource?: string;
  /** `metricScope`: resource, namespace, cluster or ''. */
  scope?: string;
  component?: string;
}

/** Records one finished request in both metrics. */
export function recordApiRequest(labels: ApiRequestLabels, code: number, durationSeconds: number): void {
  const l = {
    verb: labels.verb,
    dry_run: labels.dryRun ?? '',
    group: labels.group ?? '',
    version: labels.version ?? '',
    resource: labels.resource ?? '',
    subresource: labels.subresource ?? '',
    scope: labels.scope ?? '',
    component: labels.component ?? APISERVER_COMPONENT,
  };
  apiserverRequestTotal.inc({ ...l, code: String(code) });
  apiserverRequestDurationSeconds.observe(l, durationSeconds);
}

/** CleanScope: "resource" for a named object or a create, else "namespace", "cluster", or ''. */
export function metricScope(info: { name?: string; namespace?: string; verb?: string; isResourceRequest: boolean }): string {
  if (info.name || info.verb === 'create') return 'resource';
  if (info.namespace) return 'namespace';
  if (info.isResourceRequest) return 'cluster';
  return '';
}

const VALID_VERBS = new Set([
  'APPLY',
  'CONNECT',
  'CREATE',
  'DELETE',
  'DELETECOLLECTION',
  'GET',
  'LIST',
  'PATCH',
  'POST',
  'PROXY',
  'PUT',
  'UPDATE',
  'WATCH',
  'WATCHLIST',
]);
const CONNECT_SUBRESOURCES = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);

export interface MetricVerbInput {
  /** HTTP method. */
  method: string;
  /** `metricScope` of the request. */
  scope: string;
  /** First value of the `watch` query parameter, if present. */
  watch?: string;
  /** True for the legacy /api/v1/watch/... paths, which are watches whatever the query says. */
  legacyWatchPath?: boolean;
  /** The Content-Type header as sent. */
  contentType?: string;
  isResourceRequest?: boolean;
  subresource?: string;
}

/**
 * The verb label as kube-apiserver reports it (CanonicalVerb + CleanVerb + cleanVerb): GET on a
 * collection is LIST, a watch is WATCH, an apply patch is APPLY, connect subresources are CONNECT,
 * POST stays POST, and anything unknown becomes "other".
 */
export function metricVerb(input: MetricVerbInput): string {
  if (input.legacyWatchPath) return 'WATCH';
  const method = input.method.toUpperCase();
  let verb = method;
  if (method === 'GET' || method === 'HEAD') verb = input.scope !== 'resource' && input.scope !== '' ? 'LIST' : 'GET';
  if ((method === 'GET' || method === 'LIST') && input.watch !== undefined) {
    const w = input.watch.toLowerCase();
    if (w !== '0' && w !== 'false') verb = 'WATCH';
  }
  if (verb === 'WATCHLIST') verb = 'WATCH';
  if (verb === 'PATCH' && input.contentType === 'application/apply-patch+yaml') verb = 'APPLY';
  if (input.isResourceRequest && input.subresource && CONNECT_SUBRESOURCES.has(input.subresource)) verb = 'CONNECT';
  return VALID_VERBS.has(verb) ? verb : 'other';
}

/** cleanDryRun: '' when absent, "invalid" for values other than All, else sorted unique values joined by ','. */
export function metricDryRun(values: readonly string[] | undefined): string {
  if (!values || values.length === 0) return '';
  if (values.some((v) => v !== 'All')) return 'invalid';
  return [...new Set(values)].sort().join(',');
}

let defaultMetricsOn = false;

/** Adds prom-client's process_* and nodejs_* metrics (kube-apiserver exposes process_* too). */
export function enableProcessMetrics(): void {
  if (defaultMetricsOn) return;
  defaultMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The body of GET /metrics in Prometheus text format. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
