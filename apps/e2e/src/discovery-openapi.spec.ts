// Aggregated discovery and OpenAPI against `portico start` (the gateway code is the same in the
// distributed shape). Its own file so the suite runs beside the shared ones in all.ts.
import { afterAll, beforeAll, describe } from 'vitest';
import { type Portico, startPortico } from './support/portico';
import { discoveryOpenAPISuite } from './suites/discovery-openapi';

describe('portico (embedded): discovery and OpenAPI', () => {
  let portico: Portico | undefined;
  const current = (): Portico => {
    if (!portico) throw new Error('portico (embedded) did not start; see the first failure');
    return portico;
  };

  beforeAll(async () => {
    portico = await startPortico('embedded');
  });
  afterAll(async () => {
    await portico?.stop(5_000);
  });

  discoveryOpenAPISuite(current);
});
