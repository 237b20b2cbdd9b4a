// The authorizer used until RBAC lands: system:masters may do everything (kube-apiserver's
// privileged-group authorizer), and the non-resource paths that kube-apiserver's bootstrap
// ClusterRoles grant (system:public-info-viewer to everyone, system:discovery to the authenticated).
import { Decision, type AuthorizeRequest, type AuthorizeResponse } from '@portico/proto';
import { authenticatedGroup, mastersGroup, unauthenticatedGroup } from './user';

const publicInfoPaths = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
const discoveryPaths = ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/version', '/version/', '/healthz', '/livez', '/readyz'];

function pathMatches(rule: string, path: string): boolean {
  if (rule.endsWith('*')) return path.startsWith(rule.slice(0, -1));
  return rule === path;
}

export interface Authorizer {
  authorize(req: AuthorizeRequest): AuthorizeResponse;
}

export class BootstrapAuthorizer implements Authorizer {
  authorize(req: AuthorizeRequest): AuthorizeResponse {
    const groups = req.user?.groups ?? [];
    if (groups.includes(mastersGroup)) return { decision: Decision.DECISION_ALLOW, reason: '', evaluationError: '' };
    if (!req.resourceRequest && req.verb === 'get') {
      const path = req.path;
      for (const [role, paths, group] of [
        ['system:public-info-viewer', publicInfoPaths, groups.includes(authenticatedGroup) ? authenticatedGroup : unauthenticatedGroup],
        ['system:discovery', discoveryPaths, authenticatedGroup],
      ] as const) {
        if (groups.includes(group) && paths.some((p) => pathMatches(p, path))) {
          return {
            decision: Decision.DECISION_ALLOW,
            reason: `RBAC: allowed by ClusterRoleBinding "${role}" of ClusterRole "${role}" to Group "${group}"`,
            evaluationError: '',
          };
        }
      }
    }
    return { decision: Decision.DECISION_NO_OPINION, reason: '', evaluationError: '' };
  }
}
