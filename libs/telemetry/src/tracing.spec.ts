import type { AddressInfo } from 'node:net';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTraceContext, injectTraceContext } from './propagation';
import { installTestTracing, type TestTracing } from './tracing';

// The SDK hooks require(), so the instrumented modules are required after installing it, the
// way the services load them (CommonJS, after initTracing).
let tracing: TestTracing;
let http: typeof import('node:http');
let express: typeof import('express');
let grpc: typeof import('@grpc/grpc-js');

const echoService = {
  review: {
    path: '/portico.test.v1.Echo/Review',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

let grpcServer: import('@grpc/grpc-js').Server;
let httpServer: import('node:http').Server;
let httpPort = 0;
const published: Record<string, string>[] = [];

beforeAll(async () => {
  tracing = installTestTracing('gateway');
  http = require('node:http');
  express = require('express');
  grpc = require('@grpc/grpc-js');

  grpcServer = new grpc.Server();
  grpcServer.addService(echoService, {
    review: (call: { request: Buffer }, cb: (err: null, res: Buffer) => void) => cb(null, call.request),
  });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  const Client = grpc.makeGenericClientConstructor(echoService, 'Echo');
  const client = new Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure()) as unknown as {
    review(req: Buffer, cb: (err: Error | null, res: Buffer) => void): void;
  };

  const app = express();
  app.get('/api/v1/namespaces/:ns/configmaps', (req, res) => {
    client.review(Buffer.from(req.params.ns), (err, out) => {
      if (err) {
        res.status(500).end();
        return;
      }
      // What storage does when it publishes a watch event on NATS.
      published.push(injectTraceContext({ 'Nats-Msg-Id': '1' }));
      res.json({ echoed: out.toString() });
    });
  });
  httpServer = http.createServer(app);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  httpPort = (httpServer.address() as AddressInfo).port;
});

afterAll(async () => {
  httpServer.closeAllConnections(); // keep-alive sockets would hold close() for 5 s
  await new Promise<void>((r) => httpServer.close(() => r()));
  grpcServer.forceShutdown();
  await tracing.shutdown();
});

describe('installTestTracing', () => {
  it('puts HTTP, express, gRPC and a NATS consumer span of one request into one trace', async () => {
    tracing.reset();
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: httpPort, path: '/api/v1/namespaces/default/configmaps' }, (res) => {
          let s = '';
          res.on('data', (c: Buffer) => (s += c.toString()));
          res.on('end', () => resolve(s));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({ echoed: 'default' });

    // The subscriber side: a span started under the extracted context joins the trace.
    const headers = published.at(-1)!;
    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const tracer = trace.getTracer('portico-test');
    context.with(extractTraceContext(headers), () => {
      tracer.startActiveSpan('portico.watch.core.configmaps receive', { kind: SpanKind.CONSUMER }, (span) => span.end());
    });

    let spans = tracing.spans();
    for (let i = 0; i < 100 && spans.filter((s) => s.kind === SpanKind.SERVER).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      spans = tracing.spans();
    }
    const scopes = new Set(spans.map((s) => s.instrumentationScope.name));
    expect(scopes).toContain('@opentelemetry/instrumentation-http');
    expect(scopes).toContain('@opentelemetry/instrumentation-express');
    expect(scopes).toContain('@opentelemetry/instrumentation-grpc');
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);

    const httpServerSpan = spans.find((s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name.endsWith('-http'));
    const grpcServerSpan = spans.find((s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name.endsWith('-grpc'));
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER);
    expect(httpServerSpan).toBeDefined();
    expect(grpcServerSpan?.name).toBe('grpc.portico.test.v1.Echo/Review');
    expect(consumer?.parentSpanContext?.spanId).toBe(headers['traceparent']!.split('-')[2]);
    expect(spans.every((s) => s.resource.attributes['service.name'] === 'gateway')).toBe(true);
  });

  it('refuses a second installation while one is running', () => {
    expect(() => installTestTracing()).toThrow(/already started/);
  });
});
