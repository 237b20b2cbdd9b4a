import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { Client, handleServerStreamingCall, handleUnaryCall, ServiceError } from '@grpc/grpc-js';
import type { CallContext } from '../ports';
import { callOptions, serverCallScope } from './context';
import { fromServiceError, GrpcTransportError, toStatusObject } from './errors';

/** The parts of a ts-proto method definition the generic call helpers use. */
export interface MethodCodec<Req, Res> {
  path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(value: Buffer): Res;
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'metadata' in err;
}

function abortedBeforeStart(path: string, signal: AbortSignal): GrpcTransportError {
  return new GrpcTransportError(GrpcStatus.CANCELLED, path, 'the caller cancelled the call before it started', {
    cause: signal.reason,
  });
}

/** Issues calls on one grpc-js channel, carrying each CallContext's deadline and cancellation. */
export class GrpcCaller {
  constructor(
    private readonly client: Client,
    private readonly defaultTimeoutMs: number,
  ) {}

  unary<Req, Res>(method: MethodCodec<Req, Res>, request: Req, ctx?: CallContext): Promise<Res> {
    const signal = ctx?.signal;
    if (signal?.aborted) return Promise.reject(abortedBeforeStart(method.path, signal));
    return new Promise<Res>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const call = this.client.makeUnaryRequest<Req, Res>(
        method.path,
        (v) => method.requestSerialize(v),
        (b) => method.responseDeserialize(b),
        request,
        new Metadata(),
        callOptions(ctx, this.defaultTimeoutMs),
        (err, response) => {
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          if (err) reject(fromServiceError(method.path, err));
          else if (response === undefined) reject(new GrpcTransportError(GrpcStatus.INTERNAL, method.path, 'no response message'));
          else resolve(response);
        },
      );
      if (signal) {
        onAbort = () => call.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /**
   * A server stream as an async iterable. The call starts on the first `next()`; leaving the loop
   * early cancels it, and the Readable underneath applies backpressure when the consumer is slow.
   * No default deadline: a stream lasts as long as its caller wants it.
   */
  async *serverStream<Req, Res>(method: MethodCodec<Req, Res>, request: Req, ctx?: CallContext): AsyncGenerator<Res> {
    const signal = ctx?.signal;
    if (signal?.aborted) throw abortedBeforeStart(method.path, signal);
    const call = this.client.makeServerStreamRequest<Req, Res>(
      method.path,
      (v) => method.requestSerialize(v),
      (b) => method.responseDeserialize(b),
      request,
      new Metadata(),
      callOptions(ctx),
    );
    // Cancelling emits a CANCELLED 'error' after the loop below may have stopped listening;
    // without a listener of its own that would be an uncaught exception.
    call.on('error', () => undefined);
    const onAbort = (): void => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      for await (const message of call) yield message as Res;
      finished = true;
    } catch (err) {
      finished = true;
      throw isServiceError(err) ? fromServiceError(method.path, err) : err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!finished) call.cancel();
    }
  }
}

/** Binds a port method to a grpc-js unary handler: deadline and cancellation become the CallContext. */
export function unaryHandler<Req, Res>(fn: (request: Req, ctx: CallContext) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const scope = serverCallScope(call);
    let pending: Promise<Res>;
    try {
      pending = fn(call.request, scope.ctx);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (response) => {
        scope.release();
        callback(null, response);
      },
      (err: unknown) => {
        scope.release();
        callback(toStatusObject(err));
      },
    );
  };
}

function drained(call: NodeJS.EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.removeListener('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Binds a port method returning an async iterable to a grpc-js server stream. It pulls the next
 * message only once the previous one was accepted (`write()` false means wait for 'drain'), so a
 * slow reader holds the producer back instead of growing the server's memory (grpc-node#1332).
 */
export function serverStreamHandler<Req, Res>(
  fn: (request: Req, ctx: CallContext) => AsyncIterable<Res>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const scope = serverCallScope(call);
    const signal = scope.ctx.signal;
    void (async () => {
      let iterator: AsyncIterator<Res> | undefined;
      let exhausted = false;
      try {
        iterator = fn(call.request, scope.ctx)[Symbol.asyncIterator]();
        while (!signal.aborted) {
          const next = await iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          if (signal.aborted) break;
          if (!call.write(next.value)) await drained(call, signal);
        }
        if (!signal.aborted) call.end();
      } catch (err) {
        exhausted = true;
        if (!signal.aborted) call.emit('error', toStatusObject(err));
      } finally {
        scope.release();
        // Lets the producer run its finally blocks (unsubscribe, release a cursor) when the
        // client went away mid-stream.
        if (!exhausted) await iterator?.return?.().catch(() => undefined);
      }
    })();
  };
}
