// etcd restarting under the store watch (same port, same data): the watch resumes from the revision
// after the last one it delivered, so the publisher's chain goes on without a gap, and a subscriber
// ends up with etcd's state having applied every write's event exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus, WatchEventMessage, watchSubject } from '@portico/proto';
import { type EtcdServer, followResource, startEtcd } from '@portico/testing';
import { describe, expect, it, vi } from 'vitest';
import { EtcdBackend } from './etcd-backend';
import { prefixEnd } from './kv';
import { createStorageService } from './storage-service';

const group = 'interruption.portico.dev';
const resource = 'things';

const obj = (name: string, i: number) =>
  Buffer.from(JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Thing', metadata: { name, namespace: 'ns' }, data: { i: String(i) } }));

describe('etcd restart under the store watch', () => {
  it('resumes without a gap: the chain continues and nothing is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-interrupt-'));
    let server: EtcdServer = await startEtcd({ dataDir: dir });
    const bus = new InProcessBus();
    const svc = await createStorageService({ backend: { kind: 'etcd', endpoints: [server.endpoint] }, compactionIntervalMs: 0, bus, watchCache: { progressIntervalMs: 200 } });
    const published: WatchEventMessage[] = [];
    bus.subscribe(watchSubject(group, resource), (m) => published.push(WatchEventMessage.decode(m.data)));
    const follower = await followResource(bus, () => svc, group, resource);
    const written: number[] = [];
    const write = async (i: number) => {
      const ref = { group, resource, namespace: 'ns', name: `o${i % 4}` };
      const up = await svc.update({ ref, object: obj(ref.name, i), expectedResourceVersion: '' });
      const res = up.succeeded ? up : await svc.create({ ref, object: obj(ref.name, i) });
      expect(res.status).toBeUndefined();
      written.push(Number(JSON.parse(res.object.toString()).metadata.resourceVersion));
    };
    try {
      for (let i = 0; i < 10; i++) await write(i);
      await vi.waitFor(() => expect(follower.applied).toEqual(written), { timeout: 10_000 });

      await server.stop();
      server = await startEtcd({ dataDir: dir, clientPort: server.clientPort });
      // The first writes after the restart may still meet the old connection's failure.
      await vi.waitFor(() => write(10), { timeout: 30_000, interval: 250 });
      for (let i = 11; i < 20; i++) await write(i);

      const kv = new EtcdBackend({ endpoints: [server.endpoint] });
      const prefix = `/registry/${group}/${resource}/`;
      const want = new Map((await kv.range({ start: prefix, end: prefixEnd(prefix) })).kvs.map((x) => [x.key.slice(prefix.length), x.modRevision]));
      await kv.close();
      await vi.waitFor(
        () => {
          expect(follower.applied).toEqual(written);
          expect(new Map([...follower.state].map(([k, v]) => [k, v.resourceVersion]))).toEqual(want);
        },
        { timeout: 20_000 },
      );
      // What was published is one chain: each event names the one before it, under one epoch.
      expect(published.map((e) => Number(e.resourceVersion))).toEqual(written);
      expect(published.slice(1).map((e) => Number(e.prevResourceVersion))).toEqual(written.slice(0, -1));
      expect(new Set(published.map((e) => e.publisherEpoch)).size).toBe(1);
      expect(follower.errors).toEqual([]);
    } finally {
      follower.stop();
      await svc.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
