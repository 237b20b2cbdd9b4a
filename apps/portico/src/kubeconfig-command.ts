// `portico kubeconfig`'s command line; the certificate work (and the auth library) loads only when it runs.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';

export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description('issue a client certificate for a user and groups, and print (or write) a kubeconfig for it')
    .addOption(new Option('--data-dir <dir>', 'where the cluster PKI lives').env('PORTICO_DATA_DIR').default('./.portico'))
    .requiredOption('--user <name>', 'the user name (certificate CN)')
    .addOption(new Option('--group <name>', 'a group (certificate O); repeatable').default([]).argParser((v: string, prev: string[]) => [...prev, v]))
    .option('--server <url>', 'API server URL (default: the one in <data-dir>/kubeconfig)')
    .option('--days <n>', 'certificate validity in days', (v) => Number.parseInt(v, 10), 365)
    .option('-o, --output <file>', 'write the kubeconfig here (mode 0600) instead of stdout')
    .action(async (opts: { dataDir: string; user: string; group: string[]; server?: string; days: number; output?: string }) => {
      const { mintKubeconfig } = await import('./mint-kubeconfig.js');
      const text = await mintKubeconfig({
        dataDir: opts.dataDir,
        user: opts.user,
        groups: opts.group,
        validityDays: opts.days,
        ...(opts.server === undefined ? {} : { server: opts.server }),
      });
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      const { writeFile, chmod } = await import('node:fs/promises');
      await writeFile(opts.output, text, { mode: 0o600 });
      await chmod(opts.output, 0o600);
      process.stdout.write(`export KUBECONFIG=${resolve(opts.output)}\n`);
    });
}
