import type { EventBusPort, StorageServicePort } from '@portico/proto';
import { AdmissionChain } from './chain';
import { NamespaceLifecycle } from './plugins/namespace-lifecycle';
import type { ServiceResolver } from './webhook/client';
import { MutatingWebhooks, ValidatingWebhooks, WebhookSources } from './webhook/dispatcher';

export interface AdmissionServiceOptions {
  /** Plugins read cluster state (namespaces, webhook configurations, policies) through storage. */
  storage: StorageServicePort;
  /**
   * The watch event bus: with it, configurations and namespaces are cached and kept current;
   * without it, each request Lists them (correct, slower).
   */
  bus?: EventBusPort;
  /** Where webhook service references (`name.namespace.svc:port`) go; see serviceResolverFromMap. */
  serviceResolver?: ServiceResolver;
}

/**
 * The admission chain in kube-apiserver's order: mutating built-ins, mutating webhooks; then
 * validating webhooks.
 */
export function createAdmissionService(opts: AdmissionServiceOptions): AdmissionChain {
  const webhooks = new WebhookSources({
    storage: opts.storage,
    ...(opts.bus !== undefined ? { bus: opts.bus } : {}),
    ...(opts.serviceResolver !== undefined ? { serviceResolver: opts.serviceResolver } : {}),
  });
  return new AdmissionChain(
    [new NamespaceLifecycle(opts.storage), new MutatingWebhooks(webhooks)],
    [new ValidatingWebhooks(webhooks)],
    () => webhooks.close(),
  );
}
