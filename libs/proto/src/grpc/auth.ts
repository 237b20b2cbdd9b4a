import { Client } from '@grpc/grpc-js';
import { AuthServiceService, type AuthServiceServer } from '../generated/portico/auth/v1/auth';
import type { AuthServicePort, Closeable } from '../ports';
import { GrpcCaller, unaryHandler } from './call';
import { clientCredentials, DEFAULT_CHANNEL_OPTIONS, DEFAULT_UNARY_TIMEOUT_MS, type GrpcClientOptions } from './options';

/**
 * The channel's service config: round robin over the replicas as for every client, plus a retry of
 * UNAVAILABLE. Every AuthService method only reads (authenticate, authorize, rulesFor, the issuer)
 * or mints a token nothing stores, so a call is safe to send again; when the replica it went to
 * dies with it in flight (the connection reset), grpc-js sends it again, and round robin picks the
 * next replica. Backoffs are short and the call's own deadline bounds all attempts together.
 */
const authServiceConfig = JSON.stringify({
  ...(JSON.parse(String(DEFAULT_CHANNEL_OPTIONS['grpc.service_config'])) as object),
  methodConfig: [
    {
      name: [{ service: 'portico.auth.v1.AuthService' }],
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: '0.05s',
        maxBackoff: '0.5s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ],
});

/** AuthServicePort over gRPC. */
export function createAuthClient(target: string, opts?: GrpcClientOptions): AuthServicePort & Closeable {
  const client = new Client(target, clientCredentials(opts), {
    ...DEFAULT_CHANNEL_OPTIONS,
    'grpc.service_config': authServiceConfig,
    ...opts?.channelOptions,
  });
  const caller = new GrpcCaller(client, opts?.defaultTimeoutMs ?? DEFAULT_UNARY_TIMEOUT_MS);
  const m = AuthServiceService;
  return {
    authenticate: (req, ctx) => caller.unary(m.authenticate, req, ctx),
    authorize: (req, ctx) => caller.unary(m.authorize, req, ctx),
    issueServiceAccountToken: (req, ctx) => caller.unary(m.issueServiceAccountToken, req, ctx),
    rulesFor: (req, ctx) => caller.unary(m.rulesFor, req, ctx),
    getServiceAccountIssuer: (ctx) => caller.unary(m.getServiceAccountIssuer, {}, ctx),
    close: async () => client.close(),
  };
}

/** Serves an AuthServicePort implementation as portico.auth.v1.AuthService. */
export function authServiceHandlers(impl: AuthServicePort): AuthServiceServer {
  return {
    authenticate: unaryHandler((req, ctx) => impl.authenticate(req, ctx)),
    authorize: unaryHandler((req, ctx) => impl.authorize(req, ctx)),
    issueServiceAccountToken: unaryHandler((req, ctx) => impl.issueServiceAccountToken(req, ctx)),
    rulesFor: unaryHandler((req, ctx) => impl.rulesFor(req, ctx)),
    getServiceAccountIssuer: unaryHandler((_req, ctx) => impl.getServiceAccountIssuer(ctx)),
  };
}
