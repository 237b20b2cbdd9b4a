// The auth service's command line. Kept free of heavy imports: tracing must be initialised
// before @grpc/grpc-js is first required, so run.ts is loaded only inside the action.
import { Command, Option } from 'commander';
import { createLogger, initTracing } from '@portico/telemetry';
import type { RunningService } from './run';

export interface AuthCommandOptions {
  listen: string;
  pkiDir: string;
  storage?: string;
  nats?: string;
  tokenAuthFile?: string;
  serviceAccountIssuer?: string;
}

export function authCommand(): Command {
  return new Command('auth')
    .description('run the auth service (authentication and authorization behind gRPC)')
    .addOption(new Option('--listen <host:port>', 'gRPC listen address').env('PORTICO_LISTEN').default('127.0.0.1:50052'))
    .addOption(
      new Option('--pki-dir <dir>', 'cluster PKI directory (its CA verifies client certificates)')
        .env('PORTICO_PKI_DIR')
        .makeOptionMandatory(),
    )
    .addOption(new Option('--storage <target>', 'storage service gRPC target (RBAC objects are listed from it)').env('PORTICO_STORAGE'))
    .addOption(new Option('--nats <url>', 'NATS server URL (RBAC objects are followed on it)').env('PORTICO_NATS_URL'))
    .addOption(new Option('--token-auth-file <file>', 'static tokens, CSV: token,user,uid,"group1,group2"').env('PORTICO_TOKEN_AUTH_FILE'))
    .addOption(new Option('--service-account-issuer <url>', 'iss of service-account tokens').env('PORTICO_SERVICE_ACCOUNT_ISSUER'))
    .action((opts: AuthCommandOptions) =>
      serve('auth', async () => {
        const { runAuthService } = await import('./run.js');
        return runAuthService({
          listen: opts.listen,
          pkiDir: opts.pkiDir,
          ...(opts.storage ? { storage: opts.storage } : {}),
          ...(opts.nats ? { natsUrl: opts.nats } : {}),
          ...(opts.tokenAuthFile ? { tokenAuthFile: opts.tokenAuthFile } : {}),
          ...(opts.serviceAccountIssuer ? { serviceAccountIssuer: opts.serviceAccountIssuer } : {}),
        });
      }),
    );
}

/**
 * Tracing first, then the service; one `<name> listening on <addr>` line once it serves; a graceful
 * close on SIGINT/SIGTERM (a second signal exits at once), or when the supervisor that started it
 * with an IPC channel (`portico start-distributed`) goes away.
 */
async function serve(name: string, start: () => Promise<RunningService>): Promise<void> {
  const tracing = initTracing(name);
  const log = createLogger({ service: name });
  let running: RunningService;
  try {
    running = await start();
  } catch (err) {
    await tracing.shutdown();
    throw err;
  }
  process.stdout.write(`${name} listening on ${running.address}\n`);
  const reason = await new Promise<string>((resolve) => {
    const stop = (why: string): void => {
      process.off('SIGINT', stop).off('SIGTERM', stop).off('disconnect', onDisconnect);
      process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
      resolve(why);
    };
    const onDisconnect = (): void => stop('supervisor gone');
    process.on('SIGINT', stop).on('SIGTERM', stop);
    if (process.connected) process.once('disconnect', onDisconnect);
  });
  log.info({ reason }, 'shutting down');
  await running.close();
  await tracing.shutdown();
}
