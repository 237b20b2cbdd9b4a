// One place for the test settings every project shares. The "@portico/source" condition makes
// workspace imports resolve to TypeScript sources, so tests never need a prior build.
import { resolve } from 'node:path';

/**
 * @param {string} dir project root
 * @param {string} name project name
 * @param {{ servers?: boolean }} [opts] servers: the project's tests need real etcd and NATS
 */
export function projectTestConfig(dir, name, opts = {}) {
  return {
    root: dir,
    resolve: { conditions: ['@portico/source', 'node', 'require', 'default'] },
    ssr: { resolve: { conditions: ['@portico/source', 'node', 'require', 'default'], externalConditions: ['@portico/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.spec.ts', 'src/**/*.test.ts'],
      globalSetup: opts.servers ? [resolve(import.meta.dirname, 'libs/testing/src/global-setup.ts')] : [],
      testTimeout: 30_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  };
}
