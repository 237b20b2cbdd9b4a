// Starts Portico the way a user does, from the workspace sources, and stops it with SIGTERM.
//   embedded:    portico start --data-dir <tmp> --port <free>
//   distributed: portico start-distributed --data-dir <tmp> --port <free> --etcd <url> --nats <url>
// Both print `Portico is serving on https://127.0.0.1:<port>` and `export KUBECONFIG=<abs path>`
// on stdout once they serve.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type Shape = 'embedded' | 'distributed';

/** The workspace root (this file is apps/e2e/src/support/portico.ts). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when SIGTERM was not enough and Portico had to be killed. */
  forced: boolean;
  /** Commands of the processes Portico had started that were still alive 5 s after it exited (then killed). */
  leftovers: string[];
}

export interface Portico {
  shape: Shape;
  /** https://127.0.0.1:<port>, as printed. */
  url: string;
  port: number;
  kubeconfigPath: string;
  dataDir: string;
  pid: number;
  /** The last lines Portico wrote on stdout and stderr (for failure messages). */
  output(): string;
  /** SIGTERM, wait for exit (the group is killed after `graceMs`), remove the data dir. Idempotent. */
  stop(graceMs?: number): Promise<StopResult>;
}

export interface StartOptions {
  /** Default 180 s: the first start compiles the workspace sources through tsx. */
  readyTimeoutMs?: number;
  /** Extra environment for Portico. */
  env?: Record<string, string>;
  /** Extra arguments for `start` / `start-distributed` (e.g. `--min-request-timeout 2`). */
  args?: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolvePort(addr.port) : reject(new Error('no free port'))));
    });
  });
}

/** The etcd and NATS of the test run (tools/test/run.mjs or the projects' global setup). */
export function testServers(): { etcd: string; nats: string } {
  const etcd = process.env['PORTICO_TEST_ETCD'];
  const nats = process.env['PORTICO_TEST_NATS'];
  if (!etcd || !nats) {
    throw new Error('PORTICO_TEST_ETCD and PORTICO_TEST_NATS are not set: run the e2e tests through `npm test` or their vitest project');
  }
  return { etcd, nats };
}

const live = new Set<ChildProcess>();
let exitHook = false;

interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: tells a process from a later one with the same pid. */
  start: string;
  zombie: boolean;
}

function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), start: fields[19] ?? '', zombie: fields[0] === 'Z' };
  } catch {
    return undefined;
  }
}

/** Every live process below `root` (Portico's services, tsx's esbuild, …), from /proc. */
function descendants(root: number): ProcInfo[] {
  let all: ProcInfo[];
  try {
    all = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((d) => procInfo(Number(d)))
      .filter((p): p is ProcInfo => p !== undefined);
  } catch {
    return []; // no /proc: nothing to check
  }
  const out: ProcInfo[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const p of all) {
      if (p.ppid === parent && !p.zombie) {
        out.push(p);
        frontier.push(p.pid);
      }
    }
  }
  return out;
}

function stillAlive(p: ProcInfo): boolean {
  const now = procInfo(p.pid);
  return now !== undefined && now.start === p.start && !now.zombie;
}

function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return String(pid);
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  // A test worker that dies without its afterAll must not leave a Portico behind.
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid === undefined) continue;
      for (const p of descendants(child.pid)) kill(p.pid, 'SIGKILL');
      kill(child.pid, 'SIGKILL');
    }
  });
}

const MAX_LINES = 400;

export async function startPortico(shape: Shape, options: StartOptions = {}): Promise<Portico> {
  const dataDir = mkdtempSync(join(tmpdir(), `portico-e2e-${shape}-`));
  const port = await freePort();
  const args = ['--conditions=@portico/source', '--import', 'tsx', 'apps/portico/src/main.ts'];
  if (shape === 'embedded') {
    args.push('start', '--data-dir', dataDir, '--port', String(port));
  } else {
    const { etcd, nats } = testServers();
    args.push('start-distributed', '--data-dir', dataDir, '--port', String(port), '--etcd', etcd, '--nats', nats);
  }
  args.push(...(options.args ?? []));
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete env['KUBECONFIG'];
  delete env['NODE_OPTIONS']; // vitest's loader options are not Portico's

  installExitHook();
  // Its own process group, as from a shell: a signal meant for the test runner is not Portico's.
  const child = spawn(process.execPath, args, { cwd: WORKSPACE_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error('could not spawn portico');
  const pid = child.pid;
  live.add(child);

  const lines: string[] = [];
  const remember = (stream: 'out' | 'err', text: string): void => {
    for (const l of text.split('\n')) {
      if (!l) continue;
      lines.push(stream === 'err' ? `! ${l}` : l);
      if (lines.length > MAX_LINES) lines.shift();
    }
  };
  const output = (): string => lines.join('\n');

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      r({ code, signal });
    }),
  );

  let url: string | undefined;
  let kubeconfigPath: string | undefined;
  const ready = new Promise<void>((resolveReady) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      remember('out', text);
      buffered += text;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        const serving = /^Portico is serving on (https:\/\/\S+)$/.exec(line);
        if (serving) url = serving[1];
        const kc = /^export KUBECONFIG=(\S+)$/.exec(line);
        if (kc) kubeconfigPath = kc[1];
        if (url && kubeconfigPath) resolveReady();
      }
    });
  });
  child.stderr.on('data', (chunk: Buffer) => remember('err', chunk.toString('utf8')));

  let stopping: Promise<StopResult> | undefined;
  const stop = (graceMs = 20_000): Promise<StopResult> => {
    stopping ??= (async () => {
      let forced = false;
      // Taken before the signal: once Portico has exited, its children are reparented.
      const tree = descendants(pid);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') {
          forced = true;
          for (const p of [...tree, ...descendants(pid)]) kill(p.pid, 'SIGKILL');
          kill(pid, 'SIGKILL');
        }
      }
      const { code, signal } = await exited;
      // A child may still be finishing its exit; what is alive 5 s later was left behind.
      const deadline = Date.now() + 5_000;
      let alive = tree.filter(stillAlive);
      while (alive.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        alive = alive.filter(stillAlive);
      }
      const leftovers = alive.map((p) => command(p.pid));
      for (const p of alive) kill(p.pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      return { code, signal, forced, leftovers };
    })();
    return stopping;
  };

  const timeoutMs = options.readyTimeoutMs ?? 180_000;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref()),
  ]);
  if (outcome !== 'ready' || !url || !kubeconfigPath) {
    await stop(5_000);
    const why = outcome === 'exited' ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : `not ready after ${timeoutMs} ms`;
    throw new Error(`portico ${args.slice(4, 5).join(' ')} ${why}; its output:\n${output()}`);
  }
  return {
    shape,
    url,
    port: Number(new URL(url).port),
    kubeconfigPath,
    dataDir,
    pid,
    output,
    stop,
  };
}
