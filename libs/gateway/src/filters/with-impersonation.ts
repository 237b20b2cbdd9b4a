// k8s parity: apiserver pkg/endpoints/filters/impersonation.go. Each Impersonate-* header is a
// request to act as someone else, authorized as verb "impersonate" on users, groups,
// serviceaccounts, uids or userextras/<key>; any refusal is a 403 naming what was refused. The
// request then continues as the impersonated user, with the headers removed.
import type { IncomingMessage } from 'node:http';
import { statusErrors } from '@portico/api';
import { Decision, type AuthorizeRequest, type AuthServicePort, type UserInfo } from '@portico/proto';
import { callContext, contextOf } from '../request/context';
import type { Handler } from './handler';

const userHeader = 'impersonate-user';
const groupHeader = 'impersonate-group';
const uidHeader = 'impersonate-uid';
const extraPrefix = 'impersonate-extra-';
const saPrefix = 'system:serviceaccount:';

interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  /** The extra key, for UserExtra. */
  fieldPath: string;
}

/** Header values as sent: node joins repeated unknown headers with ", ", so the raw list is read instead. */
function headerValues(req: IncomingMessage, lowerName: string): string[] {
  const out: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === lowerName) out.push(raw[i + 1] as string);
  return out;
}

function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(saPrefix)) return undefined;
  const parts = username.slice(saPrefix.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0] as string, name: parts[1] as string };
}

/** buildImpersonationRequests: throws a 400 for groups, extra or uid without a user. */
export function impersonationRequests(req: IncomingMessage): ImpersonationRequest[] {
  const out: ImpersonationRequest[] = [];
  const user = headerValues(req, userHeader)[0] ?? '';
  if (user !== '') {
    const sa = splitServiceAccount(user);
    out.push(sa !== undefined ? { kind: 'ServiceAccount', ...sa, fieldPath: '' } : { kind: 'User', namespace: '', name: user, fieldPath: '' });
  }
  for (const g of headerValues(req, groupHeader)) out.push({ kind: 'Group', namespace: '', name: g, fieldPath: '' });
  const extraNames = new Set<string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const n = (req.rawHeaders[i] as string).toLowerCase();
    if (n.startsWith(extraPrefix)) extraNames.add(n);
  }
  for (const n of extraNames) {
    let key = n.slice(extraPrefix.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      /* kube keeps a key that does not unescape as it is */
    }
    for (const v of headerValues(req, n)) out.push({ kind: 'UserExtra', namespace: '', name: v, fieldPath: key });
  }
  const uid = headerValues(req, uidHeader)[0] ?? '';
  if (uid !== '') out.push({ kind: 'UID', namespace: '', name: uid, fieldPath: '' });
  if (user === '' && out.length > 0) {
    // Go's %v of the v1.ObjectReference list: Kind Namespace Name UID APIVersion ResourceVersion FieldPath.
    const apiVersion = (r: ImpersonationRequest) => (r.kind === 'UserExtra' || r.kind === 'UID' ? 'authentication.k8s.io/v1' : '');
    const what = out.map((r) => `{${r.kind} ${r.namespace} ${r.name}  ${apiVersion(r)}  ${r.fieldPath}}`).join(' ');
    throw statusErrors.badRequest(`requested [${what}] without impersonating a user`);
  }
  return out;
}

function attributesFor(r: ImpersonationRequest, user: UserInfo): AuthorizeRequest {
  const base = { user, verb: 'impersonate', apiVersion: 'v1', path: '', resourceRequest: true, subresource: '', namespace: '', name: r.name };
  switch (r.kind) {
    case 'ServiceAccount':
      return { ...base, apiGroup: '', resource: 'serviceaccounts', namespace: r.namespace };
    case 'User':
      return { ...base, apiGroup: '', resource: 'users' };
    case 'Group':
      return { ...base, apiGroup: '', resource: 'groups' };
    case 'UserExtra':
      return { ...base, apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: r.fieldPath };
    case 'UID':
      return { ...base, apiGroup: 'authentication.k8s.io', resource: 'uids' };
  }
}

function forbidden(a: AuthorizeRequest, username: string, reason: string) {
  const res = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
  let msg = `User "${username}" cannot impersonate resource "${res}" in API group "${a.apiGroup}"`;
  msg += a.namespace !== '' ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  if (reason !== '') msg += `: ${reason}`;
  return statusErrors.forbidden({ group: a.apiGroup, resource: a.resource }, a.name, msg);
}

export function withImpersonation(next: Handler, auth: AuthServicePort): Handler {
  return async (req, res) => {
    const requests = impersonationRequests(req);
    if (requests.length === 0) return next(req, res);
    const ctx = contextOf(req);
    const requestor = ctx.user;
    if (requestor === undefined) throw statusErrors.unauthorized();
    let username = '';
    let uid = '';
    let groups: string[] = [];
    const extra: UserInfo['extra'] = {};
    const groupsSpecified = headerValues(req, groupHeader).length > 0;
    for (const r of requests) {
      const attrs = attributesFor(r, requestor);
      switch (r.kind) {
        case 'ServiceAccount':
          username = `${saPrefix}${r.namespace}:${r.name}`;
          if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${r.namespace}`];
          break;
        case 'User':
          username = r.name;
          break;
        case 'Group':
          groups.push(r.name);
          break;
        case 'UserExtra':
          (extra[r.fieldPath] ??= { values: [] }).values.push(r.name);
          break;
        case 'UID':
          uid = r.name;
          break;
      }
      let allowed = false;
      let reason = '';
      try {
        const d = await auth.authorize(attrs, callContext(ctx));
        allowed = d.decision === Decision.DECISION_ALLOW;
        reason = d.reason;
      } catch {
        throw statusErrors.serviceUnavailable('the authorization service is unavailable');
      }
      if (!allowed) throw forbidden(attrs, requestor.username, reason);
    }
    if (username !== 'system:anonymous') {
      if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) groups.push('system:authenticated');
    } else if (!groups.includes('system:unauthenticated')) {
      groups.push('system:unauthenticated');
    }
    ctx.user = { username, uid, groups, extra };
    for (const h of Object.keys(req.headers)) if (h.startsWith('impersonate-')) delete req.headers[h];
    await next(req, res);
  };
}
