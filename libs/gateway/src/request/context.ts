import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '@portico/proto';
import type { RequestInfo } from './request-info';

/** What the filters learn about a request and the handlers use. */
export interface RequestContext {
  auditId: string;
  receivedAt: number;
  url: URL;
  info: RequestInfo;
  /** Epoch ms after which the request is answered with a timeout; undefined for long-running requests. */
  deadline: number | undefined;
  /** Fires when the client goes away or the deadline passes. */
  signal: AbortSignal;
  user: UserInfo | undefined;
  warnings: string[];
  pretty: boolean;
  /** The request body, read (within the size limit) by withRequestBody. */
  body: Buffer | undefined;
}

const contexts = new WeakMap<IncomingMessage, RequestContext>();

export function setContext(req: IncomingMessage, ctx: RequestContext): void {
  contexts.set(req, ctx);
}

export function contextOf(req: IncomingMessage): RequestContext {
  const ctx = contexts.get(req);
  if (ctx === undefined) throw new Error('request context missing: the filter chain did not run');
  return ctx;
}

/** The call context handed to every service port for this request. */
export function callContext(ctx: RequestContext): { deadline?: number; signal: AbortSignal } {
  return ctx.deadline === undefined ? { signal: ctx.signal } : { deadline: ctx.deadline, signal: ctx.signal };
}
