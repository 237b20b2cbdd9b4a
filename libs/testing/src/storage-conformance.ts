// The storage conformance suite: the executable contract of StorageServicePort, run against every
// implementation (etcd, embedded SQLite, and later the watch cache and the gRPC client), as
// k8s.io/apiserver pkg/storage/testing/store_tests.go is run against etcd3 and the cacher. Every test
// works under its own resource name, so one store serves the whole suite and the suite can share a
// backend with other tests.
import { randomUUID } from 'node:crypto';
import type {
  Closeable,
  DeleteRequest,
  ListRequest,
  ListResponse,
  ResourceRef,
  Status,
  StorageServicePort,
  WatchReplayRequest,
  WatchReplayResponse,
} from '@portico/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A store the suite can compact (createStorageService's StorageService is one). */
export interface CompactableStore {
  compact(resourceVersion?: string): Promise<void>;
}

export type ConformanceStore = StorageServicePort & Closeable & Partial<CompactableStore>;

export interface StorageConformanceOptions {
  /**
   * Compaction tests compact the whole backend, which breaks reads at old revisions for anyone else
   * using it. 'include' (the default when the store can compact) runs them with the rest, 'exclude'
   * leaves them out (for a backend shared with other suites), 'only' runs just them (for a dedicated
   * backend).
   */
  compaction?: 'include' | 'exclude' | 'only';
}

/** The size limit every implementation enforces (etcd's --max-request-bytes). */
const maxObjectBytes = 1572864;
const group = 'conformance.portico.dev';

let seq = 0;
/** A resource name no other test (in this run or another) uses: its own key prefix. */
function freshResource(): string {
  seq++;
  return `r${seq}x${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

interface TestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  [k: string]: unknown;
}

function object(name: string, namespace: string, opts: { labels?: Record<string, string>; data?: Record<string, string>; rv?: string } = {}): TestObject {
  const metadata: TestObject['metadata'] = { name, uid: `uid-${name}-${randomUUID()}` };
  if (namespace !== '') metadata.namespace = namespace;
  if (opts.labels !== undefined) metadata.labels = opts.labels;
  if (opts.rv !== undefined) metadata.resourceVersion = opts.rv;
  return { apiVersion: `${group}/v1`, kind: 'Thing', metadata, data: opts.data ?? { k: name } };
}

const bytes = (o: unknown): Buffer => Buffer.from(JSON.stringify(o), 'utf8');
const decode = (b: Buffer): TestObject => JSON.parse(b.toString('utf8')) as TestObject;
const rvOf = (b: Buffer): string => decode(b).metadata.resourceVersion ?? '';
const names = (items: Buffer[]): string[] => items.map((i) => decode(i).metadata.name);

function expectStatus(status: Status | undefined, code: number, reason: string, message?: string | RegExp): void {
  expect(status, 'expected a Status').toBeDefined();
  expect({ code: status?.code, reason: status?.reason }).toEqual({ code, reason });
  if (typeof message === 'string') expect(status?.message).toBe(message);
  else if (message !== undefined) expect(status?.message).toMatch(message);
}

async function collect(it: AsyncIterable<WatchReplayResponse>): Promise<WatchReplayResponse[]> {
  const out: WatchReplayResponse[] = [];
  for await (const m of it) out.push(m);
  return out;
}

const listReq = (ref: ResourceRef, over: Partial<ListRequest> = {}): ListRequest => ({
  ref,
  resourceVersion: '',
  resourceVersionMatch: '',
  limit: '0',
  continue: '',
  labelSelector: '',
  fieldSelector: '',
  ...over,
});

const replayReq = (ref: ResourceRef, over: Partial<WatchReplayRequest> = {}): WatchReplayRequest => ({
  ref,
  resourceVersion: '',
  sendInitialState: false,
  ...over,
});

/**
 * Registers the suite (vitest describe/it) for a store made by `makeStore`, created once before the
 * suite and closed after it.
 */
export function runStorageConformance(
  name: string,
  makeStore: () => Promise<ConformanceStore>,
  options: StorageConformanceOptions = {},
): void {
  describe(`storage conformance: ${name}`, () => {
    let store: ConformanceStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    /** A fresh resource of this test, its refs, and helpers bound to the store. */
    function scope(namespaced = true) {
      const resource = freshResource();
      const col = (namespace = ''): ResourceRef => ({ group, resource, namespace, name: '' });
      const ref = (n: string, namespace = namespaced ? 'ns1' : ''): ResourceRef => ({ group, resource, namespace, name: n });
      const create = async (o: TestObject): Promise<Buffer> => {
        const res = await store.create({ ref: ref(o.metadata.name, o.metadata.namespace ?? ''), object: bytes(o) });
        expect(res.status).toBeUndefined();
        return res.object;
      };
      const nsObject = (n: string, opts: Parameters<typeof object>[2] = {}) => object(n, namespaced ? 'ns1' : '', opts);
      return { resource, col, ref, create, nsObject };
    }

    const mode = options.compaction ?? 'include';
    const core = mode !== 'only';

    if (core) {
      describe('create and get', () => {
        it('stamps the revision of the write as resourceVersion, and get returns the same object', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a', { data: { x: '1' } }));
          const rv = rvOf(created);
          expect(rv).toMatch(/^[1-9][0-9]*$/);
          const got = await store.get({ ref: s.ref('a'), resourceVersion: '' });
          expect(got.status).toBeUndefined();
          expect(decode(got.object)).toEqual(decode(created));
          expect(decode(got.object).data).toEqual({ x: '1' });
          const cur = await store.currentRevision();
          expect(Number(cur.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
        });

        it('never persists a resourceVersion sent by the caller', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a', { rv: '999999999' }));
          expect(rvOf(created)).not.toBe('999999999');
          const got = await store.get({ ref: s.ref('a'), resourceVersion: '' });
          expect(rvOf(got.object)).toBe(rvOf(created));
        });

        it('keeps the JSON as written apart from resourceVersion (no precision lost)', async () => {
          const s = scope();
          const raw = `{"apiVersion":"${group}/v1","kind":"Thing","metadata":{"name":"big","namespace":"ns1"},"n":12345678901234567890,"f":1.50}`;
          const res = await store.create({ ref: s.ref('big'), object: Buffer.from(raw) });
          expect(res.status).toBeUndefined();
          const got = (await store.get({ ref: s.ref('big'), resourceVersion: '' })).object.toString();
          expect(got).toContain('"n":12345678901234567890');
          expect(got).toContain('"f":1.50');
        });

        it('answers 409 AlreadyExists for an existing name', async () => {
          const s = scope();
          await s.create(s.nsObject('a'));
          const res = await store.create({ ref: s.ref('a'), object: bytes(s.nsObject('a')) });
          expectStatus(res.status, 409, 'AlreadyExists', `${s.resource}.${group} "a" already exists`);
          expect(res.status?.details).toMatchObject({ name: 'a', group, kind: s.resource });
        });

        it('lets exactly one of concurrent creates of a name win', async () => {
          const s = scope();
          const results = await Promise.all([1, 2, 3, 4, 5].map((i) => store.create({ ref: s.ref('a'), object: bytes(s.nsObject('a', { data: { i: String(i) } })) })));
          expect(results.filter((r) => r.status === undefined)).toHaveLength(1);
          expect(results.filter((r) => r.status?.reason === 'AlreadyExists')).toHaveLength(4);
        });

        it('answers 404 NotFound for a missing object', async () => {
          const s = scope();
          const res = await store.get({ ref: s.ref('nope'), resourceVersion: '' });
          expectStatus(res.status, 404, 'NotFound', `${s.resource}.${group} "nope" not found`);
          expect(res.object.length).toBe(0);
        });

        it('keeps namespaces apart, and cluster-scoped objects apart from namespaced ones', async () => {
          const s = scope();
          await s.create(object('a', 'ns1', { data: { in: 'ns1' } }));
          await s.create(object('a', 'ns2', { data: { in: 'ns2' } }));
          const c = scope(false);
          await c.create(object('a', '', { data: { in: 'cluster' } }));
          expect(decode((await store.get({ ref: s.ref('a', 'ns1'), resourceVersion: '' })).object).data).toEqual({ in: 'ns1' });
          expect(decode((await store.get({ ref: s.ref('a', 'ns2'), resourceVersion: '' })).object).data).toEqual({ in: 'ns2' });
          expect(decode((await store.get({ ref: c.ref('a'), resourceVersion: '' })).object).data).toEqual({ in: 'cluster' });
          expect((await store.get({ ref: s.ref('a', 'ns3'), resourceVersion: '' })).status?.code).toBe(404);
        });
      });

      describe('update', () => {
        it('writes when the expected resourceVersion matches, and moves the resourceVersion', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const next = { ...decode(created), data: { k: 'v2' } };
          const res = await store.update({ ref: s.ref('a'), object: bytes(next), expectedResourceVersion: rvOf(created) });
          expect(res.status).toBeUndefined();
          expect(res.succeeded).toBe(true);
          expect(Number(rvOf(res.object))).toBeGreaterThan(Number(rvOf(created)));
          expect(decode(res.object).data).toEqual({ k: 'v2' });
          expect(decode((await store.get({ ref: s.ref('a'), resourceVersion: '' })).object)).toEqual(decode(res.object));
        });

        it('returns the current object instead of writing on a resourceVersion mismatch', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const first = await store.update({ ref: s.ref('a'), object: bytes({ ...decode(created), data: { k: 'v2' } }), expectedResourceVersion: rvOf(created) });
          const stale = await store.update({ ref: s.ref('a'), object: bytes({ ...decode(created), data: { k: 'v3' } }), expectedResourceVersion: rvOf(created) });
          expect(stale.status).toBeUndefined();
          expect(stale.succeeded).toBe(false);
          expect(decode(stale.object)).toEqual(decode(first.object));
        });

        it('lets exactly one of concurrent updates from the same resourceVersion win', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const results = await Promise.all(
            [1, 2, 3, 4, 5].map((i) =>
              store.update({ ref: s.ref('a'), object: bytes(s.nsObject('a', { data: { i: String(i) } })), expectedResourceVersion: rvOf(created) }),
            ),
          );
          const winners = results.filter((r) => r.succeeded);
          expect(winners).toHaveLength(1);
          for (const r of results.filter((x) => !x.succeeded)) expect(decode(r.object)).toEqual(decode((winners[0] as (typeof results)[number]).object));
        });

        it('writes unconditionally without an expected resourceVersion', async () => {
          const s = scope();
          await s.create(s.nsObject('a'));
          const res = await store.update({ ref: s.ref('a'), object: bytes(s.nsObject('a', { data: { k: 'new' } })), expectedResourceVersion: '' });
          expect(res.succeeded).toBe(true);
          expect(decode(res.object).data).toEqual({ k: 'new' });
        });

        it('does not create: a missing object gives succeeded=false and no object', async () => {
          const s = scope();
          const res = await store.update({ ref: s.ref('ghost'), object: bytes(s.nsObject('ghost')), expectedResourceVersion: '' });
          expect(res.status).toBeUndefined();
          expect(res.succeeded).toBe(false);
          expect(res.object.length).toBe(0);
          const res2 = await store.update({ ref: s.ref('ghost'), object: bytes(s.nsObject('ghost')), expectedResourceVersion: '5' });
          expect(res2.succeeded).toBe(false);
          expect(res2.object.length).toBe(0);
        });

        it('skips a no-op write: same bytes, same resourceVersion', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const res = await store.update({ ref: s.ref('a'), object: created, expectedResourceVersion: rvOf(created) });
          expect(res.succeeded).toBe(true);
          expect(rvOf(res.object)).toBe(rvOf(created));
        });

        it('answers 400 for an unparsable expected resourceVersion', async () => {
          const s = scope();
          await s.create(s.nsObject('a'));
          const res = await store.update({ ref: s.ref('a'), object: bytes(s.nsObject('a')), expectedResourceVersion: 'x1' });
          expectStatus(res.status, 400, 'BadRequest', /^invalid resource version: resourceVersion: Invalid value: "x1"/);
        });
      });

      describe('delete', () => {
        it('deletes and returns the last state, stamped with the deletion revision', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a', { data: { last: 'state' } }));
          const res = await store.delete({ ref: s.ref('a'), expectedResourceVersion: '' });
          expect(res.status).toBeUndefined();
          expect(res.succeeded).toBe(true);
          expect(decode(res.object).data).toEqual({ last: 'state' });
          expect(Number(rvOf(res.object))).toBeGreaterThan(Number(rvOf(created)));
          expect((await store.get({ ref: s.ref('a'), resourceVersion: '' })).status?.code).toBe(404);
        });

        it('answers 404 for a missing object', async () => {
          const s = scope();
          const res = await store.delete({ ref: s.ref('a'), expectedResourceVersion: '' });
          expectStatus(res.status, 404, 'NotFound', `${s.resource}.${group} "a" not found`);
        });

        it('checks the uid precondition (409 Conflict, kube-apiserver wording)', async () => {
          const s = scope();
          const created = decode(await s.create(s.nsObject('a')));
          const req: DeleteRequest = { ref: s.ref('a'), preconditions: { uid: 'other-uid' }, expectedResourceVersion: '' };
          const res = await store.delete(req);
          expectStatus(res.status, 409, 'Conflict');
          expect(res.status?.message).toMatch(new RegExp(`^Operation cannot be fulfilled on ${s.resource}\\.${group.replace(/\./g, '\\.')} "a": `));
          expect(res.status?.message).toContain(`Precondition failed: UID in precondition: other-uid, UID in object meta: ${created.metadata.uid}`);
          expect(res.succeeded).toBe(false);
          expect((await store.get({ ref: s.ref('a'), resourceVersion: '' })).status).toBeUndefined();
          const ok = await store.delete({ ref: s.ref('a'), preconditions: { uid: created.metadata.uid }, expectedResourceVersion: '' });
          expect(ok.succeeded).toBe(true);
        });

        it('checks the resourceVersion precondition', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const res = await store.delete({ ref: s.ref('a'), preconditions: { resourceVersion: '1' }, expectedResourceVersion: '' });
          expectStatus(res.status, 409, 'Conflict');
          expect(res.status?.message).toContain(`Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rvOf(created)}`);
          const ok = await store.delete({ ref: s.ref('a'), preconditions: { resourceVersion: rvOf(created) }, expectedResourceVersion: '' });
          expect(ok.succeeded).toBe(true);
        });

        it('returns the current object instead of deleting on an expected resourceVersion mismatch', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const updated = await store.update({ ref: s.ref('a'), object: bytes(s.nsObject('a', { data: { k: '2' } })), expectedResourceVersion: '' });
          const res = await store.delete({ ref: s.ref('a'), expectedResourceVersion: rvOf(created) });
          expect(res.status).toBeUndefined();
          expect(res.succeeded).toBe(false);
          expect(decode(res.object)).toEqual(decode(updated.object));
          const ok = await store.delete({ ref: s.ref('a'), expectedResourceVersion: rvOf(updated.object) });
          expect(ok.succeeded).toBe(true);
        });
      });

      describe('list', () => {
        it('lists one namespace or all of them, in key order, at a revision not older than any item', async () => {
          const s = scope();
          for (const [n, ns] of [['b', 'ns1'], ['a', 'ns1'], ['c', 'ns2']] as const) await s.create(object(n, ns));
          const one = await store.list(listReq(s.col('ns1')));
          expect(one.status).toBeUndefined();
          expect(names(one.items)).toEqual(['a', 'b']);
          const all = await store.list(listReq(s.col('')));
          expect(all.items.map((i) => `${decode(i).metadata.namespace}/${decode(i).metadata.name}`)).toEqual(['ns1/a', 'ns1/b', 'ns2/c']);
          for (const i of all.items) expect(Number(rvOf(i))).toBeLessThanOrEqual(Number(all.resourceVersion));
          expect(all.continue).toBe('');
          expect(all.remainingItemCount).toBeUndefined();
        });

        it('returns an empty list with a resourceVersion for an empty collection', async () => {
          const s = scope();
          const res = await store.list(listReq(s.col('ns1')));
          expect(res.status).toBeUndefined();
          expect(res.items).toEqual([]);
          expect(Number(res.resourceVersion)).toBeGreaterThan(0);
        });

        it('pages with limit and continue, every page at the first page revision', async () => {
          const s = scope();
          for (const n of ['a', 'b', 'c', 'd', 'e']) await s.create(s.nsObject(n));
          const p1 = await store.list(listReq(s.col('ns1'), { limit: '2' }));
          expect(names(p1.items)).toEqual(['a', 'b']);
          expect(p1.remainingItemCount).toBe('3');
          expect(p1.continue).not.toBe('');
          // Changes after the first page are not visible to later pages.
          await s.create(s.nsObject('bb'));
          await store.update({ ref: s.ref('c'), object: bytes(s.nsObject('c', { data: { k: 'changed' } })), expectedResourceVersion: '' });
          await store.delete({ ref: s.ref('e'), expectedResourceVersion: '' });
          const p2 = await store.list(listReq(s.col('ns1'), { limit: '2', continue: p1.continue }));
          expect(p2.status).toBeUndefined();
          expect(names(p2.items)).toEqual(['c', 'd']);
          expect(decode(p2.items[0] as Buffer).data).toEqual({ k: 'c' });
          expect(p2.resourceVersion).toBe(p1.resourceVersion);
          expect(p2.remainingItemCount).toBe('1');
          const p3 = await store.list(listReq(s.col('ns1'), { limit: '2', continue: p2.continue }));
          expect(names(p3.items)).toEqual(['e']);
          expect(p3.resourceVersion).toBe(p1.resourceVersion);
          expect(p3.continue).toBe('');
          expect(p3.remainingItemCount).toBeUndefined();
        });

        it('uses kube-apiserver continue tokens', async () => {
          const s = scope();
          for (const n of ['a', 'b']) await s.create(s.nsObject(n));
          const p1 = await store.list(listReq(s.col('ns1'), { limit: '1' }));
          const tok = JSON.parse(Buffer.from(p1.continue, 'base64url').toString()) as Record<string, unknown>;
          expect(tok).toEqual({ v: 'meta.k8s.io/v1', rv: Number(p1.resourceVersion), start: 'a\u0000' });
          expect(p1.continue).not.toMatch(/[=+/]/);
        });

        it('filters by label and field selectors before the limit, and then reports no remainingItemCount', async () => {
          const s = scope();
          const labels: Record<string, Record<string, string>> = {
            a: { app: 'x' },
            b: { app: 'y' },
            c: { app: 'x', tier: 'db' },
            d: {},
            e: { app: 'x' },
            f: { app: 'z' },
          };
          for (const [n, l] of Object.entries(labels)) await s.create(s.nsObject(n, { labels: l }));
          const eq = await store.list(listReq(s.col('ns1'), { labelSelector: 'app=x' }));
          expect(names(eq.items)).toEqual(['a', 'c', 'e']);
          const set = await store.list(listReq(s.col('ns1'), { labelSelector: 'app in (y,z),!tier' }));
          expect(names(set.items)).toEqual(['b', 'f']);
          const none = await store.list(listReq(s.col('ns1'), { labelSelector: '!app' }));
          expect(names(none.items)).toEqual(['d']);
          const paged = await store.list(listReq(s.col('ns1'), { labelSelector: 'app=x', limit: '2' }));
          expect(names(paged.items)).toEqual(['a', 'c']);
          expect(paged.remainingItemCount).toBeUndefined();
          expect(paged.continue).not.toBe('');
          const rest = await store.list(listReq(s.col('ns1'), { labelSelector: 'app=x', limit: '2', continue: paged.continue }));
          expect(names(rest.items)).toEqual(['e']);
          const byName = await store.list(listReq(s.col(''), { fieldSelector: 'metadata.name=c' }));
          expect(names(byName.items)).toEqual(['c']);
          const byNs = await store.list(listReq(s.col(''), { fieldSelector: 'metadata.namespace!=ns1' }));
          expect(byNs.items).toEqual([]);
        });

        it('answers 400 for a malformed selector', async () => {
          const s = scope();
          const res = await store.list(listReq(s.col('ns1'), { labelSelector: 'a in (' }));
          expectStatus(res.status, 400, 'BadRequest');
          const res2 = await store.list(listReq(s.col('ns1'), { fieldSelector: 'nonsense' }));
          expectStatus(res2.status, 400, 'BadRequest');
        });

        it('answers 400 for a malformed or foreign continue token', async () => {
          const s = scope();
          await s.create(s.nsObject('a'));
          const bad = await store.list(listReq(s.col('ns1'), { limit: '1', continue: 'not*base64' }));
          expectStatus(bad.status, 400, 'BadRequest', /^invalid continue token: continue key is not valid: /);
          const escape = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: '../../secrets/x' })).toString('base64url');
          const esc = await store.list(listReq(s.col('ns1'), { limit: '1', continue: escape }));
          expectStatus(esc.status, 400, 'BadRequest', 'invalid continue token: continue key is not valid: ../../secrets/x');
        });

        it('refuses a resourceVersion together with a continue token', async () => {
          const s = scope();
          for (const n of ['a', 'b']) await s.create(s.nsObject(n));
          const p1 = await store.list(listReq(s.col('ns1'), { limit: '1' }));
          const res = await store.list(listReq(s.col('ns1'), { limit: '1', continue: p1.continue, resourceVersion: p1.resourceVersion }));
          expectStatus(res.status, 400, 'BadRequest', 'specifying resource version is not allowed when using continue');
          const zero = await store.list(listReq(s.col('ns1'), { limit: '1', continue: p1.continue, resourceVersion: '0' }));
          expect(names(zero.items)).toEqual(['b']);
        });
      });

      describe('resourceVersion semantics', () => {
        it('get: "" is the latest, "0" any, N not older than N', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          for (const rv of ['', '0', rvOf(created)]) {
            const res = await store.get({ ref: s.ref('a'), resourceVersion: rv });
            expect(res.status).toBeUndefined();
            expect(rvOf(res.object)).toBe(rvOf(created));
          }
        });

        it('get and list: a resourceVersion the store has not reached gives 504 Too large resource version', async () => {
          const s = scope();
          await s.create(s.nsObject('a'));
          const ahead = String(Number((await store.currentRevision()).resourceVersion) + 100000);
          const g = await store.get({ ref: s.ref('a'), resourceVersion: ahead });
          expectStatus(g.status, 504, 'Timeout', new RegExp(`^Timeout: Too large resource version: ${ahead}, current: \\d+$`));
          expect(g.status?.details?.causes?.[0]?.reason).toBe('ResourceVersionTooLarge');
          expect(g.status?.details?.retryAfterSeconds).toBe(1);
          const l = await store.list(listReq(s.col('ns1'), { resourceVersion: ahead, resourceVersionMatch: 'NotOlderThan' }));
          expectStatus(l.status, 504, 'Timeout', /Too large resource version/);
          const e = await store.list(listReq(s.col('ns1'), { resourceVersion: ahead, resourceVersionMatch: 'Exact' }));
          expectStatus(e.status, 504, 'Timeout', /Too large resource version/);
        });

        it('answers 400 for an unparsable resourceVersion', async () => {
          const s = scope();
          const g = await store.get({ ref: s.ref('a'), resourceVersion: 'abc' });
          expectStatus(g.status, 400, 'BadRequest', 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax');
          const l = await store.list(listReq(s.col('ns1'), { resourceVersion: '-1' }));
          expectStatus(l.status, 400, 'BadRequest', /invalid syntax/);
        });

        it('list NotOlderThan N answers at a revision >= N', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          const res = await store.list(listReq(s.col('ns1'), { resourceVersion: rvOf(created), resourceVersionMatch: 'NotOlderThan' }));
          expect(res.status).toBeUndefined();
          expect(Number(res.resourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(created)));
          expect(names(res.items)).toEqual(['a']);
        });

        it('list Exact N (and legacy N with a limit) reads the state as of N', async () => {
          const s = scope();
          const a1 = await s.create(s.nsObject('a', { data: { v: '1' } }));
          const at = rvOf(a1);
          await store.update({ ref: s.ref('a'), object: bytes(s.nsObject('a', { data: { v: '2' } })), expectedResourceVersion: '' });
          await s.create(s.nsObject('b'));
          const exact = await store.list(listReq(s.col('ns1'), { resourceVersion: at, resourceVersionMatch: 'Exact' }));
          expect(exact.status).toBeUndefined();
          expect(exact.resourceVersion).toBe(at);
          expect(names(exact.items)).toEqual(['a']);
          expect(decode(exact.items[0] as Buffer).data).toEqual({ v: '1' });
          expect(rvOf(exact.items[0] as Buffer)).toBe(at);
          const legacy = await store.list(listReq(s.col('ns1'), { resourceVersion: at, limit: '10' }));
          expect(legacy.resourceVersion).toBe(at);
          expect(names(legacy.items)).toEqual(['a']);
          const latest = await store.list(listReq(s.col('ns1'), { resourceVersion: at }));
          expect(names(latest.items)).toEqual(['a', 'b']);
          expect(decode(latest.items[0] as Buffer).data).toEqual({ v: '2' });
        });

        it('currentRevision is at least the revision of the last write', async () => {
          const s = scope();
          const created = await s.create(s.nsObject('a'));
          expect(Number((await store.currentRevision()).resourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(created)));
        });
      });

      describe('object size', () => {
        it('accepts, updates and lists objects of 1.4 MiB', async () => {
          const s = scope();
          const size = Math.floor(1.4 * 1024 * 1024);
          const o = s.nsObject('big', { data: { blob: 'x'.repeat(size) } });
          const res = await store.create({ ref: s.ref('big'), object: bytes(o) });
          expect(res.status).toBeUndefined();
          expect(decode((await store.get({ ref: s.ref('big'), resourceVersion: '' })).object).data?.blob?.length).toBe(size);
          const o2 = s.nsObject('big', { data: { blob: 'y'.repeat(size) } });
          const up = await store.update({ ref: s.ref('big'), object: bytes(o2), expectedResourceVersion: rvOf(res.object) });
          expect(up.status).toBeUndefined();
          expect(up.succeeded).toBe(true);
          const same = await store.update({ ref: s.ref('big'), object: up.object, expectedResourceVersion: rvOf(up.object) });
          expect(same.succeeded).toBe(true);
          expect(rvOf(same.object)).toBe(rvOf(up.object));
          const stale = await store.update({ ref: s.ref('big'), object: bytes(o), expectedResourceVersion: rvOf(res.object) });
          expect(stale.succeeded).toBe(false);
          expect(rvOf(stale.object)).toBe(rvOf(up.object));
          await s.create(s.nsObject('big2', { data: { blob: 'z'.repeat(size) } }));
          const listed = await store.list(listReq(s.col('ns1')));
          expect(names(listed.items)).toEqual(['big', 'big2']);
        });

        it(`refuses objects over ${maxObjectBytes} bytes with 413 RequestEntityTooLarge`, async () => {
          const s = scope();
          const o = s.nsObject('huge', { data: { blob: 'x'.repeat(maxObjectBytes) } });
          const res = await store.create({ ref: s.ref('huge'), object: bytes(o) });
          expectStatus(res.status, 413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxObjectBytes}`);
          expect((await store.get({ ref: s.ref('huge'), resourceVersion: '' })).status?.code).toBe(404);
          await s.create(s.nsObject('small'));
          const up = await store.update({ ref: s.ref('small'), object: bytes(s.nsObject('small', { data: { blob: 'x'.repeat(maxObjectBytes) } })), expectedResourceVersion: '' });
          expectStatus(up.status, 413, 'RequestEntityTooLarge');
          expect(up.succeeded).toBe(false);
        });
      });

      describe('watchReplay', () => {
        it('sends the initial state as ADDED events, then the end marker and caught-up revision', async () => {
          const s = scope();
          const a = await s.create(s.nsObject('a'));
          const b = await s.create(s.nsObject('b'));
          await s.create(object('c', 'ns2'));
          const msgs = await collect(store.watchReplay(replayReq(s.col('ns1'), { sendInitialState: true })));
          const events = msgs.filter((m) => m.event !== undefined).map((m) => m.event);
          expect(events.map((e) => [e?.type, decode(e?.object as Buffer).metadata.name, e?.resourceVersion])).toEqual([
            ['ADDED', 'a', rvOf(a)],
            ['ADDED', 'b', rvOf(b)],
          ]);
          const end = msgs.at(-2);
          const last = msgs.at(-1);
          expect(Number(end?.initialStateEndResourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(b)));
          expect(last?.caughtUpResourceVersion).toBe(end?.initialStateEndResourceVersion);
          expect(last?.status).toBeUndefined();
        });

        it('replays every change after a resourceVersion, with previous objects', async () => {
          const s = scope();
          const a = await s.create(s.nsObject('a', { data: { v: '1' } }));
          const from = rvOf(a);
          const b = await s.create(s.nsObject('b'));
          const a2 = await store.update({ ref: s.ref('a'), object: bytes(s.nsObject('a', { data: { v: '2' } })), expectedResourceVersion: '' });
          await s.create(object('other', 'ns2'));
          const del = await store.delete({ ref: s.ref('b'), expectedResourceVersion: '' });
          const msgs = await collect(store.watchReplay(replayReq(s.col('ns1'), { resourceVersion: from })));
          const events = msgs.filter((m) => m.event !== undefined).map((m) => m.event);
          expect(events.map((e) => [e?.type, decode(e?.object as Buffer).metadata.name, e?.resourceVersion])).toEqual([
            ['ADDED', 'b', rvOf(b)],
            ['MODIFIED', 'a', rvOf(a2.object)],
            ['DELETED', 'b', rvOf(del.object)],
          ]);
          expect(rvOf(events[0]?.object as Buffer)).toBe(rvOf(b));
          expect(events[0]?.prevObject.length).toBe(0);
          expect(decode(events[1]?.prevObject as Buffer).data).toEqual({ v: '1' });
          expect(rvOf(events[1]?.prevObject as Buffer)).toBe(from);
          expect(decode(events[2]?.object as Buffer).metadata.name).toBe('b');
          expect(rvOf(events[2]?.object as Buffer)).toBe(rvOf(del.object));
          const last = msgs.at(-1);
          expect(Number(last?.caughtUpResourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(del.object)));
          // All namespaces, and one object.
          const all = await collect(store.watchReplay(replayReq(s.col(''), { resourceVersion: from })));
          expect(all.filter((m) => m.event !== undefined)).toHaveLength(4);
          const one = await collect(store.watchReplay(replayReq(s.ref('a'), { resourceVersion: from })));
          expect(one.filter((m) => m.event !== undefined).map((m) => m.event?.type)).toEqual(['MODIFIED']);
        });

        it('without a resourceVersion or initial state, only reports the current revision', async () => {
          const s = scope();
          const a = await s.create(s.nsObject('a'));
          const msgs = await collect(store.watchReplay(replayReq(s.col('ns1'))));
          expect(msgs).toHaveLength(1);
          expect(Number(msgs[0]?.caughtUpResourceVersion)).toBeGreaterThanOrEqual(Number(rvOf(a)));
        });

        it('ends with a 504 status for a resourceVersion the store has not reached', async () => {
          const s = scope();
          const ahead = String(Number((await store.currentRevision()).resourceVersion) + 100000);
          const msgs = await collect(store.watchReplay(replayReq(s.col('ns1'), { resourceVersion: ahead })));
          expect(msgs).toHaveLength(1);
          expectStatus(msgs[0]?.status, 504, 'Timeout', /Too large resource version/);
        });
      });
    }

    if (mode !== 'exclude') {
      describe('compaction', () => {
        function compactable(): CompactableStore {
          if (store.compact === undefined) throw new Error('this store cannot compact; run the suite with compaction: "exclude"');
          return store as CompactableStore;
        }

        it('answers 410 Expired for an Exact list at a compacted revision, and serves newer reads', async () => {
          const s = scope();
          const a = await s.create(s.nsObject('a'));
          const b = await s.create(s.nsObject('b'));
          await compactable().compact(rvOf(b));
          const res = await store.list(listReq(s.col('ns1'), { resourceVersion: rvOf(a), resourceVersionMatch: 'Exact' }));
          expectStatus(res.status, 410, 'Expired', new RegExp(`^too old resource version: ${rvOf(a)} \\(\\d+\\)$`));
          const atB = await store.list(listReq(s.col('ns1'), { resourceVersion: rvOf(b), resourceVersionMatch: 'Exact' }));
          expect(atB.status).toBeUndefined();
          expect(names(atB.items)).toEqual(['a', 'b']);
          const latest = await store.list(listReq(s.col('ns1')));
          expect(names(latest.items)).toEqual(['a', 'b']);
          expect((await store.get({ ref: s.ref('a'), resourceVersion: '' })).status).toBeUndefined();
        });

        it('answers 410 for a continue token of a compacted revision, with a token that continues at the latest', async () => {
          const s = scope();
          for (const n of ['a', 'b', 'c']) await s.create(s.nsObject(n));
          const p1 = await store.list(listReq(s.col('ns1'), { limit: '1' }));
          await s.create(s.nsObject('d'));
          await compactable().compact();
          const p2: ListResponse = await store.list(listReq(s.col('ns1'), { limit: '1', continue: p1.continue }));
          expectStatus(
            p2.status,
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          );
          expect(p2.continue).not.toBe('');
          const tok = JSON.parse(Buffer.from(p2.continue, 'base64url').toString()) as { rv: number; start: string };
          expect(tok).toMatchObject({ rv: -1, start: 'a\u0000' });
          const rest = await store.list(listReq(s.col('ns1'), { continue: p2.continue }));
          expect(rest.status).toBeUndefined();
          expect(names(rest.items)).toEqual(['b', 'c', 'd']);
        });

        it('answers a watch replay from a compacted revision with a 410 status', async () => {
          const s = scope();
          const a = await s.create(s.nsObject('a'));
          await s.create(s.nsObject('b'));
          await store.delete({ ref: s.ref('a'), expectedResourceVersion: '' });
          const cur = (await store.currentRevision()).resourceVersion;
          await compactable().compact(cur);
          const msgs = await collect(store.watchReplay(replayReq(s.col('ns1'), { resourceVersion: rvOf(a) })));
          expect(msgs).toHaveLength(1);
          expectStatus(msgs[0]?.status, 410, 'Expired', new RegExp(`^too old resource version: ${rvOf(a)} \\(\\d+\\)$`));
          // From the compacted revision on, history is there again.
          await s.create(s.nsObject('c'));
          const after = await collect(store.watchReplay(replayReq(s.col('ns1'), { resourceVersion: cur })));
          expect(after.filter((m) => m.event !== undefined).map((m) => [m.event?.type, decode(m.event?.object as Buffer).metadata.name])).toEqual([
            ['ADDED', 'c'],
          ]);
        });
      });
    }
  });
}
