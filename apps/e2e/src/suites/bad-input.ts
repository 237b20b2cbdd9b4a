// Requests no client library sends, over raw HTTPS with the admin certificate of the kubeconfig.
// Expected codes, reasons and messages are kube-apiserver's (kubernetes-api-wire.md §6, §9, and
// k8s.io/apiserver pkg/endpoints/handlers/{create,update,rest}.go).
import { beforeAll, describe, expect, it } from 'vitest';
import { type KubeconfigCredentials, rawRequest, readKubeconfig } from '../support/https';
import type { Portico } from '../support/portico';
import { expectFailureStatus, uniqueSuffix } from '../support/status';

const MAX_BODY = 3 * 1024 * 1024; // kube-apiserver's MaxRequestBodyBytes
const ETCD_LIMIT = 1.5 * 1024 * 1024; // etcd's default --max-request-bytes

const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_KEY_NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

export function badInputSuite(portico: () => Portico): void {
  describe('bad input over raw HTTPS', () => {
    let creds: KubeconfigCredentials;
    const suffix = uniqueSuffix();
    const collection = '/api/v1/namespaces/default/configmaps';

    beforeAll(() => {
      creds = readKubeconfig(portico().kubeconfigPath);
    });

    const post = (path: string, body: string | Buffer) => rawRequest(creds, { method: 'POST', path, body });

    it('malformed JSON → 400 BadRequest Status', async () => {
      const res = await post(collection, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken"');
      expect(res.status).toBe(400);
      const s = expectFailureStatus(res.json, { code: 400, reason: 'BadRequest' });
      expect(s.message).toMatch(/^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: /);
    });

    it('a body over 3 MiB → 413 RequestEntityTooLarge Status', async () => {
      const filler = 'a'.repeat(MAX_BODY + 1024);
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `huge-${suffix}` }, data: { x: filler } });
      expect(body.length).toBeGreaterThan(MAX_BODY);
      const res = await post(collection, body);
      expect(res.status).toBe(413);
      expectFailureStatus(res.json, { code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
    });

    it('an object over 1.5 MiB in a body under 3 MiB → 413 Status, and nothing is stored', async () => {
      // Every field stays within its own validation limit (data ≤ 1 MiB, annotations ≤ 256 KiB,
      // labels unlimited in number): only the size of the whole object is too large.
      const name = `large-${suffix}`;
      const labels: Record<string, string> = {};
      for (let i = 0; i < 8000; i++) labels[`l${i}`] = 'v'.repeat(63);
      const annotations: Record<string, string> = {};
      for (let i = 0; i < 4; i++) annotations[`a${i}`] = 'n'.repeat(60_000);
      const body = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, labels, annotations },
        data: { blob: 'd'.repeat(1_000_000) },
      });
      expect(body.length).toBeGreaterThan(ETCD_LIMIT);
      expect(body.length).toBeLessThan(MAX_BODY);
      const res = await post(collection, body);
      expect(res.status).toBe(413);
      expectFailureStatus(res.json, { code: 413, reason: 'RequestEntityTooLarge' });
      const get = await rawRequest(creds, { method: 'GET', path: `${collection}/${name}` });
      expect(get.status).toBe(404);
    });

    it('a kind that does not match the URL → 400 BadRequest Status', async () => {
      const res = await post(collection, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `kind-${suffix}` } }));
      expect(res.status).toBe(400);
      const s = expectFailureStatus(res.json, { code: 400, reason: 'BadRequest' });
      expect(s.message).toMatch(/^Secret in version "v1" cannot be handled as a ConfigMap: /);
    });

    it('an apiVersion that does not match the URL → 400 BadRequest Status', async () => {
      const res = await post(collection, JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: `gv-${suffix}` } }));
      expect(res.status).toBe(400);
      const s = expectFailureStatus(res.json, { code: 400, reason: 'BadRequest' });
      expect(s.message).toMatch(/^ConfigMap in version "apps\/v1" cannot be handled as a ConfigMap: /);
    });

    it('a name that does not match the URL on update → 400 BadRequest Status', async () => {
      const url = `url-${suffix}`;
      const res = await rawRequest(creds, {
        method: 'PUT',
        path: `${collection}/${url}`,
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `body-${suffix}` } }),
      });
      expect(res.status).toBe(400);
      expectFailureStatus(res.json, {
        code: 400,
        reason: 'BadRequest',
        message: `the name of the object (body-${suffix}) does not match the name on the URL (${url})`,
      });
    });

    it('a namespace that does not match the URL on create → 400 BadRequest Status', async () => {
      const res = await post(
        collection,
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `ns-${suffix}`, namespace: 'kube-system' } }),
      );
      expect(res.status).toBe(400);
      expectFailureStatus(res.json, {
        code: 400,
        reason: 'BadRequest',
        message: 'the namespace of the provided object does not match the namespace sent on the request',
      });
    });

    it('an invalid name and label key → 422 Invalid with one cause per field error', async () => {
      const res = await post(
        collection,
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', labels: { 'bad key!': 'ok' } } }),
      );
      expect(res.status).toBe(422);
      const nameError = `Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN}`;
      const labelError = `Invalid value: "bad key!": ${LABEL_KEY_NAME_PART}`;
      const s = expectFailureStatus(res.json, {
        code: 422,
        reason: 'Invalid',
        message: `ConfigMap "Bad_Name" is invalid: [metadata.name: ${nameError}, metadata.labels: ${labelError}]`,
      });
      expect(s.details).toEqual({
        name: 'Bad_Name',
        kind: 'ConfigMap',
        causes: [
          { reason: 'FieldValueInvalid', message: nameError, field: 'metadata.name' },
          { reason: 'FieldValueInvalid', message: labelError, field: 'metadata.labels' },
        ],
      });
    });

    it('a namespace that does not exist → 404 NotFound Status naming the namespace', async () => {
      const ns = `missing-${suffix}`;
      const res = await post(
        `/api/v1/namespaces/${ns}/configmaps`,
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
      );
      expect(res.status).toBe(404);
      const s = expectFailureStatus(res.json, { code: 404, reason: 'NotFound', message: `namespaces "${ns}" not found` });
      expect(s.details).toMatchObject({ name: ns, kind: 'namespaces' });
    });

    it('no client certificate → 401 Unauthorized or 403 Forbidden (anonymous) Status', async () => {
      const res = await rawRequest(creds, { method: 'GET', path: '/api/v1/namespaces', anonymous: true });
      expect([401, 403]).toContain(res.status);
      if (res.status === 401) {
        expectFailureStatus(res.json, { code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
      } else {
        expectFailureStatus(res.json, {
          code: 403,
          reason: 'Forbidden',
          message: 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
        });
      }
    });
  });
}
