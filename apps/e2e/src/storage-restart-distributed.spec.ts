// Issue 2 item 10, the storage half: "storage … down → 503 with a Status, and recovery when it
// returns". `portico start-distributed` restarts nothing (storage-outage-distributed.spec.ts), so
// this runs the services one process each, as an orchestrator does (docker-compose, Kubernetes),
// with storage on a fixed address: SIGKILL storage, requests that need it get a 503 Status right
// away (not a 500, not a hang), start storage again on the same address, and the same gateway,
// auth and admission serve again without being restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResponse, rawRequestOrStatus0, readKubeconfig, type KubeconfigCredentials, type RawResponse } from './support/https';
import { until } from './support/poll';
import { testServers } from './support/portico';
import { initCluster, kubeconfigFor, type ServiceProcess, startService } from './support/services';
import { expectFailureStatus, uniqueSuffix } from './support/status';

let dir = '';
let storageArgs: string[] = [];
let storage: ServiceProcess | undefined;
let auth: ServiceProcess | undefined;
let admission: ServiceProcess | undefined;
let gateway: ServiceProcess | undefined;
let creds: KubeconfigCredentials;

const cmPath = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });

/** A request that never throws: a transport failure or a client-side timeout becomes status 0. */
function send(method: string, path: string, body?: string, timeoutMs = 90_000): Promise<RawResponse> {
  return rawRequestOrStatus0(creds, { method, path, ...(body !== undefined ? { body } : {}), timeoutMs });
}

beforeAll(async () => {
  const { etcd, nats } = testServers();
  dir = mkdtempSync(join(tmpdir(), 'portico-e2e-storage-restart-'));
  const port = await freePort();
  const { pkiDir, kubeconfigPath } = await initCluster(join(dir, 'cluster'), `https://127.0.0.1:${port}`);
  // A fixed address, so that a restarted storage is where its clients' channels expect it.
  const storageAddress = `127.0.0.1:${await freePort()}`;
  storageArgs = ['--listen', storageAddress, '--etcd', etcd, '--nats', nats];
  storage = await startService('storage', storageArgs);
  [auth, admission] = await Promise.all([
    startService('auth', ['--listen', '127.0.0.1:0', '--pki-dir', pkiDir, '--storage', storageAddress, '--nats', nats]),
    startService('admission', ['--listen', '127.0.0.1:0', '--storage', storageAddress, '--nats', nats]),
  ]);
  gateway = await startService('gateway', [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--pki-dir', pkiDir,
    '--storage', storageAddress,
    '--auth', auth.address,
    '--admission', admission.address,
    '--nats', nats,
  ]); // prettier-ignore
  creds = readKubeconfig(kubeconfigFor(kubeconfigPath, `https://127.0.0.1:${port}`, join(dir, 'kubeconfig')));
  const ready = await until(() => send('GET', '/readyz', undefined, 5_000), (r) => r.status === 200, 60_000);
  expect(ready.status, describeResponse(ready)).toBe(200);
}, 240_000);

afterAll(async () => {
  for (const p of [gateway, admission, auth, storage]) await p?.stop(5_000);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('distributed services: the storage process dies and comes back', () => {
  const before = `before-${uniqueSuffix()}`;

  it('serves while storage is up', async () => {
    const created = await send('POST', cmPath, configMap(before));
    expect(created.status, describeResponse(created)).toBe(201);
  });

  it('answers 503 with a Status while storage is gone', async () => {
    await storage?.kill();
    // The client waits longer than the server's 60 s request timeout: a hang would show as 0.
    for (const [method, path, body] of [
      ['GET', `${cmPath}/${before}`, undefined],
      ['GET', cmPath, undefined],
      ['POST', cmPath, configMap(`during-${uniqueSuffix()}`)],
    ] as const) {
      const r = await send(method, path, body);
      expect(r.status, `${method} ${path}: ${describeResponse(r)}`).toBe(503);
      expectFailureStatus(r.json, { code: 503, reason: 'ServiceUnavailable' });
    }
    const ready = await send('GET', '/readyz/etcd', undefined, 30_000);
    expect(ready.status, describeResponse(ready)).not.toBe(0);
    expect(ready.status, describeResponse(ready)).not.toBe(200);
    expect(gateway?.running && auth?.running && admission?.running).toBe(true);
  });

  it('serves again once storage is back on the same address, without restarting the others', async () => {
    const pids = [gateway?.pid, auth?.pid, admission?.pid];
    storage = await startService('storage', storageArgs);
    const got = await until(() => send('GET', `${cmPath}/${before}`), (r) => r.status === 200, 60_000);
    expect(got.status, describeResponse(got)).toBe(200);
    const after = `after-${uniqueSuffix()}`;
    const created = await until(() => send('POST', cmPath, configMap(after)), (r) => r.status === 201, 60_000);
    expect(created.status, describeResponse(created)).toBe(201);
    const ready = await until(() => send('GET', '/readyz', undefined, 5_000), (r) => r.status === 200, 30_000);
    expect(ready.status, describeResponse(ready)).toBe(200);
    expect([gateway?.pid, auth?.pid, admission?.pid]).toEqual(pids);
    expect(gateway?.running && auth?.running && admission?.running).toBe(true);
  });
});
