// k8s parity: WithRequestDeadline + WithTimeoutForNonLongRunningRequests. A request gets at most
// the server's request timeout (60 s), less when ?timeout= asks for less; the deadline travels with
// every call to the other services. Watches are long-running and get no deadline here.
import { parseGoDuration, statusErrors } from '@portico/api';
import { contextOf } from '../request/context';
import { isLongRunning } from '../request/request-info';
import { writeStatus } from '../responses/writers';
import type { Handler } from './handler';

export function withRequestDeadline(next: Handler, requestTimeoutMs: number): Handler {
  return async (req, res) => {
    const ctx = contextOf(req);
    if (isLongRunning(ctx.info)) return next(req, res);
    let timeout = requestTimeoutMs;
    const param = ctx.url.searchParams.get('timeout');
    if (param !== null && param !== '') {
      const ns = parseGoDuration(param);
      const ms = ns === undefined ? undefined : Number(ns / 1_000_000n);
      if (ms === undefined || ms < 0) throw statusErrors.badRequest(`invalid timeout specified in the request URL`);
      if (ms > 0 && ms < timeout) timeout = ms;
    }
    ctx.deadline = ctx.receivedAt + timeout;
    const timer = setTimeout(() => {
      writeStatus(res, statusErrors.timeout('request did not complete within requested timeout - context deadline exceeded').status);
    }, Math.max(0, ctx.deadline - Date.now()));
    timer.unref();
    try {
      await next(req, res);
    } finally {
      clearTimeout(timer);
    }
  };
}
