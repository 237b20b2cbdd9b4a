// k8s parity: WithPanicRecovery. Nothing a request does may take the process down or leak a stack
// trace: unexpected errors are logged with the audit ID and answered with a bare 500 Status.
import { isStatusError } from '@portico/api';
import { contextOf } from '../request/context';
import { writeError } from '../responses/writers';
import type { Logger } from '../logger';
import type { Handler } from './handler';

export function withPanicRecovery(next: Handler, logger: Logger): Handler {
  return async (req, res) => {
    try {
      await next(req, res);
    } catch (e) {
      const ctx = contextOf(req);
      if (!isStatusError(e)) logger.error({ auditId: ctx.auditId, err: e, path: ctx.url.pathname }, 'request failed');
      if (!res.headersSent) writeError(res, e, { pretty: ctx.pretty });
      else res.destroy();
    }
  };
}
