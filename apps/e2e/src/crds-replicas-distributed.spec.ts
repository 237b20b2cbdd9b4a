// Issue 7 item 1: a CustomResourceDefinition is "served by every gateway replica ... within a second
// of Established (through the watch fan-out)". Each service is its own process, as in
// auth-failover-distributed.spec.ts, on its own etcd and nats-server: one storage, auth, admission,
// and two gateways, A and B. Every change to the CRD is made through A with kubectl 1.33, and B —
// whose only news of it is its CRD informer (the CRD watch feed over NATS, plus the relist) — is
// checked: discovery lists the resource (the time from Established is logged, not asserted), a watch
// on B sees the custom resources created, patched and deleted through A, B's tables carry the
// printer column, B serves a default added to the schema later, and once the CRD is deleted (one
// object still present) B no longer lists or serves it and the object is gone from etcd.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePort, kubectlBinaries, runKubectl } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './support/https';
import { describeRun } from './support/kubectl-output';
import { cells, spawnKubectl } from './support/kubectl-stream';
import { eventually, sleep } from './support/poll';
import { type ClusterGateway, ProcessCluster } from './support/process-cluster';
import { type ServiceProcess, startService } from './support/services';
import { uniqueSuffix } from './support/status';
import { describeEvents, openWatch } from './support/watch-client';

const GROUP = 'replicas.example.com';
const PLURAL = 'gizmos';
const CRD_NAME = `${PLURAL}.${GROUP}`;
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The CRD; `withColour` adds `spec.colour` with a default (the update of step 3). */
function crdYaml(withColour: boolean): string {
  const colour = withColour ? `\n                colour:\n                  type: string\n                  default: blue` : '';
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${CRD_NAME}
spec:
  group: ${GROUP}
  scope: Namespaced
  names:
    plural: ${PLURAL}
    singular: gizmo
    kind: Gizmo
    shortNames: [gzm]
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size:
                  type: integer${colour}
      additionalPrinterColumns:
        - name: Size
          type: integer
          jsonPath: .spec.size
`;
}

interface AggregatedList {
  items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; shortNames?: string[]; scope?: string }[] }[] }[];
}

type Gateway = ClusterGateway;

describe('portico (distributed: 2 gateways): a CRD applied through one gateway is served by the other', () => {
  const cluster = new ProcessCluster('portico-e2e-crd-replicas-');
  let etcdClient: Etcd3 | undefined;
  let storage: ServiceProcess | undefined;
  let auth: ServiceProcess | undefined;
  let admission: ServiceProcess | undefined;
  const gateways: Gateway[] = [];
  let bin = '';
  const ns = `e2e-crdrep-${uniqueSuffix()}`;

  const gw = (i: 0 | 1): Gateway => {
    const g = gateways[i];
    if (!g) throw new Error(`gateway ${i === 0 ? 'A' : 'B'} did not start; see the first failure`);
    return g;
  };
  const A = (): Gateway => gw(0);
  const B = (): Gateway => gw(1);

  const kubectl = (g: Gateway, args: string[]) => runKubectl(bin, args, { kubeconfig: g.kubeconfigPath, timeoutMs: 60_000 });
  const ok = async (g: Gateway, args: string[]): Promise<string> => {
    const r = await kubectl(g, args);
    expect(r.code, `kubectl (gateway ${g.name}) ${args.join(' ')}: ${describeRun(r)}`).toBe(0);
    return r.stdout;
  };
  const file = (name: string, text: string): string => {
    const path = join(cluster.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const gizmo = (name: string, size: number): string =>
    file(`${name}.yaml`, `apiVersion: ${GROUP}/v1\nkind: Gizmo\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  size: ${size}\n`);

  /** The resources of GROUP/v1 in a gateway's aggregated discovery (/apis, apidiscovery.k8s.io/v2). */
  async function discovered(g: Gateway): Promise<{ resource: string; shortNames?: string[]; scope?: string }[]> {
    const r = await rawRequest(g.creds, { method: 'GET', path: '/apis', headers: { accept: AGGREGATED }, timeoutMs: 5_000 });
    if (r.status !== 200) throw new Error(`GET /apis on ${g.name}: ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    const group = (r.json as AggregatedList).items.find((i) => i.metadata.name === GROUP);
    return group?.versions.find((v) => v.version === 'v1')?.resources ?? [];
  }

  async function crdOn(g: Gateway): Promise<{ status: number; json?: unknown }> {
    return rawRequest(g.creds, { method: 'GET', path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`, timeoutMs: 5_000 });
  }

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    await cluster.start(`https://127.0.0.1:${portA}`);
    const { pkiDir, natsUrl } = cluster;
    etcdClient = new Etcd3({ hosts: cluster.etcd.endpoint });
    bin = (await kubectlBinaries()).kubectl133;
    const storageAddress = `127.0.0.1:${await freePort()}`;
    storage = await startService('storage', ['--listen', storageAddress, '--etcd', cluster.etcd.endpoint, '--nats', natsUrl]);
    [auth, admission] = await Promise.all([
      startService('auth', ['--listen', '127.0.0.1:0', '--pki-dir', pkiDir, '--storage', storageAddress, '--nats', natsUrl]),
      startService('admission', ['--listen', '127.0.0.1:0', '--storage', storageAddress, '--nats', natsUrl]),
    ]);
    const peers = { storage: storageAddress, auth: auth.address, admission: admission.address };
    gateways.push(...(await Promise.all([cluster.startGateway('A', portA, peers), cluster.startGateway('B', portB, peers)])));
    await ok(A(), ['create', 'namespace', ns]);
  }, 240_000);

  afterAll(async () => {
    await kubectl(A(), ['delete', 'crd', CRD_NAME, '--ignore-not-found', '--timeout=20s']).catch(() => undefined);
    await etcdClient?.close();
    await cluster.stop([...gateways.map((g) => g.proc), admission, auth, storage]);
  }, 60_000);

  it('B has neither the CRD nor the resource before it is applied', async () => {
    expect((await crdOn(B())).status).toBe(404);
    expect(await discovered(B())).toEqual([]);
  });

  it('applied through A and Established there: B lists it in discovery (the time from Established is logged)', async () => {
    // The moment of Established is when its status write reaches etcd (an etcd watch on the CRD's
    // key, pushed, not polled); B's discovery is polled every 10 ms from the apply on, and the
    // request that first lists the resource counts from the moment it was sent.
    let tEstablished = Number.NaN;
    const crdWatch = await (etcdClient as Etcd3).watch().key(`/registry/apiextensions.k8s.io/customresourcedefinitions/${CRD_NAME}`).create();
    crdWatch.on('put', (kv) => {
      if (!Number.isNaN(tEstablished)) return;
      const crd = JSON.parse(kv.value.toString('utf8')) as { status?: { conditions?: { type: string; status: string }[] } };
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) tEstablished = performance.now();
    });
    let stop = false;
    const listedOnB = (async (): Promise<{ sent: number; answered: number } | undefined> => {
      while (!stop) {
        const sent = performance.now();
        const rs = await discovered(B()).catch(() => []);
        if (rs.some((r) => r.resource === PLURAL)) return { sent, answered: performance.now() };
        await sleep(10);
      }
      return undefined;
    })();
    try {
      const applied = await ok(A(), ['apply', '-f', file('crd.yaml', crdYaml(false))]);
      expect(applied.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} created`);
      const waited = await ok(A(), ['wait', '--for=condition=Established', `crd/${CRD_NAME}`, '--timeout=30s']);
      expect(waited.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} condition met`);
      const tWaited = performance.now();
      const listed = await Promise.race([listedOnB, sleep(15_000).then(() => undefined)]);
      expect(listed, `B's discovery did not list ${PLURAL} within 15 s of kubectl wait\n${B().proc.output()}`).toBeDefined();
      expect(tEstablished, 'no write of the CRD with Established True reached etcd').not.toBeNaN();
      const { sent, answered } = listed as { sent: number; answered: number };
      console.log(
        `[crd-replicas] B's discovery listed ${PLURAL} in the poll sent ${(sent - tEstablished).toFixed(0)} ms after Established reached etcd ` +
          `(answered after ${(answered - tEstablished).toFixed(0)} ms; kubectl wait on A returned after ${(tWaited - tEstablished).toFixed(0)} ms)`,
      );
    } finally {
      stop = true;
      await crdWatch.cancel();
    }
    const onB = (await discovered(B())).find((r) => r.resource === PLURAL);
    expect(onB).toMatchObject({ resource: PLURAL, shortNames: ['gzm'], scope: 'Namespaced' });
    // kubectl's own discovery of B agrees, and B serves the CRD object itself, Established.
    const resources = await ok(B(), ['api-resources', `--api-group=${GROUP}`]);
    const rows = resources.trim().split('\n').map(cells);
    expect(rows[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(rows.slice(1)).toEqual([[PLURAL, 'gzm', `${GROUP}/v1`, 'true', 'Gizmo']]);
    expect(await ok(B(), ['get', 'crd', CRD_NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'])).toBe('True');
  });

  it('a watch on B sees the custom resource created, patched and deleted through A, in order; B shows the printer column', async () => {
    // g0 first: once its row is on B's watch, kubectl has listed and is watching, so what follows
    // reaches it as watch events, not as the initial list.
    await ok(A(), ['create', '-f', gizmo('g0', 1)]);
    const w = spawnKubectl(bin, ['get', PLURAL, '-n', ns, '-w', '--output-watch-events'], B().kubeconfigPath);
    const mine = (lines: string[]) => lines.map(cells).filter((c) => /^g[01]$/.test(c[1] ?? '')).map((c) => `${c[0]} ${c[1]} ${c[2]}`);
    try {
      await w.waitFor((l) => mine(l).length === 1, 'ADDED g0 (the list)', 15_000);
      // With printer columns declared, they are the table's columns after NAME (no default AGE).
      expect(cells(w.lines[0] ?? '')).toEqual(['EVENT', 'NAME', 'SIZE']);
      expect((await ok(A(), ['create', '-f', gizmo('g1', 3)])).trim()).toBe(`gizmo.${GROUP}/g1 created`);
      await w.waitFor((l) => mine(l).length === 2, 'ADDED g1', 15_000);
      expect((await ok(A(), ['patch', 'gizmo', 'g1', '-n', ns, '--type=merge', '-p', '{"spec":{"size":5}}'])).trim()).toBe(`gizmo.${GROUP}/g1 patched`);
      await w.waitFor((l) => mine(l).length === 3, 'MODIFIED g1', 15_000);
      // Read on B (by the short name) as a table: the printer column, g1 at its patched value.
      const table = (await ok(B(), ['get', 'gzm', '-n', ns])).trim().split('\n').map(cells);
      expect(table[0]).toEqual(['NAME', 'SIZE']);
      expect(table.slice(1)).toEqual([
        ['g0', '1'],
        ['g1', '5'],
      ]);
      expect((await ok(A(), ['delete', 'gizmo', 'g1', '-n', ns])).trim()).toBe(`gizmo.${GROUP} "g1" deleted`);
      await w.waitFor((l) => mine(l).length === 4, 'DELETED g1', 15_000);
      await ok(A(), ['delete', 'gizmo', 'g0', '-n', ns]);
      await w.waitFor((l) => mine(l).length === 5, 'DELETED g0', 15_000);
    } finally {
      await w.stop();
    }
    expect(mine(w.lines)).toEqual(['ADDED g0 1', 'ADDED g1 3', 'MODIFIED g1 5', 'DELETED g1 5', 'DELETED g0 1']);
    expect(w.lines.filter((l) => cells(l)[0] === 'EVENT')).toHaveLength(1);
    expect((await kubectl(B(), ['get', 'gizmo', 'g1', '-n', ns])).stderr).toContain(`gizmos.${GROUP} "g1" not found`);
  });

  it('a field with a default added to the schema through A: B serves the default on read, and applies it on create', async () => {
    await ok(A(), ['create', '-f', gizmo('g2', 7)]);
    expect(await ok(B(), ['get', 'gizmo', 'g2', '-n', ns, '-o', 'jsonpath={.spec}'])).toBe('{"size":7}');
    const t0 = performance.now();
    expect((await ok(A(), ['apply', '-f', file('crd-v2.yaml', crdYaml(true))])).trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} configured`);
    const tApplied = performance.now();
    // g2 was stored before the field existed: B defaults it as it reads it from storage.
    await eventually(
      'g2 read on B with spec.colour defaulted',
      async () => {
        const r = await rawRequest(B().creds, { method: 'GET', path: `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}/g2`, timeoutMs: 5_000 });
        return r.status === 200 && (r.json as { spec?: { colour?: string } }).spec?.colour === 'blue' ? true : undefined;
      },
      15_000,
      20,
    );
    console.log(`[crd-replicas] B served the new default ${(performance.now() - tApplied).toFixed(0)} ms after kubectl apply returned (${(performance.now() - t0).toFixed(0)} ms after it started)`);
    expect(await ok(B(), ['get', 'gizmo', 'g2', '-n', ns, '-o', 'jsonpath={.spec}'])).toBe('{"colour":"blue","size":7}');
    // Created through B: B's write path defaults it as well.
    await ok(B(), ['create', '-f', gizmo('g3', 1)]);
    expect(await ok(A(), ['get', 'gizmo', 'g3', '-n', ns, '-o', 'jsonpath={.spec.colour}'])).toBe('blue');
    await ok(A(), ['delete', 'gizmo', 'g3', '-n', ns]);
  });

  it('the CRD deleted through A with g2 still present: g2 is deleted, the CRD is gone, and B neither lists nor serves the resource', async () => {
    const prefix = `/registry/${GROUP}/${PLURAL}/`;
    const stored = async (): Promise<string[]> => Object.keys(await (etcdClient as Etcd3).getAll().prefix(prefix).strings());
    // g2 is in etcd under the CR prefix (so that "not there" below means something).
    expect(await stored()).toEqual([`${prefix}${ns}/g2`]);
    const w = await openWatch(B().creds, `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}?watch=true&resourceVersion=0`);
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    try {
      await w.waitFor((es) => es.some((e) => e.type === 'ADDED' && e.object.metadata?.name === 'g2'), 'ADDED g2 (initial state)', 15_000);
      const t0 = performance.now();
      // kubectl delete waits for the CRD to be gone, i.e. for the cleanup finalizer to have deleted g2.
      expect((await ok(A(), ['delete', 'crd', CRD_NAME])).trim()).toBe(`customresourcedefinition.apiextensions.k8s.io "${CRD_NAME}" deleted`);
      const tDeleted = performance.now();
      // B's watch of the collection saw g2 deleted.
      await w.waitFor((es) => es.some((e) => e.type === 'DELETED' && e.object.metadata?.name === 'g2'), 'DELETED g2', 15_000);
      expect(w.events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata?.name}`), describeEvents(w.events)).toEqual(['ADDED g2', 'DELETED g2']);
      expect(await stored()).toEqual([]);
      expect((await crdOn(A())).status).toBe(404);
      await eventually('the CRD gone on B', async () => ((await crdOn(B())).status === 404 ? true : undefined), 15_000, 20);
      await eventually('gizmos gone from B discovery', async () => ((await discovered(B())).some((r) => r.resource === PLURAL) ? undefined : true), 15_000, 20);
      console.log(
        `[crd-replicas] the resource left B's discovery ${(performance.now() - tDeleted).toFixed(0)} ms after kubectl delete crd returned ` +
          `(${(performance.now() - t0).toFixed(0)} ms after it started)`,
      );
    } finally {
      w.close();
    }
    const resources = await kubectl(B(), ['api-resources', `--api-group=${GROUP}`, '-o', 'name']);
    expect(resources.stdout.split('\n'), describeRun(resources)).not.toContain(`${PLURAL}.${GROUP}`);
    const list = await rawRequest(B().creds, { method: 'GET', path: `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}`, timeoutMs: 5_000 });
    expect(list.status, list.body.toString('utf8')).toBe(404);
    const one = await rawRequest(B().creds, { method: 'GET', path: `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}/g2`, timeoutMs: 5_000 });
    expect(one.status, one.body.toString('utf8')).toBe(404);
  });
});
