// The watch benchmark of `npm run bench` (issue 4 item 6): many concurrent watchers on one resource,
// spread over two gateways of the distributed shape (NATS fan-out), under a steady stream of writes.
// Measured: delivery latency from write acknowledgement to receipt (p50/p99), events lost (every
// watcher must receive every write), gateway memory per watcher (RSS delta ÷ watchers), the events/s
// ceiling (writes ramped straight into etcd until delivery lags), and, in the same run, the same
// watchers and writes as one etcd watch per watcher through etcd3.
//
// The watchers live in two child processes (watch-clients.ts), one per gateway, so that decoding the
// fan-out does not delay the writer's clock; receipt and acknowledgement times are both
// performance.timeOrigin + performance.now(). A watcher may see an event before the writer has its
// acknowledgement: such a latency counts as 0.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { initCluster, kubeconfigFor, type KubeconfigCredentials, readKubeconfig, type ServiceProcess, startService, freePort } from '@portico/e2e';
import type { ClientConfig, Report } from './watch-clients';

export interface WatchArgs {
  watchers: number;
  /** Writes per second of the steady phase. */
  rate: number;
  durationSec: number;
  /** Seconds per step of the ceiling ramp (0: no ramp). */
  rampStepSec: number;
  /** Seconds of the etcd3 baseline (0: none). */
  baselineSec: number;
}

export interface LatencyFigures {
  watchers: number;
  writes: number;
  writesPerSec: number;
  /** Deliveries (watchers × events) that arrived. */
  delivered: number;
  /** Deliveries that never arrived (must be 0). */
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * From the moment the change was committed, as a direct etcd watch in the writer's process saw it
   * (Portico only): the cost of the delivery path itself (storage cache, NATS, gateway, HTTPS).
   */
  fromCommitP50Ms?: number;
  fromCommitP99Ms?: number;
  /** The writes' own latency, send to acknowledgement. */
  writeP50Ms?: number;
  writeP99Ms?: number;
}

export interface RampStep {
  targetPerSec: number;
  writesPerSec: number;
  p99Ms: number;
  lost: number;
  keptUp: boolean;
}

export interface WatchReport {
  settings: WatchArgs;
  portico?: LatencyFigures & {
    /** Streams the gateways ended (slow watchers) and the clients resumed. */
    resumed: number;
    memoryPerWatcherKiB: number;
    gatewayRssMiB: { before: number[]; after: number[] };
    ceiling?: { eventsPerSec: number; deliveriesPerSec: number; bound: string; steps: RampStep[] };
    /** Share of one core each part used during the steady phase (1 = a whole core). */
    cpu: Record<string, number>;
    errors: string[];
  };
  etcd?: LatencyFigures;
  error?: string;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Each process's RSS as the median of five samples a quarter of a second apart (GC makes it jump). */
async function sampleRss(pids: number[]): Promise<number[]> {
  const samples: number[][] = pids.map(() => []);
  for (let i = 0; i < 5; i++) {
    pids.forEach((pid, j) => samples[j]?.push(rssMiB(pid)));
    await sleep(250);
  }
  return samples.map((s) => s.sort((x, y) => x - y)[2] ?? NaN);
}

/** One child process of watchers. */
class ClientProcess {
  private readonly child: ChildProcess;
  private readonly waiters: { key: string; resolve: (v: unknown) => void }[] = [];
  private failure: string | undefined;

  constructor() {
    this.child = fork(join(__dirname, 'watch-clients.ts'), [], {
      execArgv: ['--conditions=@portico/source', '--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: Record<string, unknown>) => {
      if (typeof m['error'] === 'string') this.failure = m['error'];
      const i = this.waiters.findIndex((w) => w.key in m);
      const w = i >= 0 ? this.waiters.splice(i, 1)[0] : undefined;
      w?.resolve(m[w.key]);
    });
    this.child.on('exit', (code) => {
      this.failure ??= `watch clients exited (code ${code})`;
    });
  }

  private ask<T>(key: string, msg: unknown, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch clients: no ${key} within ${timeoutMs} ms${this.failure ? `: ${this.failure}` : ''}`)), timeoutMs);
      this.waiters.push({
        key,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
      });
      this.child.send(msg as object);
    });
  }

  start(c: ClientConfig): Promise<unknown> {
    return this.ask('ready', { start: c }, 120_000);
  }

  count(rvs: number[]): Promise<number> {
    return this.ask('count', { count: rvs }, 60_000);
  }

  report(): Promise<Report> {
    return this.ask('report', { report: true }, 120_000);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  stop(): void {
    if (this.child.connected) this.child.send({ stop: true });
    setTimeout(() => this.child.kill('SIGKILL'), 3_000).unref();
  }
}

/** Starts `op` `rate` times per second for `durationSec` (open loop, at most `maxInFlight` at once). */
async function openLoop(
  rate: number,
  durationSec: number,
  maxInFlight: number,
  op: (i: number) => Promise<void>,
): Promise<{ started: number; failed: number; firstError: string | undefined; elapsedSec: number }> {
  const start = performance.now();
  const end = start + durationSec * 1000;
  let started = 0;
  let inFlight = 0;
  let failed = 0;
  let firstError: string | undefined;
  const running = new Set<Promise<void>>();
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (started < due && inFlight < maxInFlight) {
      const i = started++;
      inFlight++;
      const p: Promise<void> = op(i)
        .catch((e: unknown) => {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        })
        .finally(() => {
          inFlight--;
          running.delete(p);
        });
      running.add(p);
    }
    await sleep(Math.max(1, Math.min(10, 1000 / rate)));
  }
  const elapsedSec = (performance.now() - start) / 1000;
  await Promise.all(running);
  return { started, failed, firstError, elapsedSec };
}

function httpsPut(creds: KubeconfigCredentials, agent: Agent, path: string, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, creds.server);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', ca: creds.ca, cert: creds.cert, key: creds.key, agent, headers: { 'content-type': 'application/json', accept: 'application/json' }, timeout: 30_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('PUT timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** p50/p99/max of receipt − reference time over the deliveries of the revisions in `ref` (negative counts as 0). */
function latencies(ref: Map<number, number>, reports: Report[]): { n: number; p50: number; p99: number; max: number } {
  let n = 0;
  for (const r of reports) for (let i = 0; i < r.rvs.length; i++) if (ref.has(r.rvs[i] as number)) n += (r.times[i] as Float64Array).length;
  const lat = new Float64Array(n);
  let k = 0;
  for (const r of reports) {
    for (let i = 0; i < r.rvs.length; i++) {
      const t0 = ref.get(r.rvs[i] as number);
      if (t0 === undefined) continue;
      for (const t of r.times[i] as Float64Array) lat[k++] = Math.max(0, t - t0);
    }
  }
  lat.sort();
  return { n, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.length > 0 ? (lat[lat.length - 1] as number) : NaN };
}

/** The figures of the writes in `acks` (rv → acknowledgement time) as the watchers' reports show them. */
function figures(
  acks: Map<number, number>,
  reports: Report[],
  watchers: number,
  elapsedSec: number,
  extra: { sends?: Map<number, number>; committed?: Map<number, number> } = {},
): LatencyFigures {
  const fromAck = latencies(acks, reports);
  const out: LatencyFigures = {
    watchers,
    writes: acks.size,
    writesPerSec: acks.size / elapsedSec,
    delivered: fromAck.n,
    lost: acks.size * watchers - fromAck.n,
    p50Ms: fromAck.p50,
    p99Ms: fromAck.p99,
    maxMs: fromAck.max,
  };
  if (extra.committed !== undefined) {
    const c = latencies(new Map([...extra.committed].filter(([rv]) => acks.has(rv))), reports);
    out.fromCommitP50Ms = c.p50;
    out.fromCommitP99Ms = c.p99;
  }
  if (extra.sends !== undefined) {
    const w = new Float64Array([...acks].map(([rv, ack]) => ack - (extra.sends?.get(rv) ?? ack))).sort();
    out.writeP50Ms = percentile(w, 50);
    out.writeP99Ms = percentile(w, 99);
  }
  return out;
}

/** Waits until every client has received every revision in `rvs` (or the deadline). */
async function drain(clients: ClientProcess[], perClient: number[], rvs: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(clients.map((c) => c.count(rvs)));
    if (counts.every((n, i) => n >= (perClient[i] as number) * rvs.length)) return;
    if (Date.now() > deadline) return;
    await sleep(250);
  }
}

const NS = 'bench-watch';
// Enough objects that concurrent writes rarely update the same one (each costs a conflict retry).
const OBJECTS = 100;

async function benchPorticoWatch(
  servers: WatchServers,
  natsUrl: string,
  dir: string,
  a: WatchArgs,
  say: (s: string) => void,
  cleanups: (() => Promise<unknown>)[],
): Promise<NonNullable<WatchReport['portico']>> {
  // The distributed shape with two gateways: storage, auth, admission, gateway ×2, each its own process.
  const ports = [await freePort(), await freePort()];
  const { pkiDir, kubeconfigPath } = await initCluster(join(dir, 'cluster'), `https://127.0.0.1:${ports[0]}`);
  const env = { PORTICO_LOG_LEVEL: 'warn' };
  const procs: ServiceProcess[] = [];
  cleanups.push(async () => {
    for (const p of procs.reverse()) await p.stop(5_000);
  });
  const etcdUrl = servers.etcdUrl;
  const storage = await startService('storage', ['--listen', '127.0.0.1:0', '--etcd', etcdUrl, '--nats', natsUrl], env);
  procs.push(storage);
  const [auth, admission] = await Promise.all([
    startService('auth', ['--listen', '127.0.0.1:0', '--pki-dir', pkiDir], env),
    startService('admission', ['--listen', '127.0.0.1:0', '--storage', storage.address], env),
  ]);
  procs.push(auth, admission);
  const gateways = await Promise.all(
    ports.map((port) =>
      startService(
        'gateway',
        ['--host', '127.0.0.1', '--port', String(port), '--pki-dir', pkiDir, '--storage', storage.address, '--auth', auth.address, '--admission', admission.address, '--nats', natsUrl],
        env,
      ),
    ),
  );
  procs.push(...gateways);
  const creds = ports.map((port, i) => readKubeconfig(kubeconfigFor(kubeconfigPath, `https://127.0.0.1:${port}`, join(dir, `kubeconfig-${i}`))));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  cleanups.push(async () => agent.destroy());
  const c0 = creds[0] as KubeconfigCredentials;

  // The resource: OBJECTS ConfigMaps in one namespace, updated round robin.
  const post = async (path: string, body: unknown): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const url = new URL(path, c0.server);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca: c0.ca, cert: c0.cert, key: c0.key, agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      }).catch(() => 0);
      if (status === 201 || status === 409) return;
      if (attempt > 100) throw new Error(`POST ${path} answered ${status}`);
      await sleep(200); // the gateway makes its system namespaces first
    }
  };
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const col = `/api/v1/namespaces/${NS}/configmaps`;
  for (let i = 0; i < OBJECTS; i++) await post(col, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${i}` }, data: { seq: '0' } });
  let seq = 0;
  const put = async (i: number, acks: Map<number, number>, sends?: Map<number, number>): Promise<void> => {
    const name = `w-${i % OBJECTS}`;
    const t0 = now();
    const res = await httpsPut(creds[i % creds.length] as KubeconfigCredentials, agent, `${col}/${name}`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { seq: String(++seq) } }));
    const t = now();
    if (res.status !== 200) throw new Error(`PUT ${name} answered ${res.status}`);
    const rv = Number((JSON.parse(res.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    acks.set(rv, t);
    sends?.set(rv, t0);
  };
  // Warm the write path and the watch feeds' code paths before measuring memory.
  const warm = new Map<number, number>();
  for (let i = 0; i < 20; i++) await put(i, warm);
  await sleep(2_000);
  const before = await sampleRss(gateways.map((g) => g.pid));

  // The watchers, half on each gateway, from the current revision.
  const list = await new Promise<string>((resolve, reject) => {
    const url = new URL(col, c0.server);
    request({ host: url.hostname, port: url.port, path: url.pathname, ca: c0.ca, cert: c0.cert, key: c0.key, agent }, (res) => {
      let t = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (t += c));
      res.on('end', () => resolve(t));
    })
      .on('error', reject)
      .end();
  });
  const fromRv = Number((JSON.parse(list) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
  const perClient = [Math.ceil(a.watchers / 2), Math.floor(a.watchers / 2)];
  const clients = perClient.map(() => new ClientProcess());
  cleanups.push(async () => clients.forEach((c) => c.stop()));
  say(`bench watch: ${a.watchers} Portico watchers connecting over 2 gateways…`);
  await Promise.all(
    clients.map((c, i) => {
      const k = creds[i] as KubeconfigCredentials;
      return c.start({ kind: 'portico', watchers: perClient[i] as number, server: k.server, ca: k.ca, cert: k.cert, key: k.key, path: col, fromRv });
    }),
  );
  // Memory once every watcher is connected and has received events.
  const settle = new Map<number, number>();
  for (let i = 0; i < 10; i++) await put(i, settle);
  await drain(clients, perClient, [...settle.keys()], 30_000);
  const after = await sampleRss(gateways.map((g) => g.pid));
  const memoryPerWatcherKiB = ((after.reduce((x, y) => x + y, 0) - before.reduce((x, y) => x + y, 0)) * 1024) / a.watchers;

  say(`bench watch: ${a.rate} writes/s for ${a.durationSec} s through the gateways…`);
  const acks = new Map<number, number>();
  const sends = new Map<number, number>();
  // When each change reached etcd, as seen by one direct watch here, where the clock is quiet.
  const committed = new Map<number, number>();
  const etcd = new Etcd3({ hosts: etcdUrl });
  cleanups.push(async () => etcd.close());
  const commitWatch = await etcd.watch().prefix(`/registry/core/configmaps/${NS}/`).create();
  commitWatch.on('put', (kv) => committed.set(Number(kv.mod_revision), now()));
  const parts: Record<string, number[]> = {
    'gateways (2)': gateways.map((g) => g.pid),
    storage: [storage.pid],
    'auth + admission': [auth.pid, admission.pid],
    etcd: [servers.etcdPid],
    'nats-server': [servers.natsPid],
    'watch clients (2)': clients.map((c) => c.pid),
  };
  const cpuBefore = Object.fromEntries(Object.entries(parts).map(([k, pids]) => [k, pids.reduce((n, pid) => n + cpuSeconds(pid), 0)]));
  const selfBefore = process.cpuUsage();
  const run = await openLoop(a.rate, a.durationSec, 64, (i) => put(i, acks, sends));
  const cpu: Record<string, number> = Object.fromEntries(
    Object.entries(parts).map(([k, pids]) => [k, (pids.reduce((n, pid) => n + cpuSeconds(pid), 0) - (cpuBefore[k] ?? 0)) / run.elapsedSec]),
  );
  const self = process.cpuUsage(selfBefore);
  cpu['writer (bench)'] = (self.user + self.system) / 1e6 / run.elapsedSec;
  say(`bench watch: ${run.started} writes started, ${acks.size} acknowledged, ${run.failed} failed${run.firstError ? ` (${run.firstError})` : ''}`);
  if (run.failed > 0) throw new Error(`${run.failed} of ${run.started} writes failed: ${run.firstError}`);
  await drain(clients, perClient, [...acks.keys()], 60_000);
  await commitWatch.cancel();
  const steady = figures(acks, await Promise.all(clients.map((c) => c.report())), a.watchers, run.elapsedSec, { sends, committed });

  // The ceiling: writes straight into etcd (the watch path alone, without the gateway's write path),
  // from a quarter of the steady rate, doubling until delivery lags (p99 from the put's
  // acknowledgement over 1 s, or deliveries still missing 5 s after the step), then once more
  // halfway between the last rate that kept up and the first that did not.
  let ceiling: NonNullable<WatchReport['portico']>['ceiling'];
  if (a.rampStepSec > 0) {
    const keys = Array.from({ length: OBJECTS }, (_, i) => `/registry/core/configmaps/${NS}/w-${i}`);
    const stored = await Promise.all(keys.map((k) => etcd.get(k).string()));
    const template = stored.map((v) => JSON.parse(v ?? '{}') as { data: Record<string, string> });
    const steps: RampStep[] = [];
    const step = async (target: number): Promise<RampStep> => {
      say(`bench watch: ramp ${target} writes/s into etcd…`);
      const stepAcks = new Map<number, number>();
      const r = await openLoop(target, a.rampStepSec, 512, async (i) => {
        const obj = template[i % OBJECTS] as { data: Record<string, string> };
        obj.data['seq'] = String(++seq);
        const res = await etcd.put(keys[i % OBJECTS] as string).value(JSON.stringify(obj)).exec();
        stepAcks.set(Number(res.header.revision), now());
      });
      await drain(clients, perClient, [...stepAcks.keys()], 5_000);
      const f = figures(stepAcks, await Promise.all(clients.map((c) => c.report())), a.watchers, r.elapsedSec);
      const st: RampStep = { targetPerSec: target, writesPerSec: f.writesPerSec, p99Ms: f.p99Ms, lost: f.lost, keptUp: f.lost === 0 && f.p99Ms <= 1000 };
      steps.push(st);
      // A step that lagged leaves a backlog: let it drain before the next one.
      await drain(clients, perClient, [...stepAcks.keys()], 30_000);
      return st;
    };
    let best: RampStep | undefined;
    let worst: RampStep | undefined;
    let writeBound = false;
    for (let target = Math.max(10, Math.round(a.rate / 4)); target <= 25_600; target *= 2) {
      const st = await step(target);
      if (!st.keptUp) {
        worst = st;
        break;
      }
      best = st;
      if (st.writesPerSec < target * 0.8) {
        writeBound = true; // etcd (or this writer) is the limit now
        break;
      }
    }
    if (best !== undefined && worst !== undefined) {
      const mid = await step(Math.round((best.targetPerSec + worst.targetPerSec) / 2));
      if (mid.keptUp) best = mid;
    }
    const bound = writeBound ? 'write-bound: delivery kept up with every rate the writer reached' : 'delivery-bound';
    ceiling = { eventsPerSec: best?.writesPerSec ?? 0, deliveriesPerSec: (best?.writesPerSec ?? 0) * a.watchers, bound, steps };
  }
  const final = await Promise.all(clients.map((c) => c.report()));
  clients.forEach((c) => c.stop());
  return {
    ...steady,
    resumed: final.reduce((n, r) => n + r.resumed, 0),
    memoryPerWatcherKiB,
    gatewayRssMiB: { before, after },
    ...(ceiling ? { ceiling } : {}),
    cpu,
    errors: final.flatMap((r) => r.errors).slice(0, 10),
  };
}

async function benchEtcdWatch(etcdUrl: string, a: WatchArgs, say: (s: string) => void, cleanups: (() => Promise<unknown>)[]): Promise<LatencyFigures> {
  const etcd = new Etcd3({ hosts: etcdUrl });
  cleanups.push(async () => etcd.close());
  const prefix = '/bench-watch/';
  const fromRv = Number((await etcd.get('/bench-watch/probe').exec()).header.revision);
  const perClient = [Math.ceil(a.watchers / 2), Math.floor(a.watchers / 2)];
  const clients = perClient.map(() => new ClientProcess());
  cleanups.push(async () => clients.forEach((c) => c.stop()));
  say(`bench watch: ${a.watchers} etcd watches (etcd3)…`);
  await Promise.all(clients.map((c, i) => c.start({ kind: 'etcd', watchers: perClient[i] as number, endpoint: etcdUrl, prefix, fromRv, clients: 4 })));
  say(`bench watch: ${a.rate} puts/s for ${a.baselineSec} s straight into etcd…`);
  const acks = new Map<number, number>();
  const value = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w' }, data: { seq: '0' } });
  const run = await openLoop(a.rate, a.baselineSec, 256, async (i) => {
    const res = await etcd.put(`${prefix}w-${i % OBJECTS}`).value(value).exec();
    acks.set(Number(res.header.revision), now());
  });
  await drain(clients, perClient, [...acks.keys()], 60_000);
  const f = figures(acks, await Promise.all(clients.map((c) => c.report())), a.watchers, run.elapsedSec);
  clients.forEach((c) => c.stop());
  await etcd.delete().prefix(prefix);
  return f;
}

export interface WatchServers {
  etcdUrl: string;
  etcdPid: number;
  natsUrl: string;
  natsPid: number;
}

export async function benchWatch(servers: WatchServers, dir: string, a: WatchArgs, say: (s: string) => void): Promise<WatchReport> {
  const { etcdUrl, natsUrl } = servers;
  const report: WatchReport = { settings: a };
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    report.portico = await benchPorticoWatch(servers, natsUrl, dir, a, say, cleanups);
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
    say(`bench watch: Portico not measured: ${report.error}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  }
  if (a.baselineSec > 0) {
    try {
      report.etcd = await benchEtcdWatch(etcdUrl, a, say, cleanups);
    } catch (e) {
      say(`bench watch: etcd baseline not measured: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }
  }
  return report;
}
