// k8s parity: WithAuthorization and responsewriters.ForbiddenStatusError. Decisions are cached
// briefly (kube-apiserver's webhook authorizer caches for 10 s), so a revoked permission is seen
// within that window.
import { statusErrors } from '@portico/api';
import { Decision, type AuthorizeRequest, type AuthServicePort } from '@portico/proto';
import { callContext, contextOf } from '../request/context';
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
    const now = Date.now();
    let decision = cache.get(key);
    if (decision === undefined || decision.until <= now) {
      let allowed: boolean;
      let reason: string;
      try {
        const r = await auth.authorize(attrs, callContext(ctx));
        allowed = r.decision === Decision.DECISION_ALLOW;
        reason = r.reason;
      } catch {
        throw statusErrors.serviceUnavailable('the authorization service is unavailable');
      }
      decision = { allowed, reason, until: now + cacheMs };
      if (cache.size > 10_000) cache.clear();
      cache.set(key, decision);
    }
    if (!decision.allowed) {
      const msg = forbiddenMessage(user.username, info, decision.reason);
      if (!info.isResourceRequest) throw statusErrors.forbiddenMessage(`forbidden: ${msg}`);
      throw statusErrors.forbidden({ group: info.apiGroup, resource: info.resource }, info.name, msg);
    }
    await next(req, res);
  };
}
