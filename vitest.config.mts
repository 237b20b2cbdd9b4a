// The whole workspace in one vitest run (`npm test` goes through tools/test/run.mjs, which starts
// etcd and NATS once for every project). Each project keeps its own config beside its code.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.mts', 'apps/*/vitest.config.mts'],
  },
});
