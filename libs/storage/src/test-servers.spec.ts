// The global setup's servers reach test workers both ways other projects read them.
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';

describe('test servers from the global setup', () => {
  it('are in process.env and provided, and answer', async () => {
    expect(process.env.PORTICO_TEST_ETCD).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.PORTICO_TEST_NATS).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(inject('porticoEtcd')).toBe(process.env.PORTICO_TEST_ETCD);
    expect(inject('porticoNats')).toBe(process.env.PORTICO_TEST_NATS);
    const health = (await (await fetch(`${process.env.PORTICO_TEST_ETCD}/health`)).json()) as { health: string };
    expect(health.health).toBe('true');
  });
});
