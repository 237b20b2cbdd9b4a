import type { ResourceDescriptor } from '@portico/registry';

/** What the gateway needs of the registry: every served resource, in kube-apiserver's group order. */
export interface ApiResources {
  /** The resources whose objects are stored (what controllers and the resource handler walk). */
  all(): readonly ResourceDescriptor[];
  /**
   * Everything discovery and OpenAPI list: all() plus the create-only resources (the reviews), in
   * the same order. Absent: all() is everything.
   */
  served?(): readonly ResourceDescriptor[];
  lookup(group: string, version: string, resource: string): ResourceDescriptor | undefined;
  /**
   * Moves whenever resources are added or removed (the registry's counter); documents computed
   * from all() are cached under it. Without it, the identity of all()'s array is the key.
   */
  version?(): number;
}

/** Every resource a client can call, create-only ones included (see ApiResources.served). */
export function servedResources(api: ApiResources): readonly ResourceDescriptor[] {
  return api.served?.() ?? api.all();
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
      value = compute(servedResources(api));
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
  for (const d of servedResources(api)) {
    let g = out.find((x) => x.group === d.group);
    if (g === undefined) {
      g = { group: d.group, versions: [] };
      out.push(g);
    }
    if (!g.versions.includes(d.version)) g.versions.push(d.version);
  }
  return out;
}
