export { createAdmissionClient, admissionServiceHandlers } from './admission';
export { createAuthClient, authServiceHandlers } from './auth';
export { createStorageClient, storageServiceHandlers } from './storage';
export { startGrpcServer, type GrpcServerHandle, type GrpcServices } from './server';
export { GrpcTransportError, isGrpcTransportError } from './errors';
export {
  DEFAULT_CHANNEL_OPTIONS,
  DEFAULT_SERVER_OPTIONS,
  DEFAULT_UNARY_TIMEOUT_MS,
  type GrpcClientOptions,
  type GrpcServerOptions,
} from './options';
