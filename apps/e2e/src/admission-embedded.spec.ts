// Admission (issue 6) against `portico start`: every service in one process, configuration kept
// current through the in-process bus.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { admissionSuite } from './suites/admission';

describe('admission (embedded)', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('embedded');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  admissionSuite(() => {
    if (!portico) throw new Error('portico did not start');
    return portico;
  });
});
