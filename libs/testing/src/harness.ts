// Real etcd and NATS servers for tests: each on free 127.0.0.1 ports, in its own temp dir, stopped by
// its own pid. Nothing here binds a default port (etcd would otherwise also take 2380 and 2381).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port that was free on 127.0.0.1 a moment ago (the usual race applies; callers retry on bind errors). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

export interface EtcdServer {
  /** http://127.0.0.1:<port>, as etcd clients take it. */
  endpoint: string;
  clientPort: number;
  dataDir: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes the data dir unless it was given by the caller. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Reuse a port, e.g. to restart a server where its clients expect it. */
  clientPort?: number;
  /** Reuse a data dir (kept on stop), e.g. to restart a server with its data. */
  dataDir?: string;
  extraArgs?: string[];
  /** How long to wait for /health; default 30 s. */
  readyTimeoutMs?: number;
}

export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartNatsOptions {
  port?: number;
  /** Enable JetStream (stored in the temp dir). */
  jetstream?: boolean;
  extraArgs?: string[];
  readyTimeoutMs?: number;
}

function findBinary(envVar: string, candidates: string[]): string {
  const fromEnv = process.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  for (const c of candidates) if (existsSync(c)) return c;
  const name = candidates[0]?.split('/').pop() ?? envVar;
  return name; // let PATH resolve it; spawn reports ENOENT if it is missing
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

// If the test process dies without teardown, do not leave servers behind.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function spawnServer(bin: string, args: string[], logFile: string): ChildProcess {
  installExitHook();
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: false });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when `probe` returns true; rejects early if the child exits. */
async function waitReady(child: ChildProcess, probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitErr: Error | undefined;
  const onExit = (code: number | null, signal: string | null) => {
    exitErr = new Error(`${what} exited before it was ready (code ${code}, signal ${signal})`);
  };
  child.once('exit', onExit);
  child.once('error', (e) => {
    exitErr = e;
  });
  try {
    while (Date.now() < deadline) {
      if (exitErr !== undefined) throw exitErr;
      if (await probe().catch(() => false)) return;
      await sleep(50);
    }
    throw new Error(`${what} not ready after ${timeoutMs} ms`);
  } finally {
    child.off('exit', onExit);
  }
}

async function etcdHealthy(clientPort: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${clientPort}/health`, { signal: AbortSignal.timeout(1000) });
  if (!res.ok) return false;
  const body = (await res.json()) as { health?: string };
  return body.health === 'true';
}

/**
 * Starts etcd on 127.0.0.1 with explicit client, peer and metrics URLs (none of them defaults) in a
 * temp data dir, and resolves once /health reports true.
 */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  const bin = findBinary('PORTICO_ETCD_BIN', ['/usr/bin/etcd', '/usr/local/bin/etcd']);
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'portico-etcd-'));
  const attempts = opts.clientPort === undefined ? 3 : 1;
  let lastErr: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const clientPort = opts.clientPort ?? (await freePort());
    const peerPort = await freePort();
    const metricsPort = await freePort();
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const args = [
      '--name',
      'portico-test',
      '--data-dir',
      join(dataDir, 'data'),
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `portico-test=${peer}`,
      '--listen-metrics-urls',
      `http://127.0.0.1:${metricsPort}`,
      '--log-level',
      'warn',
      ...(opts.extraArgs ?? []),
    ];
    const child = spawnServer(bin, args, join(dataDir, 'etcd.log'));
    try {
      await waitReady(child, () => etcdHealthy(clientPort), opts.readyTimeoutMs ?? 30_000, `etcd on ${client}`);
    } catch (e) {
      lastErr = e;
      await stopChild(child);
      continue;
    }
    return {
      endpoint: client,
      clientPort,
      dataDir,
      stop: async () => {
        await stopChild(child);
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
}

/** True once the server greets a TCP client with its INFO line. */
function natsGreets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('data', (buf) => done(buf.toString('latin1').startsWith('INFO ')));
  });
}

/** Starts nats-server on 127.0.0.1 in a temp dir and resolves once it greets clients. */
export async function startNats(opts: StartNatsOptions = {}): Promise<NatsServer> {
  const bin = findBinary('PORTICO_NATS_BIN', ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']);
  const dir = mkdtempSync(join(tmpdir(), 'portico-nats-'));
  const attempts = opts.port === undefined ? 3 : 1;
  let lastErr: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port ?? (await freePort());
    const args = ['-a', '127.0.0.1', '-p', String(port), ...(opts.jetstream ? ['-js', '-sd', join(dir, 'js')] : []), ...(opts.extraArgs ?? [])];
    const child = spawnServer(bin, args, join(dir, 'nats.log'));
    try {
      await waitReady(child, () => natsGreets(port), opts.readyTimeoutMs ?? 30_000, `nats-server on port ${port}`);
    } catch (e) {
      lastErr = e;
      await stopChild(child);
      continue;
    }
    return {
      url: `nats://127.0.0.1:${port}`,
      port,
      stop: async () => {
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
}
