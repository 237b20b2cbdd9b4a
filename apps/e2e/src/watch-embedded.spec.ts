// Watch against `portico start` (every service in one process, the in-process bus, SQLite): the
// same client suites as the distributed shape (watch-distributed.spec.ts), each on a Portico
// started with the flags it needs to stay short: bookmarks every second, watches that the server
// ends after 2-4 s, compaction every second.
import { describe } from 'vitest';
import type { Portico } from './support/portico';
import { describeWithPortico } from './support/with-portico';
import {
  watchBadInputSuite,
  watchCompactionSuite,
  watchInformerResumeSuite,
  watchInformerSuite,
  watchKubectlSuite,
  watchRawSuite,
} from './suites/watch';

/** A Portico of its own, started with `args`, for one group of suites. */
const withPortico = (title: string, args: string[], suites: (current: () => Portico) => void): void =>
  describeWithPortico(title, 'embedded', suites, { args });

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
