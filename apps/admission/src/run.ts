import { createAdmissionService, serviceResolverFromMap } from '@portico/admission';
import { connectNatsBus, createStorageClient, startGrpcServer, type GrpcClientOptions, type GrpcServerOptions } from '@portico/proto';
import { createLogger } from '@portico/telemetry';

export interface RunAdmissionServiceOptions {
  /** `host:port` for the gRPC server; port 0 picks a free one. */
  listen: string;
  /** gRPC target of the storage service (`host:port` or `dns:///name:port`). */
  storage: string;
  /** NATS: keeps webhook configurations, policies and namespaces current; without it each request Lists them. */
  natsUrl?: string;
  /** `<name>.<namespace>[:<port>]=host:port,...`: where webhook service references go. */
  webhookServiceHosts?: string;
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
  const log = createLogger({ service: 'admission' });
  const storage = createStorageClient(opts.storage, opts.grpcClient);
  let bus;
  try {
    bus = opts.natsUrl === undefined ? undefined : await connectNatsBus(opts.natsUrl, { name: 'portico-admission', onError: (err) => log.error({ err }, 'NATS') });
  } catch (err) {
    await storage.close();
    throw err;
  }
  const admission = createAdmissionService({
    storage,
    ...(bus !== undefined ? { bus } : {}),
    ...(opts.webhookServiceHosts !== undefined ? { serviceResolver: serviceResolverFromMap(opts.webhookServiceHosts) } : {}),
  });
  let server;
  try {
    server = await startGrpcServer(opts.listen, { admission }, opts.grpc);
  } catch (err) {
    await admission.close();
    await bus?.close();
    await storage.close();
    throw err;
  }
  const grpcServer = server;
  return {
    address: grpcServer.address,
    close: async () => {
      await grpcServer.close();
      await admission.close();
      await bus?.close();
      await storage.close();
    },
  };
}
