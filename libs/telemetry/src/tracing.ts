import { context, propagation, trace } from '@opentelemetry/api';
import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { InMemorySpanExporter, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

// The SDK and instrumentations are loaded with require() only when tracing is switched on: they
// cost about a second of start-up, and every service imports this library for its logger.
// Instrumentations hook require(), so initTracing must run before express or @grpc/grpc-js is
// loaded (first statement of a main, or `node -r`), and the services stay CommonJS.

export interface TracingHandle {
  /** False when tracing is off (no OTLP endpoint configured): shutdown() is then a no-op. */
  readonly enabled: boolean;
  /** Flushes pending spans and unregisters the global tracer provider. Idempotent. */
  shutdown(): Promise<void>;
}

export interface InitTracingOptions {
  /** Environment to read OTEL_* from (defaults to process.env). */
  env?: Record<string, string | undefined>;
}

const PROBE_PATHS = /^\/(livez|readyz|healthz|metrics)(\/|\?|$)/;

let active: { sdk: NodeSDK; handle: TracingHandle } | undefined;

function instrumentations(): NodeSDKConfiguration['instrumentations'] {
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof import('@opentelemetry/instrumentation-grpc');
  return [
    new HttpInstrumentation({
      // Probes and scrapes would otherwise be most of the traces.
      ignoreIncomingRequestHook: (req) => PROBE_PATHS.test(req.url ?? ''),
    }),
    new ExpressInstrumentation(),
    new GrpcInstrumentation(),
  ];
}

function start(serviceName: string, exporter: { traceExporter: SpanExporter } | { testExporter: InMemorySpanExporter }): TracingHandle {
  if (active) return active.handle;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: instrumentations(),
    // Without these NodeSDK also starts OTLP metric and log exporters (to localhost:4318 by
    // default); metrics are served by prom-client on /metrics and logs go through pino.
    metricReaders: [],
    logRecordProcessors: [],
    // Spans go out in batches in production; tests want each span visible as soon as it ends.
    ...('traceExporter' in exporter
      ? { traceExporter: exporter.traceExporter }
      : { spanProcessors: [new SimpleSpanProcessor(exporter.testExporter)] }),
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  const handle: TracingHandle = {
    enabled: true,
    shutdown: () => {
      stopped ??= sdk.shutdown().finally(() => {
        // Lets a later initTracing in the same process (tests) register its own provider.
        trace.disable();
        context.disable();
        propagation.disable();
        if (active?.handle === handle) active = undefined;
      });
      return stopped;
    },
  };
  active = { sdk, handle };
  return handle;
}

/**
 * Starts OpenTelemetry tracing (NodeSDK with http, express and grpc instrumentations, OTLP over
 * HTTP) when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the
 * exporter reads the standard OTEL_EXPORTER_OTLP_* variables. Otherwise does nothing. Call it
 * before express and @grpc/grpc-js are required. A second call returns the running handle.
 */
export function initTracing(serviceName: string, options: InitTracingOptions = {}): TracingHandle {
  const env = options.env ?? process.env;
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT'] && !env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    return active?.handle ?? { enabled: false, shutdown: async () => undefined };
  }
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  return start(serviceName, { traceExporter: new OTLPTraceExporter() });
}

export interface TestTracing extends TracingHandle {
  readonly exporter: InMemorySpanExporter;
  /** Spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans collected so far. */
  reset(): void;
}

/**
 * For tests: the same SDK and instrumentations as initTracing, exporting synchronously into an
 * InMemorySpanExporter, whatever the environment says. Shut it down in afterAll; like
 * initTracing, install it before requiring express or @grpc/grpc-js.
 */
export function installTestTracing(serviceName = 'test'): TestTracing {
  if (active) throw new Error('tracing is already started in this process; shut it down first');
  const { InMemorySpanExporter: Exporter } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const exporter = new Exporter();
  const handle = start(serviceName, { testExporter: exporter });
  return {
    enabled: true,
    exporter,
    shutdown: () => handle.shutdown(),
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
}
