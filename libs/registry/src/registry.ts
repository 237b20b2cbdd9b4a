// The set of served resources and the order kube-apiserver lists them in. Group order comes from
// kube-aggregator's APIService priorities (kubernetes pkg/controlplane/apiserver/aggregator.go and
// cmd/kube-apiserver/app/aggregator.go); versions within a group from their version priority,
// then apimachinery's CompareKubeAwareVersionStrings; resources within a group/version by name, as
// the endpoint installer sorts its paths.
import { compareBytes } from '@portico/api';
import type { ResourceDescriptor } from './descriptor';
import {
  mutatingwebhookconfigurations,
  validatingadmissionpolicies,
  validatingadmissionpolicybindings,
  validatingwebhookconfigurations,
} from './resources/admissionregistration';
import { customresourcedefinitions } from './resources/apiextensions';
import { controllerrevisions, daemonsets, deployments, replicasets, statefulsets } from './resources/apps';
import { horizontalpodautoscalersV1, horizontalpodautoscalersV2 } from './resources/autoscaling';
import { cronjobs, jobs } from './resources/batch';
import { certificatesigningrequests, endpointslices, poddisruptionbudgets, priorityclasses, runtimeclasses } from './resources/cluster';
import { configmaps } from './resources/configmaps';
import {
  componentstatuses,
  endpoints,
  limitranges,
  nodes,
  persistentvolumeclaims,
  persistentvolumes,
  podtemplates,
  replicationcontrollers,
  resourcequotas,
} from './resources/core-objects';
import { events, eventsV1 } from './resources/events';
import { flowschemas, prioritylevelconfigurations } from './resources/flowcontrol';
import { leases } from './resources/leases';
import { namespaces } from './resources/namespaces';
import { ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs } from './resources/networking';
import { pods } from './resources/pods';
import { reviewResources } from './resources/reviews';
import { clusterrolebindings, clusterroles, rolebindings, roles } from './resources/rbac';
import { secrets } from './resources/secrets';
import { serviceaccounts } from './resources/serviceaccounts';
import { services } from './resources/services';
import { csidrivers, csinodes, csistoragecapacities, storageclasses, volumeattachments } from './resources/storage';

type Priority = { group: number; version: number };

/** kube-apiserver's APIService priorities (group, version). */
const builtinPriorities: Record<string, Priority> = {
  v1: { group: 18000, version: 1 },
  'apiregistration.k8s.io/v1': { group: 18000, version: 15 },
  'apps/v1': { group: 17800, version: 15 },
  'events.k8s.io/v1': { group: 17750, version: 15 },
  'events.k8s.io/v1beta1': { group: 17750, version: 5 },
  'authentication.k8s.io/v1': { group: 17700, version: 15 },
  'authentication.k8s.io/v1beta1': { group: 17700, version: 9 },
  'authentication.k8s.io/v1alpha1': { group: 17700, version: 1 },
  'authorization.k8s.io/v1': { group: 17600, version: 15 },
  'autoscaling/v1': { group: 17500, version: 15 },
  'autoscaling/v2': { group: 17500, version: 30 },
  'autoscaling/v2beta1': { group: 17500, version: 9 },
  'autoscaling/v2beta2': { group: 17500, version: 1 },
  'batch/v1': { group: 17400, version: 15 },
  'batch/v1beta1': { group: 17400, version: 9 },
  'certificates.k8s.io/v1': { group: 17300, version: 15 },
  'certificates.k8s.io/v1beta1': { group: 17300, version: 9 },
  'certificates.k8s.io/v1alpha1': { group: 17300, version: 1 },
  'networking.k8s.io/v1': { group: 17200, version: 15 },
  'networking.k8s.io/v1beta1': { group: 17200, version: 9 },
  'policy/v1': { group: 17100, version: 15 },
  'policy/v1beta1': { group: 17100, version: 9 },
  'rbac.authorization.k8s.io/v1': { group: 17000, version: 15 },
  'storage.k8s.io/v1': { group: 16800, version: 15 },
  'storage.k8s.io/v1beta1': { group: 16800, version: 9 },
  'storage.k8s.io/v1alpha1': { group: 16800, version: 1 },
  'apiextensions.k8s.io/v1': { group: 16700, version: 15 },
  'admissionregistration.k8s.io/v1': { group: 16700, version: 15 },
  'admissionregistration.k8s.io/v1beta1': { group: 16700, version: 12 },
  'admissionregistration.k8s.io/v1alpha1': { group: 16700, version: 9 },
  'scheduling.k8s.io/v1': { group: 16600, version: 15 },
  'coordination.k8s.io/v1': { group: 16500, version: 15 },
  'node.k8s.io/v1': { group: 16300, version: 15 },
  'node.k8s.io/v1beta1': { group: 16300, version: 9 },
  'node.k8s.io/v1alpha1': { group: 16300, version: 1 },
  'discovery.k8s.io/v1': { group: 16200, version: 15 },
  'discovery.k8s.io/v1beta1': { group: 16200, version: 12 },
  'resource.k8s.io/v1beta2': { group: 16200, version: 15 },
  'resource.k8s.io/v1beta1': { group: 16200, version: 9 },
  'resource.k8s.io/v1alpha3': { group: 16200, version: 1 },
  'flowcontrol.apiserver.k8s.io/v1': { group: 16100, version: 21 },
  'flowcontrol.apiserver.k8s.io/v1beta3': { group: 16100, version: 18 },
  'internal.apiserver.k8s.io/v1alpha1': { group: 16000, version: 9 },
  'storagemigration.k8s.io/v1alpha1': { group: 15800, version: 9 },
};

/** crdregistration: CRD groups rank below every built-in one. */
const crdPriority: Priority = { group: 1000, version: 100 };

/** The APIService priority of a group/version. */
export function apiServicePriority(group: string, version: string): Priority {
  return builtinPriorities[group === '' ? version : `${group}/${version}`] ?? crdPriority;
}

const kubeVersion = /^v([\d]+)(?:(alpha|beta)([\d]+))?$/;

/**
 * apimachinery version.CompareKubeAwareVersionStrings: positive when `a` ranks above `b`. GA
 * above beta above alpha above anything else; then higher major, then higher minor; non-kube
 * versions in reverse lexical order.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const ma = kubeVersion.exec(a);
  const mb = kubeVersion.exec(b);
  if (ma === null && mb === null) return a < b ? 1 : a > b ? -1 : 0;
  if (ma === null) return -1;
  if (mb === null) return 1;
  const type = (m: RegExpExecArray) => (m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2);
  if (type(ma) !== type(mb)) return type(ma) - type(mb);
  if (Number(ma[1]) !== Number(mb[1])) return Number(ma[1]) - Number(mb[1]);
  return Number(ma[3] ?? 0) - Number(mb[3] ?? 0);
}

export interface GroupVersions {
  group: string;
  /** Preferred version first. */
  versions: string[];
}

export class Registry {
  private readonly byGVR = new Map<string, ResourceDescriptor>();
  private ordered: ResourceDescriptor[] = [];
  /** ordered without the create-only resources: what all() answers. */
  private stored: ResourceDescriptor[] = [];
  private changes = 0;

  constructor(descriptors: readonly ResourceDescriptor[] = []) {
    for (const d of descriptors) this.add(d);
  }

  /** Adds a resource; a second descriptor for the same group/version/resource is an error. */
  add(desc: ResourceDescriptor): void {
    const key = gvrKey(desc.group, desc.version, desc.resource);
    if (this.byGVR.has(key)) throw new Error(`resource ${key} is already registered`);
    this.byGVR.set(key, desc);
    this.reorder();
  }

  /** Removes a resource (a deleted CRD version). */
  remove(group: string, version: string, resource: string): boolean {
    const removed = this.byGVR.delete(gvrKey(group, version, resource));
    if (removed) this.reorder();
    return removed;
  }

  /**
   * Grows with every add and remove: documents computed from the registry (discovery, OpenAPI)
   * are cached under it and rebuilt when it moves.
   */
  version(): number {
    return this.changes;
  }

  private reorder(): void {
    this.ordered = this.sort([...this.byGVR.values()]);
    this.stored = this.ordered.filter((d) => d.createOnly !== true);
    this.changes++;
  }

  /**
   * Every resource whose objects are stored, in discovery order: groups, then versions, then
   * resource names. Create-only resources (the reviews) are left out, as everything that walks
   * this list (the namespace controller, GC, storage) works on stored objects.
   */
  all(): readonly ResourceDescriptor[] {
    return this.stored;
  }

  /** Every resource clients can call, create-only ones included, in discovery order: what discovery and OpenAPI list. */
  served(): readonly ResourceDescriptor[] {
    return this.ordered;
  }

  lookup(group: string, version: string, resource: string): ResourceDescriptor | undefined {
    return this.byGVR.get(gvrKey(group, version, resource));
  }

  /**
   * The descriptor that owns objects stored under a group/resource: the one serving the storage
   * group itself when several share the storage (core and events.k8s.io events).
   */
  lookupStorage(gr: { group: string; resource: string }): ResourceDescriptor | undefined {
    const sharing = this.stored.filter((d) => d.storage.group === gr.group && d.storage.resource === gr.resource);
    return sharing.find((d) => d.group === gr.group) ?? sharing[0];
  }

  /** The resource serving a kind in a group/version. */
  lookupKind(group: string, version: string, kind: string): ResourceDescriptor | undefined {
    return this.ordered.find((d) => d.group === group && d.version === version && d.kind === kind);
  }

  /** Groups in discovery order, each with its versions, preferred first. */
  groups(): GroupVersions[] {
    const out: GroupVersions[] = [];
    for (const d of this.ordered) {
      let g = out.find((x) => x.group === d.group);
      if (g === undefined) {
        g = { group: d.group, versions: [] };
        out.push(g);
      }
      if (!g.versions.includes(d.version)) g.versions.push(d.version);
    }
    return out;
  }

  /** The preferred version of a group, if it is served. */
  preferredVersion(group: string): string | undefined {
    return this.groups().find((g) => g.group === group)?.versions[0];
  }

  /**
   * The resources a kubectl argument may mean, best first: `name`, `name.group` or
   * `name.version.group`, where name is the plural, the singular, a short name or the kind
   * (case-insensitively). Only preferred versions answer a bare name, as kubectl's RESTMapper
   * uses discovery's preferred versions.
   */
  resolve(arg: string): ResourceDescriptor[] {
    const lower = arg.toLowerCase();
    const matchesName = (d: ResourceDescriptor, name: string) =>
      d.resource === name || d.singular === name || d.kind.toLowerCase() === name || d.shortNames.includes(name);
    const out: ResourceDescriptor[] = [];
    const push = (d: ResourceDescriptor) => {
      if (!out.includes(d)) out.push(d);
    };
    const preferred = (d: ResourceDescriptor) => this.preferredVersion(d.group) === d.version;
    for (const d of this.ordered) if (preferred(d) && matchesName(d, lower)) push(d);
    const dot = lower.indexOf('.');
    if (dot > 0) {
      const name = lower.slice(0, dot);
      const rest = lower.slice(dot + 1);
      for (const d of this.ordered) if (preferred(d) && d.group === rest && matchesName(d, name)) push(d);
      const dot2 = rest.indexOf('.');
      if (dot2 > 0) {
        const version = rest.slice(0, dot2);
        const group = rest.slice(dot2 + 1);
        for (const d of this.ordered) if (d.version === version && d.group === group && matchesName(d, name)) push(d);
      }
    }
    return out;
  }

  private priority(d: ResourceDescriptor): Priority {
    return d.priority ?? apiServicePriority(d.group, d.version);
  }

  private sort(ds: ResourceDescriptor[]): ResourceDescriptor[] {
    const groupPriority = new Map<string, number>();
    for (const d of ds) groupPriority.set(d.group, Math.max(groupPriority.get(d.group) ?? -Infinity, this.priority(d).group));
    return ds.sort((a, b) => {
      // The legacy group is always first: it is served at /api, not /apis.
      if ((a.group === '') !== (b.group === '')) return a.group === '' ? -1 : 1;
      const ga = groupPriority.get(a.group) as number;
      const gb = groupPriority.get(b.group) as number;
      if (ga !== gb) return gb - ga;
      if (a.group !== b.group) return compareBytes(a.group, b.group);
      if (a.version !== b.version) {
        const va = this.priority(a).version;
        const vb = this.priority(b).version;
        if (va !== vb) return vb - va;
        return -compareKubeAwareVersions(a.version, b.version);
      }
      return compareBytes(a.resource, b.resource);
    });
  }
}

const gvrKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;

/** Every built-in resource kube-apiserver 1.33 serves that needs no kubelet (the Registry orders them). */
export function builtinResources(): ResourceDescriptor[] {
  return [
    // core/v1
    namespaces,
    configmaps,
    secrets,
    serviceaccounts,
    events,
    pods,
    services,
    endpoints,
    persistentvolumeclaims,
    persistentvolumes,
    nodes,
    replicationcontrollers,
    resourcequotas,
    limitranges,
    podtemplates,
    componentstatuses,
    // apps/v1
    deployments,
    replicasets,
    statefulsets,
    daemonsets,
    controllerrevisions,
    // events.k8s.io/v1
    eventsV1,
    // autoscaling/v2 and v1 (one storage, kept as v2)
    horizontalpodautoscalersV2,
    horizontalpodautoscalersV1,
    // batch/v1
    jobs,
    cronjobs,
    // certificates.k8s.io/v1
    certificatesigningrequests,
    // networking.k8s.io/v1
    networkpolicies,
    ingresses,
    ingressclasses,
    ipaddresses,
    servicecidrs,
    // policy/v1
    poddisruptionbudgets,
    // rbac.authorization.k8s.io/v1
    roles,
    rolebindings,
    clusterroles,
    clusterrolebindings,
    // storage.k8s.io/v1
    storageclasses,
    volumeattachments,
    csidrivers,
    csinodes,
    csistoragecapacities,
    // admissionregistration.k8s.io/v1
    mutatingwebhookconfigurations,
    validatingwebhookconfigurations,
    validatingadmissionpolicies,
    validatingadmissionpolicybindings,
    // apiextensions.k8s.io/v1
    customresourcedefinitions,
    // scheduling.k8s.io/v1
    priorityclasses,
    // coordination.k8s.io/v1
    leases,
    // node.k8s.io/v1
    runtimeclasses,
    // discovery.k8s.io/v1
    endpointslices,
    // flowcontrol.apiserver.k8s.io/v1
    flowschemas,
    prioritylevelconfigurations,
  ];
}

/** A registry with every built-in resource, the create-only review resources included. */
export function defaultRegistry(): Registry {
  return new Registry([...builtinResources(), ...reviewResources()]);
}
