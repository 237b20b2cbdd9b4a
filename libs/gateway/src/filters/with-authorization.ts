// k8s parity: WithAuthorization and responsewriters.ForbiddenStatusError. Decisions are cached
// briefly (kube-apiserver's webhook authorizer caches for 10 s), so a revoked permission is seen
// within that window. Requests that find no fresh decision while one is being fetched for the
// same attributes wait for that fetch: under load, an expiry would otherwise send one Authorize
// call per request in flight (64 concurrent creates made 64 calls every 5 s).
import { statusErrors } from '@portico/api';
import { Decision, type AuthorizeRequest, type AuthServicePort } from '@portico/proto';
import { contextOf } from '../request/context';
import type { RequestInfo } from '../request/request-info';
import type { Handler } from './handler';

export function forbiddenMessage(username: string, info: RequestInfo, reason: string): string {
  let msg: string;
  if (info.isResourceRequest) {
    const res = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
    msg = `User "${username}" cannot ${info.verb} resource "${res}" in API group "${info.apiGroup}"`;
    msg += info.namespace !== '' ? ` in the namespace "${info.namespace}"` : ' at the cluster scope';
  } else {
    msg = `User "${username}" cannot ${info.verb} path "${info.path}"`;
  }
  return reason === '' ? msg : `${msg}: ${reason}`;
}

interface CachedDecision {
  allowed: boolean;
  reason: string;
  until: number;
}

export function withAuthorization(next: Handler, auth: AuthServicePort, cacheMs = 5_000): Handler {
  const cache = new Map<string, CachedDecision>();
  const pending = new Map<string, Promise<CachedDecision>>();
  // Shared by every request waiting on it, so it carries the first one's deadline but not its
  // cancellation: one client going away must not fail the others' authorization.
  const fetchDecision = async (key: string, attrs: AuthorizeRequest, deadline: number | undefined): Promise<CachedDecision> => {
    let allowed: boolean;
    let reason: string;
    try {
      const r = await auth.authorize(attrs, deadline === undefined ? {} : { deadline });
      allowed = r.decision === Decision.DECISION_ALLOW;
      reason = r.reason;
    } catch {
      throw statusErrors.serviceUnavailable('the authorization service is unavailable');
    }
    const decision = { allowed, reason, until: Date.now() + cacheMs };
    if (cache.size > 10_000) cache.clear();
    cache.set(key, decision);
    return decision;
  };
  return async (req, res) => {
    const ctx = contextOf(req);
    const info = ctx.info;
    const user = ctx.user;
    if (user === undefined) throw statusErrors.unauthorized();
    const attrs: AuthorizeRequest = {
      user,
      verb: info.verb,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
      path: info.path,
      resourceRequest: info.isResourceRequest,
    };
    const key = JSON.stringify(attrs);
    let decision = cache.get(key);
    if (decision === undefined || decision.until <= Date.now()) {
      let fetching = pending.get(key);
      if (fetching === undefined) {
        // A failure reaches every waiter as the 503 it would have been for each; the next request
        // tries again.
        fetching = fetchDecision(key, attrs, ctx.deadline).finally(() => pending.delete(key));
        pending.set(key, fetching);
      }
      decision = await fetching;
    }
    if (!decision.allowed) {
      const msg = forbiddenMessage(user.username, info, decision.reason);
      if (!info.isResourceRequest) throw statusErrors.forbiddenMessage(`forbidden: ${msg}`);
      throw statusErrors.forbidden({ group: info.apiGroup, resource: info.resource }, info.name, msg);
    }
    await next(req, res);
  };
}
