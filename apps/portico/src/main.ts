// The portico CLI. Subcommands load their implementation lazily: startup stays fast, and tracing
// is initialised before express and @grpc/grpc-js are first required.
import { Command, Option } from 'commander';
import { admissionCommand } from '@portico/app-admission/command';
import { authCommand, authnFlagOptions, authnSettings, type AuthnFlags } from '@portico/app-auth/command';
import { gatewayCommand, minRequestTimeoutOption, parsePort, watchBookmarkIntervalOption } from '@portico/app-gateway/command';
import { compactionIntervalOption, storageCommand } from '@portico/app-storage/command';
import { initTracing } from '@portico/telemetry';
import { errorText, untilSignal } from './lifecycle';
import { kubeconfigCommand } from './kubeconfig-command';

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function ready(url: string, kubeconfigPath: string): void {
  process.stdout.write(`Portico is serving on ${url}\nexport KUBECONFIG=${kubeconfigPath}\n`);
}

const dataDirOption = (): Option =>
  new Option('--data-dir <dir>', 'where state, PKI and kubeconfig live').env('PORTICO_DATA_DIR').default('./.portico');
const portOption = (): Option =>
  new Option('--port <port>', 'HTTPS port of the API (0 picks a free one)').default(6443).argParser(parsePort);
const hostOption = (): Option => new Option('--host <host>', 'HTTPS listen address').default('127.0.0.1');

interface StartCommandOptions extends AuthnFlags {
  dataDir: string;
  port: number;
  host: string;
  minRequestTimeout: number;
  watchBookmarkInterval: number;
  compactionInterval: number;
}

export function porticoProgram(): Command {
  const program = new Command('portico')
    .description('Portico, a Kubernetes API server built as services')
    .showHelpAfterError();

  const start = program
    .command('start')
    .description('run every service in this process on the embedded SQLite store')
    .addOption(dataDirOption())
    .addOption(portOption())
    .addOption(hostOption())
    .addOption(minRequestTimeoutOption())
    .addOption(watchBookmarkIntervalOption())
    .addOption(compactionIntervalOption());
  for (const o of authnFlagOptions()) start.addOption(o);
  start.action(async (opts: StartCommandOptions) => {
    const tracing = initTracing('portico');
    const { startAllInOne } = await import('./start.js');
    const cluster = await startAllInOne({
      dataDir: opts.dataDir,
      port: opts.port,
      host: opts.host,
      minRequestTimeoutSeconds: opts.minRequestTimeout,
      watchBookmarkIntervalMs: opts.watchBookmarkInterval * 1000,
      compactionIntervalMs: opts.compactionInterval * 1000,
      authn: authnSettings(opts),
    });
    ready(cluster.url, cluster.kubeconfigPath);
    await untilSignal();
    await cluster.close();
    await tracing.shutdown();
  });

  program
    .command('start-distributed')
    .description('run etcd, NATS and each service as its own process, talking gRPC')
    .addOption(dataDirOption())
    .addOption(portOption())
    .addOption(hostOption())
    .addOption(new Option('--etcd <endpoint>', 'use this etcd instead of starting one'))
    .addOption(new Option('--nats <url>', 'use this NATS server instead of starting one'))
    .action(async (opts: { dataDir: string; port: number; host: string; etcd?: string; nats?: string }) => {
      const { startDistributed } = await import('./distributed.js');
      const say = (line: string): void => void process.stderr.write(`${line}\n`);
      const cluster = await startDistributed({ ...opts, say });
      ready(cluster.url, cluster.kubeconfigPath);
      const outcome = await Promise.race([
        untilSignal().then(() => undefined),
        cluster.failed,
      ]);
      await cluster.close();
      if (outcome) {
        process.stderr.write(`portico: ${outcome.name} stopped; everything else was stopped too\n`);
        process.exitCode = 1;
      }
    });

  program
    .command('init')
    .description('create the cluster PKI and an admin kubeconfig without starting anything')
    .addOption(dataDirOption())
    .addOption(
      new Option('--hosts <names>', 'extra serving-certificate names/IPs, comma separated').default([], '').argParser(list),
    )
    .addOption(new Option('--server <url>', 'API URL for the kubeconfig').default('https://127.0.0.1:6443'))
    .action(async (opts: { dataDir: string; hosts: string[]; server: string }) => {
      const { initCluster } = await import('./init.js');
      const { pkiDir, kubeconfigPath } = await initCluster(opts);
      process.stdout.write(`PKI in ${pkiDir}\nexport KUBECONFIG=${kubeconfigPath}\n`);
    });

  program.addCommand(storageCommand());
  program.addCommand(authCommand());
  program.addCommand(admissionCommand());
  program.addCommand(gatewayCommand());
  program.addCommand(kubeconfigCommand());
  return program;
}

if (require.main === module) {
  porticoProgram()
    .parseAsync(process.argv)
    .then(
      // Whatever a library left running (timers, sockets) must not keep a stopped server alive.
      () => setTimeout(() => process.exit(), 2_000).unref(),
      (err: unknown) => {
        process.stderr.write(`portico: ${errorText(err)}\n`);
        process.exit(1);
      },
    );
}
