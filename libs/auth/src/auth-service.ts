import type {
  AuthenticateRequest,
  AuthenticateResponse,
  AuthorizeRequest,
  AuthorizeResponse,
  AuthServicePort,
  Closeable,
} from '@portico/proto';
import { BootstrapAuthorizer, type Authorizer } from './authorizer';
import { anonymousUser, unauthenticatedGroup, userInfo, withAuthenticatedGroup } from './user';
import { X509Authenticator } from './x509-authenticator';

export interface AuthServiceOptions {
  /** PEM bundle of the CAs whose client certificates authenticate users. */
  clientCAPem: string;
  /** kube-apiserver's --anonymous-auth; on by default as there. */
  anonymous?: boolean;
}

const unauthorized = (): AuthenticateResponse => ({ authenticated: false, audiences: [], status: undefined });

/**
 * The auth service: a union of authenticators (the first that recognizes a credential decides),
 * then anonymous when no credential was presented at all.
 */
export class AuthService implements AuthServicePort, Closeable {
  private readonly x509: X509Authenticator;
  private readonly authorizer: Authorizer = new BootstrapAuthorizer();
  constructor(private readonly opts: AuthServiceOptions) {
    this.x509 = new X509Authenticator(opts.clientCAPem);
  }

  async authenticate(req: AuthenticateRequest): Promise<AuthenticateResponse> {
    const presentedCert = req.clientCertificateChain.length > 0;
    if (presentedCert) {
      const r = this.x509.authenticate(req.clientCertificateChain);
      // As in kube-apiserver, a certificate that does not verify is a failed credential (401), not anonymous.
      if (r.kind === 'user') return { authenticated: true, user: withAuthenticatedGroup(r.user), audiences: req.audiences };
      if (r.kind === 'invalid' && req.bearerToken === '') return unauthorized();
    }
    if (req.bearerToken !== '') {
      // Token authenticators arrive with the authentication issue; an unknown token is a failed credential.
      return unauthorized();
    }
    if (this.opts.anonymous === false) return unauthorized();
    return { authenticated: true, user: userInfo(anonymousUser, [unauthenticatedGroup]), audiences: req.audiences };
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResponse> {
    return this.authorizer.authorize(req);
  }

  async close(): Promise<void> {}
}

export function createAuthService(opts: AuthServiceOptions): AuthService {
  return new AuthService(opts);
}
