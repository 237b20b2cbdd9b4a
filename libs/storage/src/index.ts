export { createStorageService, type StorageBackendConfig, type StorageService, type StorageServiceOptions } from './storage-service';
export { ObjectStore, type ObjectStoreOptions, type FieldsFor, defaultFieldsFor, maxObjectBytes } from './object-store';
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
  type HistoryRequest,
  type HistoryResult,
  CompactedError,
  FutureRevisionError,
  RequestTooLargeError,
  prefixEnd,
} from './kv';
export { EtcdBackend, createEtcdBackend, type EtcdBackendOptions, compactRevKey } from './etcd-backend';
export { SqliteBackend, createSqliteBackend, type SqliteBackendOptions } from './sqlite-backend';
export { defaultCompactionIntervalMs } from './compaction';
export { collectionPrefix, objectKey, resourcePrefix } from './keys';
