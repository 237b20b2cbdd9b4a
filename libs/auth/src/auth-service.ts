import type {
  AuthenticateRequest,
  AuthenticateResponse,
  AuthorizeRequest,
  AuthorizeResponse,
  AuthServicePort,
  Closeable,
  EventBusPort,
  GetServiceAccountIssuerResponse,
  IssueServiceAccountTokenRequest,
  IssueServiceAccountTokenResponse,
  RulesForRequest,
  RulesForResponse,
  StorageServicePort,
} from '@portico/proto';
import { createHash } from 'node:crypto';
import { Decision } from '@portico/proto';
import { BootstrapAuthorizer, type Authorizer } from './authorizer';
import { AggregationController } from './rbac/aggregation';
import { Informer, type InformerLogger } from './rbac/informer';
import { RbacAuthorizer } from './rbac/rbac-authorizer';
import { RbacIndex, rbacResources } from './rbac/rbac-index';
import { rbacGroup } from './rbac/types';
import { aggregateErrors } from './rbac/rbac-authorizer';
import { ServiceAccountTokens, type ServiceAccountTokenOptions } from './serviceaccount/tokens';
import { StaticTokenAuthenticator } from './token-file';
import { OidcAuthenticator, type OidcOptions } from './oidc';
import { anonymousUser, mastersGroup, unauthenticatedGroup, userInfo, withAuthenticatedGroup } from './user';
import { X509Authenticator } from './x509-authenticator';

export interface AuthServiceOptions {
  /** PEM bundle of the CAs whose client certificates authenticate users. */
  clientCAPem: string;
  /** kube-apiserver's --anonymous-auth; on by default as there. */
  anonymous?: boolean;
  /**
   * Where RBAC objects are read from (a List, then the watch events on the bus). Without both,
   * only system:masters and the bootstrap public paths are authorized.
   */
  storage?: StorageServicePort;
  bus?: EventBusPort;
  /** Fill in aggregated ClusterRoles (kube-controller-manager's clusterrole-aggregation); default true. */
  aggregateClusterRoles?: boolean;
  logger?: InformerLogger;
  /** Service-account tokens: the signing key and what verifies them (issuing and authenticating need storage). */
  serviceAccountTokens?: ServiceAccountTokenOptions;
  /** kube-apiserver's --token-auth-file: a path, or the CSV text itself. */
  tokenFile?: { path: string } | { csv: string };
  /** kube-apiserver's --oidc-* flags. */
  oidc?: OidcOptions;
  /**
   * How long a successful token authentication is remembered (kube-apiserver's token cache, 10 s
   * by default); 0 disables it. A revoked token keeps working at most this long.
   */
  tokenCacheTtlMs?: number;
}

const tokenCacheMax = 10_000;

const unauthorized = (): AuthenticateResponse => ({ authenticated: false, audiences: [], status: undefined });

/**
 * The auth service: a union of authenticators (the first that recognizes a credential decides),
 * then anonymous when no credential was presented at all. Authorization is kube-apiserver's
 * chain: the privileged group system:masters, then RBAC.
 */
export class AuthService implements AuthServicePort, Closeable {
  private readonly x509: X509Authenticator;
  private readonly bootstrap: Authorizer = new BootstrapAuthorizer();
  readonly rbacIndex = new RbacIndex();
  readonly rbac = new RbacAuthorizer(this.rbacIndex);
  private readonly informers: Informer[] = [];
  private readonly aggregation: AggregationController | undefined;
  /** Resolves once every RBAC resource has been listed (at once when RBAC is not wired). */
  readonly rbacSynced: Promise<void>;
  private readonly saTokens: ServiceAccountTokens | undefined;
  private readonly staticTokens: StaticTokenAuthenticator | undefined;
  private readonly oidc: OidcAuthenticator | undefined;
  private readonly tokenCache = new Map<string, { response: AuthenticateResponse; until: number }>();

  constructor(private readonly opts: AuthServiceOptions) {
    this.x509 = new X509Authenticator(opts.clientCAPem);
    if (opts.serviceAccountTokens !== undefined) this.saTokens = new ServiceAccountTokens(opts.serviceAccountTokens);
    const tf = opts.tokenFile;
    if (opts.oidc !== undefined) this.oidc = new OidcAuthenticator(opts.oidc);
    if (tf !== undefined) this.staticTokens = 'path' in tf ? StaticTokenAuthenticator.fromFile(tf.path) : new StaticTokenAuthenticator(tf.csv);
    const { storage, bus } = opts;
    if (storage !== undefined && bus !== undefined) {
      for (const resource of rbacResources) {
        const inf = new Informer(
          rbacGroup,
          resource,
          storage,
          bus,
          {
            replace: (objs) => this.rbacIndex.replace(resource, objs),
            upsert: (o) => this.rbacIndex.upsert(resource, o),
            remove: (o) => this.rbacIndex.remove(resource, o),
          },
          opts.logger === undefined ? {} : { logger: opts.logger },
        );
        this.informers.push(inf);
      }
      if (opts.aggregateClusterRoles !== false) this.aggregation = new AggregationController(this.rbacIndex, storage, opts.logger);
      for (const inf of this.informers) inf.start();
    }
    this.rbacSynced = Promise.all(this.informers.map((i) => i.synced)).then(() => undefined);
  }

  private get rbacReady(): boolean {
    return this.informers.length > 0 && this.informers.every((i) => i.isSynced);
  }

  async authenticate(req: AuthenticateRequest): Promise<AuthenticateResponse> {
    const presentedCert = req.clientCertificateChain.length > 0;
    if (presentedCert) {
      const r = this.x509.authenticate(req.clientCertificateChain);
      // As in kube-apiserver, a certificate that does not verify is a failed credential (401), not anonymous.
      if (r.kind === 'user') return { authenticated: true, user: withAuthenticatedGroup(r.user), audiences: req.audiences };
      if (r.kind === 'invalid' && req.bearerToken === '') return unauthorized();
    }
    if (req.bearerToken !== '') return this.authenticateToken(req.bearerToken, req.audiences);
    if (this.opts.anonymous === false) return unauthorized();
    return { authenticated: true, user: userInfo(anonymousUser, [unauthenticatedGroup]), audiences: req.audiences };
  }

  /**
   * The token authenticators in kube-apiserver's order: the token file, service-account JWTs, OIDC.
   * An unknown or invalid token is a failed credential; why stays here (the client sees only 401
   * Unauthorized). Successes are cached briefly, keyed by a hash of the token.
   */
  private async authenticateToken(token: string, audiences: string[]): Promise<AuthenticateResponse> {
    const ttl = this.opts.tokenCacheTtlMs ?? 10_000;
    const key = ttl > 0 ? `${createHash('sha256').update(token).digest('base64')}\u0000${audiences.join('\u0000')}` : '';
    const now = Date.now();
    if (ttl > 0) {
      const hit = this.tokenCache.get(key);
      if (hit !== undefined && hit.until > now) return hit.response;
    }
    let response: AuthenticateResponse | undefined;
    const fromFile = this.staticTokens?.authenticate(token);
    if (fromFile !== undefined) response = { authenticated: true, user: withAuthenticatedGroup(fromFile), audiences };
    if (response === undefined && this.saTokens !== undefined) {
      const v = await this.saTokens.verify(token, audiences, this.opts.storage);
      if (v.kind === 'user') response = { authenticated: true, user: withAuthenticatedGroup(v.user), audiences: v.audiences };
    }
    if (response === undefined && this.oidc !== undefined) {
      const v = await this.oidc.authenticate(token);
      if (v.kind === 'user') response = { authenticated: true, user: withAuthenticatedGroup(v.user), audiences };
    }
    if (response === undefined) return unauthorized();
    if (ttl > 0) {
      if (this.tokenCache.size >= tokenCacheMax) this.tokenCache.clear();
      this.tokenCache.set(key, { response, until: now + ttl });
    }
    return response;
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResponse> {
    if ((req.user?.groups ?? []).includes(mastersGroup)) return { decision: Decision.DECISION_ALLOW, reason: '', evaluationError: '' };
    // Until RBAC has listed its objects, the paths its bootstrap roles open to everyone stay open
    // (health checks and discovery during start-up), and nothing else.
    if (!this.rbacReady) return this.bootstrap.authorize(req);
    return this.rbac.authorize(req);
  }

  async issueServiceAccountToken(req: IssueServiceAccountTokenRequest): Promise<IssueServiceAccountTokenResponse> {
    if (this.saTokens === undefined) {
      return {
        token: '',
        expirationTimestamp: '',
        audiences: [],
        status: { code: 500, reason: 'InternalError', message: 'Internal error occurred: service account token issuing is not configured', details: undefined },
      };
    }
    return this.saTokens.issue(req);
  }

  async getServiceAccountIssuer(): Promise<GetServiceAccountIssuerResponse> {
    if (this.saTokens === undefined) return { issuer: '', jwks: Buffer.alloc(0), signingAlgs: [] };
    return { issuer: this.saTokens.issuer, jwks: Buffer.from(JSON.stringify(await this.saTokens.jwks())), signingAlgs: this.saTokens.signingAlgs };
  }

  /** SelfSubjectRulesReview: what RBAC grants (system:masters holds cluster-admin through its binding). */
  async rulesFor(req: RulesForRequest): Promise<RulesForResponse> {
    const user = req.user ?? { username: '', uid: '', groups: [], extra: {} };
    const { resourceRules, nonResourceRules, errors } = this.rbac.rulesFor(user, req.namespace);
    return {
      resourceRules,
      nonResourceRules: nonResourceRules.map((r) => ({ verbs: r.verbs, nonResourceUrls: r.nonResourceURLs })),
      incomplete: false,
      evaluationError: errors.length > 0 ? aggregateErrors(errors) : '',
    };
  }

  async close(): Promise<void> {
    this.aggregation?.stop();
    for (const inf of this.informers) inf.stop();
  }
}

export function createAuthService(opts: AuthServiceOptions): AuthService {
  return new AuthService(opts);
}
