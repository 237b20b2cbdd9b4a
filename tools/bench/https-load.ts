// What the benches that drive `portico start` over HTTPS share (admission.ts, auth.ts, apply.ts,
// crds.ts): a keep-alive client with the kubeconfig's credentials (or a bearer token), a closed
// loop of `connections` clients for a given time, the phase it measured (throughput, latency
// percentiles, answers by status code), a wait for a condition, and the run of one bench alone
// (its own arguments, a JSON file in .bench/ and its markdown block).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus } from 'node:os';
import { join } from 'node:path';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type KubeconfigCredentials, readKubeconfig, WORKSPACE_ROOT } from '@portico/e2e';

export interface Answer {
  code: number;
  body: string;
}

export interface HttpsLoadClient {
  /** One request; rejects on a transport error or after 30 s without an answer. */
  send(method: string, path: string, body?: string, contentType?: string): Promise<Answer>;
  /** `send` with a JSON body (if any), the answer parsed as JSON where it is JSON. */
  json(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): void;
}

/**
 * A client of the API server in `kubeconfig` (a path or the credentials read from one) over at
 * most `maxSockets` keep-alive connections, with the kubeconfig's client certificate or, given
 * `token`, with that bearer token instead.
 */
export function httpsClient(kubeconfig: string | KubeconfigCredentials, opts: { maxSockets: number; token?: string }): HttpsLoadClient {
  const creds = typeof kubeconfig === 'string' ? readKubeconfig(kubeconfig) : kubeconfig;
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets });
  const url = new URL(creds.server);
  const { token } = opts;
  const send = (method: string, path: string, body?: string, contentType = 'application/json'): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          ca: creds.ca,
          ...(token === undefined ? { cert: creds.cert, key: creds.key } : {}),
          servername: 'localhost',
          headers: {
            accept: 'application/json',
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            ...(data ? { 'content-type': contentType, 'content-length': String(data.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(data);
    });
  const json = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const { code, body: text } = await send(method, path, body === undefined ? undefined : JSON.stringify(body));
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: code, json: parsed };
  };
  return { send, json, close: () => agent.destroy() };
}

/** What one closed-loop run saw. */
export interface LoadSample {
  /** Milliseconds per request, in the order they ended. */
  latencies: number[];
  /** Answers by status code (0: transport error). */
  codes: Record<string, number>;
  ok: number;
  elapsedSec: number;
}

/**
 * `connections` workers, each issuing `next()` (one request, resolving to its status code) as soon
 * as its previous one is answered, until `durationSec` has passed; answers with `okCode` count as ok,
 * a rejection as status 0.
 */
export async function closedLoop(opts: { connections: number; durationSec: number; okCode: number }, next: () => Promise<number>): Promise<LoadSample> {
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  const end = Date.now() + opts.durationSec * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      const code = await next().catch(() => 0);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      codes[code] = (codes[code] ?? 0) + 1;
      if (code === opts.okCode) ok++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: opts.connections }, worker));
  return { latencies, codes, ok, elapsedSec: (Date.now() - started) / 1000 };
}

/** One measured phase: ok answers per second, latency percentiles over every request, answers by code. */
export interface LoadPhase {
  label: string;
  opsPerSec: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code (0: transport error). */
  codes: Record<string, number>;
}

/** `p` percent into ascending `sorted` (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

/** Several samples of one kind of request as one phase. */
export function loadPhase(label: string, samples: readonly LoadSample[]): LoadPhase {
  const latencies = samples.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const codes: Record<string, number> = {};
  for (const x of samples) for (const [k, v] of Object.entries(x.codes)) codes[k] = (codes[k] ?? 0) + v;
  const ok = samples.reduce((n, x) => n + x.ok, 0);
  const elapsed = samples.reduce((n, x) => n + x.elapsedSec, 0);
  return { label, opsPerSec: ok / elapsed, ok, failed: latencies.length - ok, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), codes };
}

/** Polls `check` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `--duration <s>`, `--connections <n>` and any other numeric flags of a bench run alone. */
export function standaloneArgs<T extends { durationSec: number; connections: number }>(defaults: T, more: Record<string, keyof T> = {}): T {
  const flags: Record<string, keyof T> = { '--duration': 'durationSec', '--connections': 'connections', ...more };
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = flags[argv[i] ?? ''];
    if (key !== undefined) out[key] = Number(argv[++i]) as T[keyof T];
  }
  return out;
}

/**
 * Runs one bench alone (`node --conditions=@portico/source --import tsx tools/bench/<name>.ts`):
 * writes .bench/<name>-<time>.json, prints its markdown block, exits 0 when `passed`.
 */
export function runStandalone<R extends object>(name: string, run: (say: (line: string) => void) => Promise<R>, markdown: (r: R) => string[], passed: (r: R) => boolean): void {
  const main = async (): Promise<number> => {
    const report = await run((line) => process.stdout.write(`${line}\n`));
    const date = new Date().toISOString();
    const dir = join(WORKSPACE_ROOT, '.bench');
    mkdirSync(dir, { recursive: true });
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version };
    writeFileSync(join(dir, `${name}-${date.replace(/[:.]/g, '-')}.json`), JSON.stringify({ date, machine, ...report }, null, 2));
    process.stdout.write(`${markdown(report).join('\n')}\n`);
    return passed(report) ? 0 : 1;
  };
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
