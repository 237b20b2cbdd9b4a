import type { StorageServicePort } from '@portico/proto';
import { AdmissionChain } from './chain';
import { NamespaceLifecycle } from './plugins/namespace-lifecycle';

export interface AdmissionServiceOptions {
  /** Plugins read cluster state (namespaces, later webhook configurations) through storage. */
  storage: StorageServicePort;
}

/** The admission chain in kube-apiserver's order (only NamespaceLifecycle so far). */
export function createAdmissionService(opts: AdmissionServiceOptions): AdmissionChain {
  return new AdmissionChain([new NamespaceLifecycle(opts.storage)], []);
}
