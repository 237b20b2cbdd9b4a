import type { ResourceDescriptor } from '@portico/registry';

/** What the gateway needs of the registry: every served resource, in kube-apiserver's group order. */
export interface ApiResources {
  all(): readonly ResourceDescriptor[];
  lookup(group: string, version: string, resource: string): ResourceDescriptor | undefined;
  /**
   * Moves whenever resources are added or removed (the registry's counter); documents computed
   * from all() are cached under it. Without it, the identity of all()'s array is the key.
   */
  version?(): number;
}

/**
 * A value computed from the served resources, recomputed only when they change (CRDs add and
 * remove descriptors at run time).
 */
export function cachedByResources<T>(api: ApiResources, compute: (descs: readonly ResourceDescriptor[]) => T): () => T {
  let key: unknown;
  let value: T | undefined;
  let has = false;
  return () => {
    const current = api.version?.() ?? api.all();
    if (!has || current !== key) {
      value = compute(api.all());
      key = current;
      has = true;
    }
    return value as T;
  };
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
