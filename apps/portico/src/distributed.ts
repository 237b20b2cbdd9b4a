// `portico start-distributed`: etcd and NATS, then each service as its own process talking gRPC.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureClusterPki } from '@portico/auth';
import { dialHost, servingHosts, writeKubeconfig } from './kubeconfig';
import { describeExit, ManagedProcess, type Exit } from './processes';
import { ensureServerBinaries, startEtcd, startNats, type StartedServer } from './servers';

export interface StartDistributedOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** An etcd client URL to use instead of starting etcd. */
  etcd?: string;
  /** A NATS URL to use instead of starting nats-server. */
  nats?: string;
  /** Progress and the services' output, one line at a time (the caller sends it to stderr). */
  say: (line: string) => void;
}

export interface RunningDistributed {
  url: string;
  kubeconfigPath: string;
  /** Resolves when a service process exits on its own (the cluster is then broken). */
  failed: Promise<Exit>;
  /** Stops the services (gateway first), then NATS and etcd if this started them. */
  close(): Promise<void>;
}

const WORKSPACE_ROOT = resolve(__dirname, '../../..');
const READY_TIMEOUT_MS = 120_000;

/** How to run a service app: its TypeScript source through tsx, or its build output. */
function serviceCommand(service: string): string[] {
  if (__filename.endsWith('.ts')) {
    return ['--conditions=@portico/source', '--import', 'tsx', join(WORKSPACE_ROOT, 'apps', service, 'src', 'main.ts')];
  }
  return [join(WORKSPACE_ROOT, 'apps', service, 'dist', 'main.js')];
}

class ServiceProcess extends ManagedProcess {
  constructor(service: string, args: string[], say: (line: string) => void) {
    super(service, process.execPath, [...serviceCommand(service), ...args], {
      cwd: WORKSPACE_ROOT,
      onLine: (line) => say(`[${service}] ${line}`),
      ipc: true,
    });
  }

  /** The address from the service's `<name> listening on <addr>` line. */
  async listening(): Promise<string> {
    const match = await this.waitForLine(new RegExp(`^${this.name} listening on (\\S+)$`), READY_TIMEOUT_MS);
    return match[1] ?? '';
  }
}

export async function startDistributed(opts: StartDistributedOptions): Promise<RunningDistributed> {
  const dataDir = resolve(opts.dataDir);
  const logDir = join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true, mode: 0o700 });
  const pkiDir = join(dataDir, 'pki');
  // Made here, before any service starts, so that auth and gateway read the same CA.
  const pki = await ensureClusterPki(pkiDir, { hosts: servingHosts(opts.host) });

  const servers: StartedServer[] = [];
  const services: ServiceProcess[] = [];
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    stopping = true;
    // Reverse start order: the gateway stops taking requests before what it calls goes away.
    for (const proc of [...services.splice(0).reverse(), ...servers.splice(0).reverse().map((s) => s.process)]) {
      if (proc.hasExited) continue;
      opts.say(`stopping ${proc.name} (pid ${proc.pid})`);
      await proc.stop();
    }
  };

  try {
    const binaries = ensureServerBinaries({ etcd: !opts.etcd, nats: !opts.nats }, opts.say);
    let etcdUrl = opts.etcd;
    if (!etcdUrl) {
      const etcd = await startEtcd(binaries.etcd, dataDir, logDir, opts.say);
      servers.push(etcd);
      etcdUrl = etcd.url;
      opts.say(`started etcd (pid ${etcd.process.pid}) on ${etcd.url}, log in ${etcd.logFile}`);
    }
    let natsUrl = opts.nats;
    if (!natsUrl) {
      const nats = await startNats(binaries.nats, dataDir, logDir, opts.say);
      servers.push(nats);
      natsUrl = nats.url;
      opts.say(`started nats-server (pid ${nats.process.pid}) on ${nats.url}, log in ${nats.logFile}`);
    }

    const start = (service: string, args: string[]): ServiceProcess => {
      const proc = new ServiceProcess(service, args, opts.say);
      services.push(proc);
      opts.say(`started ${service} (pid ${proc.pid})`);
      return proc;
    };
    // Each service binds port 0 and reports the port it got, so there is no race for ports.
    const storage = await start('storage', ['--listen', '127.0.0.1:0', '--etcd', etcdUrl, '--nats', natsUrl]).listening();
    const [auth, admission] = await Promise.all([
      start('auth', ['--listen', '127.0.0.1:0', '--pki-dir', pkiDir, '--storage', storage, '--nats', natsUrl]).listening(),
      start('admission', ['--listen', '127.0.0.1:0', '--storage', storage, '--nats', natsUrl]).listening(),
    ]);
    const gatewayAddress = await start('gateway', [
      '--host',
      opts.host,
      '--port',
      String(opts.port),
      '--pki-dir',
      pkiDir,
      '--storage',
      storage,
      '--auth',
      auth,
      '--admission',
      admission,
      '--nats',
      natsUrl,
    ]).listening();
    const port = gatewayAddress.slice(gatewayAddress.lastIndexOf(':') + 1);

    const url = `https://${dialHost(opts.host)}:${port}`;
    const kubeconfigPath = await writeKubeconfig(join(dataDir, 'kubeconfig'), pki, url);

    const watched = [...services, ...servers.map((s) => s.process)];
    const failed = new Promise<Exit>((resolveFailed) => {
      for (const proc of watched) {
        void proc.exited.then((exit) => {
          if (stopping) return;
          opts.say(`${exit.name} stopped unexpectedly (${describeExit(exit)})`);
          resolveFailed(exit);
        });
      }
    });
    let closing: Promise<void> | undefined;
    return { url, kubeconfigPath, failed, close: () => (closing ??= stopAll()) };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
