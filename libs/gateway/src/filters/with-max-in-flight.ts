// k8s parity: WithMaxInFlightLimit (the filter kube-apiserver runs when APF is off). Read-only and
// mutating requests have separate budgets; long-running requests are not counted.
import { contextOf } from '../request/context';
import { isLongRunning } from '../request/request-info';
import { writeTooManyRequests } from '../responses/writers';
import type { Handler } from './handler';

const readOnlyVerbs = new Set(['get', 'list', 'watch']);

export function withMaxInFlight(next: Handler, limits: { readOnly: number; mutating: number }): Handler {
  let readOnly = 0;
  let mutating = 0;
  return async (req, res) => {
    const ctx = contextOf(req);
    if (isLongRunning(ctx.info)) return next(req, res);
    const isReadOnly = readOnlyVerbs.has(ctx.info.verb) || !ctx.info.isResourceRequest;
    if (isReadOnly ? readOnly >= limits.readOnly : mutating >= limits.mutating) {
      writeTooManyRequests(res, 1);
      return;
    }
    if (isReadOnly) readOnly++;
    else mutating++;
    try {
      await next(req, res);
    } finally {
      if (isReadOnly) readOnly--;
      else mutating--;
    }
  };
}
