export { createLogger } from './logger';
export type { Logger, LoggerOptions, LogLevel } from './logger';
export { REDACT_PATHS, REDACTED, scrubForLog, scrubString } from './redact';
export { AUDIT_ID_HEADER, existingRequestContext, httpRequestLogger, requestContext } from './http-log';
export type { HttpRequestLoggerOptions, RequestContext } from './http-log';
export { initTracing, installTestTracing } from './tracing';
export type { InitTracingOptions, TestTracing, TracingHandle } from './tracing';
export {
  extractTraceContext,
  formatTraceparent,
  injectTraceContext,
  parseTraceparent,
  TRACEPARENT,
  TRACESTATE,
} from './propagation';
export {
  APISERVER_COMPONENT,
  apiserverRequestDurationSeconds,
  apiserverRequestTotal,
  enableProcessMetrics,
  metricDryRun,
  metricScope,
  metricsRegistry,
  metricVerb,
  recordApiRequest,
  renderMetrics,
  REQUEST_DURATION_BUCKETS,
} from './metrics';
export type { ApiRequestLabels, MetricVerbInput } from './metrics';
export { serveProcess } from './serve';
export type { ServedProcess } from './serve';
