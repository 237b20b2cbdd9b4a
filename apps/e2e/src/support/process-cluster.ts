// A cluster of Portico's services as separate processes (services.ts) on an etcd and a nats-server
// of its own, in a temp dir: what the distributed specs that kill and restart processes
// (auth-failover, crds-replicas, watch-distributed) build by hand. The spec chooses which services
// run and how many; this holds the backing servers, the cluster's PKI and admin kubeconfig, starts
// gateways and waits for them to be ready, and stops everything in order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EtcdServer, type NatsServer, startEtcd, startNats } from '@portico/testing';
import { type KubeconfigCredentials, rawRequest, readKubeconfig } from './https';
import { eventually } from './poll';
import { initCluster, kubeconfigFor, type ServiceProcess, startService } from './services';

export interface ClusterGateway {
  name: string;
  proc: ServiceProcess;
  port: number;
  /** The flags it was started with (to start it again). */
  args: string[];
  /** An admin kubeconfig for this gateway. */
  kubeconfigPath: string;
  creds: KubeconfigCredentials;
}

export interface GatewayPeers {
  /** Storage address(es), as `--storage` takes them (`host:port` or `ipv4:a,b`). */
  storage: string;
  auth: string;
  admission: string;
  /** Default: the cluster's nats-server. */
  nats?: string;
  /** More flags, after the others. */
  extra?: string[];
}

export class ProcessCluster {
  dir = '';
  pkiDir = '';
  /** The admin kubeconfig initCluster wrote. */
  kubeconfigPath = '';
  /** The nats-server's port, kept through restarts. */
  natsPort = 0;
  private etcdServer: EtcdServer | undefined;
  private natsServer: NatsServer | undefined;

  constructor(private readonly tmpPrefix: string) {}

  /** The temp dir, etcd and nats-server, and the cluster's PKI with an admin kubeconfig for `server`. */
  async start(server: string): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), this.tmpPrefix));
    [this.etcdServer, this.natsServer] = await Promise.all([startEtcd(), startNats()]);
    this.natsPort = this.natsServer.port;
    ({ pkiDir: this.pkiDir, kubeconfigPath: this.kubeconfigPath } = await initCluster(join(this.dir, 'cluster'), server));
  }

  get etcd(): EtcdServer {
    if (!this.etcdServer) throw new Error('etcd did not start; see the first failure');
    return this.etcdServer;
  }

  get natsUrl(): string {
    return `nats://127.0.0.1:${this.natsPort}`;
  }

  async stopNats(): Promise<void> {
    await this.natsServer?.stop();
    this.natsServer = undefined;
  }

  /** A nats-server again on the same port. */
  async restartNats(): Promise<void> {
    this.natsServer = await startNats({ port: this.natsPort });
  }

  /** A `portico gateway` on 127.0.0.1:`port` with the cluster's PKI, once its /readyz passes. */
  async startGateway(name: string, port: number, peers: GatewayPeers): Promise<ClusterGateway> {
    const args = [
      '--host', '127.0.0.1',
      '--port', String(port),
      '--pki-dir', this.pkiDir,
      '--storage', peers.storage,
      '--auth', peers.auth,
      '--admission', peers.admission,
      '--nats', peers.nats ?? this.natsUrl,
      ...(peers.extra ?? []),
    ]; // prettier-ignore
    const proc = await startService('gateway', args);
    const kubeconfigPath = kubeconfigFor(this.kubeconfigPath, `https://127.0.0.1:${port}`, join(this.dir, `${name}.kubeconfig`));
    const g: ClusterGateway = { name, proc, port, args, kubeconfigPath, creds: readKubeconfig(kubeconfigPath) };
    try {
      await this.waitReady(g);
    } catch (e) {
      await proc.stop(5_000);
      throw e;
    }
    return g;
  }

  /** /readyz passes once the gateway reaches storage and has made the system namespaces. */
  async waitReady(g: { name: string; proc: ServiceProcess; creds: KubeconfigCredentials }): Promise<void> {
    try {
      await eventually(`${g.name} ready`, async () => ((await rawRequest(g.creds, { method: 'GET', path: '/readyz', timeoutMs: 5_000 })).status === 200 ? true : undefined), 60_000, 250);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${g.proc.output()}`);
    }
  }

  /** Stops `procs` in that order, then nats-server and etcd, and removes the temp dir. */
  async stop(procs: (ServiceProcess | undefined)[]): Promise<void> {
    for (const p of procs) await p?.stop(5_000);
    await this.stopNats();
    await this.etcdServer?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
