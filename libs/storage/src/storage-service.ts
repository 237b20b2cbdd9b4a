// Composition of the storage service: a KV backend (etcd or embedded SQLite) under the object store.
import { parseResourceVersion } from '@portico/api';
import type { Closeable, StorageServicePort } from '@portico/proto';
import { defaultRegistry } from '@portico/registry';
import { defaultCompactionIntervalMs } from './compaction';
import { EtcdBackend } from './etcd-backend';
import type { KVBackend } from './kv';
import { defaultFieldsFor, type FieldsFor, ObjectStore } from './object-store';
import { SqliteBackend } from './sqlite-backend';

export type StorageBackendConfig = { kind: 'etcd'; endpoints: string[] } | { kind: 'sqlite'; path: string };

export interface StorageServiceOptions {
  backend: StorageBackendConfig;
  /** How often history is compacted (each round compacts to the revision seen one round earlier); default 5 min, 0 = never. */
  compactionIntervalMs?: number;
  /** Selectable field values of an object; default: the built-in registry's, else metadata.name and metadata.namespace. */
  fieldsFor?: FieldsFor;
  /** How long a read waits for a resourceVersion ahead of the store before a 504; default 3000 ms. */
  resourceVersionWaitMs?: number;
  /** Receives failures of background work (compaction). */
  onBackgroundError?: (e: unknown) => void;
}

/** The storage port, plus what an operator (and the conformance suite) needs beyond it. */
export interface StorageService extends StorageServicePort, Closeable {
  /**
   * Compacts history up to a resourceVersion (default: the current revision): reads at older
   * revisions, continue tokens from before it and watch replays from before it get 410 Expired.
   */
  compact(resourceVersion?: string): Promise<void>;
}

class Service extends ObjectStore implements StorageService {
  constructor(
    private readonly backend: KVBackend,
    opts: StorageServiceOptions,
  ) {
    super(backend, { fieldsFor: opts.fieldsFor ?? registryFieldsFor(), resourceVersionWaitMs: opts.resourceVersionWaitMs });
  }

  async compact(resourceVersion?: string): Promise<void> {
    const rev = resourceVersion === undefined || resourceVersion === '' ? await this.backend.currentRevision() : parseResourceVersion(resourceVersion);
    if (rev > 0) await this.backend.compact(rev);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

/**
 * Opens the backend and returns the storage service. For etcd the client connects lazily: an
 * unreachable etcd makes calls reject (the gateway answers 503) until it is back.
 */
export async function createStorageService(opts: StorageServiceOptions): Promise<StorageService> {
  const compactionIntervalMs = opts.compactionIntervalMs ?? defaultCompactionIntervalMs;
  const backend: KVBackend =
    opts.backend.kind === 'etcd'
      ? new EtcdBackend({ endpoints: opts.backend.endpoints, compactionIntervalMs, onError: opts.onBackgroundError })
      : new SqliteBackend({ path: opts.backend.path, compactionIntervalMs, onError: opts.onBackgroundError });
  return Promise.resolve(new Service(backend, opts));
}

/** Field selectors match the fields each kind declares selectable (secrets' type, events' involvedObject …). */
function registryFieldsFor(): FieldsFor {
  const registry = defaultRegistry();
  return (gr, obj) => {
    const desc = registry.lookupStorage(gr);
    return desc === undefined ? defaultFieldsFor(gr, obj) : desc.selectableFields(obj);
  };
}
