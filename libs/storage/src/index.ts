export {
  builtinStorageResources,
  createStorageService,
  type LeaderElectionConfig,
  type StorageBackendConfig,
  type StorageService,
  type StorageServiceOptions,
  type WatchCacheConfig,
} from './storage-service';
export { ObjectStore, type ObjectStoreOptions, type FieldsFor, defaultFieldsFor, maxObjectBytes } from './object-store';
export { CachedStore, type CachedStoreOptions } from './cached-store';
export { Cacher, CachedResource, type CacherOptions, defaultLeaderKey, progressKey, resourceOfKey } from './cacher';
export { WatchCache, type CacheEntry, type CacheEvent, type WatchCacheOptions, defaultHistoryMs, defaultMaxHistoryEvents, minHistoryMs } from './watch-cache';
export { AlwaysLeader, EtcdLeaderElection, type EtcdLeaderElectionOptions, type Leadership } from './election';
export {
  type KVBackend,
  type KeyValue,
  type KVEvent,
  type ReadOptions,
  type GetResult,
  type RangeRequest,
  type RangeResult,
  type WriteResult,
  type DeleteResult,
  type KVWatch,
  type KVWatchHandler,
  type KVWatchRequest,
  CompactedError,
  FutureRevisionError,
  RequestTooLargeError,
  prefixEnd,
} from './kv';
export { EtcdBackend, createEtcdBackend, type EtcdBackendOptions, compactRevKey } from './etcd-backend';
export { SqliteBackend, createSqliteBackend, type SqliteBackendOptions } from './sqlite-backend';
export { defaultCompactionIntervalMs } from './compaction';
export { collectionPrefix, objectKey, resourcePrefix } from './keys';
