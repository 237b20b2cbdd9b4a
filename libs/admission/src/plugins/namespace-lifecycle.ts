// k8s parity: plugin/pkg/admission/namespace/lifecycle. No new content in a namespace that does not
// exist or is being deleted; the system namespaces may not be deleted. As upstream, namespaces are
// read from an informer (the watch-fed cache), and from storage when the cache does not have the
// namespace (it may be brand new) or when this plugin admitted the namespace's deletion in the last
// 30 s (forceLiveLookupCache). Stricter than upstream, a cached Terminating namespace is also
// checked in storage before a create is refused. Like kube-apiserver with several replicas, an
// admission replica that did not see the DELETE trusts its cache, which the bus keeps within
// milliseconds of storage.
import { isPlainObject, statusErrors } from '@portico/api';
import type { KubeObject } from '@portico/api';
import type { StorageServicePort } from '@portico/proto';
import type { Attributes, MutationPlugin, Operation } from '../attributes';
import type { ObjectSource } from '../cache/resource-cache';
import { getObject } from './cluster-state';

/** kube's forceLiveLookupTTL. */
const FORCE_LIVE_LOOKUP_MS = 30_000;
/** Bounds the deletion memo; past it, expired entries are dropped. */
const MAX_FORCED = 10_000;

/** kube-apiserver keeps default, kube-system and kube-public; Portico also keeps kube-node-lease. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Review kinds are virtual and namespace-independent (SubjectAccessReview & co). */
const accessReviewResources = new Set([
  'authorization.k8s.io/localsubjectaccessreviews',
  'authorization.k8s.io/subjectaccessreviews',
  'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectrulesreviews',
  'authentication.k8s.io/tokenreviews',
  'authentication.k8s.io/selfsubjectreviews',
]);

/** A mutating plugin in kube-apiserver (it runs first), though it never changes the object. */
export class NamespaceLifecycle implements MutationPlugin {
  readonly name = 'NamespaceLifecycle';
  /** Namespaces whose deletion was admitted here, until when their cached copy is not trusted. */
  private readonly forceLiveLookup = new Map<string, number>();

  /** Without `cache` every lookup reads storage (setups without a bus). */
  constructor(
    private readonly storage: StorageServicePort,
    private readonly cache?: ObjectSource,
  ) {}

  handles(op: Operation): boolean {
    return op === 'CREATE' || op === 'UPDATE' || op === 'DELETE';
  }

  async admit(a: Attributes): Promise<void> {
    if (a.group === '' && a.resource === 'namespaces' && a.subresource === '') {
      if (a.operation === 'DELETE' && immortalNamespaces.has(a.name)) {
        throw statusErrors.forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
      }
      // Creates into it must be refused as soon as the deletion is written, before the cache has
      // seen the namespace turn Terminating.
      if (a.operation === 'DELETE') this.forceLive(a.name);
      return;
    }
    if (a.namespace === '' || accessReviewResources.has(`${a.group}/${a.resource}`)) return;
    // Deletes are always allowed so that a terminating namespace can be emptied.
    if (a.operation === 'DELETE') return;
    const ns = await this.getNamespace(a.namespace, a.deadline);
    if (ns === undefined) {
      if (a.operation === 'CREATE') throw statusErrors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
      return;
    }
    if (a.operation === 'CREATE' && isTerminating(ns)) {
      const forbidden = statusErrors.forbidden(
        { group: a.group, resource: a.resource },
        a.name,
        `unable to create new content in namespace ${a.namespace} because it is being terminated`,
      );
      forbidden.status.details = {
        ...forbidden.status.details,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
      };
      throw forbidden;
    }
  }

  private forceLive(name: string): void {
    const now = Date.now();
    if (this.forceLiveLookup.size >= MAX_FORCED) {
      for (const [n, until] of this.forceLiveLookup) if (until <= now) this.forceLiveLookup.delete(n);
    }
    if (this.forceLiveLookup.size < MAX_FORCED) this.forceLiveLookup.set(name, now + FORCE_LIVE_LOOKUP_MS);
  }

  private mustLookLive(name: string): boolean {
    const until = this.forceLiveLookup.get(name);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.forceLiveLookup.delete(name);
    return false;
  }

  private async getNamespace(name: string, deadline: number | undefined): Promise<KubeObject | undefined> {
    if (this.cache !== undefined) {
      const cached = await this.cache.get('', name, deadline !== undefined ? { deadline } : {});
      // Only the common answer is taken from the cache: the namespace exists and is active. A
      // miss, a terminating copy (it may be gone and created again since) and a recent deletion
      // are asked of storage, so refusals are never based on a stale copy.
      if (cached !== undefined && !isTerminating(cached) && !this.mustLookLive(name)) return cached;
    }
    return this.getLive(name, deadline);
  }

  private async getLive(name: string, deadline: number | undefined): Promise<KubeObject | undefined> {
    return getObject(this.storage, '', 'namespaces', '', name, deadline !== undefined ? { deadline } : {});
  }
}

function isTerminating(ns: KubeObject): boolean {
  const status = ns['status'];
  return ns.metadata?.deletionTimestamp !== undefined || (isPlainObject(status) && status['phase'] === 'Terminating');
}
