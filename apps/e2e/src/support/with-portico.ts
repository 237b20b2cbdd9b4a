// The frame of a spec that runs client suites against one Portico: start it before, stop it after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Portico, type Shape, startPortico } from './portico';

export interface WithPorticoOptions {
  /**
   * Last, a test that the Portico is still running: one that died mid-suite shows there with its
   * own last words, not only as refused connections.
   */
  checkAlive?: boolean;
  /** Extra arguments for `start` / `start-distributed`. */
  args?: string[];
}

/** `describe(title)` with one Portico of `shape`, which `suites` get through `current()`. */
export function describeWithPortico(title: string, shape: Shape, suites: (current: () => Portico) => void, options: WithPorticoOptions = {}): void {
  describe(title, () => {
    let portico: Portico | undefined;
    beforeAll(async () => {
      portico = await startPortico(shape, options.args ? { args: options.args } : {});
    });
    afterAll(async () => {
      await portico?.stop(5_000);
    });
    suites(() => {
      if (!portico) throw new Error('portico did not start; see the first failure');
      return portico;
    });
    if (options.checkAlive) {
      it('served the whole suite without exiting', () => {
        let alive = portico !== undefined;
        try {
          if (portico) process.kill(portico.pid, 0);
        } catch {
          alive = false;
        }
        expect(alive, portico?.output()).toBe(true);
      });
    }
  });
}
