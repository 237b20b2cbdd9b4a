// Composition of the storage service: a KV backend (etcd or embedded SQLite) under the object store,
// the watch cache in front of it, and the publisher of watch events on the event bus.
import { type GroupResource, type KubeObject, parseResourceVersion } from '@portico/api';
import { type Closeable, type EventBusPort, InProcessBus, type StorageServicePort } from '@portico/proto';
import { defaultRegistry } from '@portico/registry';
import { injectTraceContext } from '@portico/telemetry';
import { CachedStore } from './cached-store';
import { Cacher, defaultLeaderKey } from './cacher';
import { defaultCompactionIntervalMs } from './compaction';
import { AlwaysLeader, EtcdLeaderElection, type Leadership } from './election';
import { EtcdBackend } from './etcd-backend';
import type { KVBackend } from './kv';
import { defaultFieldsFor, type FieldsFor, ObjectStore } from './object-store';
import { SqliteBackend } from './sqlite-backend';

export type StorageBackendConfig = { kind: 'etcd'; endpoints: string[] } | { kind: 'sqlite'; path: string };

export interface WatchCacheConfig {
  /** How long events stay replayable (unless the count bound is hit first); default 5 min, never under 75 s. */
  historyMs?: number;
  /** At most this many events per resource; default 102,400. */
  maxHistoryEvents?: number;
  /** How often an idle resource gets a progress message; default 1000 ms. */
  progressIntervalMs?: number;
  /** How long a consistent read waits for the cache to prove itself current before reading the store; default 3000 ms. */
  consistentReadWaitMs?: number;
}

export interface LeaderElectionConfig {
  /** The key the publisher holds, inside /registry/ but outside every resource; default "/registry/portico.storage-leader". */
  key?: string;
  /** Lease TTL; a publisher that dies is replaced within about this long; default 5 s. */
  ttlSeconds?: number;
}

export interface StorageServiceOptions {
  backend: StorageBackendConfig;
  /** How often history is compacted (each round compacts to the revision seen one round earlier); default 5 min, 0 = never. */
  compactionIntervalMs?: number;
  /** Selectable field values of an object; default: the built-in registry's, else metadata.name and metadata.namespace. */
  fieldsFor?: FieldsFor;
  /** How long a read waits for a resourceVersion ahead of the store before a 504; default 3000 ms. */
  resourceVersionWaitMs?: number;
  /** Receives failures of background work (compaction, the store watch, publishing, leader election). */
  onBackgroundError?: (e: unknown) => void;
  /** Where watch events are published. Without one nothing is published; the caches still serve reads and replays. */
  bus?: EventBusPort;
  watchCache?: WatchCacheConfig;
  /**
   * One publisher among the replicas that share an etcd and a bus. By default replicas on etcd with
   * a network bus elect one; with SQLite, or an InProcessBus (whose subscribers are all in this
   * process), this replica always publishes. false: always publish; an object: elect, with these settings.
   */
  leaderElection?: LeaderElectionConfig | false;
}

/** The storage port, plus what an operator (and the conformance suites) need beyond it. */
export interface StorageService extends StorageServicePort, Closeable {
  /**
   * Compacts history up to a resourceVersion (default: the current revision): reads at older
   * revisions, continue tokens from before it and watch replays from before it get 410 Expired.
   */
  compact(resourceVersion?: string): Promise<void>;
  /** The term under which this replica publishes watch events, or undefined when it does not. */
  publisherTerm(): string | undefined;
}

class Service extends CachedStore implements StorageService {
  constructor(
    store: ObjectStore,
    private readonly backend: KVBackend,
    cacher: Cacher,
    opts: StorageServiceOptions,
    fieldsFor: FieldsFor,
  ) {
    super(store, backend, cacher, {
      fieldsFor,
      resourceVersionWaitMs: opts.resourceVersionWaitMs,
      consistentReadWaitMs: opts.watchCache?.consistentReadWaitMs,
    });
  }

  async compact(resourceVersion?: string): Promise<void> {
    const rev = resourceVersion === undefined || resourceVersion === '' ? await this.backend.currentRevision() : parseResourceVersion(resourceVersion);
    if (rev > 0) await this.backend.compact(rev);
  }

  publisherTerm(): string | undefined {
    return this.cacher.publisherTerm;
  }

  async close(): Promise<void> {
    await this.cacher.close();
    await this.backend.close();
  }
}

/** Every resource the built-in registry stores, once each (core and events.k8s.io events share one). */
export function builtinStorageResources(): GroupResource[] {
  const seen = new Map<string, GroupResource>();
  for (const d of defaultRegistry().all()) seen.set(`${d.storage.group}/${d.storage.resource}`, { group: d.storage.group, resource: d.storage.resource });
  return [...seen.values()];
}

/**
 * Opens the backend, starts the watch caches (one per built-in resource now, any other on first
 * use) and returns the storage service. For etcd the client connects lazily: an unreachable etcd
 * makes calls reject (the gateway answers 503) until it is back, and the caches start then.
 */
export async function createStorageService(opts: StorageServiceOptions): Promise<StorageService> {
  const compactionIntervalMs = opts.compactionIntervalMs ?? defaultCompactionIntervalMs;
  const onError = opts.onBackgroundError;
  // The backend and the store report to the cacher, which needs them to exist first.
  const late: { cacher?: Cacher } = {};
  const onCompacted = (rev: number) => late.cacher?.compacted(rev);
  const backend =
    opts.backend.kind === 'etcd'
      ? new EtcdBackend({ endpoints: opts.backend.endpoints, compactionIntervalMs, onError, onCompacted })
      : new SqliteBackend({ path: opts.backend.path, compactionIntervalMs, onError, onCompacted });
  const fieldsFor = opts.fieldsFor ?? registryFieldsFor();
  const store = new ObjectStore(backend, {
    fieldsFor,
    resourceVersionWaitMs: opts.resourceVersionWaitMs,
    onWritten: (rev) => late.cacher?.noteWrite(rev, injectTraceContext({})),
  });
  const cacher = new Cacher({
    kv: backend,
    bus: opts.bus,
    leadership: opts.bus === undefined ? undefined : leadershipFor(opts, backend),
    cache: { historyMs: opts.watchCache?.historyMs, maxEvents: opts.watchCache?.maxHistoryEvents },
    progressIntervalMs: opts.watchCache?.progressIntervalMs,
    preload: builtinStorageResources(),
    synchronousDelivery: backend instanceof SqliteBackend,
    onError,
  });
  late.cacher = cacher;
  cacher.start();
  return Promise.resolve(new Service(store, backend, cacher, opts, fieldsFor));
}

function leadershipFor(opts: StorageServiceOptions, backend: KVBackend): Leadership {
  const election = opts.leaderElection;
  const elect = election === undefined ? !(opts.bus instanceof InProcessBus) : election !== false;
  if (!elect || !(backend instanceof EtcdBackend)) return new AlwaysLeader();
  return new EtcdLeaderElection(backend.etcd, {
    key: (election === false ? undefined : election?.key) ?? defaultLeaderKey,
    ttlSeconds: (election === false ? undefined : election?.ttlSeconds) ?? 5,
    onError: opts.onBackgroundError,
  });
}

/** Field selectors match the fields each kind declares selectable (secrets' type, events' involvedObject …). */
function registryFieldsFor(): FieldsFor {
  const registry = defaultRegistry();
  return (gr, obj) => {
    const desc = registry.lookupStorage(gr);
    return desc === undefined ? customResourceFields(gr, obj) : desc.selectableFields(obj);
  };
}

/**
 * Custom resources: storage does not know CRDs, so it offers every scalar field outside lists by
 * its dotted path (`spec.size`), which covers whatever a CRD's spec.selectableFields declares
 * (string, integer or boolean fields, never inside lists). The gateway has already refused the
 * labels the CRD does not declare, so nothing else is ever asked for.
 */
export function customResourceFields(gr: GroupResource, obj: KubeObject): Record<string, string> {
  const out = defaultFieldsFor(gr, obj);
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > 32 || v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const p = path === '' ? k : `${path}.${k}`;
      if (typeof child === 'string') out[p] = child;
      else if (typeof child === 'number' || typeof child === 'boolean') out[p] = String(child);
      else walk(child, p, depth + 1);
    }
  };
  for (const [k, v] of Object.entries(obj)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') walk(v, k, 0);
  return out;
}
