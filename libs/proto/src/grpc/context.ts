import type { CallOptions, Deadline } from '@grpc/grpc-js';
import type { CallContext } from '../ports';

/** grpc-js call options carrying the caller's deadline; `fallbackTimeoutMs` applies when it has none. */
export function callOptions(ctx: CallContext | undefined, fallbackTimeoutMs?: number): Partial<CallOptions> {
  if (ctx?.deadline !== undefined) return { deadline: ctx.deadline };
  if (fallbackTimeoutMs !== undefined && fallbackTimeoutMs > 0) return { deadline: Date.now() + fallbackTimeoutMs };
  return {};
}

/** The server side's view of a call: its deadline and a signal that fires on cancel or deadline. */
export interface ServerCallScope {
  ctx: Required<Pick<CallContext, 'signal'>> & CallContext;
  /** Stop listening; a 'cancelled' event after the handler finished is the normal end of a call. */
  release(): void;
}

/** The part of a grpc-js server call (unary or streaming) this needs; grpc-js does not export it. */
export interface ServerCallLike {
  cancelled: boolean;
  getDeadline(): Deadline;
  once(event: 'cancelled', listener: () => void): unknown;
  removeListener(event: 'cancelled', listener: () => void): unknown;
}

export function serverCallScope(call: ServerCallLike): ServerCallScope {
  const controller = new AbortController();
  const raw = call.getDeadline();
  const deadlineMs = raw instanceof Date ? raw.getTime() : raw;
  const deadline = Number.isFinite(deadlineMs) ? deadlineMs : undefined;
  const onCancelled = (): void => {
    const expired = deadline !== undefined && Date.now() >= deadline;
    controller.abort(
      expired
        ? new DOMException('the call deadline was exceeded', 'TimeoutError')
        : new DOMException('the client cancelled the call', 'AbortError'),
    );
  };
  if (call.cancelled) onCancelled();
  else call.once('cancelled', onCancelled);
  return {
    ctx: deadline === undefined ? { signal: controller.signal } : { deadline, signal: controller.signal },
    release: () => call.removeListener('cancelled', onCancelled),
  };
}
