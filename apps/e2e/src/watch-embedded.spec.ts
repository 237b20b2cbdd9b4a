// Watch against `portico start` (every service in one process, the in-process bus, SQLite): the
// same client suites as the distributed shape (watch-distributed.spec.ts), each on a Portico
// started with the flags it needs to stay short: bookmarks every second, watches that the server
// ends after 2-4 s, compaction every second.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import {
  watchBadInputSuite,
  watchCompactionSuite,
  watchInformerResumeSuite,
  watchInformerSuite,
  watchKubectlSuite,
  watchRawSuite,
} from './suites/watch';

function withPortico(title: string, args: string[], suites: (current: () => Portico) => void): void {
  describe(title, () => {
    let portico: Portico | undefined;
    const current = (): Portico => {
      if (!portico) throw new Error(`portico (embedded ${args.join(' ')}) did not start; see the first failure`);
      return portico;
    };
    beforeAll(async () => {
      portico = await startPortico('embedded', { args });
    });
    afterAll(async () => {
      await portico?.stop(5_000);
    });
    suites(current);
  });
}

describe('portico (embedded): watch', () => {
  withPortico('bookmarks every second', ['--watch-bookmark-interval', '1'], (current) => {
    watchKubectlSuite(current);
    watchInformerSuite(current);
    watchRawSuite(current, { bookmarkIntervalSeconds: 1 });
    watchBadInputSuite(current);
  });
  withPortico('watches ended by the server after 2-4 s', ['--min-request-timeout', '2'], (current) => {
    watchInformerResumeSuite(current);
  });
  withPortico('compaction every second', ['--compaction-interval', '1'], (current) => {
    watchCompactionSuite(current);
  });
});
