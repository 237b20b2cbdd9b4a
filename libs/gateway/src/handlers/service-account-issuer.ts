// Service-account issuer discovery (k8s parity: pkg/serviceaccount/openidmetadata.go and the
// routes in pkg/routes/openidmetadata.go): the OpenID configuration and the JWKS that let other
// systems verify Portico's service-account tokens. What they may read is up to RBAC
// (system:service-account-issuer-discovery, bound to system:serviceaccounts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, statusErrors } from '@portico/api';
import type { AuthServicePort } from '@portico/proto';
import { callContext, contextOf } from '../request/context';

export const openIDConfigurationPath = '/.well-known/openid-configuration';
export const jwksPath = '/openid/v1/jwks';

/** Serves the two discovery paths; false for any other request. */
export async function serveServiceAccountIssuer(req: IncomingMessage, res: ServerResponse, auth: AuthServicePort): Promise<boolean> {
  const ctx = contextOf(req);
  const path = ctx.info.path;
  if (path !== openIDConfigurationPath && path !== jwksPath) return false;
  if (ctx.info.verb !== 'get') throw statusErrors.methodNotSupported({ group: '', resource: path }, ctx.info.verb);
  let r;
  try {
    r = await auth.getServiceAccountIssuer(callContext(ctx));
  } catch (e) {
    throw new StatusError(statusErrors.serviceUnavailable('the authentication service is unavailable').status, { cause: e });
  }
  if (r.issuer === '') throw statusErrors.notFoundPath();
  let body: Buffer;
  if (path === jwksPath) {
    body = Buffer.from(r.jwks);
    res.setHeader('Content-Type', 'application/jwk-set+json');
  } else {
    const jwksUri = new URL(r.issuer);
    jwksUri.pathname = `${jwksUri.pathname.replace(/\/$/, '')}${jwksPath}`;
    body = Buffer.from(
      JSON.stringify({
        issuer: r.issuer,
        jwks_uri: jwksUri.toString(),
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: r.signingAlgs,
      }),
    );
    res.setHeader('Content-Type', 'application/json');
  }
  res.statusCode = 200;
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.setHeader('Content-Length', body.length);
  res.end(body);
  return true;
}
