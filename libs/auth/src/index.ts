export { ensureClusterPki, createCertificateAuthority, issueCertificate } from './pki';
export type { ClusterPki, IssuedCertificate, CertificateRequest } from './pki';
export { AuthService, createAuthService } from './auth-service';
export type { AuthServiceOptions } from './auth-service';
export { X509Authenticator, parseSubject } from './x509-authenticator';
export { BootstrapAuthorizer } from './authorizer';
export { anonymousUser, authenticatedGroup, mastersGroup, unauthenticatedGroup } from './user';
