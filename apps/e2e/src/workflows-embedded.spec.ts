// Issue 3 item 8 against `portico start` (embedded store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { workflowsSuite } from './suites/workflows';

describe('portico (embedded): kubectl and helm workflows', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('embedded');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  workflowsSuite(() => {
    if (!portico) throw new Error('portico did not start; see the first failure');
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
