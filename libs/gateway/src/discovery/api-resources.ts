import type { ResourceDescriptor } from '@portico/registry';

/** What the gateway needs of the registry: every served resource, in kube-apiserver's group order. */
export interface ApiResources {
  all(): readonly ResourceDescriptor[];
  lookup(group: string, version: string, resource: string): ResourceDescriptor | undefined;
}

export interface GroupVersions {
  group: string;
  /** Preferred version first. */
  versions: string[];
}

/** Groups in the order their first resource appears in the registry, versions likewise. */
export function groupVersions(api: ApiResources): GroupVersions[] {
  const out: GroupVersions[] = [];
  for (const d of api.all()) {
    let g = out.find((x) => x.group === d.group);
    if (g === undefined) {
      g = { group: d.group, versions: [] };
      out.push(g);
    }
    if (!g.versions.includes(d.version)) g.versions.push(d.version);
  }
  return out;
}
