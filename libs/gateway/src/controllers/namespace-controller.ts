// k8s parity: kube-controller-manager's namespace controller (pkg/controller/namespace/deletion).
// Portico has no controller manager, so the gateway finishes namespace deletion itself: once a
// namespace is Terminating it deletes everything in it, then removes the "kubernetes" finalizer
// through namespaces/finalize, which deletes the namespace. Every step is idempotent, so any
// number of gateway replicas may run it at once.
import { isStatusError, type KubeObject } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { ApiResources } from '../discovery/api-resources';
import type { Logger } from '../logger';
import { PeriodicSync } from './periodic';
import { parseObject, type GenericStore, type WriteOptions } from '../store/generic-store';

const finalizerName = 'kubernetes';
const controllerUser = { username: 'system:serviceaccount:kube-system:namespace-controller', uid: '', groups: ['system:masters'], extra: {} };

export class NamespaceController {
  private readonly loop: PeriodicSync;

  constructor(
    private readonly store: GenericStore,
    private readonly api: ApiResources,
    private readonly logger: Logger,
    intervalMs = 1_000,
  ) {
    this.loop = new PeriodicSync('namespace controller', () => this.syncAll(), logger, intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  private options(): WriteOptions {
    return { dryRun: false, fieldManager: 'namespace-controller', user: controllerUser, ctx: { deadline: Date.now() + 30_000 }, warnings: [] };
  }

  private namespacesDescriptor(): ResourceDescriptor | undefined {
    return this.api.lookup('', 'v1', 'namespaces');
  }

  /** One pass over the namespaces that are being deleted. */
  async syncAll(): Promise<void> {
    const nsDesc = this.namespacesDescriptor();
    if (nsDesc === undefined) return;
    const list = await this.store.list(nsDesc, '', { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' }, { deadline: Date.now() + 10_000 });
    for (const raw of list.items) {
      const ns = parseObject(raw);
      if (ns.metadata?.deletionTimestamp === undefined) continue;
      const specFinalizers = (ns['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      if (!specFinalizers.includes(finalizerName)) continue;
      await this.syncNamespace(nsDesc, ns);
    }
  }

  private async syncNamespace(nsDesc: ResourceDescriptor, ns: KubeObject): Promise<void> {
    const name = ns.metadata?.name ?? '';
    const remaining = await this.deleteAllContent(name);
    if (remaining > 0) return;
    try {
      await this.store.guaranteedUpdate(
        nsDesc,
        '',
        name,
        { ...this.options(), subresource: 'finalize' },
        async (current) => {
          const next = structuredClone(current ?? ns);
          const spec = (next['spec'] ??= {}) as { finalizers?: string[] };
          spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== finalizerName);
          return next;
        },
        false,
      );
      this.logger.info({ namespace: name }, 'namespace content deleted, namespace finalized');
    } catch (e) {
      if (isStatusError(e) && e.code === 404) return;
      throw e;
    }
  }

  /** Deletes every object in the namespace; returns how many were still there (finalizers pending). */
  private async deleteAllContent(namespace: string): Promise<number> {
    let remaining = 0;
    const seenStorage = new Set<string>();
    for (const desc of this.api.all()) {
      if (!desc.namespaced || !desc.verbs.includes('delete')) continue;
      const key = `${desc.storage.group}/${desc.storage.resource}`;
      if (seenStorage.has(key)) continue;
      seenStorage.add(key);
      const list = await this.store.list(desc, namespace, { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: '' }, { deadline: Date.now() + 10_000 });
      for (const raw of list.items) {
        const obj = parseObject(raw);
        remaining++;
        if (obj.metadata?.deletionTimestamp !== undefined) continue;
        try {
          await this.store.delete(desc, namespace, obj.metadata?.name ?? '', { propagationPolicy: 'Background' }, this.options());
        } catch (e) {
          if (!(isStatusError(e) && e.code === 404)) throw e;
        }
      }
    }
    if (remaining === 0) return 0;
    // Deleted objects without finalizers are gone now; count what is left.
    let left = 0;
    for (const desc of this.api.all()) {
      if (!desc.namespaced) continue;
      const list = await this.store.list(desc, namespace, { resourceVersion: '', resourceVersionMatch: '', limit: 1, continue: '', labelSelector: '', fieldSelector: '' }, { deadline: Date.now() + 10_000 });
      left += list.items.length;
    }
    return left;
  }
}
