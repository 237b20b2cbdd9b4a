import { ensureClusterPki } from '@portico/auth';
import { createGateway } from '@portico/gateway';
import { createLogger } from '@portico/telemetry';
import {
  connectNatsBus,
  createAdmissionClient,
  createAuthClient,
  createStorageClient,
  type GrpcClientOptions,
} from '@portico/proto';

export interface RunGatewayOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The cluster PKI: serving certificate and the CA client certificates must chain to. */
  pkiDir: string;
  /** gRPC targets (`host:port` or `dns:///name:port`). */
  storage: string;
  auth: string;
  admission: string;
  /** NATS, where the storage service publishes watch events; without it the gateway serves no watch. */
  natsUrl?: string;
  /** kube-apiserver's --min-request-timeout (seconds); default 1800. */
  minRequestTimeoutSeconds?: number;
  /** How often watches that allow bookmarks get one; default 60 s. */
  watchBookmarkIntervalMs?: number;
  grpcClient?: GrpcClientOptions;
}

export interface RunningService {
  /** Where it listens, with the bound port. */
  address: string;
  /** https://host:port */
  url: string;
  close(): Promise<void>;
}

/** The gateway: HTTPS in front, gRPC clients of storage, auth and admission behind. */
export async function runGateway(opts: RunGatewayOptions): Promise<RunningService> {
  // The PKI is made before any service starts (portico init / start-distributed, or a Secret);
  // here it is only read.
  const pki = await ensureClusterPki(opts.pkiDir);
  const storage = createStorageClient(opts.storage, opts.grpcClient);
  const auth = createAuthClient(opts.auth, opts.grpcClient);
  const admission = createAdmissionClient(opts.admission, opts.grpcClient);
  const log = createLogger({ service: 'gateway' });
  const bus =
    opts.natsUrl === undefined ? undefined : await connectNatsBus(opts.natsUrl, { name: 'portico-gateway', onError: (err) => log.error({ err }, 'NATS') });
  const closeClients = async (): Promise<void> => {
    await Promise.all([storage.close(), auth.close(), admission.close(), bus?.close()]);
  };
  let gateway;
  try {
    gateway = await createGateway({
      host: opts.host,
      port: opts.port,
      tls: { certPem: pki.servingCertPem, keyPem: pki.servingKeyPem, clientCAPem: pki.caCertPem },
      storage,
      auth,
      admission,
      logger: log,
      ...(bus !== undefined ? { bus } : {}),
      ...(opts.minRequestTimeoutSeconds === undefined ? {} : { minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds }),
      ...(opts.watchBookmarkIntervalMs === undefined ? {} : { watchBookmarkIntervalMs: opts.watchBookmarkIntervalMs }),
    });
  } catch (err) {
    await closeClients();
    throw err;
  }
  // `gateway listening` (what start-distributed waits for) means the post-start hooks have run.
  await gateway.ready();
  const server = gateway;
  return {
    address: `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${server.port}`,
    url: server.url,
    close: async () => {
      await server.close();
      await closeClients();
    },
  };
}
