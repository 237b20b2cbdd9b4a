// `portico start`: every service in this process, wired through their ports directly (no gRPC),
// on the embedded SQLite store.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createAdmissionService } from '@portico/admission';
import { createAuthService, ensureClusterPki, type OidcOptions } from '@portico/auth';
import { createGateway } from '@portico/gateway';
import { InProcessBus } from '@portico/proto';
import { createStorageService } from '@portico/storage';
import { createLogger } from '@portico/telemetry';
import { dialHost, servingHosts, writeKubeconfig } from './kubeconfig';

export interface StartOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** kube-apiserver's --min-request-timeout (seconds); default 1800. */
  minRequestTimeoutSeconds?: number;
  /** How often watches that allow bookmarks get one; default 60 s. */
  watchBookmarkIntervalMs?: number;
  /** How often history is compacted; default 5 min, 0 = never. */
  compactionIntervalMs?: number;
  /** kube-apiserver's authentication flags (--token-auth-file, --service-account-issuer, --oidc-*). */
  authn?: { tokenAuthFile?: string; serviceAccountIssuer?: string; oidc?: OidcOptions };
}

export interface RunningCluster {
  url: string;
  kubeconfigPath: string;
  close(): Promise<void>;
}

export async function startAllInOne(opts: StartOptions): Promise<RunningCluster> {
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pki = await ensureClusterPki(join(dataDir, 'pki'), { hosts: servingHosts(opts.host) });

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const log = createLogger({ service: 'storage' });
    // The watch event bus of the embedded shape: storage publishes on it, the gateway fans it out.
    const bus = new InProcessBus();
    closers.push(() => bus.close());
    const storage = await createStorageService({
      backend: { kind: 'sqlite', path: join(dataDir, 'state.db') },
      bus,
      onBackgroundError: (err) => log.error({ err }, 'background work failed'),
      ...(opts.compactionIntervalMs === undefined ? {} : { compactionIntervalMs: opts.compactionIntervalMs }),
    });
    closers.push(() => storage.close());
    // RBAC objects are read from storage and followed on the bus, like any other watcher.
    const auth = createAuthService({
      clientCAPem: pki.caCertPem,
      storage,
      bus,
      logger: createLogger({ service: 'auth' }),
      serviceAccountTokens: {
        signingKeyPem: pki.serviceAccountKeyPem,
        publicKeyPems: [pki.serviceAccountPublicKeyPem],
        ...(opts.authn?.serviceAccountIssuer === undefined ? {} : { issuer: opts.authn.serviceAccountIssuer }),
      },
      ...(opts.authn?.tokenAuthFile === undefined ? {} : { tokenFile: { path: opts.authn.tokenAuthFile } }),
      ...(opts.authn?.oidc === undefined ? {} : { oidc: opts.authn.oidc }),
    });
    closers.push(() => auth.close());
    const admission = createAdmissionService({ storage, bus });
    closers.push(() => admission.close());
    const gateway = await createGateway({
      host: opts.host,
      port: opts.port,
      tls: { certPem: pki.servingCertPem, keyPem: pki.servingKeyPem, clientCAPem: pki.caCertPem },
      storage,
      auth,
      admission,
      bus,
      ...(opts.minRequestTimeoutSeconds === undefined ? {} : { minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds }),
      ...(opts.watchBookmarkIntervalMs === undefined ? {} : { watchBookmarkIntervalMs: opts.watchBookmarkIntervalMs }),
    });
    closers.push(() => gateway.close());
    // The ready lines promise a usable cluster: the system namespaces and bootstrap policy exist.
    await gateway.ready();

    const url = `https://${dialHost(opts.host)}:${gateway.port}`;
    const kubeconfigPath = await writeKubeconfig(join(dataDir, 'kubeconfig'), pki, url);
    let closing: Promise<void> | undefined;
    return { url, kubeconfigPath, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
