// Service-account tokens. k8s parity: pkg/serviceaccount/jwt.go and claims.go (signing, the
// `kubernetes.io` private claims, validation), pkg/registry/core/serviceaccount/storage/token.go
// (TokenRequest defaults). Tokens are ES256 (or RS256 for an RSA key) JWTs signed with the
// cluster's key; every auth replica verifies them with the public key and then checks that the
// service account (and the object the token is bound to) still exists with the same UID.
import { createHash, createPrivateKey, createPublicKey, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, exportJWK, jwtVerify, type JWTPayload } from 'jose';
import type {
  IssueServiceAccountTokenRequest,
  IssueServiceAccountTokenResponse,
  Status,
  StorageServicePort,
  UserInfo,
} from '@portico/proto';

export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';
/** The issuer of the tokens kept in kubernetes.io/service-account-token Secrets. */
export const legacyIssuer = 'kubernetes/serviceaccount';
const legacyClaim = (k: string) => `kubernetes.io/serviceaccount/${k}`;
export const defaultExpirationSeconds = 3600;
export const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;

export const serviceAccountsGroup = 'system:serviceaccounts';
export const serviceAccountUsernamePrefix = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountUsernamePrefix}${namespace}:${name}`;
}

/** The groups a service account's user is in (besides system:authenticated). */
export function serviceAccountGroups(namespace: string): string[] {
  return [serviceAccountsGroup, `${serviceAccountsGroup}:${namespace}`];
}

interface Ref {
  name: string;
  uid: string;
}

interface KubernetesClaims {
  namespace: string;
  serviceaccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  warnafter?: number;
}

export interface ServiceAccountTokenOptions {
  /** PEM private key (PKCS#8, EC P-256 or RSA). */
  signingKeyPem: string;
  /** PEM public keys accepted when verifying (the signing key's public half at least). */
  publicKeyPems: string[];
  /** kube-apiserver's --service-account-issuer. */
  issuer?: string;
  /** kube-apiserver's --api-audiences; default: the issuer. */
  apiAudiences?: string[];
  /** kube-apiserver's --service-account-max-token-expiration (seconds); default: none. */
  maxExpirationSeconds?: number;
  now?: () => number;
}

export type TokenVerdict =
  | { kind: 'not-mine' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'user'; user: UserInfo; audiences: string[] };

/** kube's keyIDFromPublicKey: base64url(sha256(DER SubjectPublicKeyInfo)). */
function keyId(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64url');
}

const invalid = (message: string): Status => ({ code: 422, reason: 'Invalid', message, details: undefined });

function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p));
}

export class ServiceAccountTokens {
  private readonly signingKey: KeyObject;
  private readonly alg: 'ES256' | 'RS256';
  private readonly kid: string;
  private readonly publicKeys: Array<{ key: KeyObject; kid: string }>;
  readonly issuer: string;
  readonly apiAudiences: string[];
  private readonly now: () => number;

  constructor(private readonly opts: ServiceAccountTokenOptions) {
    this.signingKey = createPrivateKey(opts.signingKeyPem);
    this.alg = this.signingKey.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
    this.kid = keyId(createPublicKey(this.signingKey));
    this.publicKeys = opts.publicKeyPems.map((p) => {
      const key = createPublicKey(p);
      return { key, kid: keyId(key) };
    });
    this.issuer = opts.issuer ?? defaultIssuer;
    this.apiAudiences = opts.apiAudiences ?? [this.issuer];
    this.now = opts.now ?? Date.now;
  }

  /** Signs a token for a service account the caller has found (and, when bound, its object). */
  async issue(req: IssueServiceAccountTokenRequest): Promise<IssueServiceAccountTokenResponse> {
    if (req.legacySecretName !== '') return this.issueLegacy(req);
    let seconds = Number(req.expirationSeconds);
    if (!Number.isFinite(seconds) || seconds === 0) seconds = defaultExpirationSeconds;
    if (seconds < minExpirationSeconds) {
      return { token: '', expirationTimestamp: '', audiences: [], status: invalid(`spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration less than 10 minutes`) };
    }
    if (seconds > maxExpirationSeconds) {
      return { token: '', expirationTimestamp: '', audiences: [], status: invalid(`spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration larger than 2^32 seconds`) };
    }
    if (this.opts.maxExpirationSeconds !== undefined && seconds > this.opts.maxExpirationSeconds) seconds = this.opts.maxExpirationSeconds;
    const audiences = req.audiences.length > 0 ? req.audiences : this.apiAudiences;
    const nowSec = Math.floor(this.now() / 1000);
    const exp = nowSec + seconds;
    const k8s: KubernetesClaims = { namespace: req.namespace, serviceaccount: { name: req.serviceAccountName, uid: req.serviceAccountUid } };
    const b = req.boundObject;
    if (b !== undefined && b.kind !== '') {
      const ref = { name: b.name, uid: b.uid };
      if (b.kind === 'Pod') k8s.pod = ref;
      else if (b.kind === 'Secret') k8s.secret = ref;
      else if (b.kind === 'Node') k8s.node = ref;
    }
    const token = await new SignJWT({ 'kubernetes.io': k8s as unknown as Record<string, unknown> })
      .setProtectedHeader({ alg: this.alg, kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(serviceAccountUsername(req.namespace, req.serviceAccountName))
      .setAudience(audiences)
      .setIssuedAt(nowSec)
      .setNotBefore(nowSec)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.signingKey);
    return { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), audiences, status: undefined };
  }

  /** The discovery document's keys (pkg/serviceaccount/openidmetadata.go): one JWK per public key, with its kid. */
  async jwks(): Promise<{ keys: Array<Record<string, unknown>> }> {
    const keys: Array<Record<string, unknown>> = [];
    for (const { key, kid } of this.publicKeys) {
      const alg = key.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
      keys.push({ use: 'sig', ...(await exportJWK(key)), kid, alg });
    }
    return { keys };
  }

  get signingAlgs(): string[] {
    return [...new Set(this.publicKeys.map(({ key }) => (key.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256')))].sort();
  }

  /** pkg/serviceaccount/legacy.go: no audience, no expiry; valid while its Secret holds it. */
  private async issueLegacy(req: IssueServiceAccountTokenRequest): Promise<IssueServiceAccountTokenResponse> {
    const token = await new SignJWT({
      [legacyClaim('namespace')]: req.namespace,
      [legacyClaim('secret.name')]: req.legacySecretName,
      [legacyClaim('service-account.name')]: req.serviceAccountName,
      [legacyClaim('service-account.uid')]: req.serviceAccountUid,
    })
      .setProtectedHeader({ alg: this.alg, kid: this.kid })
      .setIssuer(legacyIssuer)
      .setSubject(serviceAccountUsername(req.namespace, req.serviceAccountName))
      .sign(this.signingKey);
    return { token, expirationTimestamp: '', audiences: [], status: undefined };
  }

  private async verifyLegacy(token: string, requestAudiences: readonly string[], storage: StorageServicePort | undefined): Promise<TokenVerdict> {
    let payload: JWTPayload | undefined;
    for (const { key } of this.publicKeys) {
      try {
        payload = (await jwtVerify(token, key, { issuer: legacyIssuer, algorithms: ['ES256', 'RS256'], currentDate: new Date(this.now()) })).payload;
        break;
      } catch (e) {
        if (e instanceof joseErrors.JWSSignatureVerificationFailed) continue;
        return { kind: 'invalid', reason: e instanceof Error ? e.message : String(e) };
      }
    }
    if (payload === undefined) return { kind: 'invalid', reason: 'invalid signature' };
    // Legacy tokens carry no audience: they are good for the API server's own audiences only.
    const audiences = requestAudiences.length > 0 ? requestAudiences.filter((a) => this.apiAudiences.includes(a)) : this.apiAudiences;
    if (audiences.length === 0) return { kind: 'invalid', reason: 'token audiences do not match' };
    const claim = (k: string) => (typeof payload[legacyClaim(k)] === 'string' ? (payload[legacyClaim(k)] as string) : '');
    const namespace = claim('namespace');
    const name = claim('service-account.name');
    const uid = claim('service-account.uid');
    const secretName = claim('secret.name');
    if (namespace === '' || name === '' || secretName === '' || payload.sub !== serviceAccountUsername(namespace, name)) return { kind: 'invalid', reason: 'token has no service account claims' };
    if (storage === undefined) return { kind: 'invalid', reason: 'service account lookup unavailable' };
    const secret = await storage.get({ ref: { group: '', resource: 'secrets', namespace, name: secretName }, resourceVersion: '' }, { deadline: Date.now() + 5_000 });
    if (secret.status !== undefined && secret.status.code !== 0) return { kind: 'invalid', reason: 'Token has been invalidated' };
    let held = Buffer.alloc(0);
    try {
      const data = (JSON.parse(Buffer.from(secret.object).toString('utf8')) as { data?: Record<string, string> }).data ?? {};
      held = Buffer.from(data['token'] ?? '', 'base64');
    } catch {
      /* no token held */
    }
    const presented = Buffer.from(token, 'utf8');
    if (held.length !== presented.length || !timingSafeEqual(held, presented)) return { kind: 'invalid', reason: 'Token has been invalidated' };
    if (!(await objectExists(storage, 'serviceaccounts', namespace, name, uid))) return { kind: 'invalid', reason: 'Token has been invalidated' };
    return { kind: 'user', user: { username: payload.sub, uid, groups: serviceAccountGroups(namespace), extra: {} }, audiences };
  }

  /**
   * Verifies a bearer token. A token that is not a JWT of this issuer is not-mine (another
   * authenticator may know it); anything else that fails is invalid.
   */
  async verify(token: string, requestAudiences: readonly string[], storage: StorageServicePort | undefined): Promise<TokenVerdict> {
    if (!looksLikeJwt(token)) return { kind: 'not-mine' };
    let payloadIssuer: unknown;
    try {
      const payloadPart = token.split('.')[1] as string;
      payloadIssuer = (JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    } catch {
      return { kind: 'not-mine' };
    }
    if (payloadIssuer === legacyIssuer) return this.verifyLegacy(token, requestAudiences, storage);
    if (payloadIssuer !== this.issuer) return { kind: 'not-mine' };
    const audiences = requestAudiences.length > 0 ? requestAudiences : this.apiAudiences;
    let payload: JWTPayload | undefined;
    let lastError = 'invalid signature';
    for (const { key } of this.publicKeys) {
      try {
        const r = await jwtVerify(token, key, {
          issuer: this.issuer,
          algorithms: ['ES256', 'RS256'],
          currentDate: new Date(this.now()),
          // go-jose's default leeway, which kube-apiserver's validation uses.
          clockTolerance: 60,
          requiredClaims: ['exp', 'sub'],
        });
        payload = r.payload;
        break;
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) return { kind: 'invalid', reason: 'service account token has expired' };
        if (e instanceof joseErrors.JWSSignatureVerificationFailed) continue;
        lastError = e instanceof Error ? e.message : String(e);
        return { kind: 'invalid', reason: lastError };
      }
    }
    if (payload === undefined) return { kind: 'invalid', reason: lastError };
    const tokenAudiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const matched = audiences.filter((a) => tokenAudiences.includes(a));
    if (matched.length === 0) return { kind: 'invalid', reason: 'token audiences do not match' };
    const k8s = payload['kubernetes.io'] as Partial<KubernetesClaims> | undefined;
    if (k8s === undefined || typeof k8s.namespace !== 'string' || typeof k8s.serviceaccount?.name !== 'string') {
      return { kind: 'invalid', reason: 'token has no kubernetes.io claims' };
    }
    if (payload.sub !== serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name)) return { kind: 'invalid', reason: 'sub does not match the service account' };
    if (storage === undefined) return { kind: 'invalid', reason: 'service account lookup unavailable' };
    const sa = k8s.serviceaccount;
    if (!(await objectExists(storage, 'serviceaccounts', k8s.namespace, sa.name, sa.uid))) return { kind: 'invalid', reason: 'service account token has been invalidated' };
    const extra: UserInfo['extra'] = {};
    if (k8s.pod !== undefined) {
      if (!(await objectExists(storage, 'pods', k8s.namespace, k8s.pod.name, k8s.pod.uid))) return { kind: 'invalid', reason: 'service account token has been invalidated' };
      extra['authentication.kubernetes.io/pod-name'] = { values: [k8s.pod.name] };
      extra['authentication.kubernetes.io/pod-uid'] = { values: [k8s.pod.uid] };
    }
    if (k8s.secret !== undefined && !(await objectExists(storage, 'secrets', k8s.namespace, k8s.secret.name, k8s.secret.uid))) {
      return { kind: 'invalid', reason: 'service account token has been invalidated' };
    }
    if (k8s.node !== undefined) {
      extra['authentication.kubernetes.io/node-name'] = { values: [k8s.node.name] };
      extra['authentication.kubernetes.io/node-uid'] = { values: [k8s.node.uid] };
    }
    if (typeof payload.jti === 'string' && payload.jti !== '') extra['authentication.kubernetes.io/credential-id'] = { values: [`JTI=${payload.jti}`] };
    return {
      kind: 'user',
      user: { username: payload.sub, uid: sa.uid, groups: serviceAccountGroups(k8s.namespace), extra },
      audiences: matched,
    };
  }
}

/**
 * The object exists with this uid. Read from the watch cache first and, when that disagrees,
 * from storage itself (a just-created object may not be cached yet), as kube-apiserver's
 * lister-with-live-fallback getter does.
 */
async function objectExists(storage: StorageServicePort, resource: string, namespace: string, name: string, uid: string): Promise<boolean> {
  for (const resourceVersion of ['0', '']) {
    const r = await storage.get({ ref: { group: '', resource, namespace, name }, resourceVersion }, { deadline: Date.now() + 5_000 });
    if (r.status !== undefined && r.status.code !== 0) continue;
    try {
      const obj = JSON.parse(Buffer.from(r.object).toString('utf8')) as { metadata?: { uid?: string; deletionTimestamp?: string } };
      if (obj.metadata?.uid === uid && obj.metadata.deletionTimestamp === undefined) return true;
    } catch {
      /* treated as absent */
    }
  }
  return false;
}
