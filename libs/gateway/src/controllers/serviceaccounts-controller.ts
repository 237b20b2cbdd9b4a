// k8s parity: kube-controller-manager's serviceaccount controller (a "default" ServiceAccount in
// every active namespace, recreated when deleted) and root-ca-cert-publisher (the kube-root-ca.crt
// ConfigMap that the kube-api-access volumes of pods project). Portico has no controller manager,
// so the gateway runs them; creates that find the object already there are fine, so any number of
// gateway replicas may run this at once. Objects go through the store, hence through admission.
import { isStatusError, type KubeObject } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { ApiResources } from '../discovery/api-resources';
import type { Logger } from '../logger';
import { PeriodicSync } from './periodic';
import { parseObject, type GenericStore, type ListOptions, type WriteOptions } from '../store/generic-store';

const controllerUser = { username: 'system:serviceaccount:kube-system:service-account-controller', uid: '', groups: ['system:masters'], extra: {} };
const listAll: ListOptions = { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' };

export class ServiceAccountsController {
  private readonly loop: PeriodicSync;

  constructor(
    private readonly store: GenericStore,
    private readonly api: ApiResources,
    logger: Logger,
    /** The cluster CA that kube-root-ca.crt publishes; none, no ConfigMap. */
    private readonly rootCAPem: string | undefined,
    intervalMs = 1_000,
  ) {
    this.loop = new PeriodicSync('serviceaccounts controller', () => this.syncAll(), logger, intervalMs);
  }

  start(): void {
    this.loop.start(0);
  }

  stop(): void {
    this.loop.stop();
  }

  private options(manager: string): WriteOptions {
    return { dryRun: false, fieldManager: manager, user: controllerUser, ctx: { deadline: Date.now() + 30_000 }, warnings: [] };
  }

  private async names(desc: ResourceDescriptor, name: string): Promise<Set<string>> {
    const list = await this.store.list(desc, '', { ...listAll, fieldSelector: `metadata.name=${name}` }, { deadline: Date.now() + 10_000 });
    return new Set(list.items.map((raw) => parseObject(raw).metadata?.namespace ?? ''));
  }

  /** One pass: every active namespace gets what it lacks. */
  async syncAll(): Promise<void> {
    const nsDesc = this.api.lookup('', 'v1', 'namespaces');
    const saDesc = this.api.lookup('', 'v1', 'serviceaccounts');
    const cmDesc = this.api.lookup('', 'v1', 'configmaps');
    if (nsDesc === undefined || saDesc === undefined || cmDesc === undefined) return;
    const list = await this.store.list(nsDesc, '', listAll, { deadline: Date.now() + 10_000 });
    const active = list.items.map(parseObject).filter((ns) => ns.metadata?.deletionTimestamp === undefined && (ns['status'] as { phase?: string } | undefined)?.phase !== 'Terminating');
    if (active.length === 0) return;
    const withAccount = await this.names(saDesc, 'default');
    const withCA = this.rootCAPem === undefined ? undefined : await this.names(cmDesc, 'kube-root-ca.crt');
    for (const ns of active) {
      const name = ns.metadata?.name ?? '';
      if (!withAccount.has(name)) {
        await this.ensure(saDesc, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } }, 'service-account-controller');
      }
      if (withCA !== undefined && !withCA.has(name)) {
        const cm = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
          data: { 'ca.crt': this.rootCAPem },
        };
        await this.ensure(cmDesc, name, cm, 'root-ca-cert-publisher');
      }
    }
  }

  private async ensure(desc: ResourceDescriptor, namespace: string, obj: KubeObject, manager: string): Promise<void> {
    try {
      await this.store.create(desc, namespace, obj, this.options(manager));
    } catch (e) {
      // Already there (another replica), or the namespace began terminating meanwhile.
      if (isStatusError(e) && (e.code === 409 || e.code === 403 || e.code === 404)) return;
      throw e;
    }
  }
}
