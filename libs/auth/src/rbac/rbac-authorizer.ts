// k8s parity: plugin/pkg/auth/authorizer/rbac/rbac.go. Allow-only: the first rule that allows
// decides, with its source as the reason; otherwise no opinion, with the resolution errors met on
// the way (a binding to a missing role) as the reason.
import { Decision, type AuthorizeRequest, type AuthorizeResponse } from '@portico/proto';
import type { Authorizer } from '../authorizer';
import type { RbacIndex } from './rbac-index';
import { ruleAllows } from './rule-match';
import type { PolicyRule } from './types';

/** utilerrors.NewAggregate(errs).Error(): one error as itself, several as `[a, b]`. */
export function aggregateErrors(errs: readonly string[]): string {
  if (errs.length === 1) return errs[0] as string;
  return `[${errs.join(', ')}]`;
}

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly index: RbacIndex) {}

  authorize(req: AuthorizeRequest): AuthorizeResponse {
    const user = req.user ?? { username: '', uid: '', groups: [], extra: {} };
    let reason = '';
    const errors: string[] = [];
    this.index.visitRulesFor(user, req.namespace, (source, rule, err) => {
      if (rule !== undefined && source !== undefined && ruleAllows(req, rule)) {
        reason = `RBAC: allowed by ${source}`;
        return false;
      }
      if (err !== undefined) errors.push(err);
      return true;
    });
    if (reason !== '') return { decision: Decision.DECISION_ALLOW, reason, evaluationError: '' };
    return { decision: Decision.DECISION_NO_OPINION, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '', evaluationError: '' };
  }

  /** RulesFor, as SelfSubjectRulesReview reports them. */
  rulesFor(user: NonNullable<AuthorizeRequest['user']>, namespace: string): {
    resourceRules: ResourceRuleInfo[];
    nonResourceRules: NonResourceRuleInfo[];
    errors: string[];
  } {
    const { rules, errors } = this.index.rulesFor(user, namespace);
    const resourceRules: ResourceRuleInfo[] = [];
    const nonResourceRules: NonResourceRuleInfo[] = [];
    for (const r of rules as PolicyRule[]) {
      if ((r.resources ?? []).length > 0) {
        resourceRules.push({ verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], resourceNames: r.resourceNames ?? [] });
      }
      if ((r.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] });
    }
    return { resourceRules, nonResourceRules, errors };
  }
}
