// k8s parity: apiextensions-apiserver pkg/apiserver/conversion (nopConverter, webhookConverter).
// Custom resources move between a CRD's versions here: strategy None only rewrites apiVersion,
// strategy Webhook asks the admission service, the one place that calls users' webhooks.
import type { KubeObject } from '@portico/api';
import type { AdmissionServicePort, CallContext } from '@portico/proto';
import type { ResourceDescriptor } from '@portico/registry';
import { callService, throwIfStatus } from '../store/port-status';

/**
 * The objects at `desiredAPIVersion`, in their order. Objects already there come back as they
 * are, and a webhook is called once for all the others (a whole list in one ConversionReview). A
 * webhook failure throws the StatusError kube-apiserver answers with (500, `conversion webhook for
 * ... failed: ...`); an unreachable admission service a 503.
 */
export async function convertCustomResources(
  admission: AdmissionServicePort,
  desc: ResourceDescriptor,
  objects: KubeObject[],
  desiredAPIVersion: string,
  ctx?: CallContext,
): Promise<KubeObject[]> {
  const pending = objects.filter((o) => o.apiVersion !== desiredAPIVersion);
  if (pending.length === 0) return objects;
  const info = desc.customResource;
  // Built-in kinds convert through their descriptors' toStorage/fromStorage, never here.
  if (info === undefined) throw new Error(`${desc.resource}.${desc.group} is not a custom resource`);
  const conversion = info.conversion;
  if (conversion.strategy === 'None') return objects.map((o) => (o.apiVersion === desiredAPIVersion ? o : { ...o, apiVersion: desiredAPIVersion }));

  const cc = conversion.clientConfig;
  const res = await callService(
    'admission',
    admission.convertObjects(
      {
        crdName: info.crdName,
        clientConfig: {
          url: cc.url ?? '',
          service:
            cc.service === undefined
              ? undefined
              : { namespace: cc.service.namespace, name: cc.service.name, path: cc.service.path ?? '', port: cc.service.port ?? 443 },
          caBundle: cc.caBundle ?? '',
        },
        conversionReviewVersions: conversion.conversionReviewVersions,
        desiredApiVersion: desiredAPIVersion,
        objects: pending.map((o) => Buffer.from(JSON.stringify(o))),
      },
      ctx,
    ),
  );
  throwIfStatus(res.status);
  if (res.objects.length !== pending.length) {
    throw new Error(`the admission service converted ${res.objects.length} of ${pending.length} ${desc.resource}.${desc.group}`);
  }
  const converted = res.objects.map((b) => JSON.parse(b.toString('utf8')) as KubeObject);
  let next = 0;
  return objects.map((o) => (o.apiVersion === desiredAPIVersion ? o : (converted[next++] as KubeObject)));
}
