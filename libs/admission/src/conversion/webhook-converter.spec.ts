// CRD conversion webhooks against a real HTTPS server with its own CA, as a webhook author runs one.
import type { ConvertObjectsRequest, ConvertObjectsResponse, StorageServicePort } from '@portico/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { deadPort as freshDeadPort, makeTestPki, startTestWebhookServer, type TestHandler, type TestPki, type TestWebhookServer } from '../testing/webhook-server';

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; [k: string]: unknown };
type Review = { apiVersion: string; kind: string; request: { uid: string; desiredAPIVersion: string; objects: Obj[] } };
type Handler = TestHandler<Review>;

/** A good converter: apiVersion rewritten, spec.size renamed to spec.replicas. */
const toV2 = (o: Obj): Obj => {
  const { size, ...spec } = (o['spec'] ?? {}) as Record<string, unknown>;
  return { ...o, apiVersion: 'example.com/v2', spec: { ...spec, replicas: size } };
};
const success = (r: Review, convertedObjects: unknown[], over: Record<string, unknown> = {}) => ({
  apiVersion: r.apiVersion,
  kind: 'ConversionReview',
  response: { uid: r.request.uid, result: { status: 'Success' }, convertedObjects, ...over },
});

const widget = (name: string, over: Partial<Obj> = {}): Obj => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace: 'team', uid: `uid-${name}`, resourceVersion: '7', labels: { app: 'w' }, generation: 2 },
  spec: { size: 3 },
  ...over,
});

const unusedStorage = new Proxy({} as StorageServicePort, {
  get: () => () => {
    throw new Error('conversion reads no cluster state');
  },
});

describe('CRD conversion webhooks', () => {
  let pki: TestPki;
  let server: TestWebhookServer;
  let port: number;
  let deadPort: number;
  const seen: Review[] = [];
  const admission = createAdmissionService({
    storage: unusedStorage,
    serviceResolver: ({ name, namespace, port: p }) => (name === 'converter' && namespace === 'crds' && p === 8443 ? `127.0.0.1:${port}` : `127.0.0.1:${deadPort}`),
  });

  const handlers: Record<string, Handler> = {
    '/convert': (r) => success(r, r.request.objects.map(toV2)),
    '/wrong-uid': (r) => success(r, r.request.objects.map(toV2), { uid: 'someone-else' }),
    '/failure': (r) => ({ apiVersion: r.apiVersion, kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Failure', message: 'spec.size is not a number' } } }),
    '/failure-bare': (r) => ({ apiVersion: r.apiVersion, kind: 'ConversionReview', response: { uid: r.request.uid, result: { status: 'Failure' } } }),
    '/short': (r) => success(r, r.request.objects.slice(1).map(toV2)),
    '/rename': (r) => success(r, r.request.objects.map((o) => ({ ...toV2(o), metadata: { ...o.metadata, name: 'renamed' } }))),
    '/relabel': (r) =>
      success(
        r,
        r.request.objects.map((o) => ({
          ...toV2(o),
          metadata: { ...o.metadata, labels: { app: 'w', converted: 'yes' }, resourceVersion: '999', generation: 40, finalizers: ['sneaky'] },
        })),
      ),
    '/bad-label': (r) => success(r, r.request.objects.map((o) => ({ ...toV2(o), metadata: { ...o.metadata, labels: { 'bad key!': 'x' } } }))),
    '/wrong-version': (r) => success(r, r.request.objects.map((o) => ({ ...toV2(o), apiVersion: 'example.com/v3' }))),
    '/wrong-kind': (r) => success(r, r.request.objects.map((o) => ({ ...toV2(o), kind: 'Gadget' }))),
    '/v1beta1-answer': (r) => ({ ...success(r, r.request.objects.map(toV2)), apiVersion: 'apiextensions.k8s.io/v1beta1' }),
    '/boom': () => 'boom',
    '/hang': () => 'hang',
  };

  beforeAll(async () => {
    pki = makeTestPki('converter', ['converter.crds.svc']);
    server = await startTestWebhookServer(pki, handlers, (_path, review) => seen.push(review));
    port = server.port;
    deadPort = await freshDeadPort();
  });

  afterAll(async () => {
    await server.close();
    await admission.close();
  });

  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  const request = (path: string, objects: Obj[], over: Partial<ConvertObjectsRequest> = {}): ConvertObjectsRequest => ({
    crdName: 'widgets.example.com',
    clientConfig: { url: `https://127.0.0.1:${port}${path}`, service: undefined, caBundle: b64(pki.ca) },
    conversionReviewVersions: ['v1', 'v1beta1'],
    desiredApiVersion: 'example.com/v2',
    objects: objects.map((o) => Buffer.from(JSON.stringify(o))),
    ...over,
  });
  const objectsOf = (res: ConvertObjectsResponse) => res.objects.map((b) => JSON.parse(b.toString('utf8')) as Obj);
  const failedWith = (res: ConvertObjectsResponse, message: string) => {
    expect(res.objects).toEqual([]);
    expect(res.status).toMatchObject({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${message}` });
    expect(res.status?.details?.causes).toEqual([{ reason: '', message, field: '' }]);
  };

  it('sends one v1 ConversionReview for the objects not at the desired version and keeps the order', async () => {
    seen.length = 0;
    const done = widget('done', { apiVersion: 'example.com/v2', spec: { replicas: 1 } });
    const res = await admission.convertObjects(request('/convert', [widget('a'), done, widget('b')]));
    expect(res.status).toBeUndefined();
    expect(objectsOf(res)).toEqual([toV2(widget('a')), done, toV2(widget('b'))]);
    expect(seen).toHaveLength(1);
    const review = seen[0] as Review;
    expect(review).toMatchObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { desiredAPIVersion: 'example.com/v2' } });
    expect(review.request.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(review.request.objects.map((o) => o.metadata['name'])).toEqual(['a', 'b']);
  });

  it('does not call the webhook when every object is at the desired version', async () => {
    seen.length = 0;
    const done = widget('done', { apiVersion: 'example.com/v2' });
    const res = await admission.convertObjects(request('/convert', [done]));
    expect(objectsOf(res)).toEqual([done]);
    expect(seen).toHaveLength(0);
  });

  it('speaks v1beta1 when the CRD lists it first, and does not check the uid of a v1beta1 answer', async () => {
    seen.length = 0;
    const res = await admission.convertObjects(request('/wrong-uid', [widget('a')], { conversionReviewVersions: ['v1beta1', 'v1'] }));
    expect(seen[0]?.apiVersion).toBe('apiextensions.k8s.io/v1beta1');
    expect(res.status).toBeUndefined();
    expect(objectsOf(res)).toEqual([toV2(widget('a'))]);
  });

  it('refuses a v1 answer for another request', async () => {
    const res = await admission.convertObjects(request('/wrong-uid', [widget('a')]));
    const uid = seen[seen.length - 1]?.request.uid ?? '';
    failedWith(res, `conversion webhook for example.com/v1, Kind=Widget failed: expected response.uid="${uid}", got "someone-else"`);
  });

  it('refuses a v1beta1 review in answer to a v1 one', async () => {
    const res = await admission.convertObjects(request('/v1beta1-answer', [widget('a')]));
    failedWith(
      res,
      'conversion webhook for example.com/v1, Kind=Widget failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got apiextensions.k8s.io/v1beta1, Kind=ConversionReview',
    );
  });

  it("passes on a Failure result's message, or names the status", async () => {
    failedWith(await admission.convertObjects(request('/failure', [widget('a')])), 'conversion webhook for example.com/v1, Kind=Widget failed: spec.size is not a number');
    failedWith(
      await admission.convertObjects(request('/failure-bare', [widget('a')])),
      "conversion webhook for example.com/v1, Kind=Widget failed: response.result.status was 'Failure', not 'Success'",
    );
  });

  it('refuses an answer with the wrong number of objects', async () => {
    const res = await admission.convertObjects(request('/short', [widget('a'), widget('b')]));
    failedWith(res, 'conversion webhook for example.com/v1, Kind=Widget returned 1 objects, expected 2');
  });

  it('refuses a converted object whose name changed', async () => {
    failedWith(
      await admission.convertObjects(request('/rename', [widget('a')])),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid object: must have the same name: a != renamed',
    );
    failedWith(
      await admission.convertObjects(request('/rename', [widget('a'), widget('b')])),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid converted object at index 0: must have the same name: a != renamed',
    );
  });

  it('refuses the wrong apiVersion or kind', async () => {
    failedWith(
      await admission.convertObjects(request('/wrong-version', [widget('a')])),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid object at index 0: invalid groupVersion (expected example.com/v2, received example.com/v3)',
    );
    failedWith(
      await admission.convertObjects(request('/wrong-kind', [widget('a'), widget('b')])),
      'conversion webhook for example.com/v1, Kind=Widget returned invalid converted object at index 0: invalid kind (expected Widget, received Gadget)',
    );
  });

  it('keeps label changes and takes the rest of metadata from the original', async () => {
    const res = await admission.convertObjects(request('/relabel', [widget('a')]));
    expect(res.status).toBeUndefined();
    const [converted] = objectsOf(res);
    expect(converted?.metadata).toEqual({ ...widget('a').metadata, labels: { app: 'w', converted: 'yes' } });
    expect(converted?.spec).toEqual({ replicas: 3 });
  });

  it('refuses labels that are not valid', async () => {
    const res = await admission.convertObjects(request('/bad-label', [widget('a')]));
    expect(res.status?.message).toMatch(
      /^Internal error occurred: conversion webhook for example\.com\/v1, Kind=Widget returned invalid metadata: metadata\.labels: Invalid value: "bad key!": name part must consist of/,
    );
  });

  it('reaches a service reference through the resolver, verifying the service name', async () => {
    const res = await admission.convertObjects(
      request('/unused', [widget('a')], {
        clientConfig: { url: '', service: { namespace: 'crds', name: 'converter', path: '/convert', port: 8443 }, caBundle: b64(pki.ca) },
      }),
    );
    expect(res.status).toBeUndefined();
    expect(objectsOf(res)).toEqual([toV2(widget('a'))]);
  });

  it('answers a Status when the webhook is unreachable or fails', async () => {
    failedWith(
      await admission.convertObjects(request('/convert', [widget('a')], { clientConfig: { url: `https://127.0.0.1:${deadPort}/convert`, service: undefined, caBundle: b64(pki.ca) } })),
      `conversion webhook for example.com/v1, Kind=Widget failed: Post "https://127.0.0.1:${deadPort}/convert?timeout=30s": dial tcp 127.0.0.1:${deadPort}: connect: connection refused`,
    );
    const boom = await admission.convertObjects(request('/boom', [widget('a')]));
    expect(boom.status?.message).toBe(
      'Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: an error on the server ("boom") has prevented the request from succeeding',
    );
  });

  it('trusts only the caBundle, and refuses one that holds no certificate', async () => {
    failedWith(
      await admission.convertObjects(request('/convert', [widget('a')], { clientConfig: { url: `https://127.0.0.1:${port}/convert`, service: undefined, caBundle: b64(pki.otherCa) } })),
      `conversion webhook for example.com/v1, Kind=Widget failed: Post "https://127.0.0.1:${port}/convert?timeout=30s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    failedWith(
      await admission.convertObjects(request('/convert', [widget('a')], { clientConfig: { url: `https://127.0.0.1:${port}/convert`, service: undefined, caBundle: b64('not a certificate') } })),
      'conversion webhook for example.com/v1, Kind=Widget failed: unable to load root certificates: unable to parse bytes as PEM block',
    );
  });

  it("gives up at the request's deadline", async () => {
    const started = Date.now();
    const res = await admission.convertObjects(request('/hang', [widget('a')]), { deadline: Date.now() + 1_200 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status?.message).toBe(
      `Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: Post "https://127.0.0.1:${port}/hang?timeout=2s": context deadline exceeded`,
    );
  });

  it('gives up when the caller cancels', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const res = await admission.convertObjects(request('/hang', [widget('a')]), { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status?.message).toBe(
      `Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: Post "https://127.0.0.1:${port}/hang?timeout=30s": context canceled`,
    );
  });

  it('refuses a CRD that lists no ConversionReview version Portico speaks', async () => {
    failedWith(await admission.convertObjects(request('/convert', [widget('a')], { conversionReviewVersions: ['v2'] })), 'no supported conversion review versions');
  });
});
