// An embedded Portico in the test's own process, and an HTTPS client holding the admin
// certificate: enough to exercise the whole stack as a client does, without a child process.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAllInOne, type RunningCluster } from '../start';

export interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface EmbeddedPortico {
  cluster: RunningCluster;
  call(method: string, path: string, body?: unknown): Promise<Reply>;
  stop(): Promise<void>;
}

export async function startEmbedded(prefix: string): Promise<EmbeddedPortico> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const cluster = await startAllInOne({ dataDir: dir, host: '127.0.0.1', port: 0 });
  const pki = join(dir, 'pki');
  const tls = {
    key: await readFile(join(pki, 'admin.key'), 'utf8'),
    cert: await readFile(join(pki, 'admin.crt'), 'utf8'),
    ca: await readFile(join(pki, 'ca.crt'), 'utf8'),
  };
  const call = (method: string, path: string, body?: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      // Node's client sends DELETE bodies unframed unless told their length.
      const headers = { 'content-type': 'application/json', ...(payload !== undefined ? { 'content-length': String(payload.length) } : {}) };
      const req = request(new URL(path, cluster.url), { method, ...tls, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ code: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }),
        );
      });
      req.on('error', reject);
      req.end(payload);
    });
  return {
    cluster,
    call,
    stop: async () => {
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
