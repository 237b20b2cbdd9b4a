// k8s parity: the unaggregated discovery documents (pkg/endpoints/discovery): APIVersions at /api,
// APIGroupList at /apis, APIGroup at /apis/<group>, APIResourceList at /api/v1 and /apis/<g>/<v>.
import { createHash } from 'node:crypto';
import { groupVersionString } from '@portico/api';
import { type ApiResources, groupVersions, servedResources } from './api-resources';

/** k8s parity: discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): object {
  const vs = versions.map((v) => ({ groupVersion: groupVersionString(group, v), version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(api: ApiResources): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions(api)
      .filter((g) => g.group !== '')
      .map((g) => apiGroup(g.group, g.versions)),
  };
}

export function apiGroupDocument(api: ApiResources, group: string): object | undefined {
  const g = groupVersions(api).find((x) => x.group === group && group !== '');
  return g === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.group, g.versions) };
}

export function apiResourceList(api: ApiResources, group: string, version: string): object | undefined {
  const descs = servedResources(api).filter((d) => d.group === group && d.version === version);
  if (descs.length === 0) return undefined;
  const resources: object[] = [];
  for (const d of descs) {
    const main: Record<string, unknown> = {
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
    };
    if (d.shortNames.length > 0) main['shortNames'] = d.shortNames;
    if (d.categories.length > 0) main['categories'] = d.categories;
    // Only storage that reports a storage version has a hash: the reviews' REST types do not.
    if (d.createOnly !== true) main['storageVersionHash'] = storageVersionHash(d.group, d.version, d.kind);
    resources.push(main);
    for (const s of d.subresources) {
      const sub: Record<string, unknown> = { name: `${d.resource}/${s.name}`, singularName: '', namespaced: d.namespaced };
      if (s.kind.group !== d.group || s.kind.version !== d.version) {
        sub['group'] = s.kind.group;
        sub['version'] = s.kind.version;
      }
      sub['kind'] = s.kind.kind;
      sub['verbs'] = s.verbs;
      resources.push(sub);
    }
  }
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  if (group !== '') doc['apiVersion'] = 'v1';
  doc['groupVersion'] = groupVersionString(group, version);
  doc['resources'] = resources;
  return doc;
}
