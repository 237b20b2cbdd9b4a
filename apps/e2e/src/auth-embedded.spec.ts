// Authentication and authorization (issue 5) against `portico start`: RBAC kept current through
// the in-process bus.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { authSuite } from './suites/auth';

describe('auth (embedded)', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('embedded');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  authSuite(() => {
    if (!portico) throw new Error('portico did not start');
    return portico;
  });
});
