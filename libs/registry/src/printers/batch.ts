// Printers of batch/v1 (k8s parity: printers.go printJob, printCronJob).
import { humanDuration, parseTime, translateTimestampSince } from './duration';
import {
  ageColumn,
  ageOf,
  arr,
  boolPtr,
  column,
  containersColumn,
  doc,
  formatLabelSelector,
  imagesColumn,
  int,
  intPtr,
  layoutContainerCells,
  isDeleting,
  nameColumn,
  nameOf,
  printBoolPtr,
  printer,
  ptr,
  rec,
  recs,
  str,
  strPtr,
  templateContainers,
} from './helpers';
import type { TableConvertor } from './types';

/** hasJobCondition: the first condition of the type decides. */
function hasJobCondition(conditions: unknown, type: string): boolean {
  const c = recs(conditions).find((x) => x['type'] === type);
  return c !== undefined && c['status'] === 'True';
}

export const jobs = printer(
  [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', doc('batch/v1.JobStatus.succeeded')),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', doc('batch/v1.JobSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    const succeeded = int(status['succeeded']);
    const completions = intPtr(spec['completions']);
    let completionsText: string;
    if (completions !== undefined) {
      completionsText = `${succeeded}/${completions}`;
    } else {
      const parallelism = intPtr(spec['parallelism']) ?? 0;
      completionsText = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(status['startTime']);
    const completion = parseTime(status['completionTime']);
    let duration = '';
    if (status['startTime'] !== undefined && status['startTime'] !== null) {
      // A zero timestamp still counts as set; Go subtracts from year 1.
      const startMs = start ?? -62135596800000;
      duration =
        status['completionTime'] === undefined || status['completionTime'] === null
          ? humanDuration(now.getTime() - startMs)
          : humanDuration((completion ?? -62135596800000) - startMs);
    }
    const conditions = status['conditions'];
    let state: string;
    if (hasJobCondition(conditions, 'Complete')) state = 'Complete';
    else if (hasJobCondition(conditions, 'Failed')) state = 'Failed';
    else if (isDeleting(obj)) state = 'Terminating';
    else if (hasJobCondition(conditions, 'Suspended')) state = 'Suspended';
    else if (hasJobCondition(conditions, 'FailureTarget')) state = 'FailureTarget';
    else state = 'Running';
    return [
      nameOf(obj),
      state,
      completionsText,
      duration,
      ageOf(obj, now),
      ...layoutContainerCells(templateContainers(spec['template'])),
      formatLabelSelector(spec['selector']),
    ];
  },
);

export const cronJobs = printer(
  [
    nameColumn,
    column('Schedule', 'string', doc('batch/v1beta1.CronJobSpec.schedule')),
    column('Timezone', 'string', doc('batch/v1beta1.CronJobSpec.timeZone')),
    column('Suspend', 'boolean', doc('batch/v1beta1.CronJobSpec.suspend')),
    column('Active', 'integer', doc('batch/v1beta1.CronJobStatus.active')),
    column('Last Schedule', 'string', doc('batch/v1beta1.CronJobStatus.lastScheduleTime')),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', doc('batch/v1.JobSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    const lastSchedule = status['lastScheduleTime'];
    const jobSpec = rec(rec(spec['jobTemplate'])['spec']);
    return [
      nameOf(obj),
      str(spec['schedule']),
      strPtr(spec['timeZone']) ?? '<none>',
      // SetDefaults_CronJob: an unset suspend is false.
      printBoolPtr(boolPtr(spec['suspend']) ?? false),
      arr(status['active']).length,
      lastSchedule === undefined || lastSchedule === null ? '<none>' : translateTimestampSince(lastSchedule, now),
      ageOf(obj, now),
      ...layoutContainerCells(templateContainers(jobSpec['template'])),
      formatLabelSelector(ptr(jobSpec['selector'])),
    ];
  },
);

export const batchConvertors: Record<string, TableConvertor> = { jobs, cronjobs: cronJobs };
