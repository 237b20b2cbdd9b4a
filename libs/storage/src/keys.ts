// k8s parity: apiserver pkg/registry/generic/registry/store.go NamespaceKeyFunc / NoNamespaceKeyFunc,
// with the group always present: /registry/<group|core>/<resource>/[<namespace>/]<name>. Keeping the
// group in every key leaves room for more segments later (a logical cluster, as kcp does) without
// ambiguity between resources of different groups.
import { type GroupResource, statusErrors } from '@portico/api';
import type { ResourceRef } from '@portico/proto';

export const registryRoot = '/registry';

function checkSegment(what: string, v: string): void {
  if (v.includes('/') || v === '.' || v === '..' || v.includes('\u0000')) {
    throw statusErrors.badRequest(`invalid ${what} ${JSON.stringify(v)}: may not be "." or ".." or contain "/"`);
  }
}

function refOf(ref: ResourceRef | undefined): ResourceRef {
  if (ref === undefined || ref.resource === '') throw statusErrors.badRequest('a resource reference with a resource is required');
  checkSegment('group', ref.group);
  checkSegment('resource', ref.resource);
  checkSegment('namespace', ref.namespace);
  checkSegment('name', ref.name);
  return ref;
}

/** The group and resource messages name ("configmaps", "deployments.apps"). */
export function groupResourceOf(ref: ResourceRef | undefined): GroupResource {
  return { group: ref?.group ?? '', resource: ref?.resource ?? '' };
}

/** "/registry/<group|core>/<resource>/": every object of the resource, in every namespace. */
export function resourcePrefix(ref: ResourceRef | undefined): string {
  const r = refOf(ref);
  return `${registryRoot}/${r.group === '' ? 'core' : r.group}/${r.resource}/`;
}

/**
 * The key prefix of a collection: one namespace when the ref names one, otherwise every object of
 * the resource (all namespaces of a namespaced resource, or a cluster-scoped resource).
 */
export function collectionPrefix(ref: ResourceRef | undefined): string {
  const r = refOf(ref);
  return r.namespace === '' ? resourcePrefix(r) : `${resourcePrefix(r)}${r.namespace}/`;
}

/** The key of one object; the ref must name it. */
export function objectKey(ref: ResourceRef | undefined): string {
  const r = refOf(ref);
  if (r.name === '') throw statusErrors.badRequest('resource name may not be empty');
  return `${collectionPrefix(r)}${r.name}`;
}
