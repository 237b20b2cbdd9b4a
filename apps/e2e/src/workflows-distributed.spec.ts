// Issue 3 item 8 against `portico start-distributed` (the etcd and NATS of the test run).
import { describeWithPortico } from './support/with-portico';
import { workflowsSuite } from './suites/workflows';

describeWithPortico('portico (distributed): kubectl and helm workflows', 'distributed', workflowsSuite, { checkAlive: true });
