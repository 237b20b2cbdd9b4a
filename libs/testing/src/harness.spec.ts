import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, startEtcd, startNats } from './harness';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('test servers', () => {
  it('freePort gives a bindable loopback port', async () => {
    const p = await freePort();
    expect(p).toBeGreaterThan(0);
    expect(await accepts(p)).toBe(false);
  });

  it('starts etcd on loopback, ready, and stops it with its data dir', async () => {
    const etcd = await startEtcd();
    expect(etcd.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${etcd.endpoint}/health`)).json()) as { health: string };
    expect(health.health).toBe('true');
    await etcd.stop();
    expect(await accepts(etcd.clientPort)).toBe(false);
    expect(existsSync(etcd.dataDir)).toBe(false);
  });

  it('starts nats-server on loopback, ready, and stops it', async () => {
    const nats = await startNats();
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(await accepts(nats.port)).toBe(true);
    await nats.stop();
    expect(await accepts(nats.port)).toBe(false);
  });
});
