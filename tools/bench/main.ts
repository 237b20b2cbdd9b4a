// `npm run bench`: Portico's write and read throughput as ratios against baselines measured in
// the same run on the same machine (raw etcd through etcd3, raw node:http), so figures from
// different machines compare; then watch (watch.ts): 1,000 watchers over two gateways of the
// distributed shape under 100 writes/s, against one etcd watch per watcher through etcd3. Starts
// its own etcd and NATS on free loopback ports in a temp dir, and Portico in both shapes; every
// loop is bounded in count and in time; nothing leaves loopback.
//
//   npm run bench [-- --duration 10 --connections 64 --shapes embedded,distributed --benches throughput,watch,admission,auth,codec,apply,crds
//                     --watchers 1000 --watch-rate 100 --watch-duration 20 --ramp-step 3 --watch-baseline 5]
//
// Then admission (admission.ts): creates/s with two webhooks and with a ValidatingAdmissionPolicy vs none.
// Then auth (auth.ts): RBAC decisions/s, and creates/s with a ServiceAccount token vs the admin certificate.
// Last, codec (codec.ts): protobuf vs JSON decoding of a Deployment body, in process; and apply
// (apply.ts): server-side apply vs PUT writes/s on ConfigMaps through `portico start`; and crds
// (crds.ts): custom-resource creates/s vs ConfigMap creates/s, and the cost of CEL validation rules.
//
// Writes .bench/bench-<time>.json and .bench/latest.json and prints a markdown block for the README.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type KubeconfigCredentials, type Portico, readKubeconfig, type Shape, startPortico, WORKSPACE_ROOT } from '@portico/e2e';
import { ensureServerBinaries, startEtcd, startNats } from '../test/servers.mjs';
import { admissionMarkdown, benchAdmission, type AdmissionReport } from './admission';
import { applyMarkdown, benchApply, type ApplyReport } from './apply';
import { authMarkdown, benchAuth, type AuthReport } from './auth';
import { benchCodec, codecMarkdown, type CodecReport } from './codec';
import { benchCrds, crdsMarkdown, type CrdReport } from './crds';
import { percentile } from './https-load';
import { benchWatch, type LatencyFigures, type WatchArgs, type WatchReport } from './watch';

// autocannon ships no types; this is the part of its API used here.
interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: CannonRequest[];
  servername?: string;
  tlsOptions?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}
interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; average: number };
}
interface CannonTracker {
  on(event: 'response', fn: () => void): void;
  stop(): void;
}
type Autocannon = (opts: CannonOptions, cb: (err: Error | null, res: CannonResult) => void) => CannonTracker;
const autocannon = require('autocannon') as Autocannon;

type Bench = 'throughput' | 'watch' | 'admission' | 'auth' | 'codec' | 'apply' | 'crds';
const BENCHES: readonly Bench[] = ['throughput', 'watch', 'admission', 'auth', 'codec', 'apply', 'crds'];

interface Args {
  durationSec: number;
  connections: number;
  shapes: Shape[];
  benches: Bench[];
  watch: WatchArgs;
}

const KNOWN_ARGS =
  '--duration <s>, --connections <n>, --shapes embedded,distributed, --benches throughput,watch,admission,auth,codec,apply,crds, ' +
  '--watchers <n>, --watch-rate <writes/s>, --watch-duration <s>, --ramp-step <s, 0: no ramp>, --watch-baseline <s, 0: none>';

function parseArgs(argv: string[]): Args {
  const args: Args = {
    durationSec: 10,
    connections: 64,
    shapes: ['embedded', 'distributed'],
    benches: [...BENCHES],
    // 1,000 watchers over two gateways at 100 writes/s, sized to take about a minute on 2 cores;
    // issue 4's figures are `--watch-duration 30`.
    watch: { watchers: 1000, rate: 100, durationSec: 20, rampStepSec: 3, baselineSec: 5 },
  };
  const num = (v: string, lo: number, hi: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`not a number: ${v} (known: ${KNOWN_ARGS})`);
    return Math.min(hi, Math.max(lo, n));
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2);
    const value = (): string => inline ?? argv[++i] ?? '';
    if (flag === '--duration') args.durationSec = num(value(), 1, 120);
    else if (flag === '--connections') args.connections = num(value(), 1, 512);
    else if (flag === '--shapes') args.shapes = value().split(',').filter((s): s is Shape => s === 'embedded' || s === 'distributed');
    else if (flag === '--benches') args.benches = value().split(',').filter((s): s is Bench => (BENCHES as readonly string[]).includes(s));
    else if (flag === '--watchers') args.watch.watchers = num(value(), 2, 20_000);
    else if (flag === '--watch-rate') args.watch.rate = num(value(), 1, 5_000);
    else if (flag === '--watch-duration') args.watch.durationSec = num(value(), 1, 600);
    else if (flag === '--ramp-step') args.watch.rampStepSec = num(value(), 0, 60);
    else if (flag === '--watch-baseline') args.watch.baselineSec = num(value(), 0, 600);
    else throw new Error(`unknown argument ${argv[i]} (known: ${KNOWN_ARGS})`);
  }
  return args;
}

export interface Measurement {
  what: string;
  opsPerSec: number;
  ok: number;
  failed: number;
  durationSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code, for HTTP measurements. */
  codes?: Record<string, number>;
}

const VALUE_1KIB = 'x'.repeat(1024);
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/** Puts of 1 KiB values over 1000 keys with `inFlight` workers, until the deadline or the cap. */
async function benchEtcdPuts(endpoint: string, inFlight: number, durationSec: number): Promise<Measurement> {
  const client = new Etcd3({ hosts: endpoint });
  const value = Buffer.alloc(1024, 0x61);
  const cap = 2_000_000;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let issued = 0;
  try {
    await client.put('/bench/warmup').value('1');
    const start = performance.now();
    const deadline = start + durationSec * 1000;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline && issued < cap) {
        const i = issued++;
        const t0 = performance.now();
        try {
          // A put that hangs must not hold the run past its deadline.
          await Promise.race([
            client.put(`/bench/k/${i % 1000}`).value(value),
            new Promise((_, reject) => setTimeout(() => reject(new Error('put timed out')), 10_000).unref()),
          ]);
          ok++;
          if (latencies.length < cap) latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    await client.delete().prefix('/bench/');
    return {
      what: `raw etcd put (etcd3, ${inFlight} in flight, 1 KiB)`,
      opsPerSec: ok / elapsed,
      ok,
      failed,
      durationSec: elapsed,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    client.close();
  }
}

/** One autocannon run, bounded in time (its duration) and in count (`maxRequests` responses). */
function cannon(opts: CannonOptions, maxRequests = 1_000_000): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    let responses = 0;
    // autocannon ignores `duration` when `amount` is set, so the count bound is enforced here.
    const tracker = autocannon(opts, (err, res) => {
      clearTimeout(guard);
      if (err) reject(err);
      else resolve(res);
    });
    tracker.on('response', () => {
      if (++responses === maxRequests) tracker.stop();
    });
    // autocannon stops itself after `duration`; this only guards against it never reporting.
    const guard = setTimeout(() => tracker.stop(), (opts.duration + 30) * 1000);
  });
}

function fromCannon(what: string, r: CannonResult): Measurement {
  const ok = r['2xx'];
  return {
    what,
    opsPerSec: ok / r.duration,
    ok,
    failed: r.non2xx + r.errors,
    durationSec: r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    codes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
  };
}

// A node:http server that answers like a create: 201 with the JSON it was sent. In its own
// process, as Portico is, so that the load generator does not share its event loop.
const ECHO_SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const b = Buffer.concat(chunks);
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'content-length': b.length });
    res.end(b);
  });
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
`;

async function benchNodeHttp(connections: number, durationSec: number): Promise<Measurement> {
  const child: ChildProcess = spawn(process.execPath, ['-e', ECHO_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node:http baseline did not start')), 10_000);
      child.stdout?.once('data', (c: Buffer) => {
        clearTimeout(timer);
        resolve(Number(c.toString().trim()));
      });
      child.once('exit', () => reject(new Error('node:http baseline exited')));
    });
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench' }, data: { v: VALUE_1KIB } });
    const opts: CannonOptions = {
      url: `http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps`,
      connections,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duration: 2,
    };
    await cannon(opts); // warm-up
    return fromCannon(`raw node:http POST echo (${connections} connections, 1 KiB)`, await cannon({ ...opts, duration: durationSec }));
  } finally {
    child.kill('SIGTERM');
  }
}

function httpsJson(creds: KubeconfigCredentials, method: string, path: string, body?: unknown): Promise<number> {
  const url = new URL(path, creds.server);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        ca: creds.ca,
        cert: creds.cert,
        key: creds.key,
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function benchPortico(portico: Portico, connections: number, durationSec: number): Promise<{ create: Measurement; get: Measurement }> {
  const creds = readKubeconfig(portico.kubeconfigPath);
  const base = new URL(creds.server);
  const tls = { ca: creds.ca, cert: creds.cert, key: creds.key };
  const collection = '/api/v1/namespaces/default/configmaps';
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  let n = 0;
  const createRequest = (prefix: string): CannonRequest => ({
    method: 'POST',
    path: collection,
    headers,
    setupRequest: (req) => ({
      ...req,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${n++}` }, data: { v: VALUE_1KIB } }),
    }),
  });
  const common = { url: base.origin, connections, servername: 'localhost', tlsOptions: tls, timeout: 30 };

  await cannon({ ...common, connections: Math.min(8, connections), duration: 3, requests: [createRequest(`bench-warm-${portico.shape}`)] }, 5_000);
  const create = fromCannon(
    `Portico ${portico.shape}: create ConfigMap (${connections} connections, 1 KiB)`,
    await cannon({ ...common, duration: durationSec, requests: [createRequest(`bench-${portico.shape}`)] }, 200_000),
  );

  const name = `bench-get-${portico.shape}`;
  const code = await httpsJson(creds, 'POST', collection, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: VALUE_1KIB } });
  if (code !== 201) throw new Error(`creating ${name} answered ${code}`);
  const get = fromCannon(
    `Portico ${portico.shape}: GET ConfigMap (${connections} connections)`,
    await cannon({
      ...common,
      duration: Math.max(1, Math.round(durationSec / 2)),
      requests: [{ method: 'GET', path: `${collection}/${name}`, headers: { accept: 'application/json' } }],
    }),
  );
  return { create, get };
}

interface ShapeResult {
  create?: Measurement;
  get?: Measurement;
  createVsEtcd?: number;
  createVsNodeHttp?: number;
  error?: string;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  settings: Args;
  baselines?: { etcdPut: Measurement; nodeHttp: Measurement };
  portico: Partial<Record<Shape, ShapeResult>>;
  watch?: WatchReport;
  admission?: AdmissionReport;
  auth?: AuthReport;
  codec?: CodecReport;
  apply?: ApplyReport;
  crds?: CrdReport;
}

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function throughputMarkdown(r: BenchReport, baselines: NonNullable<BenchReport['baselines']>): string[] {
  const lines = [
    `Measured by \`npm run bench\` on ${r.date.slice(0, 10)}: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ` +
      `${r.settings.connections} concurrent clients, ${r.settings.durationSec} s per write measurement, loopback only. ` +
      `Ratios are against baselines measured in the same run.`,
    '',
    '| measurement | ops/s | p50 ms | p99 ms | failed | ÷ raw etcd put | ÷ raw node:http |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const row = (m: Measurement, vsEtcd?: number, vsHttp?: number): string =>
    `| ${m.what} | ${fmt(m.opsPerSec)} | ${fmt(m.p50Ms, 1)} | ${fmt(m.p99Ms, 1)} | ${m.failed} | ${vsEtcd === undefined ? '' : fmt(vsEtcd, 3)} | ${vsHttp === undefined ? '' : fmt(vsHttp, 3)} |`;
  lines.push(row(baselines.etcdPut), row(baselines.nodeHttp));
  for (const shape of r.settings.shapes) {
    const s = r.portico[shape];
    if (!s || s.error) {
      lines.push(`| Portico ${shape} | not measured: ${(s?.error ?? 'skipped').split('\n')[0]?.slice(0, 120)} | | | | | |`);
      continue;
    }
    if (s.create) lines.push(row(s.create, s.createVsEtcd, s.createVsNodeHttp));
    if (s.get) lines.push(row(s.get, s.get.opsPerSec / baselines.etcdPut.opsPerSec, s.get.opsPerSec / baselines.nodeHttp.opsPerSec));
  }
  return lines;
}

function watchMarkdown(r: BenchReport, w: WatchReport): string[] {
  const a = w.settings;
  const lines = [
    `Watch, measured by \`npm run bench\` on ${r.date.slice(0, 10)} (${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, loopback): ` +
      `${fmt(a.watchers)} watchers on one resource (ConfigMaps in one namespace), half on each of two gateways (distributed shape, ` +
      `NATS), ${fmt(a.rate)} writes/s (unconditional PUTs through the gateways) for ${a.durationSec} s. Latency over every delivery: ` +
      `from the write's acknowledgement to the watcher's receipt (0 when the event arrived first), and from the commit (when a ` +
      `direct etcd watch in the writer saw the revision) to the receipt. The baseline: the same watchers as one etcd watch each ` +
      `through etcd3, ${fmt(a.rate)} puts/s for ${a.baselineSec} s straight into etcd.`,
    '',
    '| watch measurement | writes/s | deliveries | lost | p50 / p99 ms from ack | p50 / p99 ms from commit | write p50 / p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const pair = (x: number | undefined, y: number | undefined): string => (x === undefined ? '' : `${fmt(x, 1)} / ${fmt(y, 1)}`);
  const row = (what: string, f: LatencyFigures): string =>
    `| ${what} | ${fmt(f.writesPerSec)} | ${fmt(f.delivered)} | ${f.lost} | ${pair(f.p50Ms, f.p99Ms)} | ${pair(f.fromCommitP50Ms, f.fromCommitP99Ms)} | ${pair(f.writeP50Ms, f.writeP99Ms)} |`;
  if (w.portico) lines.push(row(`Portico, ${fmt(a.watchers)} watchers over 2 gateways (writes through the gateways)`, w.portico));
  else lines.push(`| Portico | not measured: ${(w.error ?? 'skipped').split('\n')[0]?.slice(0, 120)} | | | | | |`);
  if (w.etcd) lines.push(row(`raw etcd, ${fmt(a.watchers)} watches through etcd3 (puts straight into etcd)`, w.etcd));
  if (w.portico) {
    const p = w.portico;
    lines.push('');
    lines.push(
      `Gateway memory per watcher: ${fmt(p.memoryPerWatcherKiB, 1)} KiB (RSS of both gateways ${p.gatewayRssMiB.before.map((m) => fmt(m)).join(' + ')} MiB idle → ` +
        `${p.gatewayRssMiB.after.map((m) => fmt(m)).join(' + ')} MiB with every watcher connected). Streams ended by a gateway and resumed: ${p.resumed}.`,
    );
    lines.push(
      `Where the cores went during the steady phase (1 = one core): ${Object.entries(p.cpu)
        .map(([k, v]) => `${k} ${fmt(v, 2)}`)
        .join(', ')}.`,
    );
    if (p.ceiling) {
      lines.push(
        `Ceiling: ${fmt(p.ceiling.eventsPerSec)} events/s on the resource (${fmt(p.ceiling.deliveriesPerSec)} deliveries/s) with every watcher keeping up ` +
          `(p99 from the put's acknowledgement ≤ 1 s, nothing missing 5 s later), ${p.ceiling.bound}; writes straight into etcd, ` +
          `${a.rampStepSec} s per step, doubling from a quarter of the steady rate, then halfway between the last two: ` +
          p.ceiling.steps.map((s) => `${fmt(s.writesPerSec)}/s → p99 ${fmt(s.p99Ms)} ms${s.lost > 0 ? `, ${fmt(s.lost)} late` : ''}`).join('; ') +
          '.',
      );
    }
  }
  return lines;
}

function markdown(r: BenchReport): string {
  const parts: string[][] = [];
  if (r.baselines) parts.push(throughputMarkdown(r, r.baselines));
  if (r.watch) parts.push(watchMarkdown(r, r.watch));
  if (r.admission) parts.push(admissionMarkdown(r.admission));
  if (r.auth) parts.push(authMarkdown(r.auth));
  if (r.codec) parts.push(codecMarkdown(r.codec, fmt));
  if (r.apply) parts.push(applyMarkdown(r.apply, fmt));
  if (r.crds) parts.push(crdsMarkdown(r.crds, fmt));
  return parts.map((p) => p.join('\n')).join('\n\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const bins = ensureServerBinaries({ log: say });
  const tmp = mkdtempSync(join(tmpdir(), 'portico-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    say(`bench: ${sig}, stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);

  try {
    const [etcd, nats] = await Promise.all([
      startEtcd({ bin: bins.etcd, dir: join(tmp, 'etcd') }),
      startNats({ bin: bins.nats, dir: join(tmp, 'nats') }),
    ]);
    cleanups.push(etcd.stop, nats.stop);
    // The distributed shape reads these (startPortico takes them from the environment).
    process.env['PORTICO_TEST_ETCD'] = etcd.url;
    process.env['PORTICO_TEST_NATS'] = nats.url;
    say(`bench: etcd ${etcd.url}, nats ${nats.url}, ${args.connections} connections, ${args.durationSec} s`);

    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${process.platform}/${process.arch}` },
      settings: args,
      portico: {},
    };

    if (args.benches.includes('throughput')) {
      say('bench: raw etcd puts…');
      const etcdPut = await benchEtcdPuts(etcd.url, args.connections, args.durationSec);
      say('bench: raw node:http…');
      const nodeHttp = await benchNodeHttp(args.connections, args.durationSec);
      report.baselines = { etcdPut, nodeHttp };

      for (const shape of args.shapes) {
        say(`bench: Portico ${shape}…`);
        let portico: Portico | undefined;
        try {
          portico = await startPortico(shape, { env: { PORTICO_LOG_LEVEL: 'warn' } });
          const p = portico;
          cleanups.push(() => p.stop());
          const { create, get } = await benchPortico(portico, args.connections, args.durationSec);
          report.portico[shape] = {
            create,
            get,
            createVsEtcd: create.opsPerSec / etcdPut.opsPerSec,
            createVsNodeHttp: create.opsPerSec / nodeHttp.opsPerSec,
          };
        } catch (e) {
          report.portico[shape] = { error: e instanceof Error ? e.message : String(e) };
          say(`bench: Portico ${shape} not measured: ${report.portico[shape]?.error}`);
        } finally {
          await portico?.stop();
        }
      }

      say('');
      say(
        [
          'measurement'.padEnd(62),
          'ops/s'.padStart(10),
          'p50 ms'.padStart(8),
          'p99 ms'.padStart(8),
          'failed'.padStart(8),
        ].join(' '),
      );
      const all = [etcdPut, nodeHttp, ...args.shapes.flatMap((s) => [report.portico[s]?.create, report.portico[s]?.get])].filter(
        (m): m is Measurement => m !== undefined,
      );
      for (const m of all) {
        say([m.what.padEnd(62), fmt(m.opsPerSec).padStart(10), fmt(m.p50Ms, 1).padStart(8), fmt(m.p99Ms, 1).padStart(8), String(m.failed).padStart(8)].join(' '));
      }
      say('');
      for (const shape of args.shapes) {
        const s = report.portico[shape];
        if (s?.createVsEtcd !== undefined) {
          say(`ratio ${shape}: creates/s ÷ raw etcd puts/s = ${fmt(s.createVsEtcd, 3)}; ÷ raw node:http req/s = ${fmt(s.createVsNodeHttp, 3)}`);
        }
      }
    }

    if (args.benches.includes('watch')) {
      say(`bench: watch (${args.watch.watchers} watchers, ${args.watch.rate} writes/s for ${args.watch.durationSec} s)…`);
      report.watch = await benchWatch({ etcdUrl: etcd.url, etcdPid: etcd.pid, natsUrl: nats.url, natsPid: nats.pid }, tmp, args.watch, say);
      const w = report.watch;
      say('');
      say(['watch measurement (latency from ack)'.padEnd(62), 'writes/s'.padStart(10), 'lost'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8)].join(' '));
      const line = (what: string, f: LatencyFigures): void =>
        say([what.padEnd(62), fmt(f.writesPerSec).padStart(10), String(f.lost).padStart(8), fmt(f.p50Ms, 1).padStart(8), fmt(f.p99Ms, 1).padStart(8)].join(' '));
      if (w.portico) line(`Portico: ${args.watch.watchers} watchers over 2 gateways`, w.portico);
      if (w.etcd) line(`raw etcd: ${args.watch.watchers} watches through etcd3`, w.etcd);
      if (w.portico) {
        say(`Portico from commit: p50 ${fmt(w.portico.fromCommitP50Ms, 1)} ms, p99 ${fmt(w.portico.fromCommitP99Ms, 1)} ms; writes: p50 ${fmt(w.portico.writeP50Ms, 1)} ms, p99 ${fmt(w.portico.writeP99Ms, 1)} ms`);
        say(`gateway memory per watcher: ${fmt(w.portico.memoryPerWatcherKiB, 1)} KiB; streams resumed: ${w.portico.resumed}`);
        say(`CPU during the steady phase (cores): ${Object.entries(w.portico.cpu).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')}`);
        if (w.portico.ceiling) say(`ceiling: ${fmt(w.portico.ceiling.eventsPerSec)} events/s (${fmt(w.portico.ceiling.deliveriesPerSec)} deliveries/s), ${w.portico.ceiling.bound}`);
        if (w.portico.errors.length > 0) say(`watch client errors: ${w.portico.errors.join('; ')}`);
      }
    }

    if (args.benches.includes('admission')) {
      // Issue 6: creates/s with webhooks and with a ValidatingAdmissionPolicy against none.
      report.admission = await benchAdmission({ durationSec: args.durationSec, connections: Math.min(args.connections, 32) }, say);
      const a = report.admission;
      say(`admission: webhooks ÷ none = ${fmt(a.ratios.webhooksVsNone, 3)}; policy ÷ none = ${fmt(a.ratios.policyVsNone, 3)}; added latency per webhook call ${fmt(a.addedLatencyPerWebhookCallMs, 2)} ms`);
    }

    if (args.benches.includes('auth')) {
      // Issue 5: RBAC decisions/s, and creates/s with a ServiceAccount token bound through RBAC vs the admin certificate.
      report.auth = await benchAuth({ durationSec: args.durationSec, connections: Math.min(args.connections, 32) }, say);
      say(`auth: ${fmt(report.auth.decisionsPerSec)} RBAC decisions/s; token ÷ certificate creates = ${fmt(report.auth.tokenVsCertificate, 3)}`);
    }

    if (args.benches.includes('codec')) {
      // Issue 3: the cost of protobuf request bodies against JSON ones.
      report.codec = benchCodec({}, say);
      const c = report.codec;
      say(`codec: JSON ${fmt(c.json.opsPerSec)} decodes/s (${fmt(c.json.usPerOp, 1)} µs, ${c.json.bytes} B); protobuf ${fmt(c.protobuf.opsPerSec)} decodes/s (${fmt(c.protobuf.usPerOp, 1)} µs, ${c.protobuf.bytes} B); protobuf ÷ JSON = ${fmt(c.protobufVsJson, 3)}`);
    }

    if (args.benches.includes('apply')) {
      // Issue 3: server-side apply throughput against plain updates.
      report.apply = await benchApply({ durationSec: args.durationSec, connections: Math.min(args.connections, 32) }, say);
      const a = report.apply;
      const line = (p: typeof a.update): string => `${fmt(p.opsPerSec)} writes/s (p50 ${fmt(p.p50Ms, 1)} ms, p99 ${fmt(p.p99Ms, 1)} ms, ${p.failed} failed)`;
      say(`apply: PUT ${line(a.update)}; server-side apply ${line(a.apply)}; apply ÷ update = ${fmt(a.applyVsUpdate, 3)}`);
    }

    if (args.benches.includes('crds')) {
      // Issue 7: custom-resource creates against ConfigMap creates, and what CEL validation rules cost.
      report.crds = await benchCrds({ durationSec: args.durationSec, connections: Math.min(args.connections, 32) }, say);
      const c = report.crds;
      const line = (p: typeof c.configMap): string => `${fmt(p.opsPerSec)} creates/s (p50 ${fmt(p.p50Ms, 1)} ms, p99 ${fmt(p.p99Ms, 1)} ms, ${p.failed} failed, ${fmt(p.cpuUsPerObject)} µs CPU each)`;
      say(`crds: ConfigMap ${line(c.configMap)}; custom resource ${line(c.customResource)}; with ${c.rules} CEL rules ${line(c.customResourceWithRules)}`);
      say(`crds: custom resource ÷ ConfigMap = ${fmt(c.customResourceVsConfigMap, 3)}; ${c.rules} rules ÷ none = ${fmt(c.rulesVsNone, 3)}; CEL ${fmt(c.celUsPerObject, 0)} µs of Portico CPU per object (${fmt(c.celUsPerRule, 1)} µs per rule)`);
    }

    const dir = join(WORKSPACE_ROOT, '.bench');
    mkdirSync(dir, { recursive: true });
    const json = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' ? round(v, 3) : v), 2);
    const file = join(dir, `bench-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, json + '\n');
    writeFileSync(join(dir, 'latest.json'), json + '\n');
    say(`\nbench: wrote ${file} and .bench/latest.json\n\nMarkdown for the README's performance section:\n`);
    say('<!-- bench:start -->');
    say(markdown(report));
    say('<!-- bench:end -->');
    const throughputOk = !args.benches.includes('throughput') || args.shapes.every((s) => report.portico[s]?.create);
    const watchOk = !args.benches.includes('watch') || (report.watch?.portico !== undefined && report.watch.portico.lost === 0);
    const admissionOk = !args.benches.includes('admission') || (report.admission?.phases.every((p) => p.failed === 0) ?? false);
    const authOk = !args.benches.includes('auth') || (report.auth !== undefined && Object.values(report.auth.creates).every((p) => p.failed === 0));
    const applyOk = !args.benches.includes('apply') || (report.apply !== undefined && report.apply.update.failed === 0 && report.apply.apply.failed === 0);
    const crdsOk =
      !args.benches.includes('crds') ||
      (report.crds !== undefined && [report.crds.configMap, report.crds.customResource, report.crds.customResourceWithRules].every((p) => p.failed === 0));
    return throughputOk && watchOk && admissionOk && authOk && applyOk && crdsOk ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    say(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  },
);
