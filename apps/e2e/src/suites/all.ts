import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Portico, type Shape, startPortico } from '../support/portico';
import { badInputSuite } from './bad-input';
import { clientNodeSuite } from './client-node';
import { kubectlSuite } from './kubectl';

/** Starts Portico in `shape` once for the file, runs every client suite against it, and stops it. */
export function e2eSuites(shape: Shape): void {
  describe(`portico (${shape})`, () => {
    let portico: Portico | undefined;
    const current = (): Portico => {
      if (!portico) throw new Error(`portico (${shape}) did not start; see the first failure`);
      return portico;
    };

    beforeAll(async () => {
      portico = await startPortico(shape);
    });
    afterAll(async () => {
      await portico?.stop(5_000);
    });

    it('prints its URL and an absolute kubeconfig path when ready', () => {
      const p = current();
      expect(p.url).toBe(`https://127.0.0.1:${p.port}`);
      expect(p.kubeconfigPath.startsWith('/')).toBe(true);
    });

    clientNodeSuite(current);
    kubectlSuite(current);
    badInputSuite(current);

    // Last in the file: vitest runs a file's tests in order.
    it('exits on SIGTERM, leaving no process behind', async () => {
      const res = await current().stop();
      expect(res.forced, current().output()).toBe(false);
      expect(res.leftovers).toEqual([]);
      expect(res.signal === 'SIGTERM' || res.code === 0 || res.code === 143, `exit code ${res.code}, signal ${res.signal}`).toBe(true);
    });
  });
}
