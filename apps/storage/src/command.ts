// The storage service's command line. Kept free of heavy imports: tracing must be initialised
// before @grpc/grpc-js is first required, so run.ts is loaded only inside the action.
import { Command, InvalidArgumentError, Option } from 'commander';
import { createLogger, initTracing } from '@portico/telemetry';
import type { RunningService } from './run';

export interface StorageCommandOptions {
  listen: string;
  etcd: string[];
  nats?: string;
  compactionInterval: number;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A number of seconds, 0 included. */
function parseNonNegativeSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('not a number of seconds');
  return n;
}

/** kube-apiserver's --etcd-compaction-interval: each round compacts to the revision seen one round earlier; 0 never compacts. */
export const compactionIntervalOption = (): Option =>
  new Option('--compaction-interval <seconds>', 'how often history is compacted (0: never)')
    .env('PORTICO_COMPACTION_INTERVAL')
    .default(300)
    .argParser(parseNonNegativeSeconds);

export function storageCommand(): Command {
  return new Command('storage')
    .description('run the storage service (etcd behind gRPC)')
    .addOption(new Option('--listen <host:port>', 'gRPC listen address').env('PORTICO_LISTEN').default('127.0.0.1:50051'))
    .addOption(
      new Option('--etcd <endpoints>', 'etcd client URLs, comma separated')
        .env('PORTICO_ETCD_ENDPOINTS')
        .default(['http://127.0.0.1:2379'], 'http://127.0.0.1:2379')
        .argParser(list),
    )
    .addOption(new Option('--nats <url>', 'NATS server URL (watch fan-out)').env('PORTICO_NATS_URL'))
    .addOption(compactionIntervalOption())
    .action((opts: StorageCommandOptions) =>
      serve('storage', async () => {
        const { runStorageService } = await import('./run.js');
        return runStorageService({
          listen: opts.listen,
          etcdEndpoints: opts.etcd,
          ...(opts.nats ? { natsUrl: opts.nats } : {}),
          compactionIntervalMs: opts.compactionInterval * 1000,
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
