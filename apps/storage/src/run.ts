import { connectNatsBus, startGrpcServer, type EventBusPort, type GrpcServerOptions } from '@portico/proto';
import { createStorageService } from '@portico/storage';
import { createLogger } from '@portico/telemetry';

export interface RunStorageServiceOptions {
  /** `host:port` for the gRPC server; port 0 picks a free one. */
  listen: string;
  etcdEndpoints: string[];
  /** NATS, where the elected replica publishes watch events; without it nothing is published. */
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
  const bus: EventBusPort | undefined =
    opts.natsUrl === undefined ? undefined : await connectNatsBus(opts.natsUrl, { name: 'portico-storage', onError: (err) => log.error({ err }, 'NATS') });
  let storage;
  try {
    storage = await createStorageService({
      backend: { kind: 'etcd', endpoints: opts.etcdEndpoints },
      ...(bus === undefined ? {} : { bus }),
      onBackgroundError: (err) => log.error({ err }, 'background work failed'),
      ...(opts.compactionIntervalMs === undefined ? {} : { compactionIntervalMs: opts.compactionIntervalMs }),
    });
  } catch (err) {
    await bus?.close();
    throw err;
  }
  let server;
  try {
    server = await startGrpcServer(opts.listen, { storage }, opts.grpc);
  } catch (err) {
    await storage.close();
    await bus?.close();
    throw err;
  }
  const grpcServer = server;
  const service = storage;
  return {
    address: grpcServer.address,
    close: async () => {
      await grpcServer.close();
      await service.close();
      await bus?.close();
    },
  };
}
