// RBAC's privilege-escalation prevention (k8s parity: pkg/registry/rbac/{role,clusterrole,
// rolebinding,clusterrolebinding}/policybased and pkg/registry/rbac/validation). A Role or
// ClusterRole may only grant what its author already holds, unless the author may "escalate" it;
// a binding may only point at a role whose permissions the author holds, unless the author may
// "bind" it. system:masters is exempt. Enforced at the validating-admission step of every write
// (create, update, patch, apply), in front of the admission service.
import { statusErrors, type StatusError } from '@portico/api';
import {
  Decision,
  type AdmissionRequest,
  type AdmissionServicePort,
  type AuthServicePort,
  type CallContext,
  type StorageServicePort,
  type UserInfo,
  type ValidateResponse,
} from '@portico/proto';

const rbacGroup = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function normalizeRule(v: unknown): PolicyRule {
  const r = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  return { verbs: strs(r['verbs']), apiGroups: strs(r['apiGroups']), resources: strs(r['resources']), resourceNames: strs(r['resourceNames']), nonResourceURLs: strs(r['nonResourceURLs']) };
}

/** BreakdownRule: one rule per (group, resource, verb, name) and per (url, verb). */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames.length > 0) {
          for (const name of rule.resourceNames) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name], nonResourceURLs: [] });
        } else out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [], nonResourceURLs: [] });
      }
    }
  }
  for (const url of rule.nonResourceURLs) for (const verb of rule.verbs) out.push({ verbs: [verb], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [url] });
  return out;
}

const has = (set: string[], v: string) => set.includes(v);
const hasAll = (set: string[], vs: string[]) => vs.every((v) => set.includes(v));

function resourceCoversAll(set: string[], covers: string[]): boolean {
  if (has(set, '*') || hasAll(set, covers)) return true;
  for (const path of covers) {
    if (has(set, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!has(set, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  if (owner === sub) return true;
  if (!owner.endsWith('*')) return false;
  return sub.startsWith(owner.replace(/\*+$/, ''));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = sub.nonResourceURLs.every((u) => owner.nonResourceURLs.some((o) => nonResourceURLCovers(o, u)));
  const names = sub.resourceNames.length === 0 ? owner.resourceNames.length === 0 : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return verbs && groups && resources && urls && names;
}

/** Covers: the rules of `servant` that `owner` does not cover, broken down. */
export function uncoveredRules(owner: PolicyRule[], servant: PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const rule of servant) for (const sub of breakdown(rule)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return missing;
}

/** Go's %q of a []string: ["a" "b"]. */
const goQuoteList = (l: string[]) => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;

/** PolicyRule.CompactString. */
function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups.length > 0) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources.length > 0) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs.length > 0) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames.length > 0) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs.length > 0) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** CompactRules: rules for one group and resource without names merge their verbs. */
function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    if (r.apiGroups.length === 1 && r.resources.length === 1 && r.resourceNames.length === 0 && r.nonResourceURLs.length === 0) {
      const key = `${r.apiGroups[0]}\u0000${r.resources[0]}`;
      const existing = simple.get(key);
      if (existing !== undefined) {
        for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
        continue;
      }
      const copy = { ...r, verbs: [...r.verbs] };
      simple.set(key, copy);
      out.push(copy);
    } else out.push(r);
  }
  return out;
}

export function escalationMessage(user: UserInfo, missing: PolicyRule[], resolutionErrors: string): string {
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  // Go's %v of the []error holding RulesFor's aggregate error.
  if (resolutionErrors !== '') msg += `; resolution errors: [${resolutionErrors}]`;
  return msg;
}

interface Checked {
  forbidden?: StatusError;
  notFound?: StatusError;
}

export class RbacEscalationCheck {
  constructor(
    private readonly auth: AuthServicePort,
    private readonly storage: StorageServicePort,
  ) {}

  private async allowed(user: UserInfo, verb: string, resource: string, namespace: string, name: string, ctx?: CallContext): Promise<boolean> {
    const r = await this.auth.authorize(
      { user, verb, apiGroup: rbacGroup, apiVersion: '', resource, subresource: '', namespace, name, path: '', resourceRequest: true },
      ctx,
    );
    return r.decision === Decision.DECISION_ALLOW;
  }

  /** ConfirmNoEscalation: the author's own rules in the namespace must cover `rules`. */
  private async confirmNoEscalation(user: UserInfo, namespace: string, rules: PolicyRule[], resource: string, name: string, ctx?: CallContext): Promise<Checked> {
    const own = await this.auth.rulesFor({ user, namespace }, ctx);
    const ownRules: PolicyRule[] = [
      ...own.resourceRules.map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames, nonResourceURLs: [] })),
      ...own.nonResourceRules.map((r) => ({ verbs: r.verbs, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: r.nonResourceUrls })),
    ];
    const missing = uncoveredRules(ownRules, rules);
    if (missing.length === 0) return {};
    return { forbidden: statusErrors.forbidden({ group: rbacGroup, resource }, name, escalationMessage(user, missing, own.evaluationError)) };
  }

  /** Whether check has anything to look at for this request (the same tests check starts with). */
  applies(req: AdmissionRequest): boolean {
    const res = req.resource;
    if (res === undefined || res.group !== rbacGroup || req.subResource !== '') return false;
    if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return false;
    // system:masters is how the API server's own loopback writes come in: always allowed.
    if (req.user === undefined || req.user.groups.includes('system:masters')) return false;
    return ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].includes(res.resource);
  }

  async check(req: AdmissionRequest, ctx?: CallContext): Promise<Checked> {
    const res = req.resource;
    const user = req.user;
    if (!this.applies(req) || res === undefined || user === undefined) return {};
    const obj = JSON.parse(Buffer.from(req.object).toString('utf8')) as Record<string, unknown>;
    const namespace = req.namespace;
    const name = req.name;
    switch (res.resource) {
      case 'roles':
      case 'clusterroles': {
        if (await this.allowed(user, 'escalate', res.resource, namespace, name, ctx)) return {};
        const aggregation = obj['aggregationRule'];
        if (res.resource === 'clusterroles' && aggregation !== undefined && aggregation !== null) {
          return { forbidden: statusErrors.forbidden({ group: rbacGroup, resource: res.resource }, name, 'must have cluster-admin privileges to use the aggregationRule') };
        }
        const rules = (Array.isArray(obj['rules']) ? obj['rules'] : []).map(normalizeRule);
        return this.confirmNoEscalation(user, namespace, rules, res.resource, name, ctx);
      }
      case 'rolebindings':
      case 'clusterrolebindings': {
        const ref = (obj['roleRef'] ?? {}) as Record<string, unknown>;
        const refKind = typeof ref['kind'] === 'string' ? ref['kind'] : '';
        const refName = typeof ref['name'] === 'string' ? ref['name'] : '';
        const refResource = refKind === 'Role' ? 'roles' : 'clusterroles';
        if (await this.allowed(user, 'bind', refResource, namespace, refName, ctx)) return {};
        const got = await this.storage.get(
          { ref: { group: rbacGroup, resource: refResource, namespace: refKind === 'Role' ? namespace : '', name: refName }, resourceVersion: '' },
          ctx,
        );
        if (got.status !== undefined && got.status.code !== 0) {
          return { notFound: statusErrors.notFound({ group: rbacGroup, resource: refKind === 'Role' ? 'role' : 'clusterrole' }, refName) };
        }
        const role = JSON.parse(Buffer.from(got.object).toString('utf8')) as Record<string, unknown>;
        const rules = (Array.isArray(role['rules']) ? role['rules'] : []).map(normalizeRule);
        return this.confirmNoEscalation(user, namespace, rules, res.resource, name, ctx);
      }
      default:
        return {};
    }
  }
}

/** The admission port with RBAC's escalation checks run before the validating chain. */
export function withRbacEscalationChecks(admission: AdmissionServicePort, auth: AuthServicePort, storage: StorageServicePort): AdmissionServicePort {
  const checker = new RbacEscalationCheck(auth, storage);
  return {
    // The escalation check is a validating step of its own: where it applies, Validate must run
    // even when the admission service has nothing to validate.
    admit: async (req, ctx) => {
      const res = await admission.admit(req, ctx);
      return res.validationNotNeeded === true && checker.applies(req) ? { ...res, validationNotNeeded: false } : res;
    },
    convertObjects: (req, ctx) => admission.convertObjects(req, ctx),
    validate: async (req, ctx): Promise<ValidateResponse> => {
      const c = await checker.check(req, ctx);
      const refused = c.forbidden ?? c.notFound;
      if (refused !== undefined) {
        const s = refused.status;
        return {
          allowed: false,
          status: {
            code: s.code ?? 403,
            reason: s.reason ?? 'Forbidden',
            message: s.message ?? '',
            details: { name: s.details?.name ?? '', group: s.details?.group ?? '', kind: s.details?.kind ?? '', uid: '', causes: [], retryAfterSeconds: 0 },
          },
          warnings: [],
          auditAnnotations: {},
        };
      }
      return admission.validate(req, ctx);
    },
  };
}
