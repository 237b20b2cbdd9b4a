// OpenID Connect ID tokens (k8s parity: apiserver plugin/pkg/authenticator/token/oidc, configured
// as with kube-apiserver's --oidc-* flags). The token must be signed by a key of the issuer's JWKS
// (a file, or a URL), carry the issuer and the client ID as audience, and be unexpired; the user
// name comes from a claim (with the issuer as prefix unless it is `email`), the groups from another.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { UserInfo } from '@portico/proto';

export interface OidcOptions {
  /** --oidc-issuer-url: must equal the token's iss. */
  issuerUrl: string;
  /** --oidc-client-id: must be one of the token's audiences. */
  clientId: string;
  /** --oidc-username-claim; default `sub`. */
  usernameClaim?: string;
  /** --oidc-username-prefix; default `<issuer>#` unless the claim is `email`; `-` for none. */
  usernamePrefix?: string;
  /** --oidc-groups-claim; without it the user has no groups from the token. */
  groupsClaim?: string;
  /** --oidc-groups-prefix. */
  groupsPrefix?: string;
  /** --oidc-signing-algs; default RS256. */
  signingAlgs?: string[];
  /** The issuer's keys: a JWKS file, or a JWKS URL; one of them is required. */
  jwksFile?: string;
  jwksUrl?: string;
  now?: () => number;
}

export type OidcVerdict = { kind: 'not-mine' } | { kind: 'invalid'; reason: string } | { kind: 'user'; user: UserInfo };

function issuerOf(token: string): unknown {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return (JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return undefined;
  }
}

export class OidcAuthenticator {
  private readonly keys: JWTVerifyGetKey;
  private readonly usernameClaim: string;
  private readonly usernamePrefix: string;

  constructor(private readonly opts: OidcOptions) {
    if (opts.jwksFile !== undefined) this.keys = createLocalJWKSet(JSON.parse(readFileSync(opts.jwksFile, 'utf8')) as JSONWebKeySet);
    else if (opts.jwksUrl !== undefined) this.keys = createRemoteJWKSet(new URL(opts.jwksUrl));
    else throw new Error('OIDC needs the issuer keys: a JWKS file or URL');
    this.usernameClaim = opts.usernameClaim ?? 'sub';
    const prefix = opts.usernamePrefix;
    if (prefix === '-') this.usernamePrefix = '';
    else if (prefix !== undefined && prefix !== '') this.usernamePrefix = prefix;
    else this.usernamePrefix = this.usernameClaim === 'email' ? '' : `${opts.issuerUrl}#`;
  }

  async authenticate(token: string): Promise<OidcVerdict> {
    if (issuerOf(token) !== this.opts.issuerUrl) return { kind: 'not-mine' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.opts.issuerUrl,
        audience: this.opts.clientId,
        algorithms: this.opts.signingAlgs ?? ['RS256'],
        ...(this.opts.now === undefined ? {} : { currentDate: new Date(this.opts.now()) }),
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      return { kind: 'invalid', reason: e instanceof Error ? e.message : String(e) };
    }
    const claim = payload[this.usernameClaim];
    if (typeof claim !== 'string' || claim === '') return { kind: 'invalid', reason: `oidc: parse username claims "${this.usernameClaim}": claim not present` };
    if (this.usernameClaim === 'email' && payload['email_verified'] !== undefined && payload['email_verified'] !== true) {
      return { kind: 'invalid', reason: `oidc: email not verified` };
    }
    const groups: string[] = [];
    if (this.opts.groupsClaim !== undefined && this.opts.groupsClaim !== '') {
      const g = payload[this.opts.groupsClaim];
      const list = typeof g === 'string' ? [g] : Array.isArray(g) ? g : [];
      for (const x of list) {
        if (typeof x !== 'string') return { kind: 'invalid', reason: `oidc: parse groups claim "${this.opts.groupsClaim}"` };
        groups.push(`${this.opts.groupsPrefix ?? ''}${x}`);
      }
    }
    return { kind: 'user', user: { username: `${this.usernamePrefix}${claim}`, uid: '', groups, extra: {} } };
  }
}
