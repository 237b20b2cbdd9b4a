// Reads of cluster state for the built-in plugins, through the storage port.
import { failure, StatusError, type KubeObject } from '@portico/api';
import type { CallContext, StorageServicePort } from '@portico/proto';
import type { Attributes } from '../attributes';

export const ctxOf = (a: Attributes): CallContext => (a.deadline !== undefined ? { deadline: a.deadline } : {});

export async function getObject(storage: StorageServicePort, group: string, resource: string, namespace: string, name: string, ctx: CallContext): Promise<KubeObject | undefined> {
  const res = await storage.get({ ref: { group, resource, namespace, name }, resourceVersion: '' }, ctx);
  if (res.status !== undefined) {
    if (res.status.code === 404) return undefined;
    throw new StatusError(failure(res.status.code, res.status.reason, res.status.message));
  }
  return JSON.parse(res.object.toString('utf8')) as KubeObject;
}

export async function listObjects(storage: StorageServicePort, group: string, resource: string, namespace: string, ctx?: CallContext): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const items: KubeObject[] = [];
  let cont = '';
  let resourceVersion = '';
  do {
    const res = await storage.list(
      { ref: { group, resource, namespace, name: '' }, resourceVersion: '', resourceVersionMatch: '', limit: '500', continue: cont, labelSelector: '', fieldSelector: '' },
      ctx,
    );
    if (res.status !== undefined) {
      if (res.status.code === 404) return { items: [], resourceVersion: '' };
      throw new StatusError(failure(res.status.code, res.status.reason, res.status.message));
    }
    for (const b of res.items) items.push(JSON.parse(Buffer.from(b).toString('utf8')) as KubeObject);
    cont = res.continue;
    resourceVersion = res.resourceVersion;
  } while (cont !== '');
  return { items, resourceVersion };
}

export const isPod = (a: Attributes): boolean => a.group === '' && a.resource === 'pods' && a.subresource === '';
