// The auth service's command line. Kept free of heavy imports: tracing must be initialised
// before @grpc/grpc-js is first required, so run.ts is loaded only inside the action.
import { Command, Option } from 'commander';
import { serveProcess } from '@portico/telemetry';
import type { OidcOptions } from '@portico/auth';

/** kube-apiserver's authentication flags, shared by `portico auth` and `portico start`. */
export interface AuthnFlags {
  tokenAuthFile?: string;
  serviceAccountIssuer?: string;
  oidcIssuerUrl?: string;
  oidcClientId?: string;
  oidcUsernameClaim?: string;
  oidcUsernamePrefix?: string;
  oidcGroupsClaim?: string;
  oidcGroupsPrefix?: string;
  oidcJwksFile?: string;
  oidcJwksUrl?: string;
}

export interface AuthnSettings {
  tokenAuthFile?: string;
  serviceAccountIssuer?: string;
  oidc?: OidcOptions;
}

export function authnFlagOptions(): Option[] {
  return [
    new Option('--token-auth-file <file>', 'static tokens, CSV: token,user,uid,"group1,group2"').env('PORTICO_TOKEN_AUTH_FILE'),
    new Option('--service-account-issuer <url>', 'iss of service-account tokens').env('PORTICO_SERVICE_ACCOUNT_ISSUER'),
    new Option('--oidc-issuer-url <url>', 'OIDC issuer whose ID tokens authenticate users').env('PORTICO_OIDC_ISSUER_URL'),
    new Option('--oidc-client-id <id>', 'OIDC client ID (the audience tokens must carry)').env('PORTICO_OIDC_CLIENT_ID'),
    new Option('--oidc-username-claim <claim>', 'claim holding the user name (default sub)').env('PORTICO_OIDC_USERNAME_CLAIM'),
    new Option('--oidc-username-prefix <prefix>', 'user name prefix (default <issuer>#, none for email; - for none)').env('PORTICO_OIDC_USERNAME_PREFIX'),
    new Option('--oidc-groups-claim <claim>', 'claim holding the groups').env('PORTICO_OIDC_GROUPS_CLAIM'),
    new Option('--oidc-groups-prefix <prefix>', 'prefix for each group').env('PORTICO_OIDC_GROUPS_PREFIX'),
    new Option('--oidc-jwks-file <file>', "the issuer's keys as a JWKS file").env('PORTICO_OIDC_JWKS_FILE'),
    new Option('--oidc-jwks-url <url>', "the issuer's keys as a JWKS URL").env('PORTICO_OIDC_JWKS_URL'),
  ];
}

export function authnSettings(f: AuthnFlags): AuthnSettings {
  const out: AuthnSettings = {};
  if (f.tokenAuthFile) out.tokenAuthFile = f.tokenAuthFile;
  if (f.serviceAccountIssuer) out.serviceAccountIssuer = f.serviceAccountIssuer;
  if (f.oidcIssuerUrl) {
    if (!f.oidcClientId) throw new Error('--oidc-client-id is required with --oidc-issuer-url');
    if (!f.oidcJwksFile && !f.oidcJwksUrl) throw new Error('--oidc-jwks-file or --oidc-jwks-url is required with --oidc-issuer-url');
    out.oidc = {
      issuerUrl: f.oidcIssuerUrl,
      clientId: f.oidcClientId,
      ...(f.oidcUsernameClaim ? { usernameClaim: f.oidcUsernameClaim } : {}),
      ...(f.oidcUsernamePrefix ? { usernamePrefix: f.oidcUsernamePrefix } : {}),
      ...(f.oidcGroupsClaim ? { groupsClaim: f.oidcGroupsClaim } : {}),
      ...(f.oidcGroupsPrefix ? { groupsPrefix: f.oidcGroupsPrefix } : {}),
      ...(f.oidcJwksFile ? { jwksFile: f.oidcJwksFile } : {}),
      ...(f.oidcJwksUrl ? { jwksUrl: f.oidcJwksUrl } : {}),
    };
  }
  return out;
}

export interface AuthCommandOptions extends AuthnFlags {
  listen: string;
  pkiDir: string;
  storage?: string;
  nats?: string;
}

export function authCommand(): Command {
  const cmd = new Command('auth')
    .description('run the auth service (authentication and authorization behind gRPC)')
    .addOption(new Option('--listen <host:port>', 'gRPC listen address').env('PORTICO_LISTEN').default('127.0.0.1:50052'))
    .addOption(
      new Option('--pki-dir <dir>', 'cluster PKI directory (its CA verifies client certificates)')
        .env('PORTICO_PKI_DIR')
        .makeOptionMandatory(),
    )
    .addOption(new Option('--storage <target>', 'storage service gRPC target (RBAC objects are listed from it)').env('PORTICO_STORAGE'))
    .addOption(new Option('--nats <url>', 'NATS server URL (RBAC objects are followed on it)').env('PORTICO_NATS_URL'));
  for (const o of authnFlagOptions()) cmd.addOption(o);
  return cmd.action((opts: AuthCommandOptions) =>
    serveProcess('auth', async () => {
      const { runAuthService } = await import('./run.js');
      return runAuthService({
        listen: opts.listen,
        pkiDir: opts.pkiDir,
        ...(opts.storage ? { storage: opts.storage } : {}),
        ...(opts.nats ? { natsUrl: opts.nats } : {}),
        ...authnSettings(opts),
      });
    }),
  );
}
