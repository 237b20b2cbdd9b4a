// Leader election on a real etcd: one holder at a time; a holder that dies without a word (its
// client gone, the lease never revoked) is replaced once its lease expires; a graceful one at once.
import { spawn } from 'node:child_process';
import { Etcd3 } from 'etcd3';
import { type EtcdServer, startEtcd } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EtcdLeaderElection } from './election';

let etcd: EtcdServer;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.stop();
});

function candidate(key: string) {
  const client = new Etcd3({ hosts: [etcd.endpoint] });
  const election = new EtcdLeaderElection(client, { key, ttlSeconds: 2, pollMs: 200 });
  const terms: Array<string | undefined> = [];
  election.start((t) => terms.push(t));
  return {
    client,
    election,
    terms,
    get term() {
      return terms.at(-1);
    },
  };
}

describe('EtcdLeaderElection', () => {
  it('replaces a holder that died without a word once its lease expires', async () => {
    const key = `/registry/portico.test-leader.${Date.now()}`;
    // The holder is another process that holds the key on a 2 s lease the way the election does,
    // and is then killed: nothing is revoked, the lease simply stops being kept alive.
    const script = `
      const { Etcd3 } = require('etcd3');
      const c = new Etcd3({ hosts: [${JSON.stringify(etcd.endpoint)}] });
      const lease = c.lease(2);
      lease.put(${JSON.stringify(key)}).value('holder').then(() => process.stdout.write('held\\n'));
    `;
    const holder = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.on('data', (d: Buffer) => (d.toString().includes('held') ? resolve() : undefined));
        holder.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const y = candidate(key);
      try {
        await new Promise((r) => setTimeout(r, 1000));
        expect(y.term).toBeUndefined();
        holder.kill('SIGKILL');
        const killedAt = Date.now();
        await vi.waitFor(() => expect(y.term).toBeDefined(), { timeout: 15_000 });
        // Not before the lease could have expired.
        expect(Date.now() - killedAt).toBeGreaterThan(500);
      } finally {
        await y.election.close();
        y.client.close();
      }
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('elects exactly one of several candidates', async () => {
    const key = `/registry/portico.test-leader.many.${Date.now()}`;
    const cs = [candidate(key), candidate(key), candidate(key)];
    try {
      await vi.waitFor(() => expect(cs.filter((c) => c.term !== undefined)).toHaveLength(1), { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 500));
      expect(cs.filter((c) => c.term !== undefined)).toHaveLength(1);
    } finally {
      for (const c of cs) {
        await c.election.close();
        c.client.close();
      }
    }
  });

  it('hands over at once when the holder closes', async () => {
    const key = `/registry/portico.test-leader.graceful.${Date.now()}`;
    const x = candidate(key);
    await vi.waitFor(() => expect(x.term).toBeDefined(), { timeout: 10_000 });
    const y = candidate(key);
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(y.term).toBeUndefined();
      await x.election.close();
      expect(x.term).toBeUndefined();
      await vi.waitFor(() => expect(y.term).toBeDefined(), { timeout: 5_000 });
    } finally {
      await y.election.close();
      x.client.close();
      y.client.close();
    }
  });
});
