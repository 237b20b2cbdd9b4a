// Admission (issue 6) against `portico start`: every service in one process, configuration kept
// current through the in-process bus.
import { describeWithPortico } from './support/with-portico';
import { admissionSuite } from './suites/admission';

describeWithPortico('admission (embedded)', 'embedded', admissionSuite);
