export { ensureClusterPki, createCertificateAuthority, issueCertificate } from './pki';
export type { ClusterPki, IssuedCertificate, CertificateRequest } from './pki';
export { AuthService, createAuthService } from './auth-service';
export type { AuthServiceOptions } from './auth-service';
export { X509Authenticator, parseSubject } from './x509-authenticator';
export { BootstrapAuthorizer } from './authorizer';
export { anonymousUser, authenticatedGroup, mastersGroup, unauthenticatedGroup } from './user';
export { RbacIndex, rbacResources, subjectAppliesTo, type RbacResource } from './rbac/rbac-index';
export { RbacAuthorizer, type ResourceRuleInfo, type NonResourceRuleInfo } from './rbac/rbac-authorizer';
export { ruleAllows, type RequestAttributes } from './rbac/rule-match';
export { Informer, type InformerHandler, type InformerOptions } from './rbac/informer';
export { AggregationController, aggregatedRules } from './rbac/aggregation';
export type { PolicyRule, Subject, RoleRef, Role, ClusterRole, RoleBinding, ClusterRoleBinding } from './rbac/types';
export {
  ServiceAccountTokens,
  serviceAccountGroups,
  serviceAccountUsername,
  type ServiceAccountTokenOptions,
} from './serviceaccount/tokens';
export { StaticTokenAuthenticator } from './token-file';
export { OidcAuthenticator, type OidcOptions } from './oidc';
