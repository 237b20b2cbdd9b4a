// The NATS adapter against a real nats-server: the run's shared server (PORTICO_TEST_NATS) for
// ordinary traffic, and a server of its own for restarts and a lowered max_payload. proto may not
// import @portico/testing (it depends on nothing internal), so this file starts those servers itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusPayloadTooLargeError, type BusDisruption, type BusMessage, type EventBusPort } from './bus';
import { connectNatsBus } from './bus-nats';

const sharedUrl = (): string => {
  const url = process.env.PORTICO_TEST_NATS;
  if (url === undefined || url === '') throw new Error('PORTICO_TEST_NATS is not set (run with the servers global setup)');
  return url;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr !== null && typeof addr !== 'string' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('data', (b) => done(b.toString('latin1').startsWith('INFO ')));
  });
}

/** nats-server on a given port; stopped by its own pid. */
async function startServer(port: number, extraArgs: string[] = []): Promise<{ stop(): Promise<void> }> {
  const bin = process.env.PORTICO_NATS_BIN ?? '/usr/sbin/nats-server';
  const child: ChildProcess = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), ...extraArgs], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!(await greets(port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('nats-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function bus(url: string, opts: Parameters<typeof connectNatsBus>[1] = {}): Promise<EventBusPort & { maxPayload: number }> {
  const b = await connectNatsBus(url, { reconnectDelayMs: { initial: 50, max: 200 }, ...opts });
  cleanups.push(() => b.close());
  return b;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (m: BusMessage) => new TextDecoder().decode(m.data);

describe('NATS event bus', () => {
  it('delivers in order with headers, to exact and ">" subscriptions', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const pub = await bus(sharedUrl());
    const sub = await bus(sharedUrl());
    const exact: BusMessage[] = [];
    const all: BusMessage[] = [];
    sub.subscribe(`${prefix}.watch.core.pods`, (m) => exact.push(m));
    sub.subscribe(`${prefix}.watch.>`, (m) => all.push(m));
    await sub.flush();
    for (let i = 0; i < 50; i++) pub.publish(`${prefix}.watch.core.pods`, bytes(String(i)), { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    pub.publish(`${prefix}.watch.apps.deployments`, bytes('d'));
    await pub.flush();
    await vi.waitFor(() => expect(all).toHaveLength(51));
    expect(exact.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(exact[0]?.headers).toEqual({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    expect(all.at(-1)?.subject).toBe(`${prefix}.watch.apps.deployments`);
    expect(all.at(-1)?.headers).toEqual({});
  });

  it('stops delivering after unsubscribe', async () => {
    const subject = `t${randomUUID().slice(0, 8)}.x`;
    const b = await bus(sharedUrl());
    const got: string[] = [];
    const s = b.subscribe(subject, (m) => got.push(text(m)));
    await b.flush();
    b.publish(subject, bytes('1'));
    await vi.waitFor(() => expect(got).toEqual(['1']));
    s.unsubscribe();
    b.publish(subject, bytes('2'));
    await b.flush();
    const marker: string[] = [];
    b.subscribe(`${subject}.done`, (m) => marker.push(text(m)));
    await b.flush();
    b.publish(`${subject}.done`, bytes('done'));
    await vi.waitFor(() => expect(marker).toEqual(['done']));
    expect(got).toEqual(['1']);
  });

  it('refuses a message over the max payload with BusPayloadTooLargeError', async () => {
    const port = await freePort();
    // max_payload is a config-file setting only.
    const dir = mkdtempSync(join(tmpdir(), 'portico-nats-conf-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'nats.conf'), 'max_payload: 4096\n');
    const server = await startServer(port, ['-c', join(dir, 'nats.conf')]);
    cleanups.push(() => server.stop());
    const b = await bus(`nats://127.0.0.1:${port}`);
    expect(b.maxPayload).toBe(4096);
    expect(() => b.publish('big.one', new Uint8Array(5000))).toThrow(BusPayloadTooLargeError);
    b.publish('big.one', new Uint8Array(1000));
    await b.flush();
  });

  it('reports a slow consumer when a subscription falls behind', async () => {
    const subject = `t${randomUUID().slice(0, 8)}.slow`;
    const pub = await bus(sharedUrl());
    const sub = await bus(sharedUrl(), { slowConsumerPending: 5 });
    const disruptions: BusDisruption[] = [];
    sub.onDisruption((d) => disruptions.push(d));
    let n = 0;
    sub.subscribe(subject, () => {
      n++;
    });
    await sub.flush();
    for (let i = 0; i < 500; i++) pub.publish(subject, bytes(String(i)));
    await pub.flush();
    await vi.waitFor(() => expect(n).toBe(500));
    expect(disruptions.map((d) => d.kind)).toContain('slow-consumer');
  });

  it('reports disconnect and reconnect when the server restarts, and resumes its subscriptions', async () => {
    const port = await freePort();
    let server = await startServer(port);
    cleanups.push(() => server.stop());
    const url = `nats://127.0.0.1:${port}`;
    const pub = await bus(url);
    const sub = await bus(url);
    const disruptions: string[] = [];
    sub.onDisruption((d) => disruptions.push(d.kind));
    const got: string[] = [];
    sub.subscribe('restart.>', (m) => got.push(text(m)));
    await sub.flush();
    pub.publish('restart.a', bytes('before'));
    await vi.waitFor(() => expect(got).toEqual(['before']));

    await server.stop();
    await vi.waitFor(() => expect(disruptions).toContain('disconnect'), { timeout: 10_000 });
    server = await startServer(port);
    await vi.waitFor(() => expect(disruptions).toContain('reconnect'), { timeout: 20_000 });
    // The publisher reconnects on its own schedule; publish until the resumed subscription sees one.
    await vi.waitFor(
      async () => {
        pub.publish('restart.b', bytes('after'));
        await pub.flush();
        expect(got).toContain('after');
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it('rejects at once without waitForServer when nothing listens', async () => {
    const port = await freePort();
    await expect(connectNatsBus(`nats://127.0.0.1:${port}`, { waitForServer: false })).rejects.toBeInstanceOf(Error);
  });
});
