// Which custom resources this gateway serves (k8s parity: apiextensions-apiserver's
// crdHandler, which builds a crdInfo per CRD, and its discovery controller). A CRD's versions are
// added to the registry once its names are accepted and removed when it is gone; a change of the CRD
// replaces them, so discovery, OpenAPI, RBAC-checked routing and the strategies all follow.
import type { KubeObject } from '@portico/api';
import { customResourceDescriptors, terminatingCustomResourceVerbs, type Registry, type ResourceDescriptor } from '@portico/registry';
import type { Logger } from '../logger';
import { conditionIsTrue } from './crd-conditions';

interface Installed {
  uid: string;
  resourceVersion: string;
  descriptors: ResourceDescriptor[];
}

/**
 * crdHandler serves a CRD's resources once its names are accepted or it is Established. Serving
 * from NamesAccepted on means that by the time a client sees Established (Helm, kubectl wait),
 * this gateway already routes, documents (OpenAPI) and lists the resource.
 */
const served = (crd: KubeObject): boolean => conditionIsTrue(crd, 'NamesAccepted') || conditionIsTrue(crd, 'Established');

export class CustomResourceServing {
  private readonly installed = new Map<string, Installed>();
  private readonly terminating = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly logger: Logger,
  ) {}

  /** Brings the registry in line with the CRDs (the informer's view). */
  sync(crds: ReadonlyMap<string, KubeObject>): void {
    for (const [name, inst] of this.installed) {
      const crd = crds.get(name);
      if (crd === undefined || crd.metadata?.uid !== inst.uid || !served(crd)) this.uninstall(name);
    }
    this.terminating.clear();
    for (const [name, crd] of crds) {
      if (crd.metadata?.deletionTimestamp !== undefined) this.terminating.add(name);
      if (!served(crd)) continue;
      const inst = this.installed.get(name);
      if (inst !== undefined && inst.resourceVersion === crd.metadata?.resourceVersion) continue;
      if (inst !== undefined) this.uninstall(name);
      this.install(name, crd);
    }
  }

  /** Whether the CRD that serves a resource is being deleted (new objects are refused). */
  isTerminating(desc: ResourceDescriptor): boolean {
    return desc.customResource !== undefined && this.terminating.has(desc.customResource.crdName);
  }

  private install(name: string, crd: KubeObject): void {
    let descriptors: ResourceDescriptor[];
    try {
      descriptors = customResourceDescriptors(crd);
      // A terminating CRD's resources take no new or changed objects: discovery says so.
      if (crd.metadata?.deletionTimestamp !== undefined) descriptors = descriptors.map((d) => ({ ...d, verbs: [...terminatingCustomResourceVerbs] }));
    } catch (err) {
      this.logger.warn({ err, crd: name }, 'custom resources not served: the CRD could not be read');
      return;
    }
    const added: ResourceDescriptor[] = [];
    for (const d of descriptors) {
      try {
        this.registry.add(d);
        added.push(d);
      } catch (err) {
        // A resource of the same group/version/plural is already served (a built-in): the names
        // controller refused the names, so only a race can bring us here; leave what is served.
        this.logger.warn({ err, crd: name }, 'custom resource version not served: already registered');
      }
    }
    this.installed.set(name, { uid: crd.metadata?.uid ?? '', resourceVersion: crd.metadata?.resourceVersion ?? '', descriptors: added });
    this.logger.info({ crd: name, versions: added.map((d) => d.version) }, 'serving custom resources');
  }

  private uninstall(name: string): void {
    const inst = this.installed.get(name);
    if (inst === undefined) return;
    for (const d of inst.descriptors) this.registry.remove(d.group, d.version, d.resource);
    this.installed.delete(name);
  }
}
