import { defineProject } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.mjs';

// Each e2e file starts a whole Portico (the distributed shape is several processes) and drives it
// with real clients, so files run one at a time, and after every other project (groupOrder), so
// that on 2 cores they never compete with each other or with the unit tests.
const base = projectTestConfig(import.meta.dirname, 'e2e', { servers: true });

export default defineProject({
  ...base,
  test: {
    ...base.test,
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { groupOrder: 1 },
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
