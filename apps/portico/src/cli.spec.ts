// `portico start` and `portico start-distributed` as a user runs them: a child process, the two
// lines on stdout, a kubeconfig, and the API over HTTPS with the admin client certificate.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'portico-cli-spec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
}

class Portico {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--conditions=@portico/source', '--import', 'tsx', 'apps/portico/src/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // As a user runs it: not quietened the way loggers are under vitest, no tracing.
      env: { ...process.env, VITEST: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    });
    this.exit = new Promise((r) => this.child.once('exit', (code, signal) => r({ code, signal })));
    const collect = (stream: NodeJS.ReadableStream, into: string[]) =>
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        into.push(line);
        for (const w of this.waiters) w();
      });
    collect(this.child.stdout!, this.stdout);
    collect(this.child.stderr!, this.stderr);
  }

  /** The URL and kubeconfig path from the two ready lines. */
  async ready(timeoutMs: number): Promise<{ url: string; kubeconfig: string }> {
    // Log lines may come before them on stdout; the two lines themselves come together.
    const found = (): { url: string; kubeconfig: string } | undefined => {
      for (let i = 0; i + 1 < this.stdout.length; i++) {
        const url = /^Portico is serving on (https:\/\/\S+)$/.exec(this.stdout[i]!)?.[1];
        const kubeconfig = /^export KUBECONFIG=(\S+)$/.exec(this.stdout[i + 1]!)?.[1];
        if (url && kubeconfig) return { url, kubeconfig };
      }
      return undefined;
    };
    return new Promise((resolveReady, reject) => {
      const check = (): void => {
        const result = found();
        if (!result) return;
        done();
        resolveReady(result);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`not ready in time; stdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr.join('\n')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      void this.exit.then((e) => {
        done();
        reject(new Error(`exited (${JSON.stringify(e)}) before ready; stderr:\n${this.stderr.join('\n')}`));
      });
      check();
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

function apiRequest(
  kubeconfigPath: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters[0]!.cluster;
  const user = kc.users[0]!.user;
  const fromB64 = (s: string) => Buffer.from(s, 'base64');
  const url = new URL(path, cluster.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolveReq, reject) => {
    const req = request(
      url,
      {
        method,
        ca: fromB64(cluster['certificate-authority-data']),
        cert: fromB64(user['client-certificate-data']),
        key: fromB64(user['client-key-data']),
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            resolveReq({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> });
          } catch (err) {
            reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`, { cause: err }));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Running, not merely a zombie waiting for init to reap it (orphans end up there). */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const running: Portico[] = [];
function portico(args: string[]): Portico {
  const p = new Portico(args);
  running.push(p);
  return p;
}
afterEach(async () => {
  for (const p of running.splice(0)) {
    p.kill('SIGKILL');
    await p.exit;
  }
});

describe('portico start', () => {
  it('serves /version with the admin certificate, and a restart keeps data and certificates', { timeout: 240_000 }, async () => {
    const dataDir = join(scratch, 'all-in-one');
    const first = portico(['start', '--data-dir', dataDir, '--port', '0']);
    const { url, kubeconfig } = await first.ready(120_000);

    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kubeconfig).toBe(join(dataDir, 'kubeconfig'));
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'state.db')).isFile()).toBe(true);
    const kc = parse(readFileSync(kubeconfig, 'utf8')) as Kubeconfig & Record<string, unknown>;
    expect(kc['current-context']).toBe('portico');
    expect(kc.clusters[0]!.cluster.server).toBe(url);

    const version = await apiRequest(kubeconfig, 'GET', '/version');
    expect(version.status).toBe(200);
    expect(version.json['gitVersion']).toEqual(expect.stringMatching(/^v1\./));

    const created = await apiRequest(kubeconfig, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'survives-restart' },
    });
    expect(created.status).toBe(201);

    first.kill('SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });

    const caBefore = kc.clusters[0]!.cluster['certificate-authority-data'];
    const second = portico(['start', '--data-dir', dataDir, '--port', '0']);
    const again = await second.ready(120_000);
    const kcAfter = parse(readFileSync(again.kubeconfig, 'utf8')) as Kubeconfig;
    expect(kcAfter.clusters[0]!.cluster['certificate-authority-data']).toBe(caBefore);
    const ns = await apiRequest(again.kubeconfig, 'GET', '/api/v1/namespaces/survives-restart');
    expect(ns.status).toBe(200);
    expect((ns.json['metadata'] as { name: string }).name).toBe('survives-restart');
    second.kill('SIGTERM');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  });
});

describe('portico start-distributed', () => {
  /** pid of every process the CLI reported starting, by name. */
  const startedPids = (p: Portico): Map<string, number> =>
    new Map(
      p.stderr
        .map((line) => /^started (\S+) \(pid (\d+)\)/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, Number(m[2])]),
    );

  it('runs etcd, NATS and four service processes, serves /version, and stops them in order', { timeout: 240_000 }, async () => {
    const dataDir = join(scratch, 'distributed');
    const cli = portico(['start-distributed', '--data-dir', dataDir, '--port', '0']);
    const { kubeconfig } = await cli.ready(180_000);
    expect(kubeconfig).toBe(join(dataDir, 'kubeconfig'));
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);

    const version = await apiRequest(kubeconfig, 'GET', '/version');
    expect(version.status).toBe(200);

    const pids = startedPids(cli);
    expect([...pids.keys()].sort()).toEqual(['admission', 'auth', 'etcd', 'gateway', 'nats-server', 'storage']);
    for (const pid of pids.values()) expect(alive(pid)).toBe(true);

    cli.kill('SIGTERM');
    expect(await cli.exit).toEqual({ code: 0, signal: null });
    for (const pid of pids.values()) expect(alive(pid)).toBe(false);
    const stopped = cli.stderr.map((l) => /^stopping (\S+) /.exec(l)?.[1]).filter(Boolean);
    expect(stopped).toEqual(['gateway', 'admission', 'auth', 'storage', 'nats-server', 'etcd']);
  });

  it('leaves no services behind when killed, and the next start stops its leftover etcd and NATS', { timeout: 300_000 }, async () => {
    const dataDir = join(scratch, 'distributed-killed');
    const first = portico(['start-distributed', '--data-dir', dataDir, '--port', '0']);
    const { kubeconfig } = await first.ready(180_000);
    const created = await apiRequest(kubeconfig, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kept-in-etcd' },
    });
    expect(created.status).toBe(201);
    const pids = startedPids(first);

    first.kill('SIGKILL');
    await first.exit;
    // The services notice their supervisor is gone (IPC channel closed) and shut down.
    const services = ['storage', 'auth', 'admission', 'gateway'].map((n) => pids.get(n)!);
    while (services.some(alive)) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pids.get('etcd')!)).toBe(true);

    const second = portico(['start-distributed', '--data-dir', dataDir, '--port', '0']);
    const again = await second.ready(180_000);
    expect(second.stderr).toContain(`stopping etcd left running by an earlier start (pid ${pids.get('etcd')})`);
    expect(second.stderr).toContain(`stopping nats-server left running by an earlier start (pid ${pids.get('nats-server')})`);
    expect(alive(pids.get('etcd')!)).toBe(false);
    expect(alive(pids.get('nats-server')!)).toBe(false);
    const ns = await apiRequest(again.kubeconfig, 'GET', '/api/v1/namespaces/kept-in-etcd');
    expect(ns.status).toBe(200);
    second.kill('SIGTERM');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  });

  it('stops everything and exits non-zero when a service dies', { timeout: 240_000 }, async () => {
    const cli = portico(['start-distributed', '--data-dir', join(scratch, 'distributed-crash'), '--port', '0']);
    await cli.ready(180_000);
    const pids = startedPids(cli);
    process.kill(pids.get('storage')!, 'SIGKILL');
    const exit = await cli.exit;
    expect(exit.code).not.toBe(0);
    for (const pid of pids.values()) expect(alive(pid)).toBe(false);
    expect(cli.stderr.join('\n')).toContain('storage stopped unexpectedly');
  });
});
