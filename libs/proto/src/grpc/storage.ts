import { Client } from '@grpc/grpc-js';
import { StorageServiceService, type StorageServiceServer } from '../generated/portico/storage/v1/storage';
import type { Closeable, StorageServicePort } from '../ports';
import { GrpcCaller, serverStreamHandler, unaryHandler } from './call';
import { clientCredentials, DEFAULT_CHANNEL_OPTIONS, DEFAULT_UNARY_TIMEOUT_MS, type GrpcClientOptions } from './options';

/** StorageServicePort over gRPC. `target` is a grpc-js target: `host:port` or `dns:///name:port`. */
export function createStorageClient(target: string, opts?: GrpcClientOptions): StorageServicePort & Closeable {
  const client = new Client(target, clientCredentials(opts), { ...DEFAULT_CHANNEL_OPTIONS, ...opts?.channelOptions });
  const caller = new GrpcCaller(client, opts?.defaultTimeoutMs ?? DEFAULT_UNARY_TIMEOUT_MS);
  const m = StorageServiceService;
  return {
    get: (req, ctx) => caller.unary(m.get, req, ctx),
    list: (req, ctx) => caller.unary(m.list, req, ctx),
    create: (req, ctx) => caller.unary(m.create, req, ctx),
    update: (req, ctx) => caller.unary(m.update, req, ctx),
    delete: (req, ctx) => caller.unary(m.delete, req, ctx),
    currentRevision: (ctx) => caller.unary(m.currentRevision, {}, ctx),
    watchReplay: (req, ctx) => caller.serverStream(m.watchReplay, req, ctx),
    close: async () => client.close(),
  };
}

/** Serves a StorageServicePort implementation as portico.storage.v1.StorageService. */
export function storageServiceHandlers(impl: StorageServicePort): StorageServiceServer {
  return {
    get: unaryHandler((req, ctx) => impl.get(req, ctx)),
    list: unaryHandler((req, ctx) => impl.list(req, ctx)),
    create: unaryHandler((req, ctx) => impl.create(req, ctx)),
    update: unaryHandler((req, ctx) => impl.update(req, ctx)),
    delete: unaryHandler((req, ctx) => impl.delete(req, ctx)),
    currentRevision: unaryHandler((_req, ctx) => impl.currentRevision(ctx)),
    watchReplay: serverStreamHandler((req, ctx) => impl.watchReplay(req, ctx)),
  };
}
