// Service ClusterIP and NodePort allocation through the whole embedded stack (gateway, admission,
// SQLite storage), over HTTPS with the admin certificate, as a client sees it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedPortico } from './test-support/embedded';

describe('service allocation (embedded shape)', () => {
  let portico: EmbeddedPortico;
  const call = (method: string, path: string, body?: unknown) => portico.call(method, path, body);

  const service = (name: string, type: string, nodePort?: number) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type, ports: [{ port: 80, targetPort: 8080, ...(nodePort !== undefined ? { nodePort } : {}) }] },
  });

  beforeAll(async () => {
    portico = await startEmbedded('portico-svc-');
  });

  afterAll(async () => {
    await portico?.stop();
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
