export {};
export * from './clients';
export { freePort, startEtcd, startNats, type EtcdServer, type NatsServer, type StartEtcdOptions, type StartNatsOptions } from './harness';
export {
  runStorageConformance,
  type CompactableStore,
  type ConformanceStore,
  type StorageConformanceOptions,
} from './storage-conformance';
export {
  runWatchConformance,
  type WatchConformanceOptions,
  type WatchConformanceStore,
  type WatchConformanceTarget,
} from './watch-conformance';
export { followResource, ResourceFollower, type FollowedObject } from './watch-follower';
export type * from './provided-context';
