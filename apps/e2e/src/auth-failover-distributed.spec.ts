// Issue 5 item 4: "auth runs as several replicas behind gRPC; the gateway balances over them, and
// keeps working when one dies". Each service is its own process, as in watch-distributed.spec.ts,
// on its own etcd and nats-server: one storage, two `portico auth` replicas on fixed addresses,
// admission, and one gateway given both (`--auth ipv4:A,B`, gRPC round robin). Requests by client
// certificate and by ServiceAccount token succeed; one replica is SIGKILLed and every request after
// it still succeeds, the very first one included (the gateway's auth client retries a call that
// found its replica gone on the other one); the replica is restarted on its address and, once the
// gateway has reconnected to it, carries the load alone when the other one is killed in turn.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, kubectlBinaries, runKubectl } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type KubeconfigCredentials } from './support/https';
import { describeRun } from './support/kubectl-output';
import { eventually, sleep } from './support/poll';
import { ProcessCluster } from './support/process-cluster';
import { type ServiceProcess, startService } from './support/services';
import { uniqueSuffix } from './support/status';

describe('portico (distributed: 2 auth replicas behind one gateway): an auth replica dies', () => {
  const cluster = new ProcessCluster('portico-e2e-auth-failover-');
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
    const path = join(cluster.dir, name);
    const server = { server: creds.server, 'certificate-authority-data': creds.ca.toString('base64') };
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'p', cluster: server }],
        users: [{ name: 'u', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'p', user: 'u' } }],
        'current-context': 'c',
      }),
      { mode: 0o600 },
    );
    return path;
  };

  /** GET of configmap c1 by the bot's token alone (no client certificate): every one needs an auth replica. */
  const getByToken = () =>
    rawRequest(creds, {
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps/c1`,
      anonymous: true,
      headers: { authorization: `Bearer ${botToken}` },
      timeoutMs: 30_000,
    });

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
    const port = await freePort();
    await cluster.start(`https://127.0.0.1:${port}`);
    const { pkiDir, natsUrl } = cluster;
    bin = (await kubectlBinaries()).kubectl133;
    const storageAddress = `127.0.0.1:${await freePort()}`;
    storage = await startService('storage', ['--listen', storageAddress, '--etcd', cluster.etcd.endpoint, '--nats', natsUrl]);
    for (let i = 0; i < 2; i++) {
      // Both replicas sign and verify with the cluster's keys in the PKI dir, and follow RBAC on NATS.
      auths.push({ args: ['--listen', `127.0.0.1:${await freePort()}`, '--pki-dir', pkiDir, '--storage', storageAddress, '--nats', natsUrl], proc: undefined });
    }
    const [a1, a2, adm] = await Promise.all([
      ...auths.map((a) => startService('auth', a.args)),
      startService('admission', ['--listen', '127.0.0.1:0', '--storage', storageAddress, '--nats', natsUrl]),
    ]);
    [(auths[0] as (typeof auths)[number]).proc, (auths[1] as (typeof auths)[number]).proc, admission] = [a1, a2, adm];
    const g = await cluster.startGateway('admin', port, { storage: storageAddress, auth: `ipv4:${a1?.address},${a2?.address}`, admission: admission?.address ?? '' });
    gateway = g.proc;
    admin = g.kubeconfigPath;
    creds = g.creds;
    await ok(admin, ['create', 'namespace', ns]);
    await ok(admin, ['create', 'serviceaccount', 'bot', '-n', ns]);
    await ok(admin, ['create', 'configmap', 'c1', '-n', ns, '--from-literal=a=b']);
    await ok(admin, ['create', 'role', 'cm-read', '--verb=get,list', '--resource=configmaps', '-n', ns]);
    await ok(admin, ['create', 'rolebinding', 'bot-cm', '--role=cm-read', `--serviceaccount=${ns}:bot`, '-n', ns]);
    botToken = (await ok(admin, ['create', 'token', 'bot', '-n', ns, '--duration=1h'])).trim();
    botKubeconfig = tokenKubeconfig('bot.kubeconfig', botToken);
    // The binding reaches both replicas' RBAC index through the watch fan-out.
    await eventually('the RoleBinding to take effect', async () => ((await kubectl(botKubeconfig, ['get', 'configmaps', '-n', ns])).code === 0 ? true : undefined), 30_000, 250);
  }, 240_000);

  afterAll(async () => {
    await cluster.stop([gateway, admission, ...auths.map((a) => a.proc), storage]);
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
        const r = await getByToken().catch((e: unknown) => ({ status: 0, body: Buffer.from(String(e)) }));
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
    const first = await getByToken();
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
