import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface Exit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Where output goes: a log file (opened for the child itself, so that it keeps logging if this
   * process dies), or each line to `onLine` (stdout and stderr alike).
   */
  logFile?: string;
  onLine?: (line: string) => void;
  /**
   * Open an IPC channel. A Node child sees it close when this process dies, however it dies
   * (the service mains shut down then), so a killed supervisor leaves no services behind.
   */
  ipc?: boolean;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Children live in their own process group so that Ctrl-C in the terminal reaches only this
 * process, which then stops them in order. If this process dies without stopping them, the exit
 * hook still kills whatever is left.
 */
function trackForExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

export class ManagedProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly lineWaiters = new Set<(line: string) => void>();
  private exit: Exit | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    opts: ManagedProcessOptions = {},
  ) {
    const logFd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
    try {
      this.child = spawn(command, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: [
          'ignore',
          logFd ?? 'pipe',
          logFd ?? 'pipe',
          ...(opts.ipc ? (['ipc'] as const) : []),
        ],
        detached: true,
      });
    } finally {
      if (logFd !== undefined) closeSync(logFd);
    }
    trackForExit(this.child);
    // The channel is only a lifeline; it must not keep this process alive.
    this.child.channel?.unref();
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        opts.onLine?.(`${command}: ${err.message}`);
        this.exit ??= { name, code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('exit', (code, signal) => {
        this.exit = { name, code, signal };
        resolve(this.exit);
      });
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        opts.onLine?.(line);
        for (const waiter of this.lineWaiters) waiter(line);
      });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /**
   * The first output line matching `pattern`; rejects if the process exits or the time runs out
   * first. Only for processes whose output is not sent to a log file.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.lineWaiters.delete(onLine);
      };
      const onLine = (line: string): void => {
        const match = pattern.exec(line);
        if (!match) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} did not become ready within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.lineWaiters.add(onLine);
      void this.exited.then((exit) => {
        cleanup();
        reject(new Error(`${this.name} exited before it was ready (${describeExit(exit)})`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    timer.unref();
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

export function describeExit(exit: Exit): string {
  if (exit.signal) return `signal ${exit.signal}`;
  if (exit.code === null) return 'could not be started';
  return `exit code ${exit.code}`;
}

/** A TCP port nothing listens on right now (the usual small race between this and its use). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
