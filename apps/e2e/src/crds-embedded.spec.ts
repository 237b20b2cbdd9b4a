// CustomResourceDefinitions (issue 7) against `portico start`: every service in one process.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { crdSuite } from './suites/crds';

describe('CRDs (embedded)', () => {
  let portico: Portico | undefined;
  beforeAll(async () => {
    portico = await startPortico('embedded');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });
  crdSuite(() => {
    if (!portico) throw new Error('portico did not start');
    return portico;
  });
});
