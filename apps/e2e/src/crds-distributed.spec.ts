// CustomResourceDefinitions (issue 7) against `portico start-distributed`: each service its own process,
// CRDs reaching every gateway through storage and NATS.
import { describeWithPortico } from './support/with-portico';
import { crdSuite } from './suites/crds';

describeWithPortico('CRDs (distributed)', 'distributed', crdSuite, { checkAlive: true });
