// Issue 3 item 8 against `portico start` (embedded store).
import { describeWithPortico } from './support/with-portico';
import { workflowsSuite } from './suites/workflows';

describeWithPortico('portico (embedded): kubectl and helm workflows', 'embedded', workflowsSuite, { checkAlive: true });
