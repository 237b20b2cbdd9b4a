// The review APIs, which store nothing and answer with the object they were sent plus a status
// (k8s parity: pkg/registry/authentication/{tokenreview,selfsubjectreview} and
// pkg/registry/authorization/{subjectaccessreview,selfsubjectaccessreview,localsubjectaccessreview,
// selfsubjectrulesreview}). Decisions come from the auth service, the same one the filter chain asks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, fieldErrors, isPlainObject, statusErrors, type FieldError, type KubeObject } from '@portico/api';
import { Decision, type AuthorizeRequest, type AuthServicePort, type UserInfo } from '@portico/proto';
import { callContext, contextOf } from '../request/context';
import { writeJson } from '../responses/writers';
import { decodeBody } from './negotiation';

type Obj = Record<string, unknown>;

const authnGroup = 'authentication.k8s.io';
const authzGroup = 'authorization.k8s.io';

const kinds: Record<string, { group: string; versions: string[]; kind: string; namespaced: boolean }> = {
  selfsubjectreviews: { group: authnGroup, versions: ['v1', 'v1beta1', 'v1alpha1'], kind: 'SelfSubjectReview', namespaced: false },
  tokenreviews: { group: authnGroup, versions: ['v1'], kind: 'TokenReview', namespaced: false },
  subjectaccessreviews: { group: authzGroup, versions: ['v1'], kind: 'SubjectAccessReview', namespaced: false },
  selfsubjectaccessreviews: { group: authzGroup, versions: ['v1'], kind: 'SelfSubjectAccessReview', namespaced: false },
  localsubjectaccessreviews: { group: authzGroup, versions: ['v1'], kind: 'LocalSubjectAccessReview', namespaced: true },
  selfsubjectrulesreviews: { group: authzGroup, versions: ['v1'], kind: 'SelfSubjectRulesReview', namespaced: false },
};

const obj = (v: unknown): Obj => (isPlainObject(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** authenticationv1.UserInfo as JSON: empty uid and extra are omitted. */
export function userInfoJson(u: UserInfo): Obj {
  const out: Obj = { username: u.username };
  if (u.uid !== '') out['uid'] = u.uid;
  out['groups'] = u.groups;
  const extra = Object.entries(u.extra);
  if (extra.length > 0) out['extra'] = Object.fromEntries(extra.map(([k, v]) => [k, v.values]));
  return out;
}

function extraFrom(v: unknown): UserInfo['extra'] {
  const out: UserInfo['extra'] = {};
  for (const [k, vals] of Object.entries(obj(v))) out[k] = { values: strs(vals) };
  return out;
}

/** The attributes a SubjectAccessReview spec describes, for the given user. */
function attributesOf(spec: Obj, user: UserInfo): AuthorizeRequest {
  const ra = spec['resourceAttributes'];
  if (isPlainObject(ra)) {
    const r = ra as Obj;
    return {
      user,
      verb: str(r['verb']),
      apiGroup: str(r['group']),
      apiVersion: str(r['version']),
      resource: str(r['resource']),
      subresource: str(r['subresource']),
      namespace: str(r['namespace']),
      name: str(r['name']),
      path: '',
      resourceRequest: true,
    };
  }
  const nr = obj(spec['nonResourceAttributes']);
  return { user, verb: str(nr['verb']), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path: str(nr['path']), resourceRequest: false };
}

/** ValidateSubjectAccessReviewSpec (and its self/local variants). */
function validateSpec(spec: Obj, needsSubject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const hasRA = isPlainObject(spec['resourceAttributes']);
  const hasNRA = isPlainObject(spec['nonResourceAttributes']);
  if (hasRA && hasNRA) errs.push(fieldErrors.invalid('spec.nonResourceAttributes', '', 'cannot be specified in combination with resourceAttributes'));
  if (!hasRA && !hasNRA) errs.push(fieldErrors.invalid('spec.resourceAttributes', '', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (needsSubject && str(spec['user']) === '' && strs(spec['groups']).length === 0) {
    errs.push(fieldErrors.invalid('spec.user', '', 'at least one of user or group must be specified'));
  }
  return errs;
}

async function authorize(auth: AuthServicePort, attrs: AuthorizeRequest, ctx: Parameters<AuthServicePort['authorize']>[1]): Promise<Obj> {
  let r;
  try {
    r = await auth.authorize(attrs, ctx);
  } catch (e) {
    throw new StatusError(statusErrors.serviceUnavailable('the authorization service is unavailable').status, { cause: e });
  }
  const status: Obj = { allowed: r.decision === Decision.DECISION_ALLOW };
  if (r.decision === Decision.DECISION_DENY) status['denied'] = true;
  if (r.reason !== '') status['reason'] = r.reason;
  if (r.evaluationError !== '') status['evaluationError'] = r.evaluationError;
  return status;
}

/**
 * Serves a create on one of the review resources; returns false when the request is for
 * something else.
 */
export async function serveReview(req: IncomingMessage, res: ServerResponse, auth: AuthServicePort): Promise<boolean> {
  const ctx = contextOf(req);
  const info = ctx.info;
  const k = kinds[info.resource];
  if (k === undefined || info.apiGroup !== k.group || !k.versions.includes(info.apiVersion) || info.subresource !== '') return false;
  if (info.name !== '' || (k.namespaced ? info.namespace === '' : info.namespace !== '')) throw statusErrors.notFoundPath();
  if (info.verb !== 'create') throw statusErrors.methodNotSupported({ group: k.group, resource: info.resource }, info.verb);
  const apiVersion = `${k.group}/${info.apiVersion}`;
  const decoded = decodeBody(ctx.body ?? Buffer.from('{}'), req.headers['content-type'], { apiVersion, kind: k.kind });
  if (!isPlainObject(decoded)) throw statusErrors.badRequest(`the object provided is unrecognized (must be of type ${k.kind})`);
  const review = decoded as KubeObject;
  const kind = str(review.kind) || k.kind;
  if (kind !== k.kind) throw statusErrors.badRequest(`${kind} in version "${apiVersion}" cannot be handled as a ${k.kind}`);
  const user = ctx.user;
  if (user === undefined) throw statusErrors.unauthorized();
  const call = callContext(ctx);
  const spec = obj(review['spec']);
  const out: Obj = { kind: k.kind, apiVersion, metadata: { ...obj(review.metadata), creationTimestamp: null }, spec: review['spec'] ?? {} };
  switch (k.kind) {
    case 'SelfSubjectReview':
      out['status'] = { userInfo: userInfoJson(user) };
      delete out['spec'];
      break;
    case 'TokenReview': {
      const token = str(spec['token']);
      if (token === '') throw statusErrors.invalid(k.group, k.kind, '', [fieldErrors.required('spec.token', '')]);
      const audiences = strs(spec['audiences']);
      let r;
      try {
        r = await auth.authenticate({ bearerToken: token, clientCertificateChain: [], audiences }, call);
      } catch (e) {
        throw new StatusError(statusErrors.serviceUnavailable('the authentication service is unavailable').status, { cause: e });
      }
      out['status'] =
        r.authenticated && r.user !== undefined && r.user.username !== 'system:anonymous'
          ? { authenticated: true, user: userInfoJson(r.user), audiences: r.audiences }
          : { user: {}, error: 'invalid bearer token' };
      break;
    }
    case 'SelfSubjectAccessReview': {
      const errs = validateSpec(spec, false);
      if (errs.length > 0) throw statusErrors.invalid(k.group, k.kind, '', errs);
      out['status'] = await authorize(auth, attributesOf(spec, user), call);
      break;
    }
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const errs = validateSpec(spec, true);
      if (errs.length > 0) throw statusErrors.invalid(k.group, k.kind, '', errs);
      if (k.kind === 'LocalSubjectAccessReview') {
        if (isPlainObject(spec['nonResourceAttributes'])) throw statusErrors.invalid(k.group, k.kind, '', [fieldErrors.invalid('spec.nonResourceAttributes', '', 'disallowed on this kind of request')]);
        if (str(obj(spec['resourceAttributes'])['namespace']) !== info.namespace) {
          throw statusErrors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${info.namespace}`);
        }
      }
      const subject: UserInfo = { username: str(spec['user']), uid: str(spec['uid']), groups: strs(spec['groups']), extra: extraFrom(spec['extra']) };
      out['status'] = await authorize(auth, attributesOf(spec, subject), call);
      break;
    }
    case 'SelfSubjectRulesReview': {
      const namespace = str(spec['namespace']);
      if (namespace === '') throw statusErrors.badRequest(`no namespace on request`);
      let r;
      try {
        r = await auth.rulesFor({ user, namespace }, call);
      } catch (e) {
        throw new StatusError(statusErrors.serviceUnavailable('the authorization service is unavailable').status, { cause: e });
      }
      const status: Obj = {
        resourceRules: r.resourceRules.map((x) => ({
          verbs: x.verbs,
          apiGroups: x.apiGroups,
          resources: x.resources,
          ...(x.resourceNames.length > 0 ? { resourceNames: x.resourceNames } : {}),
        })),
        nonResourceRules: r.nonResourceRules.map((x) => ({ verbs: x.verbs, nonResourceURLs: x.nonResourceUrls })),
        incomplete: r.incomplete,
      };
      if (r.evaluationError !== '') status['evaluationError'] = r.evaluationError;
      out['status'] = status;
      break;
    }
  }
  writeJson(res, 201, out, { pretty: ctx.pretty });
  return true;
}
