// Authentication and authorization (issue 5) against `portico start`: RBAC kept current through
// the in-process bus.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { authFixtures, authSuite, type AuthFixtures } from './suites/auth';

describe('auth (embedded)', () => {
  let portico: Portico | undefined;
  let fixtures: AuthFixtures | undefined;
  beforeAll(async () => {
    fixtures = await authFixtures();
    portico = await startPortico('embedded', { env: fixtures.env });
  });
  afterAll(async () => {
    await portico?.stop(5_000);
    fixtures?.cleanup();
  });
  authSuite(
    () => {
      if (!portico) throw new Error('portico did not start');
      return portico;
    },
    () => {
      if (!fixtures) throw new Error('no fixtures');
      return fixtures;
    },
  );
});
