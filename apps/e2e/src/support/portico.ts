// Starts Portico the way a user does, from the workspace sources, and stops it with SIGTERM.
//   embedded:    portico start --data-dir <tmp> --port <free>
//   distributed: portico start-distributed --data-dir <tmp> --port <free> --etcd <url> --nats <url>
// Both print `Portico is serving on https://127.0.0.1:<port>` and `export KUBECONFIG=<abs path>`
// on stdout once they serve.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type Shape = 'embedded' | 'distributed';

/** The workspace root (this file is apps/e2e/src/support/portico.ts). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when SIGTERM was not enough and the process group had to be killed. */
  forced: boolean;
  /** True when processes of its group were still alive after the main process exited. */
  leftovers: boolean;
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

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // no such group any more
  }
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  // A test worker that dies without its afterAll must not leave a Portico behind.
  process.on('exit', () => {
    for (const child of live) if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
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
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete env['KUBECONFIG'];
  delete env['NODE_OPTIONS']; // vitest's loader options are not Portico's

  installExitHook();
  // Its own process group, so that a distributed Portico that ignores SIGTERM can still be
  // cleaned up completely (it starts one process per service).
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
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') {
          forced = true;
          killGroup(pid, 'SIGKILL');
        }
      }
      const { code, signal } = await exited;
      // Anything of its group still alive was left behind by Portico.
      const leftovers = killGroup(pid, 'SIGKILL');
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
