// Two storage replicas on one etcd and one NATS: only the elected one publishes; when it goes away
// the other takes over within seconds under a new epoch, and a subscriber that follows the protocol
// (replay on a new epoch or a gap) ends up with exactly etcd's state, having applied every write's
// event once.
import { randomUUID } from 'node:crypto';
import { connectNatsBus, type EventBusPort, InProcessBus } from '@portico/proto';
import { type EtcdServer, followResource, startEtcd } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { EtcdBackend } from './etcd-backend';
import { prefixEnd } from './kv';
import { type StorageService, createStorageService } from './storage-service';

const natsUrl = (): string => {
  const v = process.env.PORTICO_TEST_NATS;
  return v !== undefined && v !== '' ? v : inject('porticoNats');
};

const group = 'takeover.portico.dev';

let etcd: EtcdServer;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.stop();
});

async function replica(bus: EventBusPort): Promise<StorageService> {
  return createStorageService({
    backend: { kind: 'etcd', endpoints: [etcd.endpoint] },
    compactionIntervalMs: 0,
    bus,
    leaderElection: { ttlSeconds: 2 },
    watchCache: { progressIntervalMs: 200 },
  });
}

/** The objects under a resource as etcd has them: namespace/name → modRevision. */
async function etcdState(resource: string): Promise<Map<string, number>> {
  const kv = new EtcdBackend({ endpoints: [etcd.endpoint] });
  try {
    const prefix = `/registry/${group}/${resource}/`;
    const res = await kv.range({ start: prefix, end: prefixEnd(prefix) });
    return new Map(res.kvs.map((x) => [x.key.slice(prefix.length), x.modRevision]));
  } finally {
    await kv.close();
  }
}

const obj = (resource: string, name: string, i: number) =>
  Buffer.from(JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Thing', metadata: { name, namespace: 'ns' }, data: { i: String(i), r: resource } }));

describe('publisher election and takeover', () => {
  it('lets one replica publish, and the other take over with a new epoch and no event lost', async () => {
    const resource = `things${randomUUID().slice(0, 8)}`;
    const busA = await connectNatsBus(natsUrl(), { name: 'takeover-a' });
    const busB = await connectNatsBus(natsUrl(), { name: 'takeover-b' });
    const busC = await connectNatsBus(natsUrl(), { name: 'takeover-follower' });
    const buses: EventBusPort[] = [busA, busB, busC];
    const a = await replica(busA);
    const b = await replica(busB);
    const open = new Set<StorageService>([a, b]);
    try {
      await vi.waitFor(() => expect([a, b].filter((s) => s.publisherTerm() !== undefined)).toHaveLength(1), { timeout: 15_000 });
      const leader = a.publisherTerm() !== undefined ? a : b;
      const survivor = leader === a ? b : a;
      const firstTerm = leader.publisherTerm();
      // The subscriber replays through whichever replica is still up.
      const follower = await followResource(busC, () => (open.has(leader) ? leader : survivor), group, resource);

      const written: number[] = [];
      let i = 0;
      const write = async (via: StorageService) => {
        const n = i++;
        const name = `o${n % 7}`;
        const ref = { group, resource, namespace: 'ns', name };
        if (n % 5 === 4) {
          const del = await via.delete({ ref, expectedResourceVersion: '' });
          if (del.succeeded) written.push(Number(JSON.parse(del.object.toString()).metadata.resourceVersion));
          return;
        }
        const up = await via.update({ ref, object: obj(resource, name, n), expectedResourceVersion: '' });
        const res = up.succeeded ? up : await via.create({ ref, object: obj(resource, name, n) });
        written.push(Number(JSON.parse(res.object.toString()).metadata.resourceVersion));
      };
      for (let k = 0; k < 20; k++) await write(k % 2 === 0 ? a : b);
      await vi.waitFor(() => expect(follower.applied).toEqual(written), { timeout: 10_000 });
      expect(follower.epochs.size).toBe(1);

      // Writes keep coming through the survivor while the leader goes away.
      let writing = true;
      const writer = (async () => {
        while (writing) await write(survivor);
      })();
      await new Promise((r) => setTimeout(r, 100));
      open.delete(leader);
      await leader.close();
      await vi.waitFor(() => expect(survivor.publisherTerm()).toBeDefined(), { timeout: 15_000 });
      expect(survivor.publisherTerm()).not.toBe(firstTerm);
      await new Promise((r) => setTimeout(r, 300));
      writing = false;
      await writer;
      for (let k = 0; k < 5; k++) await write(survivor);

      const want = await etcdState(resource);
      await vi.waitFor(
        () => {
          const got = new Map([...follower.state].map(([k, v]) => [k, v.resourceVersion]));
          expect(got).toEqual(want);
          expect(follower.applied).toEqual(written);
        },
        { timeout: 15_000 },
      );
      expect(follower.epochs.size).toBeGreaterThanOrEqual(2);
      expect(follower.relists).toBe(1); // only the first list: nothing was ever too old to replay
      expect(follower.errors).toEqual([]);
      follower.stop();
    } finally {
      for (const s of open) await s.close();
      for (const bus of buses) await bus.close();
    }
  });

  it('never elects with an in-process bus: the replica always publishes', async () => {
    const bus = new InProcessBus();
    const s = await createStorageService({ backend: { kind: 'etcd', endpoints: [etcd.endpoint] }, compactionIntervalMs: 0, bus });
    try {
      expect(s.publisherTerm()).toMatch(/^local-/);
    } finally {
      await s.close();
    }
  });

  it('does not campaign without a bus', async () => {
    const s = await createStorageService({ backend: { kind: 'etcd', endpoints: [etcd.endpoint] }, compactionIntervalMs: 0 });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(s.publisherTerm()).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
