import { statusErrors } from '@portico/api';
import { contextOf } from '../request/context';
import { newRequestInfo, RequestInfoError } from '../request/request-info';
import type { Handler } from './handler';

export function withRequestInfo(next: Handler): Handler {
  return async (req, res) => {
    const ctx = contextOf(req);
    try {
      ctx.info = newRequestInfo(req.method ?? 'GET', ctx.url.pathname, ctx.url.searchParams);
    } catch (e) {
      if (e instanceof RequestInfoError) throw statusErrors.badRequest(e.message);
      throw e;
    }
    await next(req, res);
  };
}
