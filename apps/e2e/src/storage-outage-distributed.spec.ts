// Issue 2 item 10: "storage or etcd down → 503 with a Status, and recovery when they return".
// `portico start-distributed` on an etcd of this file's own (fixed client port and data dir, so
// that it can be stopped and started again where storage expects it): with etcd stopped, requests
// that need storage end in a 503 Status within the request timeout (not a 500, not a hang); with
// etcd back, the same Portico serves again without a restart.
// start-distributed supervises but does not restart its services: when the storage process dies,
// it stops everything and exits 1. The last test pins that down.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEtcd, type EtcdServer } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResponse, rawRequestOrStatus0, readKubeconfig, type KubeconfigCredentials, type RawResponse } from './support/https';
import { sleep, until } from './support/poll';
import { startPortico, type Portico } from './support/portico';
import { expectFailureStatus, uniqueSuffix } from './support/status';

let etcdDir: string;
let etcdPort: number;
let etcd: EtcdServer | undefined;
let portico: Portico | undefined;
let creds: KubeconfigCredentials;

const ns = 'default';
const cmPath = `/api/v1/namespaces/${ns}/configmaps`;

function configMap(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });
}

/** A request that never throws: a transport failure or a client-side timeout becomes status 0. */
function send(method: string, path: string, body?: string, timeoutMs = 90_000): Promise<RawResponse> {
  return rawRequestOrStatus0(creds, { method, path, ...(body !== undefined ? { body } : {}), timeoutMs });
}

beforeAll(async () => {
  etcdDir = mkdtempSync(join(tmpdir(), 'portico-e2e-outage-etcd-'));
  etcdPort = await freePort();
  etcd = await startEtcd({ clientPort: etcdPort, dataDir: etcdDir });
  // startPortico passes the run's shared etcd first; commander keeps the last --etcd, this one.
  portico = await startPortico('distributed', { args: ['--etcd', etcd.endpoint] });
  expect(portico.output()).not.toContain('started etcd');
  creds = readKubeconfig(portico.kubeconfigPath);
  // Like kube-apiserver, Portico serves before its post-start hooks (the system namespaces) are done.
  const ready = await until(() => send('GET', '/readyz', undefined, 5_000), (r) => r.status === 200, 60_000);
  expect(ready.status, describeResponse(ready)).toBe(200);
});

afterAll(async () => {
  await portico?.stop();
  await etcd?.stop();
  rmSync(etcdDir, { recursive: true, force: true });
});

describe('distributed: etcd outage', () => {
  const before = `before-${uniqueSuffix()}`;

  it('serves while etcd is up', async () => {
    const created = await send('POST', cmPath, configMap(before));
    expect(created.status, describeResponse(created)).toBe(201);
    const got = await send('GET', `${cmPath}/${before}`);
    expect(got.status, describeResponse(got)).toBe(200);
  });

  it('answers 503 with a Status while etcd is down, within the request timeout', async () => {
    await etcd?.stop();
    etcd = undefined;
    // The client gives up later than the server's 60 s request timeout, so a hang shows as status
    // 0 and a timeout as 504. Reads and writes both need etcd (a read without resourceVersion is a
    // consistent read; a create also reads its namespace in admission). Storage's etcd client fails
    // fast while etcd refuses connections, so the very first request after the stop is a 503.
    for (const [method, path, body] of [
      ['GET', `${cmPath}/${before}`, undefined],
      ['GET', cmPath, undefined],
      ['POST', cmPath, configMap(`during-${uniqueSuffix()}`)],
    ] as const) {
      const r = await send(method, path, body);
      expect(r.status, `${method} ${path}: ${describeResponse(r)}`).toBe(503);
      expectFailureStatus(r.json, { code: 503, reason: 'ServiceUnavailable' });
    }
    // kube-apiserver's etcd check fails readiness meanwhile (a load balancer stops sending traffic).
    const ready = await send('GET', '/readyz/etcd', undefined, 30_000);
    expect(ready.status, describeResponse(ready)).not.toBe(0);
    expect(ready.status, describeResponse(ready)).not.toBe(200);
  });

  it('serves again once etcd is back on the same port and data, without restarting Portico', async () => {
    etcd = await startEtcd({ clientPort: etcdPort, dataDir: etcdDir });
    const got = await until(() => send('GET', `${cmPath}/${before}`), (r) => r.status === 200, 90_000);
    expect(got.status, describeResponse(got)).toBe(200);
    expect((got.json as { metadata?: { name?: string } }).metadata?.name).toBe(before);
    const after = `after-${uniqueSuffix()}`;
    const created = await until(() => send('POST', cmPath, configMap(after)), (r) => r.status === 201, 30_000);
    expect(created.status, describeResponse(created)).toBe(201);
    const list = await send('GET', cmPath);
    expect(list.status, describeResponse(list)).toBe(200);
    const names = ((list.json as { items?: { metadata?: { name?: string } }[] }).items ?? []).map((i) => i.metadata?.name);
    expect(names).toEqual(expect.arrayContaining([before, after]));
    const ready = await until(() => send('GET', '/readyz', undefined, 5_000), (r) => r.status === 200, 30_000);
    expect(ready.status, describeResponse(ready)).toBe(200);
  });
});

/** Node processes below `root` (from /proc) running one of Portico's service apps, by service. */
function serviceProcesses(root: number): Map<string, number> {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  const found = new Map<string, number>();
  for (const pid of parents.keys()) {
    if (!below(pid)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    const m = /apps\/(storage|auth|admission|gateway)\/(src\/main\.ts|dist\/main\.js)/.exec(cmd);
    if (m?.[1] && !found.has(m[1])) found.set(m[1], pid);
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('distributed: the storage process dies', () => {
  it('start-distributed restarts nothing: it stops every service and exits 1, saying why', async () => {
    if (!portico) throw new Error('portico did not start');
    const services = serviceProcesses(portico.pid);
    expect([...services.keys()].sort()).toEqual(['admission', 'auth', 'gateway', 'storage']);
    const storagePid = services.get('storage') ?? 0;
    expect(storagePid).toBeGreaterThan(1);
    process.kill(storagePid, 'SIGKILL');

    const deadline = Date.now() + 60_000;
    while (alive(portico.pid) && Date.now() < deadline) await sleep(200);
    expect(alive(portico.pid), portico.output()).toBe(false);
    const { code, forced } = await portico.stop();
    expect(forced).toBe(false);
    expect(code).toBe(1);
    expect(portico.output()).toContain('storage stopped unexpectedly (signal SIGKILL)');
    expect(portico.output()).toContain('portico: storage stopped; everything else was stopped too');
    for (const [name, pid] of services) expect(alive(pid), `${name} (pid ${pid}) is still running`).toBe(false);
  });
});
