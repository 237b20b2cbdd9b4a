// The admission service's command line. Kept free of heavy imports: tracing must be initialised
// before @grpc/grpc-js is first required, so run.ts is loaded only inside the action.
import { Command, Option } from 'commander';
import { createLogger, initTracing } from '@portico/telemetry';
import type { RunningService } from './run';

export interface AdmissionCommandOptions {
  listen: string;
  storage: string;
  nats?: string;
  webhookServiceHosts?: string;
}

export function admissionCommand(): Command {
  return new Command('admission')
    .description('run the admission service (the admission chain behind gRPC)')
    .addOption(new Option('--listen <host:port>', 'gRPC listen address').env('PORTICO_LISTEN').default('127.0.0.1:50053'))
    .addOption(
      new Option('--storage <target>', 'storage service gRPC target (host:port or dns:///name:port)')
        .env('PORTICO_STORAGE')
        .default('127.0.0.1:50051'),
    )
    .addOption(new Option('--nats <url>', 'NATS server URL (keeps admission configuration current)').env('PORTICO_NATS_URL'))
    .addOption(
      new Option('--webhook-service-hosts <map>', 'where webhook service references go: <name>.<namespace>[:<port>]=host:port,...').env(
        'PORTICO_WEBHOOK_SERVICE_HOSTS',
      ),
    )
    .action((opts: AdmissionCommandOptions) =>
      serve('admission', async () => {
        const { runAdmissionService } = await import('./run.js');
        return runAdmissionService({
          listen: opts.listen,
          storage: opts.storage,
          ...(opts.nats ? { natsUrl: opts.nats } : {}),
          ...(opts.webhookServiceHosts ? { webhookServiceHosts: opts.webhookServiceHosts } : {}),
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
