// Portico's services one process each, started from the workspace sources the way an operator runs
// them (`node … apps/<service>/src/main.ts <flags>`), so that a suite can run several gateways and
// storage replicas on one etcd and one NATS, and kill or restart any one of them.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './portico';

export type ServiceName = 'storage' | 'auth' | 'admission' | 'gateway';

const MAX_LINES = 300;
const live = new Set<ChildProcess>();
let exitHook = false;

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  // A worker that dies without its afterAll must not leave services behind.
  process.on('exit', () => {
    for (const child of live) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export class ServiceProcess {
  /** What it printed on its `<service> listening on <addr>` line. */
  address = '';
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  /** Lines seen since the start (the kept window is the last MAX_LINES). */
  private seen = 0;
  private readonly lineWaiters = new Set<(line: string) => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly ready: Promise<string>;

  constructor(
    readonly name: ServiceName,
    readonly args: string[],
    env: Record<string, string> = {},
  ) {
    installExitHook();
    const childEnv: Record<string, string | undefined> = { ...process.env, PORTICO_LOG_LEVEL: 'info', ...env };
    delete childEnv['NODE_OPTIONS'];
    // Its own process group: killing it reaches tsx's helpers too, and nothing else.
    this.child = spawn(
      process.execPath,
      ['--conditions=@portico/source', '--import', 'tsx', join(WORKSPACE_ROOT, 'apps', name, 'src', 'main.ts'), ...args],
      { cwd: WORKSPACE_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    live.add(this.child);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        live.delete(this.child);
        resolve({ code, signal });
      }),
    );
    this.ready = new Promise((resolve, reject) => {
      let buffered = '';
      this.child.stdout?.on('data', (c: Buffer) => {
        buffered += c.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          this.remember(line);
          const m = new RegExp(`^${name} listening on (\\S+)$`).exec(line.trim());
          if (m) resolve(m[1] ?? '');
        }
      });
      this.child.stderr?.on('data', (c: Buffer) => {
        for (const l of c.toString('utf8').split('\n')) if (l) this.remember(`! ${l}`);
      });
      void this.exited.then(({ code, signal }) => reject(new Error(`${name} exited before it listened (code ${code}, signal ${signal})\n${this.output()}`)));
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private remember(line: string): void {
    this.seen++;
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.shift();
    for (const w of [...this.lineWaiters]) w(line);
  }

  /** How many lines it has written so far: pass it to waitForLine to wait only for later ones. */
  mark(): number {
    return this.seen;
  }

  /** Resolves with the first line matching `pattern` written after `since` (a mark()). */
  waitForLine(pattern: RegExp, since: number, timeoutMs = 30_000): Promise<string> {
    const kept = this.lines.slice(Math.max(0, this.lines.length - (this.seen - since)));
    const already = kept.find((l) => pattern.test(l));
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lineWaiters.delete(waiter);
        reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      const waiter = (line: string): void => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        this.lineWaiters.delete(waiter);
        resolve(line);
      };
      this.lineWaiters.add(waiter);
    });
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the listen address once the service serves. */
  async listening(timeoutMs = 120_000): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      this.address = await Promise.race([
        this.ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name} not listening after ${timeoutMs} ms\n${this.output()}`)), timeoutMs);
        }),
      ]);
      return this.address;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL to the whole group (a crash: no lease revoked, no connection closed politely). */
  async kill(): Promise<void> {
    if (!this.running) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => void this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
    try {
      process.kill(-this.pid, 'SIGKILL'); // helpers left in its group
    } catch {
      // none
    }
  }
}

/** Starts a service and waits until it listens. */
export async function startService(name: ServiceName, args: string[], env?: Record<string, string>): Promise<ServiceProcess> {
  const p = new ServiceProcess(name, args, env);
  try {
    await p.listening();
  } catch (e) {
    await p.kill();
    throw e;
  }
  return p;
}

/** `portico init`: the cluster PKI and an admin kubeconfig for `server`; returns their paths. */
export async function initCluster(dataDir: string, server: string): Promise<{ pkiDir: string; kubeconfigPath: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@portico/source', '--import', 'tsx', 'apps/portico/src/main.ts', 'init', '--data-dir', dataDir, '--server', server],
    { cwd: WORKSPACE_ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const pki = /^PKI in (\S+)$/m.exec(out);
  const kc = /^export KUBECONFIG=(\S+)$/m.exec(out);
  if (code !== 0 || !pki || !kc) throw new Error(`portico init failed (code ${code}):\n${out}`);
  return { pkiDir: pki[1] as string, kubeconfigPath: kc[1] as string };
}

/** A copy of a kubeconfig that points at another server (same CA and credentials). */
export function kubeconfigFor(source: string, server: string, target: string): string {
  const text = readFileSync(source, 'utf8').replace(/server: \S+/g, `server: ${server}`);
  writeFileSync(target, text, { mode: 0o600 });
  return target;
}
