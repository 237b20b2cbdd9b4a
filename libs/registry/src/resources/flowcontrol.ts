// k8s parity: flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration (+status):
// kubernetes pkg/apis/flowcontrol/v1/defaults.go, pkg/apis/flowcontrol/validation/validation.go
// and pkg/registry/flowcontrol/*/strategy.go. Not done: the check that the mandatory objects
// ("exempt", "catch-all") keep their fixed spec, since Portico does not bootstrap them.
import { type FieldError, FieldPath, type KubeObject, GoSyntax, fieldErrors, goQuote, goStringSlice, isDNS1123Label, isDNS1123Subdomain } from '@portico/api';
import { builtin, coreMeta } from '../builtin';
import { metaOf } from '../define';
import { type Obj, has, isObj, n, obj, objs, s, setDefault, strs } from '../validation/common';

type Errs = FieldError[];

const group = 'flowcontrol.apiserver.k8s.io';
const specPath = FieldPath.root('spec');
const supportedVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'proxy', 'update', 'watch'];
const maxMatchingPrecedence = 10000;
const maxQueues = 10 * 1000 * 1000;
const maxHashBits = 60;
const nsErrIntro = "each member of this list must be '*' or a DNS-1123 label; ";

// ---------------------------------------------------------------------------------------------
// FlowSchema

function validateVerbs(verbs: string[], p: FieldPath): Errs {
  if (verbs.length === 0) return [fieldErrors.required(String(p), 'verbs must contain at least one value')];
  if (verbs.includes('*')) return verbs.length > 1 ? [fieldErrors.invalid(String(p), goStringSlice(verbs), "if '*' is present, must not specify other verbs")] : [];
  if (!verbs.every((v) => supportedVerbs.includes(v))) return [fieldErrors.notSupported(String(p), goStringSlice(verbs), supportedVerbs)];
  return [];
}

/** ValidateNonResourceURLPath. */
function validateNonResourceURLPath(path: string, p: FieldPath): FieldError | undefined {
  if (path === '') return fieldErrors.invalid(String(p), path, 'must not be empty');
  if (path === '/') return undefined;
  if (!path.startsWith('/')) return fieldErrors.invalid(String(p), path, 'must start with slash');
  if (path.includes(' ')) return fieldErrors.invalid(String(p), path, 'must not contain white-space');
  if (path.includes('//')) return fieldErrors.invalid(String(p), path, 'must not contain double slash');
  const wildcards = path.split('*').length - 1;
  if (wildcards > 1 || (wildcards === 1 && path.slice(-2) !== '/*')) return fieldErrors.invalid(String(p), path, 'wildcard can only do suffix matching');
  return undefined;
}

function validateSubject(subject: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const kind = s(subject.kind);
  const forbidUser = () => has(subject.user) && errs.push(fieldErrors.forbidden(String(p.child('user')), "user is forbidden when subject kind is not 'User'"));
  const forbidGroup = () => has(subject.group) && errs.push(fieldErrors.forbidden(String(p.child('group')), "group is forbidden when subject kind is not 'Group'"));
  const forbidSA = () =>
    has(subject.serviceAccount) && errs.push(fieldErrors.forbidden(String(p.child('serviceAccount')), "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"));
  switch (kind) {
    case 'ServiceAccount': {
      const sp = p.child('serviceAccount');
      if (!isObj(subject.serviceAccount)) errs.push(fieldErrors.required(String(sp), "serviceAccount is required when subject kind is 'ServiceAccount'"));
      else {
        const name = s(subject.serviceAccount.name);
        const ns = s(subject.serviceAccount.namespace);
        if (name === '') errs.push(fieldErrors.required(String(sp.child('name'))));
        else if (name !== '*') for (const m of isDNS1123Subdomain(name)) errs.push(fieldErrors.invalid(String(sp.child('name')), name, m));
        if (ns !== '') for (const m of isDNS1123Label(ns)) errs.push(fieldErrors.invalid(String(sp.child('namespace')), ns, m));
        else errs.push(fieldErrors.required(String(sp.child('namespace')), 'must specify namespace for service account'));
      }
      forbidUser();
      forbidGroup();
      break;
    }
    case 'User':
      if (!isObj(subject.user)) errs.push(fieldErrors.required(String(p.child('user')), "user is required when subject kind is 'User'"));
      else if (s(subject.user.name) === '') errs.push(fieldErrors.required(String(p.child('user').child('name'))));
      forbidSA();
      forbidGroup();
      break;
    case 'Group':
      if (!isObj(subject.group)) errs.push(fieldErrors.required(String(p.child('group')), "group is required when subject kind is 'Group'"));
      else if (s(subject.group.name) === '') errs.push(fieldErrors.required(String(p.child('group').child('name'))));
      forbidSA();
      forbidUser();
      break;
    default:
      errs.push(fieldErrors.notSupported(String(p.child('kind')), kind, ['Group', 'ServiceAccount', 'User']));
  }
  return errs;
}

function validateResourceRule(rule: Obj, p: FieldPath): Errs {
  const errs = validateVerbs(strs(rule.verbs), p.child('verbs'));
  const groups = strs(rule.apiGroups);
  if (groups.length === 0) errs.push(fieldErrors.required(String(p.child('apiGroups')), 'resource rules must supply at least one api group'));
  else if (groups.length > 1 && groups.includes('*')) errs.push(fieldErrors.invalid(String(p.child('apiGroups')), goStringSlice(groups), "if '*' is present, must not specify other api groups"));
  const resources = strs(rule.resources);
  if (resources.length === 0) errs.push(fieldErrors.required(String(p.child('resources')), 'resource rules must supply at least one resource'));
  else if (resources.length > 1 && resources.includes('*')) errs.push(fieldErrors.invalid(String(p.child('resources')), goStringSlice(resources), "if '*' is present, must not specify other resources"));
  const namespaces = strs(rule.namespaces);
  if (namespaces.length === 0 && rule.clusterScope !== true) {
    errs.push(fieldErrors.required(String(p.child('namespaces')), 'resource rules that are not cluster scoped must supply at least one namespace'));
  } else if (namespaces.includes('*')) {
    if (namespaces.length > 1) errs.push(fieldErrors.invalid(String(p.child('namespaces')), goStringSlice(namespaces), "if '*' is present, must not specify other namespaces"));
  } else {
    namespaces.forEach((ns, i) => {
      for (const m of isDNS1123Label(ns)) errs.push(fieldErrors.invalid(String(p.child('namespaces').index(i)), ns, nsErrIntro + m));
    });
  }
  return errs;
}

function validateNonResourceRule(rule: Obj, p: FieldPath): Errs {
  const errs = validateVerbs(strs(rule.verbs), p.child('verbs'));
  const urls = strs(rule.nonResourceURLs);
  if (urls.length === 0) errs.push(fieldErrors.required(String(p.child('nonResourceURLs')), 'nonResourceURLs must contain at least one value'));
  else if (urls.includes('*')) {
    if (urls.length > 1) errs.push(fieldErrors.invalid(String(p.child('nonResourceURLs')), goStringSlice(urls), "if '*' is present, must not specify other non-resource URLs"));
  } else {
    urls.forEach((u, i) => {
      const e = validateNonResourceURLPath(u, p.child('nonResourceURLs').index(i));
      if (e !== undefined) errs.push(e);
    });
  }
  return errs;
}

function validateFlowSchemaSpec(name: string, spec: Obj): Errs {
  const errs: Errs = [];
  const mp = String(specPath.child('matchingPrecedence'));
  const precedence = n(spec.matchingPrecedence);
  if (precedence <= 0) errs.push(fieldErrors.invalid(mp, precedence, 'must be a positive value'));
  if (precedence > maxMatchingPrecedence) errs.push(fieldErrors.invalid(mp, precedence, `must not be greater than ${maxMatchingPrecedence}`));
  if (precedence === 1 && name !== 'exempt') errs.push(fieldErrors.invalid(mp, precedence, "only the schema named 'exempt' may have matchingPrecedence 1"));
  if (isObj(spec.distinguisherMethod)) {
    const type = s(spec.distinguisherMethod.type);
    if (type !== 'ByNamespace' && type !== 'ByUser') {
      errs.push(
        fieldErrors.notSupported(String(specPath.child('distinguisherMethod').child('type')), new GoSyntax(`flowcontrol.FlowDistinguisherMethod{Type:${goQuote(type)}}`), ['ByNamespace', 'ByUser']),
      );
    }
  }
  const plName = s(obj(spec.priorityLevelConfiguration).name);
  const pp = String(specPath.child('priorityLevelConfiguration').child('name'));
  if (plName !== '') for (const m of isDNS1123Subdomain(plName)) errs.push(fieldErrors.invalid(pp, plName, m));
  else errs.push(fieldErrors.required(pp, 'must reference a priority level'));
  objs(spec.rules).forEach((rule, i) => {
    const rp = specPath.child('rules').index(i);
    const subjects = objs(rule.subjects);
    if (subjects.length > 0) subjects.forEach((sub, j) => errs.push(...validateSubject(sub, rp.child('subjects').index(j))));
    else errs.push(fieldErrors.required(String(rp.child('subjects')), 'subjects must contain at least one value'));
    const resourceRules = objs(rule.resourceRules);
    const nonResourceRules = objs(rule.nonResourceRules);
    if (resourceRules.length === 0 && nonResourceRules.length === 0) errs.push(fieldErrors.required(String(rp), 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    resourceRules.forEach((r, j) => errs.push(...validateResourceRule(r, rp.child('resourceRules').index(j))));
    nonResourceRules.forEach((r, j) => errs.push(...validateNonResourceRule(r, rp.child('nonResourceRules').index(j))));
  });
  return errs;
}

/** Flow-schema and priority-level conditions: unique, non-empty types. */
function validateConditions(status: unknown): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  const p = FieldPath.root('status').child('conditions');
  objs(obj(status).conditions).forEach((c, i) => {
    const type = s(c.type);
    if (seen.has(type)) errs.push(fieldErrors.duplicate(String(p.index(i).child('type')), type));
    seen.add(type);
    if (type === '') errs.push(fieldErrors.required(String(p.index(i).child('type')), 'must not be empty'));
  });
  return errs;
}

const validateFlowSchema = (fs: KubeObject): Errs => [...coreMeta(fs, false), ...validateFlowSchemaSpec(s(metaOf(fs).name), obj(fs.spec)), ...validateConditions(fs.status)];

/** The flowcontrol status strategies keep the stored metadata (managed fields and the resourceVersion precondition aside). */
function keepStoredMetadata(obj: KubeObject, old: KubeObject): void {
  const m = metaOf(obj);
  const kept = structuredClone(metaOf(old));
  if (m.managedFields === undefined) delete kept.managedFields;
  else kept.managedFields = m.managedFields;
  if (m.resourceVersion === undefined) delete kept.resourceVersion;
  else kept.resourceVersion = m.resourceVersion;
  obj.metadata = kept;
}

export const flowschemas = builtin({
  group,
  version: 'v1',
  resource: 'flowschemas',
  kind: 'FlowSchema',
  tracksGeneration: true,
  defaults(fs) {
    if (isObj(fs.spec) && n(fs.spec.matchingPrecedence) === 0) fs.spec.matchingPrecedence = 1000;
  },
  validate: validateFlowSchema,
  validateUpdate: validateFlowSchema,
  status: { prepareForUpdate: keepStoredMetadata, validateUpdate: (fs) => validateConditions(fs.status) },
});

// ---------------------------------------------------------------------------------------------
// PriorityLevelConfiguration

/** shufflesharding.RequiredEntropyBits: ceil(log2(deckSize^handSize)). */
function requiredEntropyBits(deckSize: number, handSize: number): number {
  return Math.ceil(Math.log2(deckSize) * handSize);
}

function validateQueuing(q: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const limit = n(q.queueLengthLimit);
  const queues = n(q.queues);
  const hand = n(q.handSize);
  if (limit <= 0) errs.push(fieldErrors.invalid(String(p.child('queueLengthLimit')), limit, 'must be positive'));
  if (queues <= 0) errs.push(fieldErrors.invalid(String(p.child('queues')), queues, 'must be positive'));
  else if (queues > maxQueues) errs.push(fieldErrors.invalid(String(p.child('queues')), queues, `must not be greater than ${maxQueues}`));
  if (hand <= 0) errs.push(fieldErrors.invalid(String(p.child('handSize')), hand, 'must be positive'));
  else if (hand > queues) errs.push(fieldErrors.invalid(String(p.child('handSize')), hand, `should not be greater than queues (${queues})`));
  else if (requiredEntropyBits(queues, hand) > maxHashBits) {
    errs.push(fieldErrors.invalid(String(p.child('handSize')), hand, `required entropy bits of deckSize ${queues} and handSize ${hand} should not be greater than ${maxHashBits}`));
  }
  return errs;
}

function validateLimitResponse(lr: Obj, p: FieldPath): Errs {
  const type = s(lr.type);
  switch (type) {
    case 'Reject':
      return has(lr.queuing) ? [fieldErrors.forbidden(String(p.child('queuing')), 'must be nil if limited.limitResponse.type is not Limited')] : [];
    case 'Queue':
      return isObj(lr.queuing) ? validateQueuing(lr.queuing, p.child('queuing')) : [fieldErrors.required(String(p.child('queuing')), 'must not be empty if limited.limitResponse.type is Limited')];
    default:
      return [fieldErrors.notSupported(String(p.child('type')), type, ['Queue', 'Reject'])];
  }
}

function validatePLCSpec(name: string, spec: Obj): Errs {
  const errs: Errs = [];
  const type = s(spec.type);
  if ((name === 'exempt') !== (type === 'Exempt')) errs.push(fieldErrors.invalid(String(specPath.child('type')), type, "type must be 'Exempt' if and only if name is 'exempt'"));
  switch (type) {
    case 'Exempt': {
      if (has(spec.limited)) errs.push(fieldErrors.forbidden(String(specPath.child('limited')), 'must be nil if the type is not Limited'));
      if (isObj(spec.exempt)) {
        const ep = specPath.child('exempt');
        const shares = spec.exempt.nominalConcurrencyShares;
        if (has(shares) && n(shares) < 0) errs.push(fieldErrors.invalid(String(ep.child('nominalConcurrencyShares')), n(shares), 'must be a non-negative number'));
        const lendable = spec.exempt.lendablePercent;
        if (has(lendable) && (n(lendable) < 0 || n(lendable) > 100)) errs.push(fieldErrors.invalid(String(ep.child('lendablePercent')), n(lendable), 'must be between 0 and 100, inclusive'));
      }
      break;
    }
    case 'Limited': {
      if (has(spec.exempt)) errs.push(fieldErrors.forbidden(String(specPath.child('exempt')), 'must be nil if the type is Limited'));
      const lp = specPath.child('limited');
      if (!isObj(spec.limited)) {
        errs.push(fieldErrors.required(String(lp), 'must not be empty when type is Limited'));
        break;
      }
      const limited = spec.limited;
      const shares = n(limited.nominalConcurrencyShares);
      // v1 allows zero shares.
      if (shares < 0) errs.push(fieldErrors.invalid(String(lp.child('nominalConcurrencyShares')), shares, 'must be a non-negative integer'));
      errs.push(...validateLimitResponse(obj(limited.limitResponse), lp.child('limitResponse')));
      if (has(limited.lendablePercent) && (n(limited.lendablePercent) < 0 || n(limited.lendablePercent) > 100)) {
        errs.push(fieldErrors.invalid(String(lp.child('lendablePercent')), n(limited.lendablePercent), 'must be between 0 and 100, inclusive'));
      }
      if (has(limited.borrowingLimitPercent) && n(limited.borrowingLimitPercent) < 0) {
        errs.push(fieldErrors.invalid(String(lp.child('borrowingLimitPercent')), n(limited.borrowingLimitPercent), 'if specified, must be a non-negative integer'));
      }
      break;
    }
    default:
      errs.push(fieldErrors.notSupported(String(specPath.child('type')), type, ['Exempt', 'Limited']));
  }
  return errs;
}

const validatePLC = (pl: KubeObject): Errs => [...coreMeta(pl, false), ...validatePLCSpec(s(metaOf(pl).name), obj(pl.spec)), ...validateConditions(pl.status)];

export const prioritylevelconfigurations = builtin({
  group,
  version: 'v1',
  resource: 'prioritylevelconfigurations',
  kind: 'PriorityLevelConfiguration',
  tracksGeneration: true,
  defaults(pl) {
    const spec = obj(pl.spec);
    if (isObj(spec.exempt)) {
      setDefault(spec.exempt, 'nominalConcurrencyShares', 0);
      setDefault(spec.exempt, 'lendablePercent', 0);
    }
    if (isObj(spec.limited)) {
      setDefault(spec.limited, 'nominalConcurrencyShares', 30);
      setDefault(spec.limited, 'lendablePercent', 0);
      const q = obj(spec.limited.limitResponse).queuing;
      if (isObj(q)) {
        if (n(q.handSize) === 0) q.handSize = 8;
        if (n(q.queues) === 0) q.queues = 64;
        if (n(q.queueLengthLimit) === 0) q.queueLengthLimit = 50;
      }
    }
  },
  validate: validatePLC,
  validateUpdate: validatePLC,
  status: { prepareForUpdate: keepStoredMetadata, validateUpdate: (pl) => validateConditions(pl.status) },
});
