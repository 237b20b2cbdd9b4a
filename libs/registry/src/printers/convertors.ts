// Which convertor kube-apiserver 1.33 uses for each built-in resource (k8s parity: the
// TableConvertor of each pkg/registry/*/storage). Resources not listed (roles, clusterroles,
// limitranges, CRDs, and any CR) get the default convertor.
import { admissionConvertors } from './admission';
import { appsConvertors } from './apps';
import { autoscalingConvertors, scales } from './autoscaling';
import { batchConvertors } from './batch';
import { clusterConvertors } from './cluster';
import { coreConvertors, events } from './core';
import { defaultTableConvertor } from './default';
import { networkingConvertors } from './networking';
import { rbacConvertors } from './rbac';
import { storageConvertors } from './storage';
import type { TableConvertor } from './types';

const byGroupResource = new Map<string, TableConvertor>();
const add = (group: string, convertors: Record<string, TableConvertor>): void => {
  for (const [resource, c] of Object.entries(convertors)) byGroupResource.set(`${group}/${resource}`, c);
};
add('', coreConvertors);
add('apps', appsConvertors);
add('batch', batchConvertors);
add('autoscaling', autoscalingConvertors);
add('networking.k8s.io', networkingConvertors);
add('rbac.authorization.k8s.io', rbacConvertors);
add('storage.k8s.io', storageConvertors);
add('admissionregistration.k8s.io', admissionConvertors);
// events.k8s.io shares core's event storage and printer; its objects are converted back first.
add('events.k8s.io', { events });
for (const [key, c] of Object.entries(clusterConvertors)) byGroupResource.set(key, c);

/** Resources whose /scale subresource kube-apiserver serves through ScaleREST.ConvertToTable. */
const scaleParents = new Set(['apps/deployments', 'apps/replicasets', 'apps/statefulsets', '/replicationcontrollers']);

/**
 * The convertor for a group/resource, accepting objects of every version the resource is
 * served in. `subresource` "status" prints like the resource (StatusREST delegates to the
 * store); "scale" prints Scale objects. Anything without a printer gets the default convertor.
 */
export function tableConvertorFor(group: string, resource: string, subresource = ''): TableConvertor {
  const key = `${group}/${resource}`;
  if (subresource === 'scale' && scaleParents.has(key)) return scales;
  return byGroupResource.get(key) ?? defaultTableConvertor;
}

/** Whether a resource has a printer of its own (false: the default Name / Created At columns). */
export function hasPrinter(group: string, resource: string): boolean {
  return byGroupResource.has(`${group}/${resource}`);
}
