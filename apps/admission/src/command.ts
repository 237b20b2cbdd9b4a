// The admission service's command line. Kept free of heavy imports: tracing must be initialised
// before @grpc/grpc-js is first required, so run.ts is loaded only inside the action.
import { Command, Option } from 'commander';
import { serveProcess } from '@portico/telemetry';

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
      serveProcess('admission', async () => {
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
