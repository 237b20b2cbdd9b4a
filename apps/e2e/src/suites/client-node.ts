// @kubernetes/client-node 1.4.0 against a running Portico: what a TypeScript controller does.
// Expected behaviour is kube-apiserver's (shared/reference/kubernetes-api-wire.md §6, §9).
import { ApiException, CoreV1Api, KubeConfig, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Portico } from '../support/portico';
import { expectFailureStatus, uniqueSuffix } from '../support/status';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RV = /^[1-9][0-9]*$/;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The HTTP code and parsed Status of a request that must fail. */
async function failure(p: Promise<unknown>): Promise<{ code: number; body: unknown }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const raw: unknown = e.body;
      let body: unknown = raw;
      if (typeof raw === 'string') {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      return { code: e.code, body };
    }
    throw e;
  }
  throw new Error('expected the request to fail, it succeeded');
}

function conflictMessage(resource: string, name: string): string {
  return `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
}

export function clientNodeSuite(portico: () => Portico): void {
  describe('@kubernetes/client-node 1.4.0', () => {
    let core: CoreV1Api;
    const ns = 'default';
    const suffix = uniqueSuffix();

    beforeAll(() => {
      const kc = new KubeConfig();
      kc.loadFromFile(portico().kubeconfigPath);
      core = kc.makeApiClient(CoreV1Api);
    });

    describe('ConfigMaps', () => {
      const name = `e2e-cm-${suffix}`;
      let created: V1ConfigMap;

      it('creates one: 201 with uid, resourceVersion, creationTimestamp and the namespace set by the server', async () => {
        created = await core.createNamespacedConfigMap({
          namespace: ns,
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { suite: 'client-node' } }, data: { color: 'blue' } },
        });
        expect(created.metadata?.name).toBe(name);
        expect(created.metadata?.namespace).toBe(ns);
        expect(created.metadata?.uid).toMatch(UUID);
        expect(created.metadata?.resourceVersion).toMatch(RV);
        expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
        expect(Number.isNaN(created.metadata?.creationTimestamp?.getTime())).toBe(false);
        expect(created.metadata?.labels).toEqual({ suite: 'client-node' });
        expect(created.data).toEqual({ color: 'blue' });
      });

      it('gets it back as stored', async () => {
        const got = await core.readNamespacedConfigMap({ name, namespace: ns });
        expect(got.metadata?.uid).toBe(created.metadata?.uid);
        expect(got.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
        expect(got.data).toEqual({ color: 'blue' });
      });

      it('updates it with the current resourceVersion, then refuses the stale one with 409 Conflict', async () => {
        const updated = await core.replaceNamespacedConfigMap({
          name,
          namespace: ns,
          body: { ...created, data: { color: 'green' } },
        });
        expect(updated.data).toEqual({ color: 'green' });
        expect(updated.metadata?.uid).toBe(created.metadata?.uid);
        expect(updated.metadata?.creationTimestamp?.getTime()).toBe(created.metadata?.creationTimestamp?.getTime());
        expect(BigInt(updated.metadata?.resourceVersion ?? '0')).toBeGreaterThan(BigInt(created.metadata?.resourceVersion ?? '0'));

        const stale = await failure(
          core.replaceNamespacedConfigMap({ name, namespace: ns, body: { ...created, data: { color: 'red' } } }),
        );
        expect(stale.code).toBe(409);
        const status = expectFailureStatus(stale.body, { code: 409, reason: 'Conflict', message: conflictMessage('configmaps', name) });
        expect(status.details).toMatchObject({ name, kind: 'configmaps' });
        const after = await core.readNamespacedConfigMap({ name, namespace: ns });
        expect(after.data).toEqual({ color: 'green' });
      });

      it('deletes it (Status Success), after which GET is 404 NotFound', async () => {
        const res = await core.deleteNamespacedConfigMap({ name, namespace: ns });
        expect(res.status).toBe('Success');
        expect(res.details).toMatchObject({ name, kind: 'configmaps', uid: created.metadata?.uid });
        const gone = await failure(core.readNamespacedConfigMap({ name, namespace: ns }));
        expect(gone.code).toBe(404);
        const status = expectFailureStatus(gone.body, { code: 404, reason: 'NotFound', message: `configmaps "${name}" not found` });
        expect(status.details).toMatchObject({ name, kind: 'configmaps' });
      });

      it('refuses a second create of the same name with 409 AlreadyExists', async () => {
        const dup = `e2e-dup-${suffix}`;
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: dup } } });
        const again = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: dup } } }));
        expect(again.code).toBe(409);
        const status = expectFailureStatus(again.body, { code: 409, reason: 'AlreadyExists', message: `configmaps "${dup}" already exists` });
        expect(status.details).toMatchObject({ name: dup, kind: 'configmaps' });
        await core.deleteNamespacedConfigMap({ name: dup, namespace: ns });
      });
    });

    describe('Secrets', () => {
      const name = `e2e-secret-${suffix}`;
      let created: V1Secret;

      it('creates one: stringData is merged into data (base64) and type defaults to Opaque', async () => {
        created = await core.createNamespacedSecret({
          namespace: ns,
          body: { metadata: { name }, data: { password: b64('s3cret') }, stringData: { username: 'admin' } },
        });
        expect(created.metadata?.uid).toMatch(UUID);
        expect(created.metadata?.resourceVersion).toMatch(RV);
        expect(created.type).toBe('Opaque');
        expect(created.data).toEqual({ password: b64('s3cret'), username: b64('admin') });
        expect(created.stringData).toBeUndefined();
      });

      it('gets it back as stored', async () => {
        const got = await core.readNamespacedSecret({ name, namespace: ns });
        expect(got.metadata?.uid).toBe(created.metadata?.uid);
        expect(got.data).toEqual({ password: b64('s3cret'), username: b64('admin') });
      });

      it('updates it, then refuses the stale resourceVersion with 409 Conflict', async () => {
        const updated = await core.replaceNamespacedSecret({
          name,
          namespace: ns,
          body: { ...created, data: { password: b64('changed') } },
        });
        expect(updated.data).toEqual({ password: b64('changed') });
        expect(BigInt(updated.metadata?.resourceVersion ?? '0')).toBeGreaterThan(BigInt(created.metadata?.resourceVersion ?? '0'));
        const stale = await failure(core.replaceNamespacedSecret({ name, namespace: ns, body: created }));
        expect(stale.code).toBe(409);
        const status = expectFailureStatus(stale.body, { code: 409, reason: 'Conflict', message: conflictMessage('secrets', name) });
        expect(status.details).toMatchObject({ name, kind: 'secrets' });
      });

      it('deletes it, after which GET is 404 NotFound', async () => {
        const res = await core.deleteNamespacedSecret({ name, namespace: ns });
        expect(res.status).toBe('Success');
        expect(res.details).toMatchObject({ name, kind: 'secrets', uid: created.metadata?.uid });
        const gone = await failure(core.readNamespacedSecret({ name, namespace: ns }));
        expect(gone.code).toBe(404);
        expectFailureStatus(gone.body, { code: 404, reason: 'NotFound', message: `secrets "${name}" not found` });
      });
    });

    describe('list pagination', () => {
      it('pages 6 ConfigMaps by limit/continue, every page at the first page’s resourceVersion', async () => {
        const pageNs = `e2e-page-${suffix}`;
        await core.createNamespace({ body: { metadata: { name: pageNs } } });
        const names = [0, 1, 2, 3, 4, 5].map((i) => `cm-${i}`);
        for (const n of names) await core.createNamespacedConfigMap({ namespace: pageNs, body: { metadata: { name: n }, data: { n } } });

        const first = await core.listNamespacedConfigMap({ namespace: pageNs, limit: 2 });
        expect(first.items.map((i) => i.metadata?.name)).toEqual(['cm-0', 'cm-1']);
        expect(first.metadata?.resourceVersion).toMatch(RV);
        expect(first.metadata?._continue).toBeTruthy();
        expect(first.metadata?.remainingItemCount).toBe(4);
        const listRV = first.metadata?.resourceVersion;

        // Created after the first page: a consistent paginated list never shows it.
        await core.createNamespacedConfigMap({ namespace: pageNs, body: { metadata: { name: 'cm-late' } } });

        const seen = first.items.map((i) => i.metadata?.name);
        let token = first.metadata?._continue;
        let pages = 1;
        while (token && pages < 10) {
          const page = await core.listNamespacedConfigMap({ namespace: pageNs, limit: 2, _continue: token });
          pages++;
          expect(page.items.length).toBeLessThanOrEqual(2);
          expect(page.metadata?.resourceVersion).toBe(listRV);
          seen.push(...page.items.map((i) => i.metadata?.name));
          token = page.metadata?._continue;
          if (token) expect(page.metadata?.remainingItemCount).toBe(names.length - seen.length);
          else expect(page.metadata?.remainingItemCount ?? undefined).toBeUndefined();
        }
        expect(pages).toBe(3);
        expect(seen).toEqual(names);

        const all = await core.listNamespacedConfigMap({ namespace: pageNs });
        expect(all.items.map((i) => i.metadata?.name)).toEqual([...names, 'cm-late']);
        expect(all.metadata?._continue ?? '').toBe('');
      });
    });
  });
}
