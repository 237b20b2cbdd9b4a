// CustomResourceDefinitions (issue 7) against `portico start`: every service in one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { crdSuite } from './suites/crds';

describe('CRDs (embedded)', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('embedded');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  crdSuite(() => {
    if (!portico) throw new Error('portico did not start');
    return portico;
  });
  // Last: a Portico that died mid-suite shows here with its own last words, not only as refused connections.
  it('served the whole suite without exiting', () => {
    let alive = portico !== undefined;
    try {
      if (portico) process.kill(portico.pid, 0);
    } catch {
      alive = false;
    }
    expect(alive, portico?.output()).toBe(true);
  });
});
