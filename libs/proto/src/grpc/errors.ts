import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError, StatusObject } from '@grpc/grpc-js';

/**
 * A call that failed in transport (unreachable, deadline exceeded, cancelled, or the peer failed
 * internally). Domain outcomes never take this path: they come back as `status` in the response.
 * The gateway answers such a rejection with 503.
 */
export class GrpcTransportError extends Error {
  override readonly name = 'GrpcTransportError';
  constructor(
    /** The gRPC status code (`status` from @grpc/grpc-js). */
    readonly code: number,
    /** Full method path, e.g. /portico.storage.v1.StorageService/Get. */
    readonly method: string,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${GrpcStatus[code] ?? code}: ${details}`, options);
  }
}

export function isGrpcTransportError(err: unknown): err is GrpcTransportError {
  return err instanceof GrpcTransportError;
}

export function fromServiceError(method: string, err: ServiceError): GrpcTransportError {
  return new GrpcTransportError(err.code, method, err.details || err.message, { cause: err });
}

/**
 * What a server handler sends when its implementation rejects. The message is kept (it is an
 * internal peer reading it), the stack is not.
 */
export function toStatusObject(err: unknown): Partial<StatusObject> {
  if (err instanceof GrpcTransportError) {
    // A failed downstream call (admission → storage) is the same kind of failure one hop up.
    return { code: err.code, details: err.message };
  }
  if (err instanceof Error) {
    if (err.name === 'AbortError') return { code: GrpcStatus.CANCELLED, details: err.message };
    if (err.name === 'TimeoutError') return { code: GrpcStatus.DEADLINE_EXCEEDED, details: err.message };
    return { code: GrpcStatus.INTERNAL, details: err.message };
  }
  return { code: GrpcStatus.INTERNAL, details: String(err) };
}
