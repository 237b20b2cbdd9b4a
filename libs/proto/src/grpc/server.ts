import { Server } from '@grpc/grpc-js';
import { AdmissionServiceService } from '../generated/portico/admission/v1/admission';
import { AuthServiceService } from '../generated/portico/auth/v1/auth';
import { StorageServiceService } from '../generated/portico/storage/v1/storage';
import type { AdmissionServicePort, AuthServicePort, StorageServicePort } from '../ports';
import { admissionServiceHandlers } from './admission';
import { authServiceHandlers } from './auth';
import { DEFAULT_SERVER_OPTIONS, serverCredentials, type GrpcServerOptions } from './options';
import { storageServiceHandlers } from './storage';

/** The ports one process serves; usually exactly one. */
export interface GrpcServices {
  storage?: StorageServicePort;
  auth?: AuthServicePort;
  admission?: AdmissionServicePort;
}

export interface GrpcServerHandle {
  /** The bound port (the real one when the address asked for port 0). */
  port: number;
  /** `host:port` with the bound port. */
  address: string;
  /** Stops accepting calls, lets in-flight ones finish for the grace period, then cancels the rest. */
  close(): Promise<void>;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

function withPort(address: string, port: number): string {
  const colon = address.lastIndexOf(':');
  return `${colon < 0 ? address : address.slice(0, colon)}:${port}`;
}

/** Binds `address` (`host:port`, port 0 for any free port) and serves the given ports on it. */
export async function startGrpcServer(
  address: string,
  services: GrpcServices,
  opts?: GrpcServerOptions,
): Promise<GrpcServerHandle> {
  const server = new Server({ ...DEFAULT_SERVER_OPTIONS, ...opts?.serverOptions });
  if (services.storage) server.addService(StorageServiceService, storageServiceHandlers(services.storage));
  if (services.auth) server.addService(AuthServiceService, authServiceHandlers(services.auth));
  if (services.admission) server.addService(AdmissionServiceService, admissionServiceHandlers(services.admission));
  if (!services.storage && !services.auth && !services.admission) {
    throw new Error('startGrpcServer: no service to serve');
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, serverCredentials(opts), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const graceMs = opts?.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  let closing: Promise<void> | undefined;
  return {
    port,
    address: withPort(address, port),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          // Cancelling the calls aborts their CallContext signals, which ends WatchReplay producers.
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      })),
  };
}
