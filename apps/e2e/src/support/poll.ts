// Waiting without timing assertions: every wait is a poll with a deadline.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a value (not undefined) or the deadline passes; a probe that
 * throws counts as not yet, and the last error is named when giving up.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}, not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

/** Polls `attempt` until `done` accepts its result or the deadline passes; returns the last result. */
export async function until<T>(attempt: () => Promise<T>, done: (r: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await attempt();
    if (done(r) || Date.now() > deadline) return r;
    await sleep(250);
  }
}
