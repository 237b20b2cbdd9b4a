// k8s parity: admissionregistration.k8s.io/v1 MutatingWebhookConfiguration,
// ValidatingWebhookConfiguration, ValidatingAdmissionPolicy (+status) and
// ValidatingAdmissionPolicyBinding: kubernetes pkg/apis/admissionregistration/v1/defaults.go,
// pkg/apis/admissionregistration/validation/validation.go, k8s.io/apiserver pkg/util/webhook
// (ValidateWebhookURL / ValidateWebhookService) and pkg/registry/admissionregistration/*/strategy.go.
// CEL expressions are checked for presence only (compiling them is another issue), and the
// paramKind authorization of policies needs an authorizer (gateway side).
import { type FieldError, FieldPath, type KubeObject, fieldErrors, goQuote, goStringSlice, isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName } from '@portico/api';
import { builtin, genericMeta } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import {
  type Obj,
  goApprox,
  goTypedStrings,
  has,
  isObj,
  isValidPortNum,
  n,
  obj,
  objs,
  s,
  setDefault,
  strs,
  validateLabelSelector,
  validateMetaConditions,
  validateQualifiedName,
} from '../validation/common';

type Errs = FieldError[];

const group = 'admissionregistration.k8s.io';
const categories = ['api-extensions'];

const failurePolicies = ['Fail', 'Ignore'];
const matchPolicies = ['Equivalent', 'Exact'];
const allSideEffects = ['None', 'NoneOnDryRun', 'Some', 'Unknown'];
const noSideEffects = ['None', 'NoneOnDryRun'];
const operations = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const reinvocationPolicies = ['IfNeeded', 'Never'];
const scopes = ['*', 'Cluster', 'Namespaced'];
const acceptedReviewVersions = ['v1', 'v1beta1'];
const policyReasons = ['Forbidden', 'Invalid', 'RequestEntityTooLarge'];
const validationActions = ['Audit', 'Deny', 'Warn'];

// ---------------------------------------------------------------------------------------------
// Defaults (SetDefaults_ValidatingWebhook / _MutatingWebhook / _Rule / _ServiceReference /
// _ValidatingAdmissionPolicySpec / _MatchResources)

function defaultRules(rules: unknown): void {
  for (const r of objs(rules)) setDefault(r, 'scope', '*');
}

function defaultWebhook(hook: Obj, mutating: boolean): void {
  setDefault(hook, 'failurePolicy', 'Fail');
  setDefault(hook, 'matchPolicy', 'Equivalent');
  setDefault(hook, 'namespaceSelector', {});
  setDefault(hook, 'objectSelector', {});
  setDefault(hook, 'timeoutSeconds', 10);
  if (mutating) setDefault(hook, 'reinvocationPolicy', 'Never');
  defaultRules(hook.rules);
  const cc = obj(hook.clientConfig);
  if (isObj(cc.service)) setDefault(cc.service, 'port', 443);
}

function defaultMatchResources(mr: unknown): void {
  if (!isObj(mr)) return;
  setDefault(mr, 'matchPolicy', 'Equivalent');
  setDefault(mr, 'namespaceSelector', {});
  setDefault(mr, 'objectSelector', {});
  defaultRules(mr.resourceRules);
  defaultRules(mr.excludeResourceRules);
}

// ---------------------------------------------------------------------------------------------
// Go's url.Parse, as far as ValidateWebhookURL sees it

interface GoURL {
  scheme: string;
  host: string;
  user?: string;
  fragment: string;
  rawQuery: string;
}

function unescapeOk(v: string): string | undefined {
  const m = /%(?![0-9A-Fa-f]{2})/.exec(v);
  return m === null ? undefined : v.slice(m.index, m.index + 3);
}

/** net/url.Parse: the parts webhook validation reads, or Go's error text. */
export function parseGoURL(raw: string): GoURL | { error: string } {
  const fail = (msg: string) => ({ error: `parse ${goQuote(raw)}: ${msg}` });
  const hashAt = raw.indexOf('#');
  let rest = hashAt < 0 ? raw : raw.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : raw.slice(hashAt + 1);
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return fail('net/url: invalid control character in URL');
  const u: GoURL = { scheme: '', host: '', fragment, rawQuery: '' };
  const badFragEscape = unescapeOk(fragment);
  if (badFragEscape !== undefined) return fail(`invalid URL escape ${goQuote(badFragEscape)}`);
  if (rest === '' || rest === '*') return u;
  // getScheme
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return fail('missing protocol scheme');
      u.scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') return u; // opaque
    const slash = rest.indexOf('/');
    const seg = slash < 0 ? rest : rest.slice(0, slash);
    if (seg.includes(':')) return fail('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    } else rest = '';
    const at = authority.lastIndexOf('@');
    let host = authority;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return fail('net/url: invalid userinfo');
      u.user = userinfo;
      host = authority.slice(at + 1);
    }
    if (host.startsWith('[')) {
      const close = host.lastIndexOf(']');
      if (close < 0) return fail("missing ']' in host");
      const port = host.slice(close + 1);
      if (port !== '' && !/^:[0-9]*$/.test(port)) return fail(`invalid port ${goQuote(port)} after host`);
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0) {
        const port = host.slice(colon);
        if (!/^:[0-9]*$/.test(port)) return fail(`invalid port ${goQuote(port)} after host`);
      }
    }
    const badHostEscape = unescapeOk(host);
    if (badHostEscape !== undefined) return fail(`invalid URL escape ${goQuote(badHostEscape)}`);
    u.host = host;
  }
  const badPathEscape = unescapeOk(rest);
  if (badPathEscape !== undefined) return fail(`invalid URL escape ${goQuote(badPathEscape)}`);
  return u;
}

/** webhook.ValidateWebhookURL (forceHttps). */
export function validateWebhookURL(p: FieldPath, url: string, forceHttps: boolean): Errs {
  const errs: Errs = [];
  const form = '; desired format: https://host[/path]';
  const u = parseGoURL(url);
  if ('error' in u) return [fieldErrors.required(String(p), `url must be a valid URL: ${u.error}${form}`)];
  if (forceHttps && u.scheme !== 'https') errs.push(fieldErrors.invalid(String(p), u.scheme, `'https' is the only allowed URL scheme${form}`));
  if (u.host === '') errs.push(fieldErrors.invalid(String(p), u.host, `host must be provided${form}`));
  if (u.user !== undefined) errs.push(fieldErrors.invalid(String(p), u.user, 'user information is not permitted in the URL'));
  if (u.fragment !== '') errs.push(fieldErrors.invalid(String(p), u.fragment, 'fragments are not permitted in the URL'));
  if (u.rawQuery !== '') errs.push(fieldErrors.invalid(String(p), u.rawQuery, 'query parameters are not permitted in the URL'));
  return errs;
}

/** webhook.ValidateWebhookService. */
export function validateWebhookService(p: FieldPath, svc: Obj): Errs {
  const errs: Errs = [];
  if (s(svc.name) === '') errs.push(fieldErrors.required(String(p.child('name')), 'service name is required'));
  if (s(svc.namespace) === '') errs.push(fieldErrors.required(String(p.child('namespace')), 'service namespace is required'));
  const port = n(svc.port);
  const portErrs = isValidPortNum(port);
  if (portErrs.length > 0) errs.push(fieldErrors.invalid(String(p.child('port')), port, `port is not valid: ${portErrs.join(', ')}`));
  if (typeof svc.path !== 'string') return errs;
  const urlPath = svc.path;
  const pp = String(p.child('path'));
  if (urlPath === '/' || urlPath === '') return errs;
  if (urlPath === '//') return [...errs, fieldErrors.invalid(pp, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(fieldErrors.invalid(pp, urlPath, "must start with a '/'"));
  let check = urlPath.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (step === '') {
      errs.push(fieldErrors.invalid(pp, urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const f of isDNS1123Subdomain(step)) errs.push(fieldErrors.invalid(pp, urlPath, `segment[${i}]: ${f}`));
  });
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Rules

function validateResources(resources: string[], p: FieldPath): Errs {
  const errs: Errs = [];
  if (resources.length === 0) errs.push(fieldErrors.required(String(p)));
  const resWithWildcardSub = new Set<string>();
  const subWithWildcardRes = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let resourceWithoutSub = false;
  resources.forEach((resSub, i) => {
    if (resSub === '') {
      errs.push(fieldErrors.required(String(p.index(i))));
      return;
    }
    if (resSub === '*/*') doubleWildcard = true;
    if (resSub === '*') singleWildcard = true;
    const slash = resSub.indexOf('/');
    if (slash < 0) {
      resourceWithoutSub = resSub !== '*';
      return;
    }
    const res = resSub.slice(0, slash);
    const sub = resSub.slice(slash + 1);
    if (resWithWildcardSub.has(res)) errs.push(fieldErrors.invalid(String(p.index(i)), resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (subWithWildcardRes.has(sub)) errs.push(fieldErrors.invalid(String(p.index(i)), resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === '*') resWithWildcardSub.add(res);
    if (res === '*') subWithWildcardRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(fieldErrors.invalid(String(p), goStringSlice(resources), "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && resourceWithoutSub) errs.push(fieldErrors.invalid(String(p), goStringSlice(resources), "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

function validateRule(rule: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const groups = strs(rule.apiGroups);
  const versions = strs(rule.apiVersions);
  if (groups.length === 0) errs.push(fieldErrors.required(String(p.child('apiGroups'))));
  if (groups.length > 1 && groups.includes('*')) errs.push(fieldErrors.invalid(String(p.child('apiGroups')), goStringSlice(groups), "if '*' is present, must not specify other API groups"));
  if (versions.length === 0) errs.push(fieldErrors.required(String(p.child('apiVersions'))));
  if (versions.length > 1 && versions.includes('*')) errs.push(fieldErrors.invalid(String(p.child('apiVersions')), goStringSlice(versions), "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '') errs.push(fieldErrors.required(String(p.child('apiVersions').index(i))));
  });
  errs.push(...validateResources(strs(rule.resources), p.child('resources')));
  if (has(rule.scope) && !scopes.includes(s(rule.scope))) errs.push(fieldErrors.notSupported(String(p.child('scope')), s(rule.scope), scopes));
  return errs;
}

function validateRuleWithOperations(rule: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const ops = strs(rule.operations);
  if (ops.length === 0) errs.push(fieldErrors.required(String(p.child('operations'))));
  if (ops.length > 1 && ops.includes('*')) {
    errs.push(fieldErrors.invalid(String(p.child('operations')), goTypedStrings('admissionregistration.OperationType', ops), "if '*' is present, must not specify other operations"));
  }
  ops.forEach((op, i) => {
    if (!operations.includes(op)) errs.push(fieldErrors.notSupported(String(p.child('operations').index(i)), op, operations));
  });
  return [...errs, ...validateRule(rule, p)];
}

// ---------------------------------------------------------------------------------------------
// Webhooks

interface WebhookOptions {
  ignoreMatchConditions: boolean;
  requireNoSideEffects: boolean;
  requireRecognizedAdmissionReviewVersion: boolean;
  requireUniqueWebhookNames: boolean;
  allowInvalidLabelValueInSelector: boolean;
}

const createOptions: WebhookOptions = {
  ignoreMatchConditions: false,
  requireNoSideEffects: true,
  requireRecognizedAdmissionReviewVersion: true,
  requireUniqueWebhookNames: true,
  allowInvalidLabelValueInSelector: false,
};

/** utilvalidation.IsFullyQualifiedName. */
function isFullyQualifiedName(p: FieldPath, name: string): Errs {
  if (name === '') return [fieldErrors.required(String(p))];
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [fieldErrors.invalid(String(p), name, errs.join(','))];
  if (name.split('.').length < 3) return [fieldErrors.invalid(String(p), name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

function validateMatchConditions(conditions: unknown, p: FieldPath): Errs {
  const errs: Errs = [];
  const list = objs(conditions);
  if (list.length > 64) errs.push(fieldErrors.tooMany(String(p), list.length, 64));
  const names = new Set<string>();
  list.forEach((mc, i) => {
    const cp = p.index(i);
    if (s(mc.expression).trim() === '') errs.push(fieldErrors.required(String(cp.child('expression'))));
    const name = s(mc.name);
    if (name === '') errs.push(fieldErrors.required(String(cp.child('name'))));
    else errs.push(...validateQualifiedName(name, cp.child('name')));
    if (name !== '') {
      if (names.has(name)) errs.push(fieldErrors.duplicate(String(cp.child('name')), name));
      else names.add(name);
    }
  });
  return errs;
}

function validateWebhook(hook: Obj, mutating: boolean, opts: WebhookOptions, p: FieldPath): Errs {
  const errs = isFullyQualifiedName(p.child('name'), s(hook.name));
  objs(hook.rules).forEach((r, i) => errs.push(...validateRuleWithOperations(r, p.child('rules').index(i))));
  if (has(hook.failurePolicy) && !failurePolicies.includes(s(hook.failurePolicy))) errs.push(fieldErrors.notSupported(String(p.child('failurePolicy')), s(hook.failurePolicy), failurePolicies));
  if (has(hook.matchPolicy) && !matchPolicies.includes(s(hook.matchPolicy))) errs.push(fieldErrors.notSupported(String(p.child('matchPolicy')), s(hook.matchPolicy), matchPolicies));
  const allowed = opts.requireNoSideEffects ? noSideEffects : allSideEffects;
  if (!has(hook.sideEffects)) errs.push(fieldErrors.required(String(p.child('sideEffects')), `must specify one of ${allowed.join(', ')}`));
  else if (!allowed.includes(s(hook.sideEffects))) errs.push(fieldErrors.notSupported(String(p.child('sideEffects')), s(hook.sideEffects), allowed));
  if (has(hook.timeoutSeconds) && (n(hook.timeoutSeconds) > 30 || n(hook.timeoutSeconds) < 1)) {
    errs.push(fieldErrors.invalid(String(p.child('timeoutSeconds')), n(hook.timeoutSeconds), 'the timeout value must be between 1 and 30 seconds'));
  }
  errs.push(...validateLabelSelector(hook.namespaceSelector, p.child('namespaceSelector'), opts.allowInvalidLabelValueInSelector));
  errs.push(...validateLabelSelector(hook.objectSelector, p.child('objectSelector'), opts.allowInvalidLabelValueInSelector));
  if (mutating && has(hook.reinvocationPolicy) && !reinvocationPolicies.includes(s(hook.reinvocationPolicy))) {
    errs.push(fieldErrors.notSupported(String(p.child('reinvocationPolicy')), s(hook.reinvocationPolicy), reinvocationPolicies));
  }
  const cc = obj(hook.clientConfig);
  const ccp = p.child('clientConfig');
  if (has(cc.url) === has(cc.service)) errs.push(fieldErrors.required(String(ccp), 'exactly one of url or service is required'));
  else if (has(cc.url)) errs.push(...validateWebhookURL(ccp.child('url'), s(cc.url), true));
  else errs.push(...validateWebhookService(ccp.child('service'), obj(cc.service)));
  if (!opts.ignoreMatchConditions) errs.push(...validateMatchConditions(hook.matchConditions, p.child('matchConditions')));
  return errs;
}

function validateAdmissionReviewVersions(versions: string[], requireRecognized: boolean, p: FieldPath): Errs {
  if (versions.length === 0) return [fieldErrors.required(String(p), `must specify one of ${acceptedReviewVersions.join(', ')}`)];
  const errs: Errs = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErrors.invalid(String(p.index(i)), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldErrors.invalid(String(p.index(i)), v, m));
    if (acceptedReviewVersions.includes(v)) accepted = true;
  });
  if (requireRecognized && !accepted) errs.push(fieldErrors.invalid(String(p), goStringSlice(versions), `must include at least one of ${acceptedReviewVersions.join(', ')}`));
  return errs;
}

function validateWebhookConfiguration(cfg: KubeObject, mutating: boolean, opts: WebhookOptions): Errs {
  const errs = genericMeta(cfg, false);
  const names = new Set<string>();
  objs(cfg.webhooks).forEach((hook, i) => {
    const hp = FieldPath.root('webhooks').index(i);
    errs.push(...validateWebhook(hook, mutating, opts, hp));
    errs.push(...validateAdmissionReviewVersions(strs(hook.admissionReviewVersions), opts.requireRecognizedAdmissionReviewVersion, hp.child('admissionReviewVersions')));
    const name = s(hook.name);
    if (opts.requireUniqueWebhookNames && name !== '') {
      if (names.has(name)) errs.push(fieldErrors.duplicate(String(hp.child('name')), name));
      else names.add(name);
    }
  });
  return errs;
}

/** What an update may keep from the stored configuration (ValidateXWebhookConfigurationUpdate). */
function updateOptions(cfg: KubeObject, old: KubeObject): WebhookOptions {
  const hooks = objs(cfg.webhooks);
  const oldHooks = objs(old.webhooks);
  const selectorInvalid = (sel: unknown) => isObj(sel) && validateLabelSelector(sel, '').length > 0;
  const names = oldHooks.map((h) => s(h.name));
  return {
    ignoreMatchConditions: hooks.length === oldHooks.length && oldHooks.every((h, i) => deepEqualJson(hooks[i]?.matchConditions, h.matchConditions)),
    requireNoSideEffects: oldHooks.every((h) => has(h.sideEffects) && noSideEffects.includes(s(h.sideEffects))),
    requireRecognizedAdmissionReviewVersion: oldHooks.every((h) => {
      const vs = strs(h.admissionReviewVersions);
      return vs.length === 0 || vs.some((v) => acceptedReviewVersions.includes(v));
    }),
    requireUniqueWebhookNames: new Set(names).size === names.length,
    allowInvalidLabelValueInSelector: oldHooks.some((h) => selectorInvalid(h.namespaceSelector) || selectorInvalid(h.objectSelector)),
  };
}

function webhookConfiguration(resource: string, kind: string, mutating: boolean) {
  return builtin({
    group,
    version: 'v1',
    resource,
    kind,
    categories,
    tracksGeneration: true,
    strategy: { allowUnconditionalUpdate: false },
    defaults(cfg) {
      for (const hook of objs(cfg.webhooks)) defaultWebhook(hook, mutating);
    },
    validate: (cfg) => validateWebhookConfiguration(cfg, mutating, createOptions),
    validateUpdate: (cfg, old) => validateWebhookConfiguration(cfg, mutating, updateOptions(cfg, old)),
  });
}

export const mutatingwebhookconfigurations = webhookConfiguration('mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', true);
export const validatingwebhookconfigurations = webhookConfiguration('validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false);

// ---------------------------------------------------------------------------------------------
// ValidatingAdmissionPolicy / Binding

function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  if (gv === '' || gv === '/') return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: gv };
  if (parts.length === 2) return { group: parts[0] as string, version: parts[1] as string };
  return undefined;
}

function validateParamKind(pk: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const apiVersion = s(pk.apiVersion);
  const ap = String(p.child('apiVersion'));
  if (apiVersion === '') errs.push(fieldErrors.required(ap));
  else {
    const gv = parseGroupVersion(apiVersion);
    if (gv === undefined) errs.push(fieldErrors.invalid(ap, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
    else {
      if (gv.group !== '') {
        const e = isDNS1123Subdomain(gv.group);
        if (e.length > 0) errs.push(fieldErrors.invalid(ap, gv.group, e.join(',')));
      }
      if (gv.version === '') errs.push(fieldErrors.invalid(ap, apiVersion, 'version must be specified'));
      else {
        const e = isDNS1035Label(gv.version);
        if (e.length > 0) errs.push(fieldErrors.invalid(ap, gv.version, e.join(',')));
      }
    }
  }
  const kind = s(pk.kind);
  if (kind === '') errs.push(fieldErrors.required(String(p.child('kind'))));
  else {
    const e = isDNS1035Label(kind.toLowerCase());
    if (e.length > 0) errs.push(fieldErrors.invalid(String(p.child('kind')), kind, `may have mixed case, but should otherwise match: ${e.join(',')}`));
  }
  return errs;
}

function validateNamedRuleWithOperations(rule: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  strs(rule.resourceNames).forEach((name, i) => {
    for (const m of isValidPathSegmentName(name)) errs.push(fieldErrors.invalid(String(p.child('resourceNames').index(i)), name, m));
    if (seen.has(name)) errs.push(fieldErrors.duplicate(String(p.child('resourceNames').index(i)), name));
    else seen.add(name);
  });
  return [...errs, ...validateRuleWithOperations(rule, p)];
}

function validateMatchResources(mr: unknown, p: FieldPath): Errs {
  if (!isObj(mr)) return [];
  const errs: Errs = [];
  if (!has(mr.matchPolicy)) errs.push(fieldErrors.required(String(p.child('matchPolicy'))));
  else if (!matchPolicies.includes(s(mr.matchPolicy))) errs.push(fieldErrors.notSupported(String(p.child('matchPolicy')), s(mr.matchPolicy), matchPolicies));
  if (!isObj(mr.namespaceSelector)) errs.push(fieldErrors.required(String(p.child('namespaceSelector'))));
  else errs.push(...validateLabelSelector(mr.namespaceSelector, p.child('namespaceSelector')));
  if (!isObj(mr.objectSelector)) errs.push(fieldErrors.required(String(p.child('objectSelector'))));
  else errs.push(...validateLabelSelector(mr.objectSelector, p.child('objectSelector')));
  objs(mr.resourceRules).forEach((r, i) => errs.push(...validateNamedRuleWithOperations(r, p.child('resourceRules').index(i))));
  objs(mr.excludeResourceRules).forEach((r, i) => errs.push(...validateNamedRuleWithOperations(r, p.child('excludeResourceRules').index(i))));
  return errs;
}

const celIdent = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const celReserved = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

function validateValidation(v: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (s(v.expression).trim() === '') errs.push(fieldErrors.required(String(p.child('expression')), 'expression is not specified'));
  const messageExpression = s(v.messageExpression);
  if (messageExpression.length > 0 && messageExpression.trim() === '') errs.push(fieldErrors.invalid(String(p.child('messageExpression')), messageExpression, 'must be non-empty if specified'));
  const message = s(v.message);
  if (message.length > 0 && message.trim() === '') errs.push(fieldErrors.invalid(String(p.child('message')), message, 'message must be non-empty if specified'));
  else if (/[\n\r]/.test(message.trim())) errs.push(fieldErrors.invalid(String(p.child('message')), message, 'message must not contain line breaks'));
  if (has(v.reason) && !policyReasons.includes(s(v.reason))) errs.push(fieldErrors.notSupported(String(p.child('reason')), s(v.reason), policyReasons));
  return errs;
}

function validateAuditAnnotation(policyName: string, a: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const key = s(a.key);
  if (policyName !== '') errs.push(...validateQualifiedName(`${policyName}/${key}`, p.child('key')));
  else errs.push(fieldErrors.invalid(String(p.child('key')), key, 'requires metadata.name be non-empty'));
  const value = s(a.valueExpression).trim();
  if (value === '') errs.push(fieldErrors.required(String(p.child('valueExpression')), 'valueExpression is not specified'));
  else if (Buffer.byteLength(value) > 5 * 1024) errs.push(fieldErrors.required(String(p.child('valueExpression')), `must not exceed ${5 * 1024} bytes in length`));
  return errs;
}

function validatePolicySpec(policy: KubeObject, ignoreMatchConditions: boolean): Errs {
  const spec = obj(policy.spec);
  const p = FieldPath.root('spec');
  const errs: Errs = [];
  if (!has(spec.failurePolicy)) errs.push(fieldErrors.required(String(p.child('failurePolicy'))));
  else if (!failurePolicies.includes(s(spec.failurePolicy))) errs.push(fieldErrors.notSupported(String(p.child('failurePolicy')), s(spec.failurePolicy), failurePolicies));
  if (isObj(spec.paramKind)) errs.push(...validateParamKind(spec.paramKind, p.child('paramKind')));
  if (!isObj(spec.matchConstraints)) errs.push(fieldErrors.required(String(p.child('matchConstraints'))));
  else {
    errs.push(...validateMatchResources(spec.matchConstraints, p.child('matchConstraints')));
    if (objs(spec.matchConstraints.resourceRules).length === 0) errs.push(fieldErrors.required(String(p.child('matchConstraints').child('resourceRules'))));
  }
  if (!ignoreMatchConditions) errs.push(...validateMatchConditions(spec.matchConditions, p.child('matchConditions')));
  objs(spec.variables).forEach((v, i) => {
    const vp = p.child('variables').index(i);
    const name = s(v.name);
    if (name.trim() === '') errs.push(fieldErrors.required(String(vp.child('name')), 'name is not specified'));
    else if (!celIdent.test(name) || celReserved.has(name)) errs.push(fieldErrors.invalid(String(vp.child('name')), name, 'name is not a valid CEL identifier'));
    if (s(v.expression).trim() === '') errs.push(fieldErrors.required(String(vp.child('expression')), 'expression is not specified'));
  });
  const validations = objs(spec.validations);
  const audits = objs(spec.auditAnnotations);
  if (validations.length === 0 && audits.length === 0) {
    errs.push(fieldErrors.required(String(p.child('validations')), 'validations or auditAnnotations must contain at least one item'));
    errs.push(fieldErrors.required(String(p.child('auditAnnotations')), 'validations or auditAnnotations must contain at least one item'));
    return errs;
  }
  validations.forEach((v, i) => errs.push(...validateValidation(v, p.child('validations').index(i))));
  if (Array.isArray(spec.auditAnnotations)) {
    if (audits.length > 20) errs.push(fieldErrors.invalid(String(p.child('auditAnnotations')), goApprox('[]admissionregistration.AuditAnnotation', audits), 'must not have more than 20 auditAnnotations'));
    const keys = new Set<string>();
    const name = s(metaOf(policy).name);
    audits.forEach((a, i) => {
      const ap = p.child('auditAnnotations').index(i);
      errs.push(...validateAuditAnnotation(name, a, ap));
      if (keys.has(s(a.key))) errs.push(fieldErrors.duplicate(String(ap.child('key')), s(a.key)));
      keys.add(s(a.key));
    });
  }
  return errs;
}

function validatePolicyStatus(policy: KubeObject): Errs {
  const status = obj(policy.status);
  const p = FieldPath.root('status');
  const errs: Errs = [];
  if (isObj(status.typeChecking)) {
    objs(status.typeChecking.expressionWarnings).forEach((w, i) => {
      const wp = p.child('typeChecking').child('expressionWarnings').index(i);
      if (s(w.warning) === '') errs.push(fieldErrors.required(String(wp.child('warning'))));
      if (s(w.fieldRef).trim() === '') errs.push(fieldErrors.required(String(wp.child('fieldRef'))));
    });
  }
  errs.push(...validateMetaConditions(status.conditions, p.child('conditions')));
  return errs;
}

export const validatingadmissionpolicies = builtin({
  group,
  version: 'v1',
  resource: 'validatingadmissionpolicies',
  kind: 'ValidatingAdmissionPolicy',
  categories,
  tracksGeneration: true,
  strategy: { allowUnconditionalUpdate: false },
  defaults(policy) {
    const spec = obj(policy.spec);
    if (isObj(policy.spec)) setDefault(spec, 'failurePolicy', 'Fail');
    defaultMatchResources(spec.matchConstraints);
  },
  validate: (policy) => [...genericMeta(policy, false), ...validatePolicySpec(policy, false)],
  validateUpdate(policy, old) {
    const ignore = deepEqualJson(obj(policy.spec).paramKind, obj(old.spec).paramKind) && deepEqualJson(obj(policy.spec).matchConditions, obj(old.spec).matchConditions);
    return [...genericMeta(policy, false), ...validatePolicySpec(policy, ignore)];
  },
  status: { resetMetadata: true, validateUpdate: validatePolicyStatus },
});

function validateParamRef(pr: unknown, p: FieldPath): Errs {
  if (!isObj(pr)) return [];
  const errs: Errs = [];
  const name = s(pr.name);
  if (name !== '') {
    for (const m of isValidPathSegmentName(name)) errs.push(fieldErrors.invalid(String(p.child('name')), name, m));
    if (isObj(pr.selector)) errs.push(fieldErrors.forbidden(String(p.child('name')), 'name and selector are mutually exclusive'));
  }
  if (isObj(pr.selector)) {
    errs.push(...validateLabelSelector(pr.selector, p.child('selector')));
    if (name !== '') errs.push(fieldErrors.forbidden(String(p.child('selector')), 'name and selector are mutually exclusive'));
  }
  if (name === '' && !isObj(pr.selector)) errs.push(fieldErrors.required(String(p), 'one of name or selector must be specified'));
  const action = s(pr.parameterNotFoundAction);
  if (action === '') errs.push(fieldErrors.required(String(p.child('parameterNotFoundAction'))));
  else if (action !== 'Deny' && action !== 'Allow') errs.push(fieldErrors.notSupported(String(p.child('parameterNotFoundAction')), action, ['Deny', 'Allow']));
  return errs;
}

function validateValidationActions(va: string[], p: FieldPath): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  va.forEach((a, i) => {
    if (!validationActions.includes(a)) errs.push(fieldErrors.notSupported(String(p.index(i)), a, validationActions));
    if (seen.has(a)) errs.push(fieldErrors.duplicate(String(p.index(i)), a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(
      fieldErrors.invalid(
        String(p),
        goTypedStrings('admissionregistration.ValidationAction', va),
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  }
  if (seen.size === 0) errs.push(fieldErrors.required(String(p), 'at least one validation action is required'));
  return errs;
}

function validateBinding(binding: KubeObject): Errs {
  const errs = genericMeta(binding, false);
  const spec = obj(binding.spec);
  const p = FieldPath.root('spec');
  const policyName = s(spec.policyName);
  if (policyName === '') errs.push(fieldErrors.required(String(p.child('policyName'))));
  else for (const m of isDNS1123Subdomain(policyName)) errs.push(fieldErrors.invalid(String(p.child('policyName')), policyName, m));
  errs.push(...validateParamRef(spec.paramRef, p.child('paramRef')));
  // "matchResouces" is kube-apiserver's spelling.
  errs.push(...validateMatchResources(spec.matchResources, p.child('matchResouces')));
  errs.push(...validateValidationActions(strs(spec.validationActions), p.child('validationActions')));
  return errs;
}

export const validatingadmissionpolicybindings = builtin({
  group,
  version: 'v1',
  resource: 'validatingadmissionpolicybindings',
  kind: 'ValidatingAdmissionPolicyBinding',
  categories,
  tracksGeneration: true,
  strategy: { allowUnconditionalUpdate: false },
  defaults(binding) {
    defaultMatchResources(obj(binding.spec).matchResources);
  },
  validate: validateBinding,
  validateUpdate: (binding) => validateBinding(binding),
});
