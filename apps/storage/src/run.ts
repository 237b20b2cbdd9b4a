import { startGrpcServer, type GrpcServerOptions } from '@portico/proto';
import { createStorageService } from '@portico/storage';
import { createLogger } from '@portico/telemetry';

export interface RunStorageServiceOptions {
  /** `host:port` for the gRPC server; port 0 picks a free one. */
  listen: string;
  etcdEndpoints: string[];
  /** Accepted for the watch fan-out to come; storage does not publish on NATS yet. */
  natsUrl?: string;
  compactionIntervalMs?: number;
  grpc?: GrpcServerOptions;
}

export interface RunningService {
  /** Where it listens, with the bound port. */
  address: string;
  close(): Promise<void>;
}

/** The storage service on etcd, served over gRPC. */
export async function runStorageService(opts: RunStorageServiceOptions): Promise<RunningService> {
  const log = createLogger({ service: 'storage' });
  const storage = await createStorageService({
    backend: { kind: 'etcd', endpoints: opts.etcdEndpoints },
    onBackgroundError: (err) => log.error({ err }, 'background work failed (compaction)'),
    ...(opts.compactionIntervalMs === undefined ? {} : { compactionIntervalMs: opts.compactionIntervalMs }),
  });
  let server;
  try {
    server = await startGrpcServer(opts.listen, { storage }, opts.grpc);
  } catch (err) {
    await storage.close();
    throw err;
  }
  const grpcServer = server;
  return {
    address: grpcServer.address,
    close: async () => {
      await grpcServer.close();
      await storage.close();
    },
  };
}
