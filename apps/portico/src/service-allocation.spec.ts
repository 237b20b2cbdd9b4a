// Service ClusterIP and NodePort allocation through the whole embedded stack (gateway, admission,
// SQLite storage), over HTTPS with the admin certificate, as a client sees it.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllInOne, type RunningCluster } from './start';

interface Reply {
  code: number;
  body: Record<string, unknown>;
}

describe('service allocation (embedded shape)', () => {
  let dir: string;
  let cluster: RunningCluster;
  let tls: { key: string; cert: string; ca: string };

  const call = (method: string, path: string, body?: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const url = new URL(path, cluster.url);
      const req = request(url, { method, ...tls, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  const service = (name: string, type: string, nodePort?: number) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type, ports: [{ port: 80, targetPort: 8080, ...(nodePort !== undefined ? { nodePort } : {}) }] },
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-svc-'));
    cluster = await startAllInOne({ dataDir: dir, host: '127.0.0.1', port: 0 });
    const pki = join(dir, 'pki');
    tls = { key: await readFile(join(pki, 'admin.key'), 'utf8'), cert: await readFile(join(pki, 'admin.crt'), 'utf8'), ca: await readFile(join(pki, 'ca.crt'), 'utf8') };
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a ClusterIP service an address from 10.96.0.0/12, held by an IPAddress object, released on delete', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/services', service('web', 'ClusterIP'));
    expect(created.code).toBe(201);
    const spec = created.body['spec'] as { clusterIP: string; clusterIPs: string[] };
    const n = spec.clusterIP.split('.').map(Number);
    expect(n[0]).toBe(10);
    expect((n[1] as number) >= 96 && (n[1] as number) < 112).toBe(true);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    const ip = await call('GET', `/apis/networking.k8s.io/v1/ipaddresses/${spec.clusterIP}`);
    expect(ip.code).toBe(200);
    expect(ip.body['spec']).toEqual({ parentRef: { group: '', resource: 'services', namespace: 'default', name: 'web' } });
    expect((await call('DELETE', '/api/v1/namespaces/default/services/web')).code).toBe(200);
    expect((await call('GET', `/apis/networking.k8s.io/v1/ipaddresses/${spec.clusterIP}`)).code).toBe(404);
  });

  it('allocates node ports in 30000-32767 and refuses one already taken, as kube-apiserver words it', async () => {
    const a = await call('POST', '/api/v1/namespaces/default/services', service('np1', 'NodePort'));
    expect(a.code).toBe(201);
    const port = ((a.body['spec'] as { ports: Array<{ nodePort: number }> }).ports[0] as { nodePort: number }).nodePort;
    expect(port >= 30000 && port <= 32767).toBe(true);
    const b = await call('POST', '/api/v1/namespaces/default/services', service('np2', 'NodePort', port));
    expect(b.code).toBe(422);
    expect(b.body['message']).toBe(`Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`);
    expect((await call('DELETE', '/api/v1/namespaces/default/services/np1')).code).toBe(200);
    const c = await call('POST', '/api/v1/namespaces/default/services', service('np3', 'NodePort', port));
    expect(c.code).toBe(201);
  });
});
