// External webhooks against real HTTPS servers with their own CA, as a webhook author runs them.
import type { AdmissionRequest, GetRequest, GetResponse, ListRequest, ListResponse, StorageServicePort } from '@portico/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { deadPort as freshDeadPort, makeTestPki, startTestWebhookServer, type TestHandler, type TestPki, type TestWebhookServer } from '../testing/webhook-server';
import { admissionRequest, readOnlyStorage } from '../testing/fixtures';

type Review = { apiVersion: string; kind: string; request: Record<string, unknown> & { uid: string; object: Record<string, unknown> | null } };
type Handler = TestHandler<Review>;

/** One HTTPS server; each path is one webhook; `calls` counts the requests by path. */
const webhookServer = (pki: TestPki, handlers: Record<string, Handler>, calls: Record<string, number>): Promise<TestWebhookServer> =>
  startTestWebhookServer(pki, handlers, (path) => {
    calls[path] = (calls[path] ?? 0) + 1;
  });

const respond = (r: Review, response: Record<string, unknown>) => ({
  apiVersion: r.apiVersion,
  kind: 'AdmissionReview',
  response: { uid: r.request.uid, ...response },
});
const patch = (ops: unknown[]) => Buffer.from(JSON.stringify(ops)).toString('base64');

function fakeStorage(state: { mutating: object[]; validating: object[]; namespaces: Record<string, object> }): StorageServicePort {
  const list = async (req: ListRequest): Promise<ListResponse> => {
    const items = req.ref?.resource === 'mutatingwebhookconfigurations' ? state.mutating : req.ref?.resource === 'validatingwebhookconfigurations' ? state.validating : [];
    return { items: items.map((o) => Buffer.from(JSON.stringify(o))), resourceVersion: '7', continue: '', status: undefined };
  };
  const get = async (req: GetRequest): Promise<GetResponse> => {
    const ns = state.namespaces[req.ref?.name ?? ''];
    if (ns === undefined) return { object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'not found', details: undefined } };
    return { object: Buffer.from(JSON.stringify(ns)), status: undefined };
  };
  return readOnlyStorage(get, list);
}

const configMap = (labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'team', labels }, data: { a: 'b' } });

const request = (over: Partial<AdmissionRequest> = {}, obj: object = configMap()): AdmissionRequest =>
  admissionRequest({
    object: Buffer.from(JSON.stringify(obj)),
    options: Buffer.from('{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}'),
    user: { username: 'jane', uid: '', groups: ['system:authenticated'], extra: {} },
    ...over,
  });

const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: '*' }];

describe('external admission webhooks', () => {
  let pki: TestPki;
  let server: TestWebhookServer;
  let base: string;
  let deadPort: number;
  const calls: Record<string, number> = {};
  const seen: Record<string, Review> = {};
  const headers: Record<string, Record<string, string | string[] | undefined>> = {};

  beforeAll(async () => {
    pki = makeTestPki('webhook', ['localhost', 'hooks.webhooks.svc']);
    server = await webhookServer(
      pki,
      {
        '/deny': (r) => respond(r, { allowed: false, status: { code: 403, message: 'configmaps need an owner' } }),
        '/deny-bare': (r) => respond(r, { allowed: false, status: { code: 200 } }),
        '/allow': (r, h) => {
          seen['/allow'] = r;
          headers['/allow'] = h;
          return respond(r, { allowed: true, warnings: ['be careful'], auditAnnotations: { checked: 'yes' } });
        },
        '/label': (r) => respond(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'add', path: '/metadata/labels/owner', value: 'platform' }]) }),
        '/count': (r) => {
          const n = Number((r.request.object?.['metadata'] as { annotations?: Record<string, string> }).annotations?.['count'] ?? '0');
          return respond(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'add', path: '/metadata/annotations', value: { count: String(n + 1) } }]) });
        },
        '/v1beta1': (r) => {
          seen['/v1beta1'] = r;
          return { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: r.request.uid, allowed: false, status: { message: 'old api says no' } } };
        },
        '/wrong-uid': () => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'nope', allowed: true } }),
        '/garbage': () => 'not json',
        '/boom': () => 'boom',
        '/slow': () => 'hang',
        '/bad-patch': (r) => respond(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'replace', path: '/spec/nope/x', value: 1 }]) }),
        '/kind-change': (r) => respond(r, { allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'replace', path: '/kind', value: 'Secret' }]) }),
        '/no-patch-type': (r) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: r.request.uid, allowed: true, patch: patch([]) } }),
        '/patch-from-validating': (r) => respond(r, { allowed: true, patchType: 'JSONPatch', patch: patch([]) }),
      },
      calls,
    );
    base = `https://127.0.0.1:${server.port}`;
    deadPort = await freshDeadPort();
  });

  afterAll(async () => {
    await server.close();
  });

  const hook = (name: string, path: string, over: Record<string, unknown> = {}) => ({
    name,
    clientConfig: { url: `${base}${path}`, caBundle: Buffer.from(pki.ca).toString('base64') },
    rules,
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...over,
  });

  const admission = (state: { mutating?: object[]; validating?: object[] }) =>
    createAdmissionService({
      storage: fakeStorage({
        mutating: state.mutating ?? [],
        validating: state.validating ?? [],
        namespaces: {
          team: { metadata: { name: 'team', labels: { env: 'prod' } }, status: { phase: 'Active' } },
          other: { metadata: { name: 'other', labels: { env: 'dev' } }, status: { phase: 'Active' } },
        },
      }),
      serviceResolver: () => `127.0.0.1:${new URL(base).port}`,
    });

  const cfg = (name: string, webhooks: object[]) => ({ metadata: { name }, webhooks });

  it('denies with the webhook message, status code kept', async () => {
    const res = await admission({ validating: [cfg('v', [hook('deny.example.com', '/deny')])] }).validate(request());
    expect(res.allowed).toBe(false);
    expect(res.status).toMatchObject({ code: 403, message: 'admission webhook "deny.example.com" denied the request: configmaps need an owner' });
  });

  it('raises a denial below 400 to 400 and says when there is no explanation', async () => {
    const res = await admission({ validating: [cfg('v', [hook('bare.example.com', '/deny-bare')])] }).validate(request());
    expect(res.status).toMatchObject({ code: 400, message: 'admission webhook "bare.example.com" denied the request without explanation' });
  });

  it('sends an AdmissionReview v1 and keeps warnings and audit annotations', async () => {
    const res = await admission({ validating: [cfg('v', [hook('allow.example.com', '/allow')])] }).validate(request());
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual(['be careful']);
    expect(res.auditAnnotations).toEqual({ 'allow.example.com/checked': 'yes' });
    const r = seen['/allow'];
    expect(r?.apiVersion).toBe('admission.k8s.io/v1');
    expect(r?.request).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'cm',
      namespace: 'team',
      operation: 'CREATE',
      userInfo: { username: 'jane', groups: ['system:authenticated'] },
      object: configMap(),
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions' },
    });
  });

  it('applies a JSONPatch from a mutating webhook', async () => {
    const res = await admission({ mutating: [cfg('m', [hook('label.example.com', '/label')])] }).admit(request());
    expect(res.allowed).toBe(true);
    expect(JSON.parse(res.object.toString('utf8'))).toMatchObject({ metadata: { labels: { owner: 'platform' } } });
  });

  it('refuses a patch on DELETE', async () => {
    const del = hook('label.example.com', '/label', { rules: [{ ...rules[0], operations: ['DELETE'] }] });
    const res = await admission({ mutating: [cfg('m', [del])] }).admit(request({ operation: 'DELETE', object: Buffer.alloc(0), oldObject: Buffer.from(JSON.stringify(configMap())) }));
    expect(res.status?.message).toBe('admission webhook "label.example.com" attempted to modify the object, which is not supported for this operation');
  });

  it('fails closed with kube-apiserver text when the webhook is down (Fail), and is skipped under Ignore', async () => {
    const down = { url: `https://127.0.0.1:${deadPort}/x`, caBundle: Buffer.from(pki.ca).toString('base64') };
    const fail = await admission({ validating: [cfg('v', [hook('down.example.com', '/x', { clientConfig: down })])] }).validate(request());
    expect(fail.status).toMatchObject({
      code: 500,
      message: `Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:${deadPort}/x?timeout=10s": dial tcp 127.0.0.1:${deadPort}: connect: connection refused`,
    });
    const ignore = await admission({ validating: [cfg('v', [hook('down.example.com', '/x', { clientConfig: down, failurePolicy: 'Ignore' })])] }).validate(request());
    expect(ignore.allowed).toBe(true);
    expect(ignore.auditAnnotations).toEqual({ 'failed-open.validating.webhook.admission.k8s.io/round_0_index_0': 'down.example.com' });
  });

  it('times out a slow webhook after timeoutSeconds', async () => {
    const slow = hook('slow.example.com', '/slow', { timeoutSeconds: 1 });
    const fail = await admission({ validating: [cfg('v', [slow])] }).validate(request());
    expect(fail.status?.message).toBe(`Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${base}/slow?timeout=1s": context deadline exceeded`);
    const ignore = await admission({ mutating: [cfg('m', [{ ...slow, failurePolicy: 'Ignore' }])] }).admit(request());
    expect(ignore.allowed).toBe(true);
  });

  it('takes the timeout from the request deadline when that is sooner', async () => {
    const fail = await admission({ validating: [cfg('v', [hook('slow.example.com', '/slow', { timeoutSeconds: 30 })])] }).validate(request(), { deadline: Date.now() + 300 });
    expect(fail.status?.message).toMatch(/\?timeout=1s": context deadline exceeded$/);
  });

  it('verifies the caBundle', async () => {
    const wrongCa = hook('tls.example.com', '/allow', { clientConfig: { url: `${base}/allow`, caBundle: Buffer.from(pki.otherCa).toString('base64') } });
    const res = await admission({ validating: [cfg('v', [wrongCa])] }).validate(request());
    expect(res.status?.message).toBe(
      `Internal error occurred: failed calling webhook "tls.example.com": failed to call webhook: Post "${base}/allow?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
  });

  it('rejects a wrong uid, garbage and HTTP 500 per failurePolicy', async () => {
    const uid = await admission({ validating: [cfg('v', [hook('uid.example.com', '/wrong-uid')])] }).validate(request());
    expect(uid.status?.message).toMatch(/^Internal error occurred: failed calling webhook "uid.example.com": received invalid webhook response: expected response.uid="[0-9a-f-]+", got "nope"$/);
    const garbage = await admission({ validating: [cfg('v', [hook('garbage.example.com', '/garbage')])] }).validate(request());
    expect(garbage.status?.message).toMatch(/^Internal error occurred: failed calling webhook "garbage.example.com": failed to call webhook: couldn't get version\/kind; json parse error: /);
    const boom = await admission({ validating: [cfg('v', [hook('boom.example.com', '/boom')])] }).validate(request());
    expect(boom.status?.message).toBe(
      'Internal error occurred: failed calling webhook "boom.example.com": failed to call webhook: an error on the server ("boom") has prevented the request from succeeding',
    );
    const ignored = await admission({ validating: [cfg('v', [hook('boom.example.com', '/boom', { failurePolicy: 'Ignore' })])] }).validate(request());
    expect(ignored.allowed).toBe(true);
  });

  it('fails the request on a patch that does not apply, changes the kind, or lacks patchType', async () => {
    const bad = await admission({ mutating: [cfg('m', [hook('bad.example.com', '/bad-patch')])] }).admit(request());
    expect(bad.status?.code).toBe(500);
    expect(bad.status?.message).toMatch(/^Internal error occurred: /);
    const kind = await admission({ mutating: [cfg('m', [hook('kind.example.com', '/kind-change')])] }).admit(request());
    expect(kind.status?.message).toBe('Internal error occurred: admission webhook "kind.example.com" attempted to change kind, which is not allowed');
    const noType = await admission({ mutating: [cfg('m', [hook('nt.example.com', '/no-patch-type')])] }).admit(request());
    expect(noType.status?.message).toBe('Internal error occurred: failed calling webhook "nt.example.com": received invalid webhook response: webhook returned response.patch but not response.patchType');
  });

  it('refuses a patch from a validating webhook', async () => {
    const res = await admission({ validating: [cfg('v', [hook('vp.example.com', '/patch-from-validating')])] }).validate(request());
    expect(res.status?.message).toBe('Internal error occurred: failed calling webhook "vp.example.com": received invalid webhook response: validating webhook may not return response.patch');
  });

  it('matches rules, namespaceSelector, objectSelector and matchConditions', async () => {
    const v = (over: Record<string, unknown>) => admission({ validating: [cfg('v', [hook('deny.example.com', '/deny', over)])] });
    const denied = async (a: ReturnType<typeof v>, req = request()) => !(await a.validate(req)).allowed;
    expect(await denied(v({ rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }] }))).toBe(true);
    expect(await denied(v({ rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] }))).toBe(false);
    expect(await denied(v({ rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Cluster' }] }))).toBe(false);
    expect(await denied(v({ rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps/status'] }] }))).toBe(false);
    expect(await denied(v({ rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps/*'] }] }), request({ subResource: 'status' }))).toBe(true);
    expect(await denied(v({ rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v2'], resources: ['configmaps'] }], matchPolicy: 'Exact' }))).toBe(false);
    expect(await denied(v({ rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v2'], resources: ['configmaps'] }] }))).toBe(true);
    expect(await denied(v({ namespaceSelector: { matchLabels: { env: 'prod' } } }))).toBe(true);
    expect(await denied(v({ namespaceSelector: { matchLabels: { env: 'prod' } } }), request({ namespace: 'other' }))).toBe(false);
    expect(await denied(v({ objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } }))).toBe(true);
    expect(await denied(v({ objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } }), request({}, configMap({ skip: 'y' })))).toBe(false);
    expect(await denied(v({ matchConditions: [{ name: 'has-a', expression: 'has(object.data.a)' }] }))).toBe(true);
    expect(await denied(v({ matchConditions: [{ name: 'not-jane', expression: 'request.userInfo.username != "jane"' }] }))).toBe(false);
    const broken = await v({ matchConditions: [{ name: 'bad', expression: 'object.nope.x == 1' }] }).validate(request());
    expect(broken.status?.message).toMatch(/^Internal error occurred: failed calling webhook "deny.example.com": failed evaluating match conditions, failing closed: /);
  });

  it('reinvokes an IfNeeded webhook once when a later webhook changed the object', async () => {
    for (const k of Object.keys(calls)) delete calls[k];
    const res = await admission({
      mutating: [cfg('a', [hook('count.example.com', '/count', { reinvocationPolicy: 'IfNeeded' })]), cfg('b', [hook('label.example.com', '/label')])],
    }).admit(request());
    expect(calls['/count']).toBe(2);
    expect(calls['/label']).toBe(1);
    expect(JSON.parse(res.object.toString('utf8'))).toMatchObject({ metadata: { annotations: { count: '2' }, labels: { owner: 'platform' } } });
    for (const k of Object.keys(calls)) delete calls[k];
    await admission({ mutating: [cfg('a', [hook('count.example.com', '/count')]), cfg('b', [hook('label.example.com', '/label')])] }).admit(request());
    expect(calls['/count']).toBe(1);
  });

  it('speaks v1beta1 to a webhook that accepts only v1beta1', async () => {
    const res = await admission({ validating: [cfg('v', [hook('old.example.com', '/v1beta1', { admissionReviewVersions: ['v1beta1'] })])] }).validate(request());
    expect(seen['/v1beta1']?.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(res.status).toMatchObject({ code: 400, message: 'admission webhook "old.example.com" denied the request: old api says no' });
  });

  it('refuses dry run for webhooks with side effects', async () => {
    const res = await admission({ validating: [cfg('v', [hook('fx.example.com', '/allow', { sideEffects: 'Some' })])] }).validate(request({ dryRun: true }));
    expect(res.status).toMatchObject({ code: 400, message: 'admission webhook "fx.example.com" does not support dry run' });
  });

  it('reaches service references through the resolver with the service DNS name for TLS', async () => {
    const svc = hook('svc.example.com', '', { clientConfig: { service: { namespace: 'webhooks', name: 'hooks', path: '/deny', port: 443 }, caBundle: Buffer.from(pki.ca).toString('base64') } });
    const res = await admission({ validating: [cfg('v', [svc])] }).validate(request());
    expect(res.status?.message).toBe('admission webhook "svc.example.com" denied the request: configmaps need an owner');
  });

  it('never sends webhook configurations to webhooks', async () => {
    const all = hook('deny.example.com', '/deny', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }] });
    const res = await admission({ validating: [cfg('v', [all])] }).validate(
      request({ resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' }, namespace: '' }),
    );
    expect(res.allowed).toBe(true);
  });
});
