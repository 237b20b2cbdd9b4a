import { ensureClusterPki } from '@portico/auth';
import { createGateway } from '@portico/gateway';
import {
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
  /** Accepted for the watch fan-out to come; the gateway does not subscribe to NATS yet. */
  natsUrl?: string;
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
  const closeClients = async (): Promise<void> => {
    await Promise.all([storage.close(), auth.close(), admission.close()]);
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
    });
  } catch (err) {
    await closeClients();
    throw err;
  }
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
