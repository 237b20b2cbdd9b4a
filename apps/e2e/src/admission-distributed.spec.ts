// Admission (issue 6) against `portico start-distributed`: each service its own process, the
// admission service keeping configuration current from storage and NATS.
import { describeWithPortico } from './support/with-portico';
import { admissionSuite } from './suites/admission';

describeWithPortico('admission (distributed)', 'distributed', admissionSuite);
