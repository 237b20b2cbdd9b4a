// CustomResourceDefinitions (issue 7) against `portico start`: every service in one process.
import { describeWithPortico } from './support/with-portico';
import { crdSuite } from './suites/crds';

describeWithPortico('CRDs (embedded)', 'embedded', crdSuite, { checkAlive: true });
