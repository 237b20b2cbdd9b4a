import { ensureClusterPki, createAuthService } from '@portico/auth';
import { startGrpcServer, type GrpcServerOptions } from '@portico/proto';

export interface RunAuthServiceOptions {
  /** `host:port` for the gRPC server; port 0 picks a free one. */
  listen: string;
  /** The cluster PKI; its CA is the one client certificates must chain to. */
  pkiDir: string;
  grpc?: GrpcServerOptions;
}

export interface RunningService {
  /** Where it listens, with the bound port. */
  address: string;
  close(): Promise<void>;
}

/** The auth service, served over gRPC. */
export async function runAuthService(opts: RunAuthServiceOptions): Promise<RunningService> {
  const pki = await ensureClusterPki(opts.pkiDir);
  const auth = createAuthService({ clientCAPem: pki.caCertPem });
  let server;
  try {
    server = await startGrpcServer(opts.listen, { auth }, opts.grpc);
  } catch (err) {
    await auth.close();
    throw err;
  }
  const grpcServer = server;
  return {
    address: grpcServer.address,
    close: async () => {
      await grpcServer.close();
      await auth.close();
    },
  };
}
