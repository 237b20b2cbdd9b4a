// Issue 5 item 4: "auth runs as several replicas behind gRPC; the gateway balances over them, and
// keeps working when one dies". Each service is its own process, as in watch-distributed.spec.ts,
// on its own etcd and nats-server: one storage, two `portico auth` replicas on fixed addresses,
// admission, and one gateway given both (`--auth ipv4:A,B`, gRPC round robin). Requests by client
// certificate and by ServiceAccount token succeed; one replica is SIGKILLed and every request after
// it still succeeds, the very first one included (the gateway's auth client retries a call that
// found its replica gone on the other one); the replica is restarted on its address and, once the
// gateway has reconnected to it, carries the load alone when the other one is killed in turn.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, kubectlBinaries, runKubectl, startEtcd, startNats, type EtcdServer, type NatsServer, type RunResult } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, readKubeconfig, type KubeconfigCredentials } from './support/https';
import { initCluster, kubeconfigFor, type ServiceProcess, startService } from './support/services';
import { uniqueSuffix } from './support/status';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const describeRun = (r: RunResult): string => `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('portico (distributed: 2 auth replicas behind one gateway): an auth replica dies', () => {
  let dir = '';
  let etcd: EtcdServer | undefined;
  let nats: NatsServer | undefined;
  let storage: ServiceProcess | undefined;
  let admission: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  // Fixed addresses: a restarted replica must be where the gateway's channel expects it.
  const auths: { args: string[]; proc: ServiceProcess | undefined }[] = [];
  let bin = '';
  let admin = '';
  let creds: KubeconfigCredentials;
  let botToken = '';
  let botKubeconfig = '';
  const ns = `e2e-authfo-${uniqueSuffix()}`;

  const kubectl = (kubeconfig: string, args: string[]) => runKubectl(bin, args, { kubeconfig, timeoutMs: 60_000 });
  const ok = async (kubeconfig: string, args: string[]): Promise<string> => {
    const r = await kubectl(kubeconfig, args);
    expect(r.code, `kubectl ${args.join(' ')}: ${describeRun(r)}`).toBe(0);
    return r.stdout;
  };

  /** A kubeconfig with the cluster CA and a bearer token only, as a pod's service account has. */
  const tokenKubeconfig = (name: string, token: string): string => {
    const path = join(dir, name);
    const cluster = { server: creds.server, 'certificate-authority-data': creds.ca.toString('base64') };
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'p', cluster }],
        users: [{ name: 'u', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'p', user: 'u' } }],
        'current-context': 'c',
      }),
      { mode: 0o600 },
    );
    return path;
  };

  /**
   * A round of requests that all need the auth service: a fresh token (never seen, so nothing in
   * the gateway can answer for auth), requests by certificate and by token (each kubectl run
   * starts with an empty discovery cache, so several requests each), and one allowed and one
   * refused by RBAC, as the replicas decide them.
   */
  async function round(label: string): Promise<void> {
    const token = (await ok(admin, ['create', 'token', 'bot', '-n', ns, '--duration=10m'])).trim();
    expect(token.split('.'), label).toHaveLength(3);
    const fresh = tokenKubeconfig(`bot-${label}.kubeconfig`, token);
    expect(await ok(fresh, ['get', 'configmaps', '-n', ns, '-o', 'name']), label).toContain('configmap/c1');
    expect(await ok(botKubeconfig, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']), label).toBe(`system:serviceaccount:${ns}:bot`);
    const denied = await kubectl(fresh, ['get', 'secrets', '-n', ns]);
    expect(denied.code, `${label}: ${describeRun(denied)}`).not.toBe(0);
    expect(denied.stderr, label).toContain(`User "system:serviceaccount:${ns}:bot" cannot list resource "secrets"`);
    expect(await ok(admin, ['get', 'configmap', 'c1', '-n', ns, '-o', 'jsonpath={.data.a}']), label).toBe('b');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-e2e-auth-failover-'));
    [etcd, nats] = await Promise.all([startEtcd(), startNats()]);
    bin = (await kubectlBinaries()).kubectl133;
    const port = await freePort();
    const { pkiDir, kubeconfigPath } = await initCluster(join(dir, 'cluster'), `https://127.0.0.1:${port}`);
    const storageAddress = `127.0.0.1:${await freePort()}`;
    storage = await startService('storage', ['--listen', storageAddress, '--etcd', etcd.endpoint, '--nats', nats.url]);
    for (let i = 0; i < 2; i++) {
      // Both replicas sign and verify with the cluster's keys in the PKI dir, and follow RBAC on NATS.
      auths.push({ args: ['--listen', `127.0.0.1:${await freePort()}`, '--pki-dir', pkiDir, '--storage', storageAddress, '--nats', nats.url], proc: undefined });
    }
    const [a1, a2, adm] = await Promise.all([
      ...auths.map((a) => startService('auth', a.args)),
      startService('admission', ['--listen', '127.0.0.1:0', '--storage', storageAddress, '--nats', nats.url]),
    ]);
    [(auths[0] as (typeof auths)[number]).proc, (auths[1] as (typeof auths)[number]).proc, admission] = [a1, a2, adm];
    gateway = await startService('gateway', [
      '--host', '127.0.0.1',
      '--port', String(port),
      '--pki-dir', pkiDir,
      '--storage', storageAddress,
      '--auth', `ipv4:${a1?.address},${a2?.address}`,
      '--admission', admission?.address ?? '',
      '--nats', nats.url,
    ]); // prettier-ignore
    admin = kubeconfigFor(kubeconfigPath, `https://127.0.0.1:${port}`, join(dir, 'admin.kubeconfig'));
    creds = readKubeconfig(admin);
    const deadline = Date.now() + 60_000;
    while ((await rawRequest(creds, { method: 'GET', path: '/readyz', timeoutMs: 5_000 }).catch(() => ({ status: 0 }))).status !== 200) {
      if (Date.now() > deadline) throw new Error(`gateway not ready\n${gateway.output()}`);
      await sleep(250);
    }
    await ok(admin, ['create', 'namespace', ns]);
    await ok(admin, ['create', 'serviceaccount', 'bot', '-n', ns]);
    await ok(admin, ['create', 'configmap', 'c1', '-n', ns, '--from-literal=a=b']);
    await ok(admin, ['create', 'role', 'cm-read', '--verb=get,list', '--resource=configmaps', '-n', ns]);
    await ok(admin, ['create', 'rolebinding', 'bot-cm', '--role=cm-read', `--serviceaccount=${ns}:bot`, '-n', ns]);
    botToken = (await ok(admin, ['create', 'token', 'bot', '-n', ns, '--duration=1h'])).trim();
    botKubeconfig = tokenKubeconfig('bot.kubeconfig', botToken);
    // The binding reaches both replicas' RBAC index through the watch fan-out.
    const bound = Date.now() + 30_000;
    while ((await kubectl(botKubeconfig, ['get', 'configmaps', '-n', ns])).code !== 0) {
      if (Date.now() > bound) throw new Error('the RoleBinding never took effect');
      await sleep(250);
    }
  }, 240_000);

  afterAll(async () => {
    for (const p of [gateway, admission, ...auths.map((a) => a.proc), storage]) await p?.stop(5_000);
    await nats?.stop();
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('token and certificate requests succeed with both replicas up', async () => {
    await round('both up');
  });

  it('one replica SIGKILLed under load: every request succeeds, those in flight and the first one after included', async () => {
    // Requests by token (each one authenticated by a replica) keep four connections busy across
    // the kill, so that some are in flight on the replica that dies.
    let stop = false;
    const statuses: string[] = [];
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const r = await rawRequest(creds, {
          method: 'GET',
          path: `/api/v1/namespaces/${ns}/configmaps/c1`,
          anonymous: true,
          headers: { authorization: `Bearer ${botToken}` },
          timeoutMs: 30_000,
        }).catch((e: unknown) => ({ status: 0, body: Buffer.from(String(e)) }));
        statuses.push(r.status === 200 ? '200' : `${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
      }
    });
    await sleep(500);
    await auths[0]?.proc?.kill();
    await sleep(1_000);
    stop = true;
    await Promise.all(load);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== '200')).toEqual([]);
    // Straight away, before the gateway can have noticed anything: a raw request by token and
    // one by certificate, then whole kubectl rounds.
    const first = await rawRequest(creds, {
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps/c1`,
      anonymous: true,
      headers: { authorization: `Bearer ${botToken}` },
      timeoutMs: 30_000,
    });
    expect(first.status, first.body.toString('utf8')).toBe(200);
    const second = await rawRequest(creds, { method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/c1`, timeoutMs: 30_000 });
    expect(second.status, second.body.toString('utf8')).toBe(200);
    for (let i = 0; i < 3; i++) await round(`replica 1 dead, round ${i + 1}`);
  });

  it('the replica restarted on its address serves again: the other one can die in turn', async () => {
    const a1 = auths[0] as (typeof auths)[number];
    a1.proc = await startService('auth', a1.args);
    await round('replica 1 back');
    // grpc-js reconnects with a backoff of at most 5 s (DEFAULT_CHANNEL_OPTIONS), ±20 % jitter:
    // after that the gateway's channel to replica 1 is up again.
    await sleep(6_500);
    await auths[1]?.proc?.kill();
    await round('replica 2 dead');
  });
});
