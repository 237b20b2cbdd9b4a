// etcd and NATS for the whole test run and for the benchmark: Debian's etcd-server and
// nats-server, installed with apt-get when missing (CI runs as root on a fresh machine), each
// started on free 127.0.0.1 ports in a temp dir and stopped by its own pid.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

const ETCD_CANDIDATES = ['/usr/bin/etcd', '/usr/local/bin/etcd'];
const NATS_CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function findBinary(envVar, name, candidates) {
  const fromEnv = process.env[envVar];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return candidates.find((c) => existsSync(c)) ?? onPath(name);
}

export function findEtcd() {
  return findBinary('PORTICO_ETCD_BIN', 'etcd', ETCD_CANDIDATES);
}

export function findNats() {
  return findBinary('PORTICO_NATS_BIN', 'nats-server', NATS_CANDIDATES);
}

/**
 * Makes sure etcd and nats-server are installed: as root, apt-get installs the missing Debian
 * packages; otherwise throws an error saying what to install. Returns the binaries' paths.
 * @param {{ log?: (line: string) => void }} [opts]
 * @returns {{ etcd: string, nats: string }}
 */
export function ensureServerBinaries(opts = {}) {
  const log = opts.log ?? ((l) => process.stdout.write(l + '\n'));
  let etcd = findEtcd();
  let nats = findNats();
  const missing = [...(etcd ? [] : ['etcd-server']), ...(nats ? [] : ['nats-server'])];
  if (missing.length === 0) return { etcd, nats };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `the tests need Debian's ${missing.join(' and ')}, which is not installed; run ` +
        `\`sudo apt-get install -y ${missing.join(' ')}\` (or set PORTICO_ETCD_BIN / PORTICO_NATS_BIN)`,
    );
  }
  if (!onPath('apt-get')) throw new Error(`${missing.join(' and ')} missing and apt-get is not available to install them`);
  log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env, timeout: 15 * 60_000 });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  };
  run(['update']);
  run(['install', '-y', '--no-install-recommends', ...missing]);
  etcd = findEtcd();
  nats = findNats();
  if (!etcd || !nats) throw new Error(`apt-get installed ${missing.join(' ')} but the binaries were not found`);
  return { etcd, nats };
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function spawnLogged(bin, args, logFile) {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(bin, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process has exited. */
export async function stopChild(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitReady(child, probe, timeoutMs, what, logFile) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}):\n${tail(logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(logFile)}`);
}

async function etcdHealthy(port) {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
  if (!res.ok) return false;
  return (await res.json()).health === 'true';
}

function natsGreets(port) {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('data', (buf) => done(buf.toString('latin1').startsWith('INFO ')));
  });
}

/**
 * etcd on 127.0.0.1 with explicit client, peer and metrics URLs (etcd would otherwise also bind
 * 2380 and 2381), data and log in `dir`. Retries with new ports if one was taken meanwhile.
 * @param {{ bin: string, dir: string, readyTimeoutMs?: number }} opts
 * @returns {Promise<{ url: string, port: number, logFile: string, pid: number, stop(): Promise<void> }>}
 */
export async function startEtcd({ bin, dir, readyTimeoutMs = 60_000 }) {
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'etcd.log');
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [port, peerPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const client = `http://127.0.0.1:${port}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const child = spawnLogged(
      bin,
      [
        '--name', 'portico-test',
        '--data-dir', join(dir, `data-${attempt}`),
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `portico-test=${peer}`,
        '--listen-metrics-urls', `http://127.0.0.1:${metricsPort}`,
        '--logger', 'zap',
        '--log-level', 'warn',
      ],
      logFile,
    );
    try {
      await waitReady(child, () => etcdHealthy(port), readyTimeoutMs, `etcd on ${client}`, logFile);
      return { url: client, port, logFile, pid: child.pid, stop: () => stopChild(child) };
    } catch (e) {
      lastErr = e;
      await stopChild(child);
    }
  }
  throw lastErr;
}

/**
 * nats-server on 127.0.0.1 with an 8 MiB max_payload (watch events carry objects up to etcd's
 * 1.5 MiB plus their previous state; the default is 1 MiB), config and log in `dir`.
 * @param {{ bin: string, dir: string, readyTimeoutMs?: number }} opts
 * @returns {Promise<{ url: string, port: number, logFile: string, pid: number, stop(): Promise<void> }>}
 */
export async function startNats({ bin, dir, readyTimeoutMs = 30_000 }) {
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'nats.log');
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const conf = join(dir, 'nats.conf');
    writeFileSync(conf, `listen: "127.0.0.1:${port}"\nmax_payload: 8388608\n`);
    const child = spawnLogged(bin, ['-c', conf], logFile);
    try {
      await waitReady(child, () => natsGreets(port), readyTimeoutMs, `nats-server on port ${port}`, logFile);
      return { url: `nats://127.0.0.1:${port}`, port, logFile, pid: child.pid, stop: () => stopChild(child) };
    } catch (e) {
      lastErr = e;
      await stopChild(child);
    }
  }
  throw lastErr;
}
