// The storage service's command line. Kept free of heavy imports: tracing must be initialised
// before @grpc/grpc-js is first required, so run.ts is loaded only inside the action.
import { Command, InvalidArgumentError, Option } from 'commander';
import { serveProcess } from '@portico/telemetry';

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
      serveProcess('storage', async () => {
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
