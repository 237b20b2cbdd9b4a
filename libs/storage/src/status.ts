// Domain outcomes cross the port as a Kubernetes Status in the response (the proto shape, where
// absent fields are empty strings); anything else thrown is an internal failure and rejects.
import { type Status as ApiStatus, isStatusError } from '@portico/api';
import type { Status as ProtoStatus } from '@portico/proto';

export function toProtoStatus(s: ApiStatus): ProtoStatus {
  const d = s.details;
  return {
    code: s.code,
    reason: s.reason ?? '',
    message: s.message ?? '',
    details:
      d === undefined
        ? undefined
        : {
            name: d.name ?? '',
            group: d.group ?? '',
            kind: d.kind ?? '',
            uid: d.uid ?? '',
            causes: (d.causes ?? []).map((c) => ({ reason: c.reason ?? '', message: c.message ?? '', field: c.field ?? '' })),
            retryAfterSeconds: d.retryAfterSeconds ?? 0,
          },
  };
}

/** Runs `fn`; a StatusError becomes `onStatus(status)`, anything else rejects. */
export async function withStatus<T>(fn: () => Promise<T>, onStatus: (s: ProtoStatus) => T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isStatusError(e)) return onStatus(toProtoStatus(e.status));
    throw e;
  }
}
