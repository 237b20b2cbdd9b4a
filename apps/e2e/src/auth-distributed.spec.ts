// Authentication and authorization (issue 5) against `portico start-distributed`: RBAC kept current
// through NATS, auth its own process behind gRPC.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { authSuite } from './suites/auth';

describe('auth (distributed)', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('distributed');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  authSuite(() => {
    if (!portico) throw new Error('portico did not start');
    return portico;
  });
});
