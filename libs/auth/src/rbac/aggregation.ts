// k8s parity: pkg/controller/clusterroleaggregation. A ClusterRole with an aggregationRule gets as
// its rules the union of the rules of every other ClusterRole its selectors match (selectors in
// order, roles by name, duplicates dropped), written back to storage so that readers see them.
// Every auth replica runs it; they compute the same result and the compare-and-swap lets one win.
import { isDeepStrictEqual } from 'node:util';
import { labelSelectorFromMetav1 } from '@portico/api';
import type { StorageServicePort } from '@portico/proto';
import type { InformerLogger } from './informer';
import type { RbacIndex } from './rbac-index';
import { rbacGroup, type ClusterRole, type PolicyRule } from './types';

/** The rules an aggregated ClusterRole should hold, or undefined when it has no aggregationRule. */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  if (role.aggregationRule === undefined || role.aggregationRule === null) return undefined;
  const out: PolicyRule[] = [];
  for (const sel of selectors ?? []) {
    let selector;
    try {
      selector = labelSelectorFromMetav1(sel);
    } catch {
      continue;
    }
    for (const other of all) {
      if (other.metadata.name === role.metadata.name || !selector.matches(other.metadata.labels)) continue;
      for (const rule of other.rules ?? []) if (!out.some((r) => isDeepStrictEqual(r, rule))) out.push(rule);
    }
  }
  return out;
}

export class AggregationController {
  private running = false;
  private again = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly index: RbacIndex,
    private readonly storage: StorageServicePort,
    private readonly logger?: InformerLogger,
  ) {
    this.unsubscribe = index.onChange((r) => {
      if (r === 'clusterroles') this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => {
      void this.syncAll()
        .catch((err: unknown) => this.logger?.warn({ err }, 'clusterrole aggregation failed'))
        .finally(() => {
          this.running = false;
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    });
  }

  /** One pass over the aggregated roles; each write comes back through the informer and triggers the next. */
  async syncAll(): Promise<void> {
    const all = this.index.listClusterRoles();
    for (const role of all) {
      if (this.stopped) return;
      const want = aggregatedRules(role, all);
      if (want === undefined || isDeepStrictEqual(want, role.rules ?? [])) continue;
      const updated: ClusterRole = { ...role, rules: want };
      const res = await this.storage.update(
        {
          ref: { group: rbacGroup, resource: 'clusterroles', namespace: '', name: role.metadata.name },
          object: Buffer.from(JSON.stringify(updated)),
          expectedResourceVersion: role.metadata.resourceVersion ?? '',
        },
        { deadline: Date.now() + 10_000 },
      );
      // A conflict means another writer (or replica) got there first; its event re-runs this pass.
      if (!res.succeeded && res.status !== undefined && res.status.code !== 0 && res.status.code !== 409) {
        this.logger?.warn({ role: role.metadata.name, status: res.status.message }, 'could not update aggregated clusterrole');
      }
    }
  }
}
