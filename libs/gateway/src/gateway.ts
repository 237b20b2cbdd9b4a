// The gateway: the only public endpoint. HTTPS (express 5 on node:https) in front of the filter
// chain and the handlers; every decision it does not own goes to the auth, admission and storage
// ports, which are in-process objects or gRPC clients depending on how Portico was started.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { AdmissionServicePort, AuthServicePort, EventBusPort, StorageServicePort } from '@portico/proto';
import { defaultRegistry, type Registry, type ResourceDescriptor } from '@portico/registry';
import { createLogger, renderMetrics } from '@portico/telemetry';
import { ensureBootstrapPolicy } from './bootstrap/rbac-policy';
import { ensureSystemNamespaces } from './bootstrap/system-namespaces';
import { GarbageCollector } from './controllers/garbage-collector';
import { NamespaceController } from './controllers/namespace-controller';
import { ServiceAccountTokenController } from './controllers/service-account-token-controller';
import { ServiceAccountsController } from './controllers/serviceaccounts-controller';
import { convertCustomResources } from './crd/conversion';
import { CustomResourceDefinitionController, crdNameConflicts } from './crd/crd-controller';
import { CustomResourceDefinitionInformer } from './crd/crd-informer';
import { CustomResourceServing } from './crd/custom-resource-serving';
import { buildHandlerChain } from './filters/chain';
import { HealthEndpoint, type HealthCheck } from './health/health';
import { nonResourceHandler } from './handlers/non-resource';
import { resourceHandler } from './handlers/resource-handler';
import { serveReview } from './handlers/reviews';
import { serveServiceAccountIssuer } from './handlers/service-account-issuer';
import type { Logger } from './logger';
import { contextOf } from './request/context';
import { GenericStore } from './store/generic-store';
import { ServiceAllocator, type ServiceAllocatorOptions } from './store/service-allocator';
import { withRbacEscalationChecks } from './store/rbac-escalation';
import { WatchHub } from './watch/watch-hub';
import { statusErrors } from '@portico/api';

export interface GatewayOptions {
  host: string;
  port: number;
  tls: { certPem: string; keyPem: string; clientCAPem: string };
  storage: StorageServicePort;
  auth: AuthServicePort;
  admission: AdmissionServicePort;
  logger?: Logger;
  /** Defaults to the built-in resources; CRDs add and remove theirs at run time. */
  api?: Registry;
  requestTimeoutMs?: number;
  maxRequestBodyBytes?: number;
  maxInFlight?: { readOnly: number; mutating: number };
  /** Where the storage service publishes watch events; without it watch is not served. */
  bus?: EventBusPort;
  /** kube-apiserver's --min-request-timeout: watches end after 1-2x this (seconds); default 1800. */
  minRequestTimeoutSeconds?: number;
  /** How often watches that allow bookmarks get one (kube-apiserver: about a minute, fixed); default 60,000 ms. */
  watchBookmarkIntervalMs?: number;
  /** Service ClusterIP and NodePort ranges (kube-apiserver's defaults 10.96.0.0/12 and 30000-32767). */
  serviceAllocation?: ServiceAllocatorOptions;
  /** Runs the namespace controller (finishing namespace deletion); on by default. */
  controllers?: boolean;
}

export interface Gateway {
  port: number;
  url: string;
  /**
   * Resolves once the post-start hooks have run (system namespaces, bootstrap RBAC policy): what
   * /readyz waits for. Serving starts earlier, as in kube-apiserver; clients should start after.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** kube-apiserver's MaxRequestBodyBytes. */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const logger = opts.logger ?? createLogger({ service: 'gateway' });
  const api: Registry = opts.api ?? defaultRegistry();
  const store = new GenericStore(
    opts.storage,
    withRbacEscalationChecks(opts.admission, opts.auth, opts.storage),
    undefined,
    new Map([['/services', new ServiceAllocator(opts.storage, opts.serviceAllocation)]]),
  );
  let shuttingDown = false;
  let systemNamespacesReady = false;
  let address = `${opts.host}:${opts.port}`;

  const etcdCheck: HealthCheck = {
    name: 'etcd',
    check: async () => {
      await opts.storage.currentRevision({ deadline: Date.now() + 2_000 });
    },
  };
  const ping: HealthCheck = { name: 'ping', check: async () => {} };
  const log: HealthCheck = { name: 'log', check: async () => {} };
  const namespacesHook: HealthCheck = {
    name: 'poststarthook/start-system-namespaces-controller',
    check: async () => {
      if (!systemNamespacesReady) throw new Error('not finished');
    },
  };
  const shutdown: HealthCheck = {
    name: 'shutdown',
    check: async () => {
      if (shuttingDown) throw new Error('shutting down');
    },
  };
  const health = [
    new HealthEndpoint('healthz', [ping, log, etcdCheck, namespacesHook], logger),
    new HealthEndpoint('livez', [ping, log, etcdCheck, namespacesHook], logger),
    new HealthEndpoint('readyz', [ping, log, etcdCheck, namespacesHook, shutdown], logger),
  ];
  const nonResource = nonResourceHandler({ api, health, metrics: { render: renderMetrics }, serverAddress: () => address });
  const hub = opts.bus === undefined ? undefined : new WatchHub(opts.bus, opts.storage, logger);
  const customResources = customResourcesOf(api, store, hub, logger);
  const crdController =
    opts.controllers === false ? undefined : new CustomResourceDefinitionController(store, api, customResources.crdDescriptor, customResources.informer, logger);
  const resources = resourceHandler({
    api,
    store,
    isTerminating: (desc) => customResources.serving.isTerminating(desc),
    convert: (desc, objects, desiredAPIVersion, ctx) => convertCustomResources(opts.admission, desc, objects, desiredAPIVersion, ctx),
    afterWrite: async (desc, written) => {
      if (desc !== customResources.crdDescriptor) return;
      if (crdController !== undefined) await crdController.settle(written);
      else customResources.informer.observe(written);
    },
    auth: opts.auth,
    watch:
      hub === undefined
        ? undefined
        : {
            hub,
            storage: opts.storage,
            minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds ?? 1800,
            bookmarkIntervalMs: opts.watchBookmarkIntervalMs ?? 60_000,
            maxQueuedFrames: 2_048,
          },
  });
  const chain = buildHandlerChain(
    async (req, res) => {
      const ctx = contextOf(req);
      if (ctx.info.isResourceRequest) {
        if (await serveReview(req, res, opts.auth)) return;
        return resources(req, res);
      }
      if (await serveServiceAccountIssuer(req, res, opts.auth)) return;
      if (await nonResource(req, res)) return;
      throw statusErrors.notFoundPath();
    },
    {
      auth: opts.auth,
      logger,
      requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
      maxRequestBodyBytes: opts.maxRequestBodyBytes ?? maxRequestBodyBytes,
      maxInFlight: opts.maxInFlight ?? { readOnly: 400, mutating: 200 },
    },
  );

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((req, res) => {
    // The chain never rejects (panic recovery answers every error), so the promise is only observed.
    void chain(req, res);
  });

  const server: Server = createServer(
    {
      key: opts.tls.keyPem,
      cert: opts.tls.certPem,
      ca: opts.tls.clientCAPem,
      // Client certificates are asked for but not required: token and anonymous requests come without one.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    app,
  );
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `${opts.host}:${port}`;

  const namespaces = findNamespaces(api);
  let bootstrapTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  const bootstrap = async () => {
    try {
      await ensureSystemNamespaces(store, namespaces, logger);
      systemNamespacesReady = true;
      await ensureBootstrapPolicy(store, api, logger);
      await customResources.informer.hasSynced();
      markReady();
    } catch (e) {
      logger.warn({ err: e }, 'system namespaces not created yet, retrying');
      bootstrapTimer = setTimeout(() => void bootstrap(), 1_000);
    }
  };
  void bootstrap();
  customResources.informer.start();
  crdController?.start();
  const namespaceController = opts.controllers === false ? undefined : new NamespaceController(store, api, logger);
  namespaceController?.start();
  const garbageCollector = opts.controllers === false ? undefined : new GarbageCollector(store, api, logger, hub);
  // Owners may be custom resources: the collector starts once this gateway knows the CRDs, so
  // that no owner looks unserved (and its dependents orphaned) only because the list is not in.
  void customResources.informer.hasSynced().then(() => {
    if (!shuttingDown) garbageCollector?.start();
  });
  const tokenController =
    opts.controllers === false ? undefined : new ServiceAccountTokenController(store, api, opts.auth, opts.bus, opts.tls.clientCAPem, logger);
  tokenController?.start();
  // kube-root-ca.crt publishing (pass opts.tls.clientCAPem) stays off for now: the client suites
  // count the ConfigMaps of fresh namespaces, which kube-apiserver's clusters would also fill.
  const serviceAccountsController = opts.controllers === false ? undefined : new ServiceAccountsController(store, api, logger, undefined);
  serviceAccountsController?.start();

  return {
    port,
    url: `https://${opts.host}:${port}`,
    ready: () => readyPromise,
    close: async () => {
      shuttingDown = true;
      customResources.informer.stop();
      crdController?.stop();
      namespaceController?.stop();
      garbageCollector?.stop();
      tokenController?.stop();
      serviceAccountsController?.stop();
      hub?.close();
      if (bootstrapTimer !== undefined) clearTimeout(bootstrapTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
    },
  };
}

/**
 * The CRD informer and the serving of custom resources, plus the CRD resource itself with the
 * creation-time name check that needs the other CRDs (the registry's strategy cannot see them).
 */
function customResourcesOf(api: Registry, store: GenericStore, hub: WatchHub | undefined, logger: Logger) {
  const base = api.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  if (base === undefined) throw new Error('the registry has no customresourcedefinitions resource');
  const serving = new CustomResourceServing(api, logger);
  const crdDescriptor: ResourceDescriptor = {
    ...base,
    strategy: {
      ...base.strategy,
      validate: (crd) => {
        const errs = base.strategy.validate(crd);
        // Names are compared only on a CRD that is otherwise valid (a group without a dot is
        // refused for that alone, as kube-apiserver refuses it).
        return errs.length > 0 ? errs : crdNameConflicts(crd, informer.list().values(), api.all());
      },
    },
  };
  api.remove(base.group, base.version, base.resource);
  api.add(crdDescriptor);
  const informer = new CustomResourceDefinitionInformer(store, crdDescriptor, hub, logger);
  informer.onChange((crds) => serving.sync(crds));
  return { serving, informer, crdDescriptor };
}

function findNamespaces(api: Registry): ResourceDescriptor {
  const d = api.lookup('', 'v1', 'namespaces');
  if (d === undefined) throw new Error('the registry has no namespaces resource');
  return d;
}
