// Port responses carry domain outcomes as a proto Status; the gateway turns them back into the
// StatusError its handlers throw, and transport failures into a 503.
import { failure, StatusError, statusErrors, type Status } from '@portico/api';
import type { Status as ProtoStatus } from '@portico/proto';

export function fromProtoStatus(s: ProtoStatus): Status {
  const d = s.details;
  const details =
    d === undefined
      ? undefined
      : {
          ...(d.name !== '' ? { name: d.name } : {}),
          ...(d.group !== '' ? { group: d.group } : {}),
          ...(d.kind !== '' ? { kind: d.kind } : {}),
          ...(d.uid !== '' ? { uid: d.uid } : {}),
          ...(d.causes.length > 0
            ? {
                causes: d.causes.map((c) => ({
                  ...(c.reason !== '' ? { reason: c.reason } : {}),
                  ...(c.message !== '' ? { message: c.message } : {}),
                  ...(c.field !== '' ? { field: c.field } : {}),
                })),
              }
            : {}),
          ...(d.retryAfterSeconds > 0 ? { retryAfterSeconds: d.retryAfterSeconds } : {}),
        };
  return failure(s.code, s.reason, s.message, details);
}

/** Throws the StatusError a port response carries, if any. */
export function throwIfStatus(s: ProtoStatus | undefined): void {
  if (s !== undefined && s.code !== 0) throw new StatusError(fromProtoStatus(s));
}

/** Awaits a port call; a rejection (the service is down or failed) becomes a 503 Status. */
export async function callService<T>(what: 'storage' | 'admission', p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new StatusError(statusErrors.serviceUnavailable(`the ${what} service is unavailable, please try again later`).status, {
      cause: e,
    });
  }
}
