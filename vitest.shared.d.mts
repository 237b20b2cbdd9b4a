// Types for vitest.shared.mjs, so that each project's vitest.config.mts typechecks.
import type { UserWorkspaceConfig } from 'vitest/config';

/**
 * @param dir project root
 * @param name project name
 * @param opts servers: the project's tests need real etcd and NATS (libs/testing/src/global-setup.ts)
 */
export declare function projectTestConfig(dir: string, name: string, opts?: { servers?: boolean }): UserWorkspaceConfig;
