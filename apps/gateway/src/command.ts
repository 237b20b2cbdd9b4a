// The gateway's command line. Kept free of heavy imports: tracing must be initialised before
// express and @grpc/grpc-js are first required, so run.ts is loaded only inside the action.
import { Command, InvalidArgumentError, Option } from 'commander';
import { serveProcess } from '@portico/telemetry';

export interface GatewayCommandOptions {
  host: string;
  port: number;
  pkiDir: string;
  storage: string;
  auth: string;
  admission: string;
  nats?: string;
  minRequestTimeout: number;
  watchBookmarkInterval: number;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('not a TCP port');
  return port;
}

/** A positive number of seconds (fractions allowed, for tests). */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('not a positive number of seconds');
  return n;
}

/** kube-apiserver's --min-request-timeout: a watch without timeoutSeconds ends after 1-2x this. */
export const minRequestTimeoutOption = (): Option =>
  new Option('--min-request-timeout <seconds>', 'watches without timeoutSeconds end after a random 1-2x this')
    .env('PORTICO_MIN_REQUEST_TIMEOUT')
    .default(1800)
    .argParser(parseSeconds);

/** kube-apiserver sends a bookmark about every minute to watches that allow them; tests shorten it. */
export const watchBookmarkIntervalOption = (): Option =>
  new Option('--watch-bookmark-interval <seconds>', 'how often watches with allowWatchBookmarks get a BOOKMARK')
    .env('PORTICO_WATCH_BOOKMARK_INTERVAL')
    .default(60)
    .argParser(parseSeconds);

export function gatewayCommand(): Command {
  return new Command('gateway')
    .description('run the gateway (the HTTPS Kubernetes API), a gRPC client of storage, auth and admission')
    .addOption(new Option('--host <host>', 'HTTPS listen host').env('PORTICO_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'HTTPS listen port').env('PORTICO_PORT').default(6443).argParser(parsePort))
    .addOption(
      new Option('--pki-dir <dir>', 'cluster PKI directory (serving certificate, client CA)')
        .env('PORTICO_PKI_DIR')
        .makeOptionMandatory(),
    )
    .addOption(new Option('--storage <target>', 'storage service gRPC target').env('PORTICO_STORAGE').default('127.0.0.1:50051'))
    .addOption(new Option('--auth <target>', 'auth service gRPC target').env('PORTICO_AUTH').default('127.0.0.1:50052'))
    .addOption(
      new Option('--admission <target>', 'admission service gRPC target').env('PORTICO_ADMISSION').default('127.0.0.1:50053'),
    )
    .addOption(new Option('--nats <url>', 'NATS server URL (watch fan-out)').env('PORTICO_NATS_URL'))
    .addOption(minRequestTimeoutOption())
    .addOption(watchBookmarkIntervalOption())
    .action((opts: GatewayCommandOptions) =>
      serveProcess('gateway', async () => {
        const { runGateway } = await import('./run.js');
        return runGateway({
          host: opts.host,
          port: opts.port,
          pkiDir: opts.pkiDir,
          storage: opts.storage,
          auth: opts.auth,
          admission: opts.admission,
          ...(opts.nats ? { natsUrl: opts.nats } : {}),
          minRequestTimeoutSeconds: opts.minRequestTimeout,
          watchBookmarkIntervalMs: opts.watchBookmarkInterval * 1000,
        });
      }),
    );
}
