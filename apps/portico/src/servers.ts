// etcd and nats-server for `portico start-distributed`: Debian's packages, on free loopback
// ports, with their data under the data dir.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { describeExit, freePort, ManagedProcess } from './processes';

const PACKAGES = ['etcd-server', 'nats-server'];

function findExecutable(name: string): string | undefined {
  // Debian puts nats-server in /usr/sbin, which is not on an ordinary user's PATH.
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ServerBinaries {
  etcd: string;
  nats: string;
}

/**
 * Finds etcd and nats-server; installs the Debian packages when one is missing and this runs as
 * root, otherwise says how to install them. A server that is not needed may come back as ''.
 */
export function ensureServerBinaries(need: { etcd: boolean; nats: boolean }, say: (line: string) => void): ServerBinaries {
  const find = (): ServerBinaries => ({ etcd: findExecutable('etcd') ?? '', nats: findExecutable('nats-server') ?? '' });
  const missing = (b: ServerBinaries): boolean => (need.etcd && !b.etcd) || (need.nats && !b.nats);
  let found = find();
  if (!missing(found)) return found;

  if (process.getuid?.() !== 0) {
    throw new Error(
      `etcd and nats-server are needed (or pass --etcd and --nats). Install them with:\n` +
        `  sudo apt-get install -y ${PACKAGES.join(' ')}`,
    );
  }
  say(`installing ${PACKAGES.join(' ')} with apt-get`);
  const install = (): boolean =>
    spawnSync('apt-get', ['install', '-y', ...PACKAGES], {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (!install()) {
    // A fresh image has no package lists yet.
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2] });
    install();
  }
  found = find();
  if (missing(found)) throw new Error(`apt-get could not install ${PACKAGES.join(' ')}`);
  return found;
}

/** Waits until `probe` succeeds; stops the process if it never does. */
async function untilReady(proc: ManagedProcess, logFile: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited) {
      throw new Error(`${proc.name} exited during startup (${describeExit(await proc.exited)}); see ${logFile}`);
    }
    if (await probe()) return;
    if (Date.now() > until) {
      await proc.stop();
      throw new Error(`${proc.name} did not become ready within ${timeoutMs / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function etcdHealthy(clientUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${clientUrl}/health`, { timeout: 1_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function natsGreets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

/**
 * A server a previous run started and could not stop (its supervisor was killed) still holds the
 * data dir; stop it. The pid file alone is not trusted: the process must still be ours, i.e. have
 * `marker` (a path under the data dir) on its command line.
 */
async function stopLeftover(name: string, pidFile: string, marker: string, say: (line: string) => void): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(marker)) return;
  say(`stopping ${name} left running by an earlier start (pid ${pid})`);
  // An orphan that exited stays a zombie until init reaps it; it holds nothing any more.
  const alive = async (): Promise<boolean> => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    return stat !== '' && !/\) Z /.test(stat);
  };
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let waited = 0; (await alive()) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (await alive()) signal('SIGKILL');
}

export interface StartedServer {
  process: ManagedProcess;
  /** etcd client URL or NATS URL. */
  url: string;
  logFile: string;
}

export async function startEtcd(binary: string, dataDir: string, logDir: string, say: (line: string) => void): Promise<StartedServer> {
  const runDir = join(dataDir, 'run');
  await mkdir(runDir, { recursive: true });
  const pidFile = join(runDir, 'etcd.pid');
  await stopLeftover('etcd', pidFile, `--data-dir=${join(dataDir, 'etcd')}`, say);
  const [client, peer, metrics] = [await freePort(), await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const logFile = join(logDir, 'etcd.log');
  await mkdir(join(dataDir, 'etcd'), { recursive: true, mode: 0o700 });
  // Peer and metrics URLs are explicit so that etcd binds nothing on its default ports
  // (2380/2381). No auto-compaction: the storage service compacts, as kube-apiserver does.
  // On a restart etcd reuses its data dir; the initial-* flags are then ignored.
  const proc = new ManagedProcess(
    'etcd',
    binary,
    [
      '--name=portico',
      `--data-dir=${join(dataDir, 'etcd')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=portico=${peerUrl}`,
      `--listen-metrics-urls=http://127.0.0.1:${metrics}`,
      '--logger=zap',
      '--log-outputs=stderr',
    ],
    { logFile },
  );
  await writeFile(pidFile, `${proc.pid}\n`);
  await untilReady(proc, logFile, () => etcdHealthy(clientUrl), 60_000);
  return { process: proc, url: clientUrl, logFile };
}

export async function startNats(binary: string, dataDir: string, logDir: string, say: (line: string) => void): Promise<StartedServer> {
  const dir = join(dataDir, 'nats');
  const config = join(dir, 'nats.conf');
  const runDir = join(dataDir, 'run');
  await mkdir(runDir, { recursive: true });
  const pidFile = join(runDir, 'nats-server.pid');
  await stopLeftover('nats-server', pidFile, config, say);
  const port = await freePort();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // max_payload has no command-line flag. 8 MB fits an event carrying an object and its previous
  // version at etcd's size limit (~1.5 MiB each).
  await writeFile(config, `listen: 127.0.0.1:${port}\nmax_payload: 8MB\n`);
  const logFile = join(logDir, 'nats.log');
  const proc = new ManagedProcess('nats-server', binary, ['-c', config], { logFile });
  await writeFile(pidFile, `${proc.pid}\n`);
  await untilReady(proc, logFile, () => natsGreets(port), 30_000);
  return { process: proc, url: `nats://127.0.0.1:${port}`, logFile };
}
