// Watch, driven by real clients against a running Portico (either shape): kubectl get -w,
// @kubernetes/client-node informers, and raw HTTPS for the semantics no client exercises on its own.
// Expected behaviour is kube-apiserver 1.33's (shared/reference/kubernetes-api-wire.md §8, §18;
// k8s.io/apiserver pkg/storage/cacher/cache_watcher.go, pkg/endpoints/handlers/watch.go,
// apimachinery pkg/apis/meta/internalversion/validation).
//
// Every wait is a poll with a deadline; no assertion is about how long something took.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, makeInformer, type Informer, type ObjectCache, type V1ConfigMap } from '@kubernetes/client-node';
import { decodeProtobufObject } from '@portico/api';
import { kubectlBinaries, runKubectl } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeconfigCredentials, rawRequest, readKubeconfig } from '../support/https';
import { describeRun, KUBECTL_VERSIONS } from '../support/kubectl-output';
import { cells, spawnKubectl } from '../support/kubectl-stream';
import { eventually, sleep } from '../support/poll';
import { expectFailureStatus, uniqueSuffix } from '../support/status';
import { describeEvents, openWatch, rvOf, type WatchEvent } from '../support/watch-client';

/** Anything with a kubeconfig: a Portico, or one gateway of a hand-built cluster. */
export interface WatchTarget {
  kubeconfigPath: string;
}

export interface ConfigMapBody {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  data?: Record<string, string>;
}

export function configMap(name: string, data: Record<string, string> = { k: 'v' }, labels?: Record<string, string>): ConfigMapBody {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data };
}

/** Plain JSON requests with the kubeconfig's admin certificate; failures throw with the Status. */
export class Api {
  constructor(readonly creds: KubeconfigCredentials) {}

  static of(t: WatchTarget): Api {
    return new Api(readKubeconfig(t.kubeconfigPath));
  }

  async call(method: string, path: string, body?: unknown, ok: number[] = [200, 201]): Promise<Record<string, unknown>> {
    const res = await rawRequest(this.creds, { method, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }), timeoutMs: 30_000 });
    if (!ok.includes(res.status)) throw new Error(`${method} ${path} → ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
    return res.json as Record<string, unknown>;
  }

  async namespace(name: string): Promise<void> {
    await this.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  /** Creates a ConfigMap; returns its resourceVersion. */
  async create(ns: string, cm: ConfigMapBody): Promise<number> {
    return rvOf(await this.call('POST', `/api/v1/namespaces/${ns}/configmaps`, cm));
  }

  /** An unconditional update (no resourceVersion in the body), as `kubectl replace` sends it. */
  async replace(ns: string, cm: ConfigMapBody): Promise<number> {
    return rvOf(await this.call('PUT', `/api/v1/namespaces/${ns}/configmaps/${cm.metadata.name}`, cm));
  }

  /** Deletes; returns the revision of the deletion, as the DELETED event will carry it (read from a list after). */
  async remove(ns: string, name: string): Promise<void> {
    await this.call('DELETE', `/api/v1/namespaces/${ns}/configmaps/${name}`);
  }

  async listRv(path: string): Promise<number> {
    const l = await this.call('GET', path);
    return Number((l['metadata'] as { resourceVersion: string }).resourceVersion);
  }
}

const names = (events: WatchEvent[]): string[] => events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`);
const has = (type: string, name: string) => (events: WatchEvent[]) => events.some((e) => e.type === type && e.object.metadata?.name === name);

// ---------------------------------------------------------------------------------------------
// kubectl get -w
// ---------------------------------------------------------------------------------------------

export function watchKubectlSuite(target: () => WatchTarget): void {
  describe.each(KUBECTL_VERSIONS)('$label get -w', ({ label, pick }) => {
    let bin = '';
    let dir = '';
    let api: Api;
    const ns = `e2e-kw${label.replace(/\D/g, '')}-${uniqueSuffix()}`;

    beforeAll(async () => {
      bin = pick(await kubectlBinaries());
      dir = mkdtempSync(join(tmpdir(), 'portico-e2e-kw-'));
      api = Api.of(target());
      await api.namespace(ns);
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** `kubectl replace -f` (a PUT of the whole object, no resourceVersion: unconditional). */
    const replace = async (cm: ConfigMapBody): Promise<void> => {
      const file = join(dir, `${cm.metadata.name}-${uniqueSuffix()}.json`);
      writeFileSync(file, JSON.stringify({ ...cm, metadata: { ...cm.metadata, namespace: ns } }));
      const r = await runKubectl(bin, ['replace', '-f', file], { kubeconfig: target().kubeconfigPath, timeoutMs: 60_000 });
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.trim()).toBe(`configmap/${cm.metadata.name} replaced`);
    };

    it('plain: the current objects as rows, then one row per change (a deletion prints the last state)', async () => {
      await api.create(ns, configMap('plain-a'));
      const w = spawnKubectl(bin, ['get', 'configmaps', '-n', ns, '-w'], target().kubeconfigPath);
      try {
        const rowsOf = (name: string) => (lines: string[]) => lines.filter((l) => cells(l)[0] === name);
        await w.waitFor((l) => rowsOf('plain-a')(l).length === 1, 'the row of plain-a');
        expect(cells(w.lines[0] ?? '')).toEqual(['NAME', 'DATA', 'AGE']);
        await api.create(ns, configMap('plain-b', { one: '1' }));
        await w.waitFor((l) => rowsOf('plain-b')(l).length === 1, 'a row for the new plain-b');
        await replace(configMap('plain-a', { one: '1', two: '2' }));
        await w.waitFor((l) => rowsOf('plain-a')(l).length === 2, 'a second row for plain-a');
        expect(cells(rowsOf('plain-a')(w.lines)[1] ?? '').slice(0, 2)).toEqual(['plain-a', '2']);
        await api.remove(ns, 'plain-b');
        await w.waitFor((l) => rowsOf('plain-b')(l).length === 2, 'a row for the deleted plain-b');
        expect(cells(rowsOf('plain-b')(w.lines)[1] ?? '').slice(0, 2)).toEqual(['plain-b', '1']);
      } finally {
        await w.stop();
      }
      // Only the first line is a header.
      expect(w.lines.filter((l) => cells(l)[0] === 'NAME')).toHaveLength(1);
    });

    it('--output-watch-events: ADDED, MODIFIED and DELETED in an EVENT column', async () => {
      await api.create(ns, configMap('ev-a'));
      const w = spawnKubectl(bin, ['get', 'configmaps', '-n', ns, '-w', '--output-watch-events'], target().kubeconfigPath);
      const mine = (lines: string[]) => lines.map(cells).filter((c) => c[1]?.startsWith('ev-')).map((c) => `${c[0]} ${c[1]} ${c[2]}`);
      try {
        await w.waitFor((l) => mine(l).length === 1, 'ADDED ev-a');
        expect(cells(w.lines[0] ?? '')).toEqual(['EVENT', 'NAME', 'DATA', 'AGE']);
        await api.create(ns, configMap('ev-b'));
        await replace(configMap('ev-a', { one: '1', two: '2' }));
        await api.remove(ns, 'ev-b');
        await w.waitFor((l) => mine(l).length === 4, 'four events');
      } finally {
        await w.stop();
      }
      expect(mine(w.lines)).toEqual(['ADDED ev-a 1', 'ADDED ev-b 1', 'MODIFIED ev-a 2', 'DELETED ev-b 1']);
    });

    it('-l: an object that stops matching shows as DELETED, one that starts matching as ADDED', async () => {
      await api.create(ns, configMap('sel-m', { k: 'v' }, { app: 'x' }));
      await api.create(ns, configMap('sel-n', { k: 'v' }, { app: 'y' }));
      const w = spawnKubectl(bin, ['get', 'configmaps', '-n', ns, '-w', '--output-watch-events', '-l', 'app=x'], target().kubeconfigPath);
      const mine = (lines: string[]) => lines.map(cells).filter((c) => c[1]?.startsWith('sel-')).map((c) => `${c[0]} ${c[1]} ${c[2]}`);
      try {
        await w.waitFor((l) => mine(l).length === 1, 'ADDED sel-m');
        await replace(configMap('sel-m', { k: 'v' }, { app: 'y' })); // stops matching
        await replace(configMap('sel-m', { k: 'v', k2: 'v' }, { app: 'y' })); // still not matching: nothing
        await replace(configMap('sel-n', { k: 'v' }, { app: 'x' })); // starts matching
        await replace(configMap('sel-n', { k: 'v', k2: 'v', k3: 'v' }, { app: 'x' })); // still matching
        await w.waitFor((l) => mine(l).length === 4, 'four events');
      } finally {
        await w.stop();
      }
      expect(mine(w.lines)).toEqual(['ADDED sel-m 1', 'DELETED sel-m 1', 'ADDED sel-n 1', 'MODIFIED sel-n 3']);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// @kubernetes/client-node informers
// ---------------------------------------------------------------------------------------------

export interface InformerRecord {
  informer: Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>;
  calls: string[];
  lists: number;
  connects: number;
  errors: unknown[];
  core: CoreV1Api;
}

/** An informer on one namespace's ConfigMaps that records its callbacks and counts its lists. */
export function configMapInformer(kubeconfigPath: string, ns: string, labelSelector?: string): InformerRecord {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const rec: Omit<InformerRecord, 'informer'> & { informer?: InformerRecord['informer'] } = { calls: [], lists: 0, connects: 0, errors: [], core };
  const informer = makeInformer<V1ConfigMap>(
    kc,
    `/api/v1/namespaces/${ns}/configmaps`,
    () => {
      rec.lists++;
      return core.listNamespacedConfigMap({ namespace: ns, ...(labelSelector ? { labelSelector } : {}) });
    },
    labelSelector,
  );
  const note = (what: string) => (o: V1ConfigMap) => rec.calls.push(`${what} ${o.metadata?.name ?? ''} ${Object.keys(o.data ?? {}).length}`);
  informer.on('add', note('add'));
  informer.on('update', note('update'));
  informer.on('delete', note('delete'));
  informer.on('connect', () => rec.connects++);
  informer.on('error', (e) => rec.errors.push(e));
  rec.informer = informer;
  return rec as InformerRecord;
}

export function watchInformerSuite(target: () => WatchTarget): void {
  describe('@kubernetes/client-node 1.4.0 informer (makeInformer on ConfigMaps)', () => {
    let api: Api;
    const ns = `e2e-inf-${uniqueSuffix()}`;
    beforeAll(async () => {
      api = Api.of(target());
      await api.namespace(ns);
    });

    it('lists, then calls add, update and delete for every change', async () => {
      await api.create(ns, configMap('inf-pre'));
      const r = configMapInformer(target().kubeconfigPath, ns);
      await r.informer.start();
      try {
        await eventually('add inf-pre', () => (r.calls.includes('add inf-pre 1') ? true : undefined));
        await api.create(ns, configMap('inf-a'));
        await api.replace(ns, configMap('inf-a', { k: 'v', k2: 'v2' }));
        await api.remove(ns, 'inf-pre');
        await eventually('three more callbacks', () => (r.calls.length >= 4 ? true : undefined));
        expect(r.calls).toEqual(['add inf-pre 1', 'add inf-a 1', 'update inf-a 2', 'delete inf-pre 1']);
        expect(r.informer.list(ns).map((o) => o.metadata?.name)).toEqual(['inf-a']);
        expect(r.lists).toBe(1);
        expect(r.errors).toEqual([]);
      } finally {
        await r.informer.stop();
      }
    });

    it('with a label selector: an object that starts matching is added, one that stops matching deleted', async () => {
      await api.create(ns, configMap('inf-x', { k: 'v' }, { app: 'x' }));
      await api.create(ns, configMap('inf-y', { k: 'v' }, { app: 'y' }));
      const r = configMapInformer(target().kubeconfigPath, ns, 'app=x');
      await r.informer.start();
      try {
        await eventually('add inf-x', () => (r.calls.includes('add inf-x 1') ? true : undefined));
        await api.replace(ns, configMap('inf-x', { k: 'v' }, { app: 'y' }));
        await api.replace(ns, configMap('inf-y', { k: 'v', k2: 'v' }, { app: 'x' }));
        await eventually('two more callbacks', () => (r.calls.length >= 3 ? true : undefined));
        expect(r.calls).toEqual(['add inf-x 1', 'delete inf-x 1', 'add inf-y 2']);
        expect(r.informer.list(ns).map((o) => o.metadata?.name)).toEqual(['inf-y']);
      } finally {
        await r.informer.stop();
      }
    });
  });
}

/**
 * For a Portico whose watches end after a few seconds (--min-request-timeout): the informer
 * re-watches from the last resourceVersion it saw each time the server ends its watch, and never
 * relists.
 */
export function watchInformerResumeSuite(target: () => WatchTarget): void {
  describe('@kubernetes/client-node informer across server-side watch timeouts', () => {
    it('resumes from its resourceVersion each time the server ends the watch, without relisting', async () => {
      const api = Api.of(target());
      const ns = `e2e-infr-${uniqueSuffix()}`;
      await api.namespace(ns);
      const r = configMapInformer(target().kubeconfigPath, ns);
      await r.informer.start();
      try {
        await api.create(ns, configMap('r-a'));
        await eventually('add r-a', () => (r.calls.includes('add r-a 1') ? true : undefined));
        // The server ends the watch; the informer connects again from the last resourceVersion.
        await eventually('a second watch', () => (r.connects >= 2 ? true : undefined), 60_000);
        await api.replace(ns, configMap('r-a', { k: 'v', k2: 'v' }));
        await api.create(ns, configMap('r-b'));
        await eventually('update r-a, add r-b', () => (r.calls.length >= 3 ? true : undefined));
        await eventually('a third watch', () => (r.connects >= 3 ? true : undefined), 60_000);
        await api.remove(ns, 'r-a');
        await eventually('delete r-a', () => (r.calls.length >= 4 ? true : undefined));
        expect(r.calls).toEqual(['add r-a 1', 'update r-a 2', 'add r-b 1', 'delete r-a 2']);
        expect(r.lists).toBe(1);
        expect(r.errors).toEqual([]);
        expect(r.informer.list(ns).map((o) => o.metadata?.name)).toEqual(['r-b']);
      } finally {
        await r.informer.stop();
      }
    });

    it('a watch without timeoutSeconds is ended by the server (--min-request-timeout)', async () => {
      const api = Api.of(target());
      const rv = await api.listRv('/api/v1/namespaces/default/configmaps');
      const w = await openWatch(api.creds, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
      expect(w.status).toBe(200);
      const end = await Promise.race([w.ended, sleep(60_000).then(() => undefined)]);
      w.close();
      expect(end, 'the server did not end the watch').toEqual({ clean: true });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP semantics
// ---------------------------------------------------------------------------------------------

export function watchRawSuite(target: () => WatchTarget, opts: { bookmarkIntervalSeconds: number }): void {
  describe('watch over raw HTTPS', () => {
    let api: Api;
    const suffix = uniqueSuffix();
    const ns = `e2e-raw-${suffix}`;
    const ns2 = `e2e-raw2-${suffix}`;
    const col = (n = ns) => `/api/v1/namespaces/${n}/configmaps`;
    const open = (path: string, headers?: Record<string, string>) => openWatch(api.creds, path, headers ? { headers } : {});

    beforeAll(async () => {
      api = Api.of(target());
      await api.namespace(ns);
      await api.namespace(ns2);
    });

    it('resourceVersion unset: the current objects as ADDED, then the changes; 200 chunked JSON', async () => {
      const n = `unset-${uniqueSuffix()}`;
      await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n }));
      await api.create(ns, configMap(`${n}-b`, { k: 'v' }, { t: n }));
      const w2 = await open(`${col()}?watch=true&labelSelector=${encodeURIComponent(`t=${n}`)}`);
      try {
        expect(w2.status).toBe(200);
        expect(w2.headers['content-type']).toBe('application/json');
        expect(w2.headers['transfer-encoding']).toBe('chunked');
        await w2.waitFor((e) => e.length === 2, 'two ADDED events');
        expect(names(w2.events).sort()).toEqual([`ADDED ${n}-a`, `ADDED ${n}-b`]);
        for (const e of w2.events) expect(e.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { namespace: ns, labels: { t: n } } });
        await api.create(ns, configMap(`${n}-c`, { k: 'v' }, { t: n }));
        await w2.waitFor(has('ADDED', `${n}-c`), `ADDED ${n}-c`);
        expect(w2.events.map((e) => e.type)).not.toContain('BOOKMARK');
      } finally {
        w2.close();
      }
    });

    it('resourceVersion "0": the state as ADDED events, then the changes', async () => {
      const n = `zero-${uniqueSuffix()}`;
      await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n }));
      const w = await open(`${col()}?watch=1&resourceVersion=0&labelSelector=${encodeURIComponent(`t=${n}`)}`);
      try {
        await w.waitFor(has('ADDED', `${n}-a`), `ADDED ${n}-a`);
        await api.replace(ns, configMap(`${n}-a`, { k: 'v', k2: 'v' }, { t: n }));
        await w.waitFor(has('MODIFIED', `${n}-a`), `MODIFIED ${n}-a`);
        expect(names(w.events)).toEqual([`ADDED ${n}-a`, `MODIFIED ${n}-a`]);
      } finally {
        w.close();
      }
    });

    it('resourceVersion N: exactly the changes after N, in order, with their resourceVersions', async () => {
      const n = `resume-${uniqueSuffix()}`;
      const rv1 = await api.create(ns, configMap(`${n}-a`));
      const rv2 = await api.replace(ns, configMap(`${n}-a`, { k: 'v', k2: 'v' }));
      const rv3 = await api.create(ns, configMap(`${n}-b`));
      await api.remove(ns, `${n}-b`);
      const w = await open(`${col()}?watch=1&resourceVersion=${rv1}`);
      try {
        await w.waitFor(has('DELETED', `${n}-b`), `DELETED ${n}-b`);
        const mine = w.events.filter((e) => e.object.metadata?.name?.startsWith(n));
        expect(names(mine)).toEqual([`MODIFIED ${n}-a`, `ADDED ${n}-b`, `DELETED ${n}-b`]);
        expect(mine.slice(0, 2).map((e) => rvOf(e.object))).toEqual([rv2, rv3]);
        // A deletion carries the revision of the deletion.
        expect(rvOf(mine[2]?.object ?? {})).toBeGreaterThan(rv3);
        const rvs = w.events.map((e) => rvOf(e.object));
        expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
        expect(rvs.every((rv) => rv > rv1)).toBe(true);
      } finally {
        w.close();
      }
    });

    it('allowWatchBookmarks: periodic BOOKMARK events carrying only the kind and a resourceVersion', async () => {
      const rv = await api.listRv(col());
      const w = await open(`${col()}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`);
      try {
        await w.waitFor((e) => e.filter((x) => x.type === 'BOOKMARK').length >= 2, 'two BOOKMARK events', Math.max(30_000, opts.bookmarkIntervalSeconds * 3_000));
        const b = w.events.find((e) => e.type === 'BOOKMARK') as WatchEvent;
        expect(b.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: b.object.metadata?.resourceVersion, creationTimestamp: null } });
        expect(rvOf(b.object)).toBeGreaterThanOrEqual(rv);
      } finally {
        w.close();
      }
    });

    it('sendInitialEvents=true&resourceVersionMatch=NotOlderThan: ADDED for each object, then the k8s.io/initial-events-end bookmark', async () => {
      const n = `initial-${uniqueSuffix()}`;
      const rvA = await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n }));
      const rvB = await api.create(ns, configMap(`${n}-b`, { k: 'v' }, { t: n }));
      const w = await open(
        `${col()}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=${encodeURIComponent(`t=${n}`)}`,
      );
      try {
        await w.waitFor((e) => e.some((x) => x.type === 'BOOKMARK'), 'the initial-events-end bookmark');
        expect(names(w.events.slice(0, 2)).sort()).toEqual([`ADDED ${n}-a`, `ADDED ${n}-b`]);
        const end = w.events[2] as WatchEvent;
        expect(end.type).toBe('BOOKMARK');
        expect(end.object.metadata?.annotations).toMatchObject({ 'k8s.io/initial-events-end': 'true' });
        expect(rvOf(end.object)).toBeGreaterThanOrEqual(Math.max(rvA, rvB));
        await api.create(ns, configMap(`${n}-c`, { k: 'v' }, { t: n }));
        await w.waitFor(has('ADDED', `${n}-c`), `ADDED ${n}-c after the bookmark`);
      } finally {
        w.close();
      }
    });

    it('timeoutSeconds=1: the server ends the stream cleanly on its own', async () => {
      const rv = await api.listRv(col());
      const w = await open(`${col()}?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
      expect(w.status).toBe(200);
      const end = await Promise.race([w.ended, sleep(20_000).then(() => 'still open' as const)]);
      w.close();
      expect(end).toEqual({ clean: true });
    });

    it('fieldSelector=metadata.name=<name>: only that object’s events', async () => {
      const n = `field-${uniqueSuffix()}`;
      await api.create(ns, configMap(`${n}-a`));
      const w = await open(`${col()}?watch=1&fieldSelector=${encodeURIComponent(`metadata.name=${n}-a`)}`);
      try {
        await w.waitFor(has('ADDED', `${n}-a`), `ADDED ${n}-a`);
        await api.create(ns, configMap(`${n}-b`));
        await api.replace(ns, configMap(`${n}-b`, { k: 'v', k2: 'v' }));
        await api.replace(ns, configMap(`${n}-a`, { k: 'v', k2: 'v' }));
        await api.remove(ns, `${n}-a`);
        await w.waitFor(has('DELETED', `${n}-a`), `DELETED ${n}-a`);
        expect(names(w.events)).toEqual([`ADDED ${n}-a`, `MODIFIED ${n}-a`, `DELETED ${n}-a`]);
      } finally {
        w.close();
      }
    });

    it('label selector: the object that stops matching leaves as DELETED with its previous state at the new revision', async () => {
      const n = `trans-${uniqueSuffix()}`;
      await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n, app: 'x' }));
      const w = await open(`${col()}?watch=1&labelSelector=${encodeURIComponent(`t=${n},app=x`)}`);
      try {
        await w.waitFor(has('ADDED', `${n}-a`), `ADDED ${n}-a`);
        const out = await api.replace(ns, configMap(`${n}-a`, { k: 'v2' }, { t: n, app: 'y' }));
        await w.waitFor(has('DELETED', `${n}-a`), `DELETED ${n}-a`);
        const del = w.events[1] as WatchEvent;
        expect(del.object.metadata?.labels).toEqual({ t: n, app: 'x' });
        expect((del.object as { data?: unknown }).data).toEqual({ k: 'v' });
        expect(rvOf(del.object)).toBe(out);
        const back = await api.replace(ns, configMap(`${n}-a`, { k: 'v3' }, { t: n, app: 'x' }));
        await w.waitFor((e) => e.length === 3, 'ADDED again');
        expect(w.events[2]?.type).toBe('ADDED');
        expect(rvOf(w.events[2]?.object ?? {})).toBe(back);
        expect((w.events[2]?.object as { data?: unknown }).data).toEqual({ k: 'v3' });
      } finally {
        w.close();
      }
    });

    it('namespaced and cluster-wide, and the legacy /api/v1/watch/ paths', async () => {
      const n = `scope-${uniqueSuffix()}`;
      const sel = `labelSelector=${encodeURIComponent(`t=${n}`)}`;
      const rv = await api.listRv('/api/v1/configmaps');
      const from = `resourceVersion=${rv}`;
      const streams = {
        namespaced: await open(`${col()}?watch=1&${from}&${sel}`),
        clusterWide: await open(`/api/v1/configmaps?watch=1&${from}&${sel}`),
        legacyNamespaced: await open(`/api/v1/watch/namespaces/${ns}/configmaps?${from}&${sel}`),
        legacyClusterWide: await open(`/api/v1/watch/configmaps?${from}&${sel}`),
        legacyOne: await open(`/api/v1/watch/namespaces/${ns}/configmaps/${n}-a?${from}`),
      };
      try {
        for (const s of Object.values(streams)) expect(s.status).toBe(200);
        await api.create(ns2, configMap(`${n}-b`, { k: 'v' }, { t: n }));
        await api.create(ns, configMap(`${n}-c`, { k: 'v' }, { t: n }));
        await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n }));
        const key = (e: WatchEvent) => `${e.type} ${e.object.metadata?.namespace}/${e.object.metadata?.name}`;
        await streams.clusterWide.waitFor((e) => e.length === 3, 'three events cluster-wide');
        await streams.legacyClusterWide.waitFor((e) => e.length === 3, 'three events cluster-wide (legacy path)');
        await streams.namespaced.waitFor((e) => e.length === 2, 'two events in the namespace');
        await streams.legacyNamespaced.waitFor((e) => e.length === 2, 'two events in the namespace (legacy path)');
        await streams.legacyOne.waitFor((e) => e.length === 1, 'the one object (legacy path)');
        const all = [`ADDED ${ns2}/${n}-b`, `ADDED ${ns}/${n}-c`, `ADDED ${ns}/${n}-a`];
        expect(streams.clusterWide.events.map(key)).toEqual(all);
        expect(streams.legacyClusterWide.events.map(key)).toEqual(all);
        expect(streams.namespaced.events.map(key)).toEqual(all.slice(1));
        expect(streams.legacyNamespaced.events.map(key)).toEqual(all.slice(1));
        expect(streams.legacyOne.events.map(key)).toEqual(all.slice(2));
      } finally {
        for (const s of Object.values(streams)) s.close();
      }
    });

    it('Table watch (kubectl’s Accept): one-row Tables, column definitions on the first event only', async () => {
      const n = `table-${uniqueSuffix()}`;
      const rv = await api.listRv(col());
      const w = await open(`${col()}?watch=1&resourceVersion=${rv}&labelSelector=${encodeURIComponent(`t=${n}`)}`, {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      });
      try {
        await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n }));
        await api.create(ns, configMap(`${n}-b`, { k: 'v', k2: 'v' }, { t: n }));
        await w.waitFor((e) => e.length === 2, 'two Table events');
        const [first, second] = w.events as [WatchEvent, WatchEvent];
        expect(first.type).toBe('ADDED');
        expect(first.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
        expect((first.object['columnDefinitions'] as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
        expect((first.object['rows'] as { cells: unknown[] }[])[0]?.cells.slice(0, 2)).toEqual([`${n}-a`, 1]);
        expect(second.object['columnDefinitions'] ?? []).toEqual([]);
        expect((second.object['rows'] as { cells: unknown[] }[])[0]?.cells.slice(0, 2)).toEqual([`${n}-b`, 2]);
      } finally {
        w.close();
      }
    });

    it('Accept with protobuf first (client-go’s typed clients): length-prefixed protobuf WatchEvents', async () => {
      const n = `proto-${uniqueSuffix()}`;
      const rv = await api.listRv(col());
      const url = new URL(`${col()}?watch=1&resourceVersion=${rv}&labelSelector=${encodeURIComponent(`t=${n}`)}`, api.creds.server);
      const chunks: Buffer[] = [];
      let contentType = '';
      const req = httpsRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        ca: api.creds.ca,
        cert: api.creds.cert,
        key: api.creds.key,
        agent: false,
        headers: { accept: 'application/vnd.kubernetes.protobuf;stream=watch,application/json' },
      });
      req.on('response', (res) => {
        contentType = String(res.headers['content-type']);
        res.on('data', (c: Buffer) => chunks.push(c));
      });
      req.on('error', () => undefined);
      req.end();
      try {
        await eventually('response headers', () => (contentType === '' ? undefined : true));
        expect(contentType).toBe('application/vnd.kubernetes.protobuf;stream=watch');
        await api.create(ns, configMap(`${n}-a`, { k: 'v' }, { t: n }));
        const frame = await eventually('one frame', () => {
          const all = Buffer.concat(chunks);
          if (all.length < 4) return undefined;
          const len = all.readUInt32BE(0);
          return all.length >= 4 + len ? all.subarray(4, 4 + len) : undefined;
        });
        // metav1.WatchEvent: field 1 the type, field 2 a RawExtension whose field 1 is the enveloped object.
        const fields = protoFields(frame);
        expect(fields.get(1)?.toString()).toBe('ADDED');
        const raw = protoFields(fields.get(2) as Buffer).get(1) as Buffer;
        const decoded = decodeProtobufObject(raw);
        expect(decoded.kind).toBe('ConfigMap');
        expect(decoded.object).toMatchObject({ metadata: { name: `${n}-a`, namespace: ns }, data: { k: 'v' } });
      } finally {
        req.destroy();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Bad input (item 7)
// ---------------------------------------------------------------------------------------------

export function watchBadInputSuite(target: () => WatchTarget): void {
  describe('watch parameters that make no sense', () => {
    let api: Api;
    const col = '/api/v1/namespaces/default/configmaps';
    beforeAll(() => {
      api = Api.of(target());
    });
    const get = (q: string) => rawRequest(api.creds, { method: 'GET', path: `${col}?${q}`, timeoutMs: 15_000 });
    const invalid = (message: string) => `ListOptions.meta.k8s.io "" is invalid: ${message}`;

    it('resourceVersionMatch without sendInitialEvents → 422 Invalid ListOptions', async () => {
      const res = await get('watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=1');
      expect(res.status).toBe(422);
      const s = expectFailureStatus(res.json, {
        code: 422,
        reason: 'Invalid',
        message: invalid('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'),
      });
      expect(s.details).toEqual({
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided', field: 'resourceVersionMatch' }],
      });
    });

    it('sendInitialEvents without resourceVersionMatch=NotOlderThan → 422', async () => {
      const res = await get('watch=1&sendInitialEvents=true');
      expectFailureStatus(res.json, {
        code: 422,
        reason: 'Invalid',
        message: invalid('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
      });
      expect(res.status).toBe(422);
    });

    it('resourceVersionMatch=Exact with sendInitialEvents → 422 with both causes', async () => {
      const res = await get('watch=1&sendInitialEvents=true&resourceVersionMatch=Exact');
      expect(res.status).toBe(422);
      expectFailureStatus(res.json, {
        code: 422,
        reason: 'Invalid',
        message: invalid(
          '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
        ),
      });
    });

    it('sendInitialEvents on a list (no watch) → 422', async () => {
      const res = await get('sendInitialEvents=true');
      expect(res.status).toBe(422);
      expectFailureStatus(res.json, { code: 422, reason: 'Invalid', message: invalid('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list') });
    });

    it('a non-numeric resourceVersion → 400 BadRequest', async () => {
      const res = await get('watch=1&resourceVersion=abc');
      expect(res.status).toBe(400);
      expectFailureStatus(res.json, {
        code: 400,
        reason: 'BadRequest',
        message: 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
      });
    });

    it('an unknown field selector label → 400 BadRequest', async () => {
      const res = await get(`watch=1&fieldSelector=${encodeURIComponent('spec.foo=bar')}`);
      expect(res.status).toBe(400);
      expectFailureStatus(res.json, { code: 400, reason: 'BadRequest', message: '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"' });
    });

    it('a malformed label selector → 400 BadRequest', async () => {
      const res = await get(`watch=1&labelSelector=${encodeURIComponent('app in (x')}`);
      expect(res.status).toBe(400);
      expectFailureStatus(res.json, { code: 400, reason: 'BadRequest' });
      const res2 = await get(`watch=1&labelSelector=${encodeURIComponent('a=b=c')}`);
      expect(res2.status).toBe(400);
      expectFailureStatus(res2.json, { code: 400, reason: 'BadRequest' });
    });

    it('the legacy one-object path with a field selector naming another object → 400 BadRequest', async () => {
      const res = await rawRequest(api.creds, {
        method: 'GET',
        path: `/api/v1/watch/namespaces/default/configmaps/one?fieldSelector=${encodeURIComponent('metadata.name=other')}`,
        timeoutMs: 15_000,
      });
      expect(res.status).toBe(400);
      expectFailureStatus(res.json, { code: 400, reason: 'BadRequest', message: "fieldSelector metadata.name doesn't match requested name" });
    });

    it('a non-boolean sendInitialEvents or allowWatchBookmarks, a non-integer timeoutSeconds → 400 BadRequest', async () => {
      for (const q of ['watch=1&sendInitialEvents=maybe', 'watch=1&allowWatchBookmarks=maybe', 'watch=1&timeoutSeconds=soon']) {
        const res = await get(q);
        expect(res.status, q).toBe(400);
        expectFailureStatus(res.json, { code: 400, reason: 'BadRequest' });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Compaction (needs a Portico that compacts often: --compaction-interval 1)
// ---------------------------------------------------------------------------------------------

/**
 * Writes through `writer` until a watch from `rv` through `prober` is refused with 410; returns
 * that response's Status.
 */
export async function writeUntilExpired(writer: Api, prober: Api, ns: string, rv: number, path: string): Promise<Record<string, unknown>> {
  await writer.call('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap('compaction-churn'), [201, 409]);
  let i = 0;
  return eventually(
    `a watch from resourceVersion ${rv} answered 410`,
    async () => {
      // Compaction compacts to the revision seen one round earlier: revisions must keep moving.
      await writer.replace(ns, configMap('compaction-churn', { i: String(i++) }));
      const res = await rawRequest(prober.creds, { method: 'GET', path: `${path}?watch=1&resourceVersion=${rv}&timeoutSeconds=1`, timeoutMs: 15_000 });
      return res.status === 410 ? (res.json as Record<string, unknown>) : undefined;
    },
    60_000,
    250,
  );
}

export function watchCompactionSuite(target: () => WatchTarget): void {
  describe('watch from a compacted resourceVersion', () => {
    it('is refused with HTTP 410 Expired before the stream starts; a watch from the current one works', async () => {
      const api = Api.of(target());
      const ns = `e2e-compact-${uniqueSuffix()}`;
      await api.namespace(ns);
      const old = await api.create(ns, configMap('old'));
      const status = await writeUntilExpired(api, api, ns, old, `/api/v1/namespaces/${ns}/configmaps`);
      const s = expectFailureStatus(status, { code: 410, reason: 'Expired' });
      expect(s.message).toMatch(new RegExp(`^too old resource version: ${old} \\((\\d+)\\)$`));
      expect(Number(/\((\d+)\)$/.exec(s.message ?? '')?.[1])).toBeGreaterThan(old);
      // The client relists and watches from the list's resourceVersion.
      const rv = await api.listRv(`/api/v1/namespaces/${ns}/configmaps`);
      const w = await openWatch(api.creds, `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}`);
      try {
        expect(w.status).toBe(200);
        await api.remove(ns, 'old');
        await w.waitFor(has('DELETED', 'old'), 'DELETED old');
      } finally {
        w.close();
      }
    });
  });
}

export { describeEvents };

/** The length-delimited fields of a protobuf message by number (enough for WatchEvent and RawExtension). */
function protoFields(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++] as number;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const len = varint();
    out.set(Math.floor(key / 8), buf.subarray(i, i + len));
    i += len;
  }
  return out;
}
