// Admission (issue 6) against `portico start-distributed`: each service its own process, the
// admission service keeping configuration current from storage and NATS.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { admissionSuite } from './suites/admission';

describe('admission (distributed)', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('distributed');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  admissionSuite(() => {
    if (!portico) throw new Error('portico did not start');
    return portico;
  });
});
