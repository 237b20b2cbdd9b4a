import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ID_HEADER, existingRequestContext, httpRequestLogger } from './http-log';
import { createLogger } from './logger';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  },
});
const logger = createLogger({ service: 'gateway', level: 'info', destination });
const middleware = httpRequestLogger(logger, { skip: (req) => req.url === '/livez' });

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    middleware(req, res, () => {
      existingRequestContext(req)?.log.info({ step: 'handler' }, 'handling');
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; auditId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { 'user-agent': 'kubectl/v1.33.1', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, auditId: res.headers['audit-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function linesFor(auditId: string): Promise<Record<string, unknown>[]> {
  // The request line is written on 'finish', which may trail the client's 'end' by a tick.
  for (let i = 0; i < 50 && !lines.some((l) => l['auditID'] === auditId && l['msg'] === 'HTTP'); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return lines.filter((l) => l['auditID'] === auditId);
}

describe('httpRequestLogger', () => {
  it('gives each request a UUID audit ID, returns it as Audit-Id and puts it on every line of the request', async () => {
    const res = await get('/api/v1/namespaces/default/configmaps?limit=5', { authorization: 'Bearer very-secret' });
    expect(AUDIT_ID_HEADER.toLowerCase()).toBe('audit-id');
    expect(res.auditId).toMatch(UUID);
    const mine = await linesFor(res.auditId!);
    expect(mine.map((l) => l['msg'])).toEqual(['handling', 'HTTP']);
    expect(mine[1]).toMatchObject({
      service: 'gateway',
      verb: 'GET',
      URI: '/api/v1/namespaces/default/configmaps?limit=5',
      userAgent: 'kubectl/v1.33.1',
      srcIP: '127.0.0.1',
      resp: 200,
    });
    expect(typeof mine[1]!['latencyMs']).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('very-secret');
  });

  it("keeps the client's Audit-ID when it sends one, like kube-apiserver", async () => {
    const res = await get('/missing', { 'Audit-ID': 'client-chosen-42' });
    expect(res.status).toBe(404);
    expect(res.auditId).toBe('client-chosen-42');
    const mine = await linesFor('client-chosen-42');
    expect(mine.at(-1)).toMatchObject({ msg: 'HTTP', resp: 404 });
  });

  it('replaces an unusable client Audit-ID with a fresh UUID', async () => {
    const res = await get('/x', { 'Audit-ID': 'a'.repeat(200) });
    expect(res.auditId).toMatch(UUID);
  });

  it('writes no line for skipped requests but still sets the audit ID', async () => {
    const res = await get('/livez');
    expect(res.auditId).toMatch(UUID);
    // A later request's line proves the skipped one has finished too.
    await linesFor((await get('/after')).auditId!);
    const mine = lines.filter((l) => l['auditID'] === res.auditId);
    expect(mine.map((l) => l['msg'])).toEqual(['handling']);
  });
});
