// Cascading deletion through the embedded stack: foreground, orphan and background, as kubectl's
// --cascade flag asks for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedPortico } from './test-support/embedded';

const base = '/api/v1/namespaces/default/configmaps';

describe('garbage collection (embedded shape)', () => {
  let portico: EmbeddedPortico;

  beforeAll(async () => {
    portico = await startEmbedded('portico-gc-');
  });

  afterAll(async () => {
    await portico?.stop();
  });

  const create = async (name: string, owner?: { name: string; uid: string }) => {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.name, uid: owner.uid }] } : {}) },
    };
    const r = await portico.call('POST', base, body);
    expect(r.code).toBe(201);
    return { name, uid: (r.body['metadata'] as { uid: string }).uid };
  };

  /** Polls until the condition holds (the collector runs every 2 s); fails after the deadline. */
  const eventually = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const gone = (name: string) => async () => (await portico.call('GET', `${base}/${name}`)).code === 404;

  it('foreground: dependents go first, then the owner', async () => {
    const owner = await create('fg-owner');
    await create('fg-dep', owner);
    const r = await portico.call('DELETE', `${base}/fg-owner`, { propagationPolicy: 'Foreground' });
    expect(r.code).toBe(200);
    expect((r.body['metadata'] as { finalizers: string[] }).finalizers).toContain('foregroundDeletion');
    await eventually('dependent deleted', gone('fg-dep'));
    await eventually('owner deleted', gone('fg-owner'));
  });

  it('orphan: dependents stay, without the owner reference', async () => {
    const owner = await create('or-owner');
    await create('or-dep', owner);
    expect((await portico.call('DELETE', `${base}/or-owner`, { propagationPolicy: 'Orphan' })).code).toBe(200);
    await eventually('owner deleted', gone('or-owner'));
    const dep = await portico.call('GET', `${base}/or-dep`);
    expect(dep.code).toBe(200);
    expect((dep.body['metadata'] as { ownerReferences?: unknown }).ownerReferences).toBeUndefined();
  });

  it('background: a dependent whose owner is gone is deleted', async () => {
    const owner = await create('bg-owner');
    await create('bg-dep', owner);
    expect((await portico.call('DELETE', `${base}/bg-owner`)).code).toBe(200);
    await eventually('dependent deleted', gone('bg-dep'));
  });
});
