// A long-running kubectl (`get -w`) whose output is read line by line while the test acts, with a
// fresh HOME and caches as runKubectl gives it, stopped by its own pid.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlStream {
  /** Complete stdout lines so far. */
  lines: string[];
  stderr(): string;
  /** Resolves with the lines once `pred` holds; rejects when kubectl exits first or after `timeoutMs`. */
  waitFor(pred: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  /** SIGTERM (kubectl stops its watch), then the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnKubectl(bin: string, args: string[], kubeconfig: string): KubectlStream {
  const home = mkdtempSync(join(tmpdir(), 'portico-kubectl-w-'));
  const child = spawn(bin, args, {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(home, 'kube-cache'),
      XDG_CACHE_HOME: join(home, 'cache'),
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      LANG: 'C.UTF-8',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  let buffered = '';
  const waiters = new Set<() => void>();
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      done = true;
      if (buffered !== '') lines.push(buffered);
      rmSync(home, { recursive: true, force: true });
      for (const w of [...waiters]) w();
      resolve({ code, signal });
    }),
  );
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
    for (const w of [...waiters]) w();
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const describe = (): string => `stdout:\n${lines.join('\n')}${buffered}\nstderr:\n${err}`;
  return {
    lines,
    stderr: () => err,
    exited,
    waitFor: (pred, what, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`kubectl ${args.join(' ')}: no ${what} within ${timeoutMs} ms\n${describe()}`));
        }, timeoutMs);
        const check = (): void => {
          if (pred(lines)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(lines);
          } else if (done) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`kubectl ${args.join(' ')} exited before ${what}\n${describe()}`));
          }
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      if (!done) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}

/** The cells of a kubectl table row (columns are separated by two or more spaces). */
export function cells(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}
