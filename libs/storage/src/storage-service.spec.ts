// The conformance suite against both backends: etcd (the run's shared server, plus a dedicated one
// for the compaction tests, which compact the whole keyspace) and SQLite in a real file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConformanceStore, runStorageConformance, startEtcd } from '@portico/testing';
import { inject } from 'vitest';
import { type StorageService, createStorageService } from './storage-service';

function sharedEtcd(): string {
  const fromEnv = process.env.PORTICO_TEST_ETCD;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : inject('porticoEtcd');
}

/** The service, with `close` also releasing what the test set up for it. */
function closingToo(svc: StorageService, release: () => Promise<void>): ConformanceStore {
  return {
    get: (r, c) => svc.get(r, c),
    list: (r, c) => svc.list(r, c),
    create: (r, c) => svc.create(r, c),
    update: (r, c) => svc.update(r, c),
    delete: (r, c) => svc.delete(r, c),
    currentRevision: (c) => svc.currentRevision(c),
    watchReplay: (r, c) => svc.watchReplay(r, c),
    compact: (rv) => svc.compact(rv),
    close: async () => {
      await svc.close();
      await release();
    },
  };
}

// A short wait keeps the "too large resource version" tests quick; the default is 3 s.
const resourceVersionWaitMs = 300;

runStorageConformance(
  'etcd',
  // No compaction loop on the run's shared etcd: other suites hold revisions there.
  () => createStorageService({ backend: { kind: 'etcd', endpoints: [sharedEtcd()] }, resourceVersionWaitMs, compactionIntervalMs: 0 }),
  { compaction: 'exclude' },
);

runStorageConformance(
  'etcd (dedicated server)',
  async () => {
    const server = await startEtcd();
    const svc = await createStorageService({ backend: { kind: 'etcd', endpoints: [server.endpoint] }, resourceVersionWaitMs });
    return closingToo(svc, () => server.stop());
  },
  { compaction: 'only' },
);

runStorageConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-sqlite-'));
  const svc = await createStorageService({ backend: { kind: 'sqlite', path: join(dir, 'state.db') }, resourceVersionWaitMs });
  return closingToo(svc, async () => rmSync(dir, { recursive: true, force: true }));
});
