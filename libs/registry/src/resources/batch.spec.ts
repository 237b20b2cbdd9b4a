import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { cronjobs, jobs } from './batch';

const tpl = (spec: Record<string, unknown> = {}) => ({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }], ...spec } });
const job = (spec: Record<string, unknown>, name = 'j'): KubeObject => ({ metadata: { name }, spec });

describe('jobs', () => {
  it('defaults the Job and generates its selector and pod labels', () => {
    const { stored } = simulateCreate(jobs, job({ template: tpl() }));
    expect(stored.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
      template: {
        metadata: { labels: { 'job-name': 'j', 'batch.kubernetes.io/job-name': 'j', 'controller-uid': 'uid-1', 'batch.kubernetes.io/controller-uid': 'uid-1' } },
      },
    });
    expect(stored.status).toEqual({});
    expect(jobs.selectableFields(stored)).toEqual({ 'metadata.name': 'j', 'metadata.namespace': 'default', 'status.successful': '0' });
    expect(jobs.categories).toEqual(['all']);
  });

  it('checks counts and the restart policy', () => {
    expect(writeErrors(() => simulateCreate(jobs, job({ completions: -1, parallelism: -2, backoffLimit: -1, template: tpl({ restartPolicy: 'Always' }) })))).toEqual([
      'spec.parallelism: Invalid value: -2: must be greater than or equal to 0',
      'spec.completions: Invalid value: -1: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it('keeps completions, selector and template of a running job', () => {
    const { stored } = simulateCreate(jobs, job({ template: tpl() }));
    const next = structuredClone(stored) as KubeObject & { spec: { completions: number; template: { spec: { containers: { image: string }[] } } } };
    next.spec.completions = 3;
    next.spec.template.spec.containers[0]!.image = 'other';
    const errs = writeErrors(() => simulateUpdate(jobs, next, stored));
    expect(errs[0]).toBe('spec.completions: Invalid value: 3: field is immutable');
    expect(errs[1]).toMatch(/^spec\.template: Invalid value: .*: field is immutable$/);
    const suspended = structuredClone(stored) as KubeObject & { spec: { suspend: boolean } };
    suspended.spec.suspend = true;
    expect(writeErrors(() => simulateUpdate(jobs, suspended, stored))).toEqual([]);
  });
});

describe('cronjobs', () => {
  const cron = (spec: Record<string, unknown>, name = 'c'): KubeObject => ({ metadata: { name }, spec: { jobTemplate: { spec: { template: tpl() } }, ...spec } });

  it('defaults the policy, suspend and the history limits', () => {
    expect(simulateCreate(cronjobs, cron({ schedule: '*/5 * * * *' })).stored.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(cronjobs).toMatchObject({ shortNames: ['cj'], categories: ['all'] });
  });

  it('parses the schedule as robfig/cron does and checks the rest', () => {
    expect(writeErrors(() => simulateCreate(cronjobs, cron({ schedule: '61 * * * *', concurrencyPolicy: 'Sometimes', timeZone: 'Mars/Base' }, 'c'.repeat(53))))).toEqual([
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
      'spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      `metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`,
    ]);
    expect(writeErrors(() => simulateCreate(cronjobs, cron({ schedule: '* * *' })))).toEqual(['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']);
    expect(writeErrors(() => simulateCreate(cronjobs, cron({ schedule: 'TZ=UTC * * * * *' })))).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
    expect(writeErrors(() => simulateCreate(cronjobs, cron({ schedule: '@hourly', timeZone: 'Europe/Paris' })))).toEqual([]);
  });
});
