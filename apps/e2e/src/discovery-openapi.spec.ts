// Aggregated discovery and OpenAPI against `portico start` (the gateway code is the same in the
// distributed shape). Its own file so the suite runs beside the shared ones in all.ts.
import { describeWithPortico } from './support/with-portico';
import { discoveryOpenAPISuite } from './suites/discovery-openapi';

describeWithPortico('portico (embedded): discovery and OpenAPI', 'embedded', discoveryOpenAPISuite);
