// etcd going away must reject calls (the gateway answers 503), not hang or answer a domain status,
// and the same service must work again once etcd is back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd } from '@portico/testing';
import { describe, expect, it, vi } from 'vitest';
import { createStorageService } from './storage-service';

const ref = { group: 'outage.portico.dev', resource: 'things', namespace: 'ns', name: 'a' };
const obj = Buffer.from(JSON.stringify({ apiVersion: 'outage.portico.dev/v1', kind: 'Thing', metadata: { name: 'a', namespace: 'ns' } }));

describe('etcd outage', () => {
  it('rejects while etcd is down and recovers when it returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-outage-'));
    let server = await startEtcd({ dataDir: dir });
    const svc = await createStorageService({ backend: { kind: 'etcd', endpoints: [server.endpoint] } });
    try {
      expect((await svc.create({ ref, object: obj })).status).toBeUndefined();
      await server.stop();
      await expect(svc.get({ ref, resourceVersion: '' })).rejects.toBeInstanceOf(Error);
      await expect(svc.list({ ref: { ...ref, name: '' }, resourceVersion: '', resourceVersionMatch: '', limit: '0', continue: '', labelSelector: '', fieldSelector: '' })).rejects.toBeInstanceOf(Error);
      server = await startEtcd({ dataDir: dir, clientPort: server.clientPort });
      await vi.waitFor(
        async () => {
          const res = await svc.get({ ref, resourceVersion: '' });
          expect(res.status).toBeUndefined();
        },
        { timeout: 30_000, interval: 250 },
      );
    } finally {
      await svc.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
