// Watch in the distributed shape, built by hand so that any process can be killed: its own etcd and
// nats-server (restartable on their ports), two storage replicas (one elected publisher), auth,
// admission, and two gateways each talking to both replicas (gRPC round robin), each service its
// own process as `portico <service>` runs it. The client suites run against the gateways; then the
// proof of issue 4 item 5: watchers on both gateways see every event in order, and through a
// nats-server restart and the death of the publishing replica every watcher either still sees every
// event in order or gets a 410 and relists, and ends with exactly the objects of a final list
// (etcd's own history is the reference). Last, a third storage replica that compacts every second,
// behind a third gateway: 410 before a stream starts, and an ERROR 410 event when a gateway's feed
// must replay history that is gone.
import { Etcd3, type IKeyValue, type Watcher } from 'etcd3';
import { freePort } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, readKubeconfig } from './support/https';
import { eventually, sleep } from './support/poll';
import { type ClusterGateway, ProcessCluster } from './support/process-cluster';
import { type ServiceProcess, startService } from './support/services';
import { TcpProxy } from './support/tcp-proxy';
import { expectFailureStatus, uniqueSuffix } from './support/status';
import { describeEvents, openWatch, Reflector, type ObservedEvent } from './support/watch-client';
import {
  Api,
  configMap,
  configMapInformer,
  watchBadInputSuite,
  watchCompactionSuite,
  watchInformerSuite,
  watchKubectlSuite,
  watchRawSuite,
  writeUntilExpired,
  type WatchTarget,
} from './suites/watch';

type GatewayProc = ClusterGateway & WatchTarget;

const LEADER_KEY = '/registry/portico.storage-leader';

/** Every change under an etcd prefix from a revision on, as etcd itself reports it: the reference. */
class EtcdHistory {
  readonly events: ObservedEvent[] = [];
  private constructor(private readonly watcher: Watcher) {}

  static async start(client: Etcd3, prefix: string, fromRev: number): Promise<EtcdHistory> {
    const w = await client.watch().prefix(prefix).startRevision(String(fromRev + 1)).create();
    const h = new EtcdHistory(w);
    const name = (kv: IKeyValue) => kv.key.toString('utf8').slice(prefix.length);
    w.on('put', (kv) => h.events.push({ type: kv.create_revision === kv.mod_revision ? 'ADDED' : 'MODIFIED', name: name(kv), rv: Number(kv.mod_revision), generation: 0 }));
    w.on('delete', (kv) => h.events.push({ type: 'DELETED', name: name(kv), rv: Number(kv.mod_revision), generation: 0 }));
    return h;
  }

  get lastRv(): number {
    return this.events.at(-1)?.rv ?? 0;
  }

  async stop(): Promise<void> {
    await this.watcher.cancel();
  }
}

const fmt = (e: ObservedEvent) => `${e.type} ${e.name}@${e.rv}`;

/**
 * The proof's invariant for one reflector: within each list generation its events are exactly the
 * store's changes after that list, in order — complete for the last generation, a gap-free prefix
 * for one that ended in a 410 — and its reconstructed state is the final list.
 */
function checkReflector(r: Reflector, truth: ObservedEvent[], finalState: Map<string, number>): void {
  expect(r.orderViolations, r.describe()).toEqual([]);
  for (let g = 0; g < r.listRvs.length; g++) {
    const listRv = r.listRvs[g] as number;
    const seen = r.events.filter((e) => e.generation === g).map(fmt);
    const expected = truth.filter((e) => e.rv > listRv).map(fmt);
    if (g === r.listRvs.length - 1) expect(seen, `${r.opts.name}, list ${g} at ${listRv}`).toEqual(expected);
    else expect(seen, `${r.opts.name}, list ${g} at ${listRv} (ended by a 410)`).toEqual(expected.slice(0, seen.length));
  }
  expect(new Map([...r.state].sort()), r.describe()).toEqual(finalState);
}

const sameState = (a: Map<string, number>, b: Map<string, number>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** A writer of creates, updates and deletes in one namespace, spread over gateways, retrying through outages. */
class Writer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly live: string[] = [];
  private next = 0;
  ops = 0;
  retries = 0;
  private turn = 0;

  constructor(
    private readonly apis: Api[],
    private readonly ns: string,
    private readonly label: Record<string, string>,
    private readonly perSecond: number,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.step();
        await sleep(1000 / this.perSecond);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** One operation, retried on another gateway until it is known to be done. */
  async step(): Promise<void> {
    const col = `/api/v1/namespaces/${this.ns}/configmaps`;
    let method: string;
    let path: string;
    let body: unknown;
    let doneCodes: number[];
    const pick = this.live[Math.floor(Math.random() * this.live.length)];
    const roll = Math.random();
    if (pick === undefined || this.live.length < 6 || roll < 0.35) {
      const name = `p-${this.next++}`;
      method = 'POST';
      path = col;
      body = configMap(name, { i: String(this.ops) }, this.label);
      doneCodes = [201, 409]; // 409: an earlier attempt was stored after all
      this.live.push(name);
    } else if (roll < 0.8) {
      method = 'PUT';
      path = `${col}/${pick}`;
      body = configMap(pick, { i: String(this.ops) }, this.label);
      doneCodes = [200];
    } else {
      method = 'DELETE';
      path = `${col}/${pick}`;
      doneCodes = [200, 404]; // 404: an earlier attempt deleted it
      this.live.splice(this.live.indexOf(pick), 1);
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const api = this.apis[this.turn++ % this.apis.length] as Api;
      try {
        const res = await rawRequest(api.creds, { method, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }), timeoutMs: 10_000 });
        if (doneCodes.includes(res.status)) break;
        if (res.status < 500 && res.status !== 429) throw new Error(`${method} ${path} → ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
      } catch (e) {
        if (e instanceof Error && / → 4\d\d:/.test(e.message)) throw e;
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: not done within 60 s`);
      this.retries++;
      await sleep(200);
    }
    this.ops++;
  }
}

describe('portico (distributed: 2 gateways, 2 storage replicas, one etcd, one NATS): watch', () => {
  const cluster = new ProcessCluster('portico-e2e-watch-dist-');
  let etcdClient: Etcd3 | undefined;
  let auth: ServiceProcess | undefined;
  let admission: ServiceProcess | undefined;
  const storages: ServiceProcess[] = [];
  const gateways: GatewayProc[] = [];

  const gw = (i: number) => (): GatewayProc => {
    const g = gateways[i];
    if (!g) throw new Error(`gateway ${i + 1} did not start; see the first failure`);
    return g;
  };

  function startGateway(name: string, port: number, storage: string, extra: string[] = []): Promise<GatewayProc> {
    return cluster.startGateway(name, port, { storage, auth: auth?.address ?? '', admission: admission?.address ?? '', extra: ['--watch-bookmark-interval', '1', ...extra] });
  }

  async function leaderPid(): Promise<number | undefined> {
    const v = await etcdClient?.get(LEADER_KEY).string();
    const pid = v?.split('/')[1];
    return pid === undefined ? undefined : Number(pid);
  }

  async function currentRevision(): Promise<number> {
    const res = await etcdClient?.get('/portico-e2e/revision-probe').exec();
    return Number(res?.header.revision ?? 0);
  }

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    await cluster.start(`https://127.0.0.1:${ports[0]}`);
    etcdClient = new Etcd3({ hosts: cluster.etcd.endpoint });
    const storageArgs = ['--listen', '127.0.0.1:0', '--etcd', cluster.etcd.endpoint, '--nats', cluster.natsUrl];
    storages.push(...(await Promise.all([startService('storage', storageArgs), startService('storage', storageArgs)])));
    const [s1, s2] = storages.map((s) => s.address);
    [auth, admission] = await Promise.all([
      startService('auth', ['--listen', '127.0.0.1:0', '--pki-dir', cluster.pkiDir]),
      startService('admission', ['--listen', '127.0.0.1:0', '--storage', `ipv4:${s1},${s2}`]),
    ]);
    gateways.push(
      ...(await Promise.all([
        startGateway('gateway-1', ports[0] as number, `ipv4:${s1},${s2}`),
        startGateway('gateway-2', ports[1] as number, `ipv4:${s2},${s1}`),
      ])),
    );
  }, 240_000);

  afterAll(async () => {
    etcdClient?.close();
    await cluster.stop([...gateways.map((g) => g.proc), admission, auth, ...storages]);
  }, 120_000);

  describe('gateway 1', () => {
    watchKubectlSuite(gw(0));
    watchInformerSuite(gw(0));
    watchRawSuite(gw(0), { bookmarkIntervalSeconds: 1 });
    watchBadInputSuite(gw(0));
  });

  // The gateways run the same code: gateway 2 gets the informer suite, and the proof below.
  describe('gateway 2', () => {
    watchInformerSuite(gw(1));
  });

  describe('no watcher misses an event', () => {
    const id = uniqueSuffix();
    const ns = `e2e-proof-${id}`;
    const label = { proof: id };
    let history: EtcdHistory | undefined;
    const reflectors: Reflector[] = [];
    let apis: Api[] = [];

    /** Writes a last object, waits for etcd's history to include it, and returns the final list (consistent read). */
    async function settle(): Promise<Map<string, number>> {
      const sentinel = await eventually('the sentinel written', () => apis[0]?.create(ns, configMap(`sentinel-${uniqueSuffix()}`, { k: 'v' }, label)), 30_000, 250);
      await eventually(`etcd's history up to ${sentinel}`, () => ((history?.lastRv ?? 0) >= sentinel ? true : undefined));
      const list = (await eventually('a final list', () => apis[0]?.call('GET', `/api/v1/namespaces/${ns}/configmaps`), 30_000, 250)) as {
        items: { metadata: { name: string; namespace: string; resourceVersion: string } }[];
      };
      const state = new Map(list.items.map((i) => [`${i.metadata.namespace}/${i.metadata.name}`, Number(i.metadata.resourceVersion)] as const).sort());
      for (const r of reflectors) await eventually(`${r.describe()} to reach the final list`, () => (sameState(r.state, state) ? true : undefined), 60_000);
      return state;
    }

    beforeAll(async () => {
      apis = gateways.map((g) => Api.of(g));
      await apis[0]?.namespace(ns);
      history = await EtcdHistory.start(etcdClient as Etcd3, `/registry/core/configmaps/`, await currentRevision());
      // Two watchers per gateway: the namespace (one re-watching every few seconds, as informers
      // do with timeoutSeconds), and every namespace through a label selector with bookmarks.
      for (const g of gateways) {
        const creds = () => readKubeconfig(g.kubeconfigPath);
        reflectors.push(
          new Reflector(creds, { name: `${g.name} namespace`, path: `/api/v1/namespaces/${ns}/configmaps`, timeoutSeconds: 3 }),
          new Reflector(creds, { name: `${g.name} cluster-wide`, path: '/api/v1/configmaps', labelSelector: `proof=${id}`, bookmarks: true }),
        );
      }
      await Promise.all(reflectors.map((r) => r.start()));
    });

    afterAll(async () => {
      await Promise.all(reflectors.map((r) => r.stop()));
      await history?.stop();
    });

    it('a watcher on each gateway sees every event, in order', async () => {
      const writer = new Writer(apis, ns, label, 25);
      for (let i = 0; i < 60; i++) await writer.step();
      const state = await settle();
      const truth = (history as EtcdHistory).events.filter((e) => e.name.startsWith(`${ns}/`));
      expect(truth.length).toBeGreaterThanOrEqual(61);
      for (const r of reflectors) {
        checkReflector(r, truth, state);
        expect(r.expired, r.describe()).toBe(0);
        expect(r.listRvs, r.describe()).toHaveLength(1);
      }
    });

    it('nats-server killed and restarted, then the publishing storage replica killed, during writes: every watcher sees every event in order or gets a 410 and relists, and none misses an object', async () => {
      const writer = new Writer(apis, ns, label, 20);
      writer.start();
      try {
        await sleep(1_500);
        await cluster.stopNats();
        await sleep(2_000);
        await cluster.restartNats();
        // Writes go on while every bus client reconnects and every gateway replays.
        await sleep(3_000);
        const pid = await leaderPid();
        const victim = storages.find((s) => s.pid === pid);
        const survivor = storages.find((s) => s.pid !== pid && s.running);
        expect(victim, `the publisher (pid ${pid}) is one of the two replicas`).toBeDefined();
        await victim?.kill();
        await eventually('the surviving replica publishes', async () => ((await leaderPid()) === survivor?.pid ? true : undefined), 30_000, 250);
        await sleep(2_000);
      } finally {
        await writer.stop();
      }
      expect(writer.ops).toBeGreaterThan(10);
      const state = await settle();
      const truth = (history as EtcdHistory).events.filter((e) => e.name.startsWith(`${ns}/`));
      for (const r of reflectors) checkReflector(r, truth, state);
      // What happened, for the record: which watchers resumed through it all and which relisted.
      console.info(
        `proof: ${writer.ops} writes (${writer.retries} retried), ${truth.length} changes in etcd; ` +
          reflectors.map((r) => `${r.opts.name}: ${r.expired === 0 ? 'every event' : `${r.expired}× 410 + relist`}, ${r.watches} watches`).join('; '),
      );
    });

    it('an informer resumes from its resourceVersion after its gateway is killed and restarted', async () => {
      const g = gateways[1] as GatewayProc;
      const ns2 = `e2e-gwrestart-${uniqueSuffix()}`;
      await apis[0]?.namespace(ns2);
      const rec = configMapInformer(g.kubeconfigPath, ns2);
      await rec.informer.start();
      try {
        await apis[0]?.create(ns2, configMap('a'));
        await eventually('add a', () => (rec.calls.includes('add a 1') ? true : undefined));
        await g.proc.kill();
        await eventually('the informer reports its broken watch', () => (rec.errors.length > 0 ? true : undefined));
        await apis[0]?.replace(ns2, configMap('a', { k: 'v', k2: 'v' }));
        await apis[0]?.create(ns2, configMap('b'));
        g.proc = await startService('gateway', g.args);
        await cluster.waitReady(g);
        // What an informer's owner does on an error: start it again (it keeps its resourceVersion).
        await rec.informer.start();
        await eventually('update a, add b', () => (rec.calls.length >= 3 ? true : undefined));
        expect(rec.calls).toEqual(['add a 1', 'update a 2', 'add b 1']);
        expect(rec.lists).toBe(1);
      } finally {
        await rec.informer.stop();
      }
    });
  });

  describe('history that is gone (a third storage replica compacting every second, behind a third gateway)', () => {
    let s3: ServiceProcess | undefined;
    let s3Args: string[] = [];
    const g3: GatewayProc[] = [];
    // Gateway 3 reaches NATS through a proxy, so that it alone can be cut off from the bus.
    let busLink: TcpProxy | undefined;
    beforeAll(async () => {
      s3Args = ['--listen', `127.0.0.1:${await freePort()}`, '--etcd', cluster.etcd.endpoint, '--nats', cluster.natsUrl, '--compaction-interval', '1'];
      s3 = await startService('storage', s3Args);
      busLink = await TcpProxy.start(cluster.natsPort);
      g3.push(await startGateway('gateway-3', await freePort(), `ipv4:${s3.address}`, ['--nats', `nats://127.0.0.1:${busLink.port}`]));
    }, 120_000);
    afterAll(async () => {
      await g3[0]?.proc.stop(5_000);
      await s3?.stop(5_000);
      await busLink?.close();
    });

    watchCompactionSuite(() => g3[0] as GatewayProc);

    it('a gateway whose feed must replay history that is gone ends its watchers with an ERROR 410 event; a relisting client catches up', async () => {
      const g = g3[0] as GatewayProc;
      const writer = Api.of(gw(0)());
      const api3 = Api.of(g);
      const ns = `e2e-gone-${uniqueSuffix()}`;
      await writer.namespace(ns);
      await writer.create(ns, configMap('before'));
      const reflector = new Reflector(() => api3.creds, { name: 'gateway-3 reflector', path: `/api/v1/namespaces/${ns}/configmaps` });
      await reflector.start();
      const rv = await api3.listRv(`/api/v1/namespaces/${ns}/configmaps`);
      const w = await openWatch(api3.creds, `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}`);
      try {
        expect(w.status).toBe(200);
        // The feed has seen an event, so a bus disruption makes it replay.
        await writer.replace(ns, configMap('before', { k: 'v', k2: 'v' }));
        await w.waitFor((e) => e.length === 1, 'MODIFIED before');
        const mark = g.proc.mark();
        await cluster.stopNats();
        // The replay the disconnect causes has run: from now on the feed learns nothing until the bus is back.
        await g.proc.waitForLine(/"resource":"configmaps".*watch feed caught up from storage/, mark);
        const missed = await writer.create(ns, configMap('missed'));
        // Replica 3 compacts past it (each round compacts to the revision seen one round earlier).
        const status = await writeUntilExpired(writer, api3, ns, missed, `/api/v1/namespaces/${ns}/configmaps`);
        expectFailureStatus(status, { code: 410, reason: 'Expired' });
        await cluster.restartNats();
        await w.waitFor((e) => e.some((x) => x.type === 'ERROR'), 'an ERROR event', 60_000);
        const err = w.events.at(-1);
        expect(err?.type, describeEvents(w.events)).toBe('ERROR');
        expect(err?.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' });
        expect(err?.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
        expect(await w.ended).toEqual({ clean: true });
        // A client that relists on 410 ends with exactly what the store holds.
        const list = (await api3.call('GET', `/api/v1/namespaces/${ns}/configmaps`)) as { items: { metadata: { name: string; namespace: string; resourceVersion: string } }[] };
        const state = new Map(list.items.map((i) => [`${i.metadata.namespace}/${i.metadata.name}`, Number(i.metadata.resourceVersion)] as const));
        await eventually(`${reflector.describe()} to relist and reach the final list`, () => (reflector.expired > 0 && sameState(reflector.state, state) ? true : undefined), 60_000);
        expect(reflector.orderViolations).toEqual([]);
      } finally {
        w.close();
        await reflector.stop();
      }
    });

    it('a gateway cut off from NATS and from its storage at once misses nothing once both are back', async () => {
      const g = g3[0] as GatewayProc;
      const writer = Api.of(gw(0)());
      const api3 = Api.of(g);
      const ns = `e2e-cutoff-${uniqueSuffix()}`;
      await writer.namespace(ns);
      await writer.create(ns, configMap('before'));
      const reflector = new Reflector(() => api3.creds, { name: 'gateway-3 reflector', path: `/api/v1/namespaces/${ns}/configmaps` });
      await reflector.start();
      try {
        await eventually('the reflector watching', () => (reflector.isLive() ? true : undefined));
        // Storage first, then the bus: the replay the bus disconnect asks for fails, the feed ends
        // its watchers and starts afresh.
        await s3?.kill();
        const watchesBefore = reflector.watches;
        const mark = g.proc.mark();
        await busLink?.cut();
        await g.proc.waitForLine(/"resource":"configmaps".*watch feed (replay failed|cannot replay)/, mark);
        s3 = await startService('storage', s3Args);
        // The client watches again through gateway 3 (resuming, or relisting after a 410).
        await eventually('the reflector watching again', () => (reflector.watches > watchesBefore && reflector.isLive() ? true : undefined), 60_000);
        // Changes gateway 3 cannot hear about: the bus delivers them to everyone else.
        for (let i = 0; i < 5; i++) await writer.create(ns, configMap(`while-cut-off-${i}`));
        const back = g.proc.mark();
        await busLink?.restore();
        await g.proc.waitForLine(/"kind":"reconnect".*event bus disrupted/, back, 60_000);
        await writer.create(ns, configMap('after'));
        const list = (await writer.call('GET', `/api/v1/namespaces/${ns}/configmaps`)) as { items: { metadata: { name: string; namespace: string; resourceVersion: string } }[] };
        const state = new Map(list.items.map((i) => [`${i.metadata.namespace}/${i.metadata.name}`, Number(i.metadata.resourceVersion)] as const));
        expect(state.size).toBe(7);
        await eventually(`${reflector.describe()} to reach the final list`, () => (sameState(reflector.state, state) ? true : undefined), 30_000);
        expect(reflector.orderViolations).toEqual([]);
      } finally {
        await reflector.stop();
      }
    });
  });
});
