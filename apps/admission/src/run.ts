import { createAdmissionService } from '@portico/admission';
import { createStorageClient, startGrpcServer, type GrpcClientOptions, type GrpcServerOptions } from '@portico/proto';

export interface RunAdmissionServiceOptions {
  /** `host:port` for the gRPC server; port 0 picks a free one. */
  listen: string;
  /** gRPC target of the storage service (`host:port` or `dns:///name:port`). */
  storage: string;
  grpc?: GrpcServerOptions;
  grpcClient?: GrpcClientOptions;
}

export interface RunningService {
  /** Where it listens, with the bound port. */
  address: string;
  close(): Promise<void>;
}

/** The admission service, a gRPC client of storage, served over gRPC. */
export async function runAdmissionService(opts: RunAdmissionServiceOptions): Promise<RunningService> {
  const storage = createStorageClient(opts.storage, opts.grpcClient);
  const admission = createAdmissionService({ storage });
  let server;
  try {
    server = await startGrpcServer(opts.listen, { admission }, opts.grpc);
  } catch (err) {
    await admission.close();
    await storage.close();
    throw err;
  }
  const grpcServer = server;
  return {
    address: grpcServer.address,
    close: async () => {
      await grpcServer.close();
      await admission.close();
      await storage.close();
    },
  };
}
