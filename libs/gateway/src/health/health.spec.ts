import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { HealthEndpoint } from './health';

function fakeResponse() {
  const r = { statusCode: 0, body: '', headersSent: false, headers: {} as Record<string, string> };
  const res = {
    get statusCode() {
      return r.statusCode;
    },
    set statusCode(c: number) {
      r.statusCode = c;
    },
    get headersSent() {
      return r.headersSent;
    },
    setHeader: (k: string, v: string) => (r.headers[k] = v),
    end: (b: string) => {
      r.body = b;
      r.headersSent = true;
    },
  };
  return { res: res as unknown as ServerResponse, r };
}

describe('health endpoints', () => {
  const ok = { name: 'ping', check: async () => {} };
  const bad = { name: 'etcd', check: async () => Promise.reject(new Error('down')) };

  it('answers ok, or the verbose list', async () => {
    const h = new HealthEndpoint('readyz', [ok, { name: 'etcd', check: async () => {} }], silentLogger);
    const a = fakeResponse();
    await h.serve('/readyz', new URLSearchParams(), a.res);
    expect([a.r.statusCode, a.r.body]).toEqual([200, 'ok']);
    const b = fakeResponse();
    await h.serve('/readyz', new URLSearchParams('verbose'), b.res);
    expect(b.r.body).toBe('[+]ping ok\n[+]etcd ok\nreadyz check passed\n');
  });

  it('withholds reasons on failure and honours exclude', async () => {
    const h = new HealthEndpoint('livez', [ok, bad], silentLogger);
    const a = fakeResponse();
    await h.serve('/livez', new URLSearchParams(), a.res);
    expect([a.r.statusCode, a.r.body]).toEqual([500, '[+]ping ok\n[-]etcd failed: reason withheld\nlivez check failed\n']);
    const b = fakeResponse();
    await h.serve('/livez', new URLSearchParams('exclude=etcd&exclude=nope&verbose'), b.res);
    expect(b.r.body).toBe('[+]ping ok\n[+]etcd excluded: ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nlivez check passed\n');
  });

  it('serves a single check', async () => {
    const h = new HealthEndpoint('readyz', [ok, bad], silentLogger);
    const a = fakeResponse();
    expect(await h.serve('/readyz/ping', new URLSearchParams(), a.res)).toBe(true);
    expect(a.r.body).toBe('ok');
    const b = fakeResponse();
    await h.serve('/readyz/etcd', new URLSearchParams(), b.res);
    expect(b.r.statusCode).toBe(500);
    expect(await h.serve('/readyz/unknown', new URLSearchParams(), fakeResponse().res)).toBe(false);
  });
});
