import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTracing } from './tracing';

// A stand-in OTLP/HTTP collector on loopback that records what the exporter posts.
const received: { path: string; contentType: string; body: string }[] = [];
let collector: Server;
let endpoint = '';

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => collector.close(() => r()));
});

describe('initTracing', () => {
  it('does nothing without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const handle = initTracing('storage', { env: {} });
    expect(handle.enabled).toBe(false);
    await handle.shutdown();
  });

  it('exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, flushing on shutdown', async () => {
    const saved = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = endpoint;
    try {
      const handle = initTracing('storage');
      expect(handle.enabled).toBe(true);
      expect(initTracing('storage')).toBe(handle);
      trace.getTracer('portico').startActiveSpan('etcd txn', (span) => span.end());
      await handle.shutdown();
      await handle.shutdown();
    } finally {
      if (saved === undefined) delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
      else process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = saved;
    }
    const exported = received.filter((r) => r.path === '/v1/traces');
    expect(exported.length).toBeGreaterThan(0);
    const all = exported.map((r) => r.body).join('');
    expect(all).toContain('etcd txn');
    expect(all).toContain('storage');
  });
});
