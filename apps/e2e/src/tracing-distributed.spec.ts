// Issue 2 item 8: one OpenTelemetry trace per request across gateway → auth → admission → storage,
// in the distributed shape (each service its own process, context carried in gRPC metadata),
// exported over OTLP/HTTP because OTEL_EXPORTER_OTLP_ENDPOINT is set. The collector is a loopback
// node:http server in this test; start-distributed's services inherit its environment.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, readKubeconfig, type KubeconfigCredentials } from './support/https';
import { startPortico, type Portico } from './support/portico';
import { uniqueSuffix } from './support/status';

/** One span as the collector saw it, with the service.name of the resource that sent it. */
interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}

// The OTLP JSON mapping (what @opentelemetry/exporter-trace-otlp-http 0.223 posts, with
// Content-Type application/json): ids are hex strings, attribute values are AnyValue objects.
interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      spans?: { traceId?: string; spanId?: string; parentSpanId?: string; name?: string; kind?: number; attributes?: OtlpKeyValue[] }[];
    }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;

function anyValue(v: OtlpAnyValue | undefined): unknown {
  if (v === undefined) return undefined;
  return v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
}

function attributes(kvs: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

/** The JSON mapping says hex; the protobuf-JSON default would be base64. Accept either. */
function hexId(id: string | undefined): string {
  if (!id) return '';
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

function decodeExport(body: Buffer): CollectedSpan[] {
  const parsed = JSON.parse(body.toString('utf8')) as OtlpExport;
  const out: CollectedSpan[] = [];
  for (const rs of parsed.resourceSpans ?? []) {
    const service = String(attributes(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          service,
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: hexId(s.parentSpanId),
          name: s.name ?? '',
          kind: s.kind ?? 0,
          attributes: attributes(s.attributes),
        });
      }
    }
  }
  return out;
}

const spans: CollectedSpan[] = [];
const rejected: string[] = [];
let collector: Server;
let portico: Portico | undefined;
let creds: KubeconfigCredentials;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  collector = createServer((req, res) => {
    void readBody(req).then((raw) => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const type = String(req.headers['content-type'] ?? '');
        if (!type.startsWith('application/json')) throw new Error(`unexpected content-type ${type}`);
        spans.push(...decodeExport(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (e) {
        rejected.push(e instanceof Error ? e.message : String(e));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  portico = await startPortico('distributed', {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      // A short batch delay so that the spans arrive within the test's polling window.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  creds = readKubeconfig(portico.kubeconfigPath);
  // Like kube-apiserver, Portico serves before its post-start hooks (the system namespaces) are
  // done, and /readyz says when they are.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await rawRequest(creds, { method: 'GET', path: '/readyz', timeoutMs: 5_000 }).catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`/readyz not ok within 60 s: ${r?.status} ${r?.body.toString('utf8')}`);
    await new Promise((res) => setTimeout(res, 200));
  }
});

afterAll(async () => {
  await portico?.stop();
  await new Promise<void>((r) => collector.close(() => r()));
});

/** The span the gateway's HTTP server opened for `path` (attribute names differ between semconv versions). */
function isServerSpanFor(s: CollectedSpan, method: string, path: string): boolean {
  if (s.service !== 'gateway' || s.kind !== SERVER) return false;
  const values = Object.values(s.attributes).map(String);
  return values.includes(method) && values.some((v) => v.includes(path));
}

describe('distributed: tracing', () => {
  it('a ConfigMap create is one trace through gateway, auth, admission and storage', async () => {
    const name = `traced-${uniqueSuffix()}`;
    const path = '/api/v1/namespaces/default/configmaps';
    const res = await rawRequest(creds, {
      method: 'POST',
      path,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } }),
    });
    expect(res.status, res.body.toString('utf8')).toBe(201);

    // The hops the create must take: every one a gRPC server span in the callee whose parent is
    // the caller's client span for the same method, in the same trace as the gateway's HTTP
    // server span. That is the context crossing each process boundary in gRPC metadata.
    const hops: { from: string; to: string; method: RegExp }[] = [
      { from: 'gateway', to: 'auth', method: /^grpc\.portico\.auth\.v1\.AuthService\/Authorize$/ },
      { from: 'gateway', to: 'admission', method: /^grpc\.portico\.admission\.v1\.AdmissionService\/Admit$/ },
      { from: 'gateway', to: 'storage', method: /^grpc\.portico\.storage\.v1\.StorageService\/Create$/ },
      // NamespaceLifecycle reads the namespace from storage inside Admit.
      { from: 'admission', to: 'storage', method: /^grpc\.portico\.storage\.v1\.StorageService\// },
    ];
    const hopFound = (trace: CollectedSpan[], hop: (typeof hops)[number]): boolean =>
      trace.some(
        (callee) =>
          callee.service === hop.to &&
          callee.kind === SERVER &&
          hop.method.test(callee.name) &&
          trace.some((caller) => caller.spanId === callee.parentSpanId && caller.service === hop.from && caller.kind === CLIENT && caller.name === callee.name),
      );

    // Each service exports in batches on its own schedule: poll until every part has arrived.
    let traceId = '';
    let inTrace: CollectedSpan[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const root = spans.find((s) => isServerSpanFor(s, 'POST', path));
      if (root) {
        traceId = root.traceId;
        inTrace = spans.filter((s) => s.traceId === traceId);
        if (hops.every((h) => hopFound(inTrace, h))) break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const summary = (): string =>
      `collector rejected: ${JSON.stringify(rejected)}\nspans of trace ${traceId || '(none)'}:\n${inTrace
        .map((s) => `  ${s.service} ${s.spanId}<-${s.parentSpanId || 'root'} kind=${s.kind} ${s.name}`)
        .join('\n')}\nall spans: ${spans.length}`;
    expect(rejected, summary()).toEqual([]);
    expect(traceId, `no gateway server span for POST ${path}\n${summary()}`).toMatch(/^[0-9a-f]{32}$/);

    // The request came without a traceparent: the gateway's server span is the root.
    const root = inTrace.find((s) => isServerSpanFor(s, 'POST', path));
    expect(root?.parentSpanId, summary()).toBe('');
    for (const hop of hops) expect(hopFound(inTrace, hop), `${hop.from} → ${hop.to} ${hop.method}\n${summary()}`).toBe(true);
    // No span of the trace is orphaned: every parent was exported in the same trace.
    const ids = new Set(inTrace.map((s) => s.spanId));
    for (const s of inTrace) if (s.parentSpanId !== '') expect(ids.has(s.parentSpanId), `${s.service} ${s.name}\n${summary()}`).toBe(true);
    // Every service, identified by its service.name resource attribute, took part.
    expect(new Set(inTrace.map((s) => s.service))).toEqual(new Set(['gateway', 'auth', 'admission', 'storage']));
    // And storage's etcd transaction for the create is in it too (etcd3 speaks gRPC as well).
    expect(inTrace.some((s) => s.service === 'storage' && s.kind === CLIENT && s.name === 'grpc.etcdserverpb.KV/Txn'), summary()).toBe(true);
  });
});
