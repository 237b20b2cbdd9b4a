import type { AdmissionServicePort, Closeable, EventBusPort, StorageServicePort } from '@portico/proto';
import { CachedLister } from './cache/resource-cache';
import { AdmissionChain } from './chain';
import { ConversionWebhooks } from './conversion/webhook-converter';
import { LimitRanger } from './plugins/limit-ranger';
import { NamespaceLifecycle } from './plugins/namespace-lifecycle';
import { DefaultStorageClass, DefaultTolerationSeconds, PriorityAdmission, ServiceAccountAdmission } from './plugins/pod-defaults';
import { PodSecurity } from './plugins/pod-security';
import { ResourceQuotaAdmission } from './plugins/resource-quota';
import { AdmissionExpressionValidation } from './policy/expression-validation';
import { ValidatingAdmissionPolicies } from './policy/validating-policy';
import { serviceResolverFromMap, type ServiceResolver } from './webhook/client';
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

/** The admission service: the chain, and the CRD conversion webhooks it calls on the gateway's behalf. */
export type AdmissionService = AdmissionServicePort & Closeable;

/**
 * The admission chain in kube-apiserver's order (its default plugin order): mutating built-ins
 * (NamespaceLifecycle, LimitRanger, ServiceAccount, Priority, DefaultTolerationSeconds,
 * DefaultStorageClass), mutating webhooks; then the CEL compile checks of admission configuration,
 * LimitRanger, PodSecurity, ValidatingAdmissionPolicy, validating webhooks, ResourceQuota.
 * ConvertObjects calls CRD conversion webhooks through the same client and service resolver.
 */
export function createAdmissionService(opts: AdmissionServiceOptions): AdmissionService {
  const bus = opts.bus !== undefined ? { bus: opts.bus } : {};
  const resolve = opts.serviceResolver ?? serviceResolverFromMap(process.env['PORTICO_WEBHOOK_SERVICE_HOSTS']);
  const webhooks = new WebhookSources({ storage: opts.storage, ...bus, serviceResolver: resolve });
  const policies = new ValidatingAdmissionPolicies({ storage: opts.storage, ...bus }, (name, ctx) => webhooks.namespace(name, ctx));
  const lister = new CachedLister(opts.storage, opts.bus);
  const limitRanger = new LimitRanger(lister);
  const chain = new AdmissionChain(
    [
      new NamespaceLifecycle(opts.storage, webhooks.namespaces),
      limitRanger,
      new ServiceAccountAdmission(opts.storage),
      new PriorityAdmission(opts.storage, lister),
      new DefaultTolerationSeconds(),
      new DefaultStorageClass(lister),
      new MutatingWebhooks(webhooks),
    ],
    [
      new AdmissionExpressionValidation(),
      limitRanger,
      new PodSecurity((name, ctx) => webhooks.namespace(name, ctx), opts.storage),
      policies,
      new ValidatingWebhooks(webhooks),
      new ResourceQuotaAdmission(opts.storage, lister),
    ],
    () => {
      webhooks.close();
      policies.close();
      lister.close();
    },
  );
  const conversion = new ConversionWebhooks(resolve);
  return {
    admit: (req, ctx) => chain.admit(req, ctx),
    validate: (req, ctx) => chain.validate(req, ctx),
    convertObjects: (req, ctx) => conversion.convertObjects(req, ctx),
    close: () => chain.close(),
  };
}
