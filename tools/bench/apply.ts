// Server-side apply vs plain update (issue 3 item 10): against `portico start`, `--connections`
// closed-loop clients for `--duration` seconds each change one of 64 pre-created ConfigMaps
// (1 KiB of data, a counter that makes every write a real change), first with PUT (an
// unconditional update, application/json), then with PATCH application/apply-patch+yaml
// (fieldManager=bench, force=true), as writes/s and their ratio. Each phase is preceded by a short
// warm-up of the same requests. Nothing leaves loopback.
//
// Part of `npm run bench` (--benches apply).
import { Agent, request } from 'node:https';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type KubeconfigCredentials, readKubeconfig, startPortico } from '@portico/e2e';

export interface ApplyPhase {
  label: string;
  opsPerSec: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code (0: transport error). */
  codes: Record<string, number>;
}

export interface ApplyReport {
  connections: number;
  durationSec: number;
  objects: number;
  update: ApplyPhase;
  apply: ApplyPhase;
  /** Server-side apply writes/s ÷ PUT writes/s. */
  applyVsUpdate: number;
}

const OBJECTS = 64;
const NS = 'default';
const PREFIX = 'bench-apply';
const VALUE = 'x'.repeat(1024);

type Send = (method: string, path: string, contentType: string, body: string) => Promise<number>;

function client(creds: KubeconfigCredentials, connections: number): { send: Send; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(creds.server);
  const send: Send = (method, path, contentType, body) =>
    new Promise((resolve) => {
      const data = Buffer.from(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          ca: creds.ca,
          cert: creds.cert,
          key: creds.key,
          servername: 'localhost',
          headers: { accept: 'application/json', 'content-type': contentType, 'content-length': String(data.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(0));
      req.end(data);
    });
  return { send, close: () => agent.destroy() };
}

const itemPath = (i: number): string => `/api/v1/namespaces/${NS}/configmaps/${PREFIX}-${i}`;

function putRequest(i: number, n: number): [string, string, string, string] {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${i}`, namespace: NS }, data: { n: String(n), v: VALUE } });
  return ['PUT', itemPath(i), 'application/json', body];
}

function applyRequest(i: number, n: number): [string, string, string, string] {
  const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${PREFIX}-${i}\n  namespace: ${NS}\ndata:\n  n: "${n}"\n  v: ${VALUE}\n`;
  return ['PATCH', `${itemPath(i)}?fieldManager=bench&force=true`, 'application/apply-patch+yaml', body];
}

async function phase(
  send: Send,
  label: string,
  make: (i: number, n: number) => [string, string, string, string],
  okCode: number,
  connections: number,
  durationSec: number,
  counter: { n: number },
): Promise<ApplyPhase> {
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  const end = Date.now() + durationSec * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const n = counter.n++;
      const t = process.hrtime.bigint();
      const code = await send(...make(n % OBJECTS, n));
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      codes[code] = (codes[code] ?? 0) + 1;
      if (code === okCode) ok++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
  return { label, opsPerSec: ok / elapsed, ok, failed: latencies.length - ok, p50Ms: pct(50), p99Ms: pct(99), codes };
}

export async function benchApply(opts: { durationSec: number; connections: number }, say: (line: string) => void): Promise<ApplyReport> {
  say(`bench: apply vs update (embedded, ${opts.connections} connections, ${opts.durationSec} s per phase)…`);
  const portico = await startPortico('embedded', { env: { PORTICO_LOG_LEVEL: 'warn' } });
  const { send, close } = client(readKubeconfig(portico.kubeconfigPath), opts.connections);
  try {
    for (let i = 0; i < OBJECTS; i++) {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${i}` }, data: { n: '0', v: VALUE } });
      const code = await send('POST', `/api/v1/namespaces/${NS}/configmaps`, 'application/json', body);
      if (code !== 201) throw new Error(`creating ${PREFIX}-${i} answered ${code}`);
    }
    const counter = { n: 1 };
    const warm = Math.min(3, opts.durationSec);
    await phase(send, 'warm-up', putRequest, 200, opts.connections, warm, counter);
    const update = await phase(send, 'PUT ConfigMap (update, application/json)', putRequest, 200, opts.connections, opts.durationSec, counter);
    await phase(send, 'warm-up', applyRequest, 200, opts.connections, warm, counter);
    const apply = await phase(send, 'PATCH ConfigMap (server-side apply, application/apply-patch+yaml)', applyRequest, 200, opts.connections, opts.durationSec, counter);
    return { connections: opts.connections, durationSec: opts.durationSec, objects: OBJECTS, update, apply, applyVsUpdate: apply.opsPerSec / update.opsPerSec };
  } finally {
    close();
    await portico.stop();
  }
}

export function applyMarkdown(r: ApplyReport, fmt: (n: number | undefined, digits?: number) => string): string[] {
  return [
    `Server-side apply vs update through \`portico start\` (${r.connections} closed-loop clients, ${r.durationSec} s each, over ${r.objects} ConfigMaps of 1 KiB, every write a change):`,
    '',
    '| write | writes/s | p50 ms | p99 ms | failed |',
    '|---|---:|---:|---:|---:|',
    ...[r.update, r.apply].map((p) => `| ${p.label} | ${fmt(p.opsPerSec)} | ${fmt(p.p50Ms, 1)} | ${fmt(p.p99Ms, 1)} | ${p.failed} |`),
    '',
    `Server-side apply writes/s ÷ update writes/s = ${fmt(r.applyVsUpdate, 3)}.`,
  ];
}
