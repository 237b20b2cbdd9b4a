import { ensureClusterPki, createAuthService, type OidcOptions } from '@portico/auth';
import { connectNatsBus, createStorageClient, startGrpcServer, type GrpcClientOptions, type GrpcServerOptions } from '@portico/proto';
import { createLogger } from '@portico/telemetry';

export interface RunAuthServiceOptions {
  /** `host:port` for the gRPC server; port 0 picks a free one. */
  listen: string;
  /** The cluster PKI; its CA is the one client certificates must chain to. */
  pkiDir: string;
  /**
   * The storage service (gRPC target) and NATS: RBAC objects are listed from storage and followed
   * on the bus. Without both, only system:masters and the public paths are authorized.
   */
  storage?: string;
  natsUrl?: string;
  /** kube-apiserver's --token-auth-file. */
  tokenAuthFile?: string;
  /** kube-apiserver's --service-account-issuer. */
  serviceAccountIssuer?: string;
  /** kube-apiserver's --oidc-* flags. */
  oidc?: OidcOptions;
  grpc?: GrpcServerOptions;
  grpcClient?: GrpcClientOptions;
}

export interface RunningService {
  /** Where it listens, with the bound port. */
  address: string;
  close(): Promise<void>;
}

/** The auth service, served over gRPC. */
export async function runAuthService(opts: RunAuthServiceOptions): Promise<RunningService> {
  const pki = await ensureClusterPki(opts.pkiDir);
  const log = createLogger({ service: 'auth' });
  const storage = opts.storage === undefined ? undefined : createStorageClient(opts.storage, opts.grpcClient);
  const bus =
    opts.natsUrl === undefined ? undefined : await connectNatsBus(opts.natsUrl, { name: 'portico-auth', onError: (err) => log.error({ err }, 'NATS') });
  const auth = createAuthService({
    clientCAPem: pki.caCertPem,
    logger: log,
    serviceAccountTokens: {
      signingKeyPem: pki.serviceAccountKeyPem,
      publicKeyPems: [pki.serviceAccountPublicKeyPem],
      ...(opts.serviceAccountIssuer === undefined ? {} : { issuer: opts.serviceAccountIssuer }),
    },
    ...(opts.tokenAuthFile === undefined ? {} : { tokenFile: { path: opts.tokenAuthFile } }),
    ...(opts.oidc === undefined ? {} : { oidc: opts.oidc }),
    ...(storage !== undefined ? { storage } : {}),
    ...(bus !== undefined ? { bus } : {}),
  });
  const closeAll = async (): Promise<void> => {
    await auth.close();
    await Promise.all([storage?.close(), bus?.close()]);
  };
  let server;
  try {
    server = await startGrpcServer(opts.listen, { auth }, opts.grpc);
  } catch (err) {
    await closeAll();
    throw err;
  }
  const grpcServer = server;
  return {
    address: grpcServer.address,
    close: async () => {
      await grpcServer.close();
      await closeAll();
    },
  };
}
