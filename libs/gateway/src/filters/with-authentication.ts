// k8s parity: WithAuthentication. The gateway only extracts credentials (the TLS client chain and
// the bearer token); the auth service verifies them. A failed credential is a 401 Status.
import type { TLSSocket, DetailedPeerCertificate } from 'node:tls';
import { statusErrors } from '@portico/api';
import type { AuthenticateResponse, AuthServicePort, UserInfo } from '@portico/proto';
import { callContext, contextOf } from '../request/context';
import type { Handler } from './handler';

/** DER certificates the client presented, leaf first (empty when it presented none). */
export function peerCertificateChain(socket: TLSSocket): Buffer[] {
  if (typeof socket.getPeerCertificate !== 'function') return [];
  // An empty object (no raw) when the client presented no certificate.
  const leaf = socket.getPeerCertificate(true) as Partial<DetailedPeerCertificate>;
  const chain: Buffer[] = [];
  let cert: DetailedPeerCertificate | undefined = leaf.raw !== undefined ? (leaf as DetailedPeerCertificate) : undefined;
  const seen = new Set<DetailedPeerCertificate>();
  while (cert !== undefined && cert.raw !== undefined && !seen.has(cert) && chain.length < 8) {
    seen.add(cert);
    chain.push(cert.raw);
    cert = cert.issuerCertificate === cert ? undefined : cert.issuerCertificate;
  }
  return chain;
}

/**
 * k8s parity: apiserver pkg/authentication/request/bearertoken. Anything that is not
 * `Bearer <token>` is no bearer credential at all (the request may still be anonymous); the token
 * is the second space-separated field, so `Bearer a b` presents the token `a`.
 */
export function bearerToken(header: string | undefined): string {
  const auth = (header ?? '').trim();
  if (auth === '') return '';
  const parts = auth.split(' ');
  if (parts.length < 2 || (parts[0] as string).toLowerCase() !== 'bearer') return '';
  return parts[1] as string;
}

interface CachedUser {
  user: UserInfo;
  until: number;
}

/** A client certificate cannot change within a TLS connection, so its verdict is kept for a while per socket. */
const byConnection = new WeakMap<TLSSocket, CachedUser>();
const connectionCacheMs = 10_000;

export function withAuthentication(next: Handler, auth: AuthServicePort): Handler {
  return async (req, res) => {
    const ctx = contextOf(req);
    const socket = req.socket as TLSSocket;
    const token = bearerToken(req.headers.authorization);
    // Credentials go no further than this filter (k8s deletes the header too).
    delete req.headers.authorization;
    const now = Date.now();
    if (token === '') {
      const cached = byConnection.get(socket);
      if (cached !== undefined && cached.until > now) {
        ctx.user = cached.user;
        return next(req, res);
      }
    }
    let result: AuthenticateResponse;
    try {
      result = await auth.authenticate({ bearerToken: token, clientCertificateChain: peerCertificateChain(socket), audiences: [] }, callContext(ctx));
    } catch {
      throw statusErrors.serviceUnavailable('the authentication service is unavailable');
    }
    if (!result.authenticated || result.user === undefined) throw statusErrors.unauthorized();
    ctx.user = result.user;
    if (token === '') byConnection.set(socket, { user: result.user, until: now + connectionCacheMs });
    await next(req, res);
  };
}
