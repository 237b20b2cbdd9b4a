// k8s parity: the apiserver's "start-system-namespaces-controller" post-start hook. The system
// namespaces exist from the first start; creating them again on later starts is a no-op.
import { isStatusError } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import type { Logger } from '../logger';
import type { GenericStore } from '../store/generic-store';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

const systemUser = { username: 'system:apiserver', uid: '', groups: ['system:masters'], extra: {} };

export async function ensureSystemNamespaces(store: GenericStore, namespaces: ResourceDescriptor, logger: Logger): Promise<void> {
  for (const name of systemNamespaces) {
    try {
      await store.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, {
        dryRun: false,
        fieldManager: 'portico',
        user: systemUser,
        ctx: { deadline: Date.now() + 10_000 },
        warnings: [],
      });
      logger.info({ namespace: name }, 'created system namespace');
    } catch (e) {
      if (isStatusError(e) && e.reason === 'AlreadyExists') continue;
      throw e;
    }
  }
}
