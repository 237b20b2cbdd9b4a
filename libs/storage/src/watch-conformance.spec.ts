// The watch conformance suite against every shape: etcd with the in-process bus (the run's shared
// server, and a dedicated one for compaction), etcd with real NATS and leader election, and SQLite.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNatsBus, InProcessBus } from '@portico/proto';
import { runWatchConformance, startEtcd, type WatchConformanceTarget } from '@portico/testing';
import { inject, vi } from 'vitest';
import { type StorageServiceOptions, createStorageService } from './storage-service';

const env = (name: 'PORTICO_TEST_ETCD' | 'PORTICO_TEST_NATS', key: 'porticoEtcd' | 'porticoNats'): string => {
  const v = process.env[name];
  return v !== undefined && v !== '' ? v : inject(key);
};

const maxHistoryEvents = 20;
const watchCache: StorageServiceOptions['watchCache'] = { maxHistoryEvents, progressIntervalMs: 200 };

runWatchConformance(
  'etcd, in-process bus',
  async (): Promise<WatchConformanceTarget> => {
    const bus = new InProcessBus();
    const store = await createStorageService({ backend: { kind: 'etcd', endpoints: [env('PORTICO_TEST_ETCD', 'porticoEtcd')] }, compactionIntervalMs: 0, bus, watchCache });
    return { store, bus };
  },
  { maxHistoryEvents, compaction: 'exclude' },
);

runWatchConformance(
  'etcd (dedicated server), in-process bus',
  async (): Promise<WatchConformanceTarget> => {
    const server = await startEtcd();
    const bus = new InProcessBus();
    const store = await createStorageService({ backend: { kind: 'etcd', endpoints: [server.endpoint] }, bus, watchCache });
    return { store, bus, release: () => server.stop() };
  },
  { maxHistoryEvents, compaction: 'only' },
);

runWatchConformance(
  'etcd, NATS, elected publisher',
  async (): Promise<WatchConformanceTarget> => {
    const bus = await connectNatsBus(env('PORTICO_TEST_NATS', 'porticoNats'), { name: 'watch-conformance' });
    const store = await createStorageService({
      backend: { kind: 'etcd', endpoints: [env('PORTICO_TEST_ETCD', 'porticoEtcd')] },
      compactionIntervalMs: 0,
      bus,
      watchCache,
      // A seat of its own: other suites on the shared etcd elect among themselves.
      leaderElection: { key: `/registry/portico.storage-leader.${randomUUID()}`, ttlSeconds: 3 },
    });
    await vi.waitFor(() => {
      if (store.publisherTerm() === undefined) throw new Error('not elected yet');
    }, { timeout: 15_000 });
    return { store, bus, release: () => bus.close() };
  },
  { maxHistoryEvents, compaction: 'exclude' },
);

runWatchConformance(
  'sqlite, in-process bus',
  async (): Promise<WatchConformanceTarget> => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-watch-'));
    const bus = new InProcessBus();
    const store = await createStorageService({ backend: { kind: 'sqlite', path: join(dir, 'state.db') }, bus, watchCache });
    return { store, bus, release: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  { maxHistoryEvents },
);
