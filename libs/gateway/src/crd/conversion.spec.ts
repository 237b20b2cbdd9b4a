import { isStatusError, type KubeObject } from '@portico/api';
import type { AdmissionServicePort, ConvertObjectsRequest, ConvertObjectsResponse } from '@portico/proto';
import { configmaps, type CustomResourceInfo, type ResourceDescriptor } from '@portico/registry';
import { describe, expect, it } from 'vitest';
import { convertCustomResources } from './conversion';

const descriptor = (conversion: CustomResourceInfo['conversion']): ResourceDescriptor => ({
  ...configmaps,
  group: 'example.com',
  version: 'v2',
  resource: 'widgets',
  kind: 'Widget',
  listKind: 'WidgetList',
  customResource: { crdName: 'widgets.example.com', crdUID: 'crd-uid', storageVersion: 'v1', conversion },
});

const webhook = descriptor({
  strategy: 'Webhook',
  clientConfig: { service: { namespace: 'crds', name: 'converter', path: '/convert' }, caBundle: 'Q0E=' },
  conversionReviewVersions: ['v1'],
});

const widget = (name: string, apiVersion = 'example.com/v1'): KubeObject => ({ apiVersion, kind: 'Widget', metadata: { name } });

/** An admission port whose conversion is scripted; admit and validate are never called here. */
function admissionWith(convert: (req: ConvertObjectsRequest) => ConvertObjectsResponse, calls: ConvertObjectsRequest[] = []): AdmissionServicePort {
  const unused = (): never => {
    throw new Error('unused');
  };
  return {
    admit: unused,
    validate: unused,
    convertObjects: async (req) => {
      calls.push(req);
      return convert(req);
    },
  };
}

const relabel = (req: ConvertObjectsRequest): ConvertObjectsResponse => ({
  objects: req.objects.map((b) => {
    const o = JSON.parse(b.toString()) as KubeObject;
    return Buffer.from(JSON.stringify({ ...o, apiVersion: req.desiredApiVersion, spec: { converted: true } }));
  }),
  status: undefined,
});

describe('convertCustomResources', () => {
  it('leaves objects at the desired version alone and calls nothing', async () => {
    const calls: ConvertObjectsRequest[] = [];
    const objects = [widget('a', 'example.com/v2')];
    expect(await convertCustomResources(admissionWith(relabel, calls), webhook, objects, 'example.com/v2')).toBe(objects);
    expect(calls).toHaveLength(0);
  });

  it('rewrites apiVersion for strategy None', async () => {
    const out = await convertCustomResources(admissionWith(relabel), descriptor({ strategy: 'None' }), [widget('a'), widget('b', 'example.com/v2')], 'example.com/v2');
    expect(out).toEqual([widget('a', 'example.com/v2'), widget('b', 'example.com/v2')]);
  });

  it('sends the objects that need it in one call and puts the answers back in place', async () => {
    const calls: ConvertObjectsRequest[] = [];
    const deadline = Date.now() + 10_000;
    const out = await convertCustomResources(admissionWith(relabel, calls), webhook, [widget('a'), widget('b', 'example.com/v2'), widget('c')], 'example.com/v2', { deadline });
    expect(out.map((o) => [o.metadata?.name, o['spec']])).toEqual([
      ['a', { converted: true }],
      ['b', undefined],
      ['c', { converted: true }],
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      crdName: 'widgets.example.com',
      clientConfig: { url: '', service: { namespace: 'crds', name: 'converter', path: '/convert', port: 443 }, caBundle: 'Q0E=' },
      conversionReviewVersions: ['v1'],
      desiredApiVersion: 'example.com/v2',
    });
    expect(calls[0]?.objects).toHaveLength(2);
  });

  it("throws the webhook failure's Status", async () => {
    const message = 'Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: boom';
    const failing = admissionWith(() => ({ objects: [], status: { code: 500, reason: 'InternalError', message, details: undefined } }));
    const err: unknown = await convertCustomResources(failing, webhook, [widget('a')], 'example.com/v2').catch((e: unknown) => e);
    expect(isStatusError(err) && err.status).toMatchObject({ code: 500, reason: 'InternalError', message });
  });

  it('answers 503 when the admission service cannot be reached', async () => {
    const down: AdmissionServicePort = { ...admissionWith(relabel), convertObjects: () => Promise.reject(new Error('UNAVAILABLE')) };
    const err: unknown = await convertCustomResources(down, webhook, [widget('a')], 'example.com/v2').catch((e: unknown) => e);
    expect(isStatusError(err) && err.status.code).toBe(503);
  });
});
