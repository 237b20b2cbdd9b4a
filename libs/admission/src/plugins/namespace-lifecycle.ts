// k8s parity: plugin/pkg/admission/namespace/lifecycle. No new content in a namespace that does not
// exist or is being deleted; the system namespaces may not be deleted.
import { failure, isPlainObject, StatusError, statusErrors } from '@portico/api';
import type { KubeObject } from '@portico/api';
import type { StorageServicePort } from '@portico/proto';
import type { Attributes, MutationPlugin, Operation } from '../attributes';

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
  constructor(private readonly storage: StorageServicePort) {}

  handles(op: Operation): boolean {
    return op === 'CREATE' || op === 'UPDATE' || op === 'DELETE';
  }

  async admit(a: Attributes): Promise<void> {
    if (a.group === '' && a.resource === 'namespaces' && a.subresource === '') {
      if (a.operation === 'DELETE' && immortalNamespaces.has(a.name)) {
        throw statusErrors.forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
      }
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

  private async getNamespace(name: string, deadline: number | undefined): Promise<KubeObject | undefined> {
    const res = await this.storage.get(
      { ref: { group: '', resource: 'namespaces', namespace: '', name }, resourceVersion: '' },
      deadline !== undefined ? { deadline } : {},
    );
    if (res.status !== undefined) {
      if (res.status.code === 404) return undefined;
      throw new StatusError(failure(res.status.code, res.status.reason, res.status.message));
    }
    return JSON.parse(res.object.toString('utf8')) as KubeObject;
  }
}

function isTerminating(ns: KubeObject): boolean {
  const status = ns['status'];
  return ns.metadata?.deletionTimestamp !== undefined || (isPlainObject(status) && status['phase'] === 'Terminating');
}
