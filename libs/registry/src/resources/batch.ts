// k8s parity: kubernetes pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation/validation.go,
// pkg/registry/batch/{job,cronjob}/strategy.go (generated selectors and template labels, the
// batch/v1 orphaning default of jobs, template immutability except scheduling directives of
// suspended jobs that never started).
import { type FieldError, FieldPath, type KubeObject, fieldErrors, goStringMap, isDNS1123Label } from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import {
  type Obj,
  arr,
  child,
  goApprox,
  goLabelSelector,
  has,
  isDomainPrefixedPath,
  isObj,
  n,
  nonNegative,
  obj,
  objs,
  optNum,
  optStr,
  optStrMap,
  s,
  selectorKind,
  selectorMatches,
  setDefault,
  validateLabelSelector,
  validateQualifiedName,
} from '../validation/common';
import { cronParseStandardError, isKnownTimeZone } from '../validation/cron';
import { defaultPodSpec, validatePodTemplateSpec } from '../validation/pod-spec';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

const legacyJobNameLabel = 'job-name';
const jobNameLabel = 'batch.kubernetes.io/job-name';
const legacyControllerUidLabel = 'controller-uid';
const controllerUidLabel = 'batch.kubernetes.io/controller-uid';

const maxParallelismForIndexedJob = 100000;
const maxFailedIndexesForIndexedJob = 100000;

/** SetDefaults_Job. */
export function defaultJob(job: KubeObject): void {
  const spec = child(job as Obj, 'spec');
  if (!has(spec.completions) && !has(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (!has(spec.parallelism)) spec.parallelism = 1;
  if (!has(spec.backoffLimit)) spec.backoffLimit = has(spec.backoffLimitPerIndex) ? 2147483647 : 6;
  const labels = optStrMap(obj(obj(spec.template).metadata).labels);
  const m = metaOf(job);
  if (labels !== undefined && Object.keys(m.labels ?? {}).length === 0) {
    job.metadata = m;
    m.labels = { ...labels };
  }
  if (!has(spec.completionMode)) spec.completionMode = 'NonIndexed';
  if (!has(spec.suspend)) spec.suspend = false;
  if (isObj(spec.podFailurePolicy)) {
    for (const rule of objs(spec.podFailurePolicy.rules)) for (const pattern of objs(rule.onPodConditions)) setDefault(pattern, 'status', 'True');
  }
  if (!has(spec.podReplacementPolicy)) spec.podReplacementPolicy = isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  defaultPodSpec(child(child(spec, 'template'), 'spec'));
}

/** generateSelector: the controller-uid selector and the labels the pods will carry. */
function generateSelector(job: KubeObject): void {
  const spec = child(job as Obj, 'spec');
  if (spec.manualSelector === true) return;
  const tmeta = child(child(spec, 'template'), 'metadata');
  const labels = (isObj(tmeta.labels) ? tmeta.labels : (tmeta.labels = {})) as Obj;
  const m = metaOf(job);
  for (const key of [legacyJobNameLabel, jobNameLabel]) if (!(key in labels)) labels[key] = s(m.name);
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) if (!(key in labels)) labels[key] = s(m.uid);
  const sel = child(spec, 'selector');
  const matchLabels = child(sel, 'matchLabels');
  if (!(controllerUidLabel in matchLabels)) matchLabels[controllerUidLabel] = s(m.uid);
}

function validateHasLabel(labels: Record<string, string>, key: string, expected: string): Errs {
  const p = specPath.child('template').child('metadata').child('labels').key(key);
  if (!(key in labels)) return [fieldErrors.required(String(p), `must be '${expected}'`)];
  if (labels[key] !== expected) return [fieldErrors.invalid(String(p), goStringMap(labels), `must be '${expected}'`)];
  return [];
}

/** validateGeneratedSelector. */
function validateGeneratedSelector(job: KubeObject, requirePrefixed: boolean): Errs {
  const spec = obj(job.spec);
  if (spec.manualSelector === true || !isObj(spec.selector)) return [];
  const errs: Errs = [];
  const m = metaOf(job);
  const uid = s(m.uid);
  const name = s(m.name);
  if (uid === '') errs.push(fieldErrors.required('metadata.uid'));
  const labels = optStrMap(obj(obj(spec.template).metadata).labels) ?? {};
  errs.push(...validateHasLabel(labels, legacyControllerUidLabel, uid), ...validateHasLabel(labels, legacyJobNameLabel, name));
  const expected: Record<string, string> = {};
  if (requirePrefixed) {
    errs.push(...validateHasLabel(labels, controllerUidLabel, uid), ...validateHasLabel(labels, jobNameLabel, name));
    expected[controllerUidLabel] = uid;
    expected[jobNameLabel] = name;
  }
  expected[legacyControllerUidLabel] = uid;
  expected[legacyJobNameLabel] = name;
  if (selectorMatches(spec.selector, expected) === false) errs.push(fieldErrors.invalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
  return errs;
}

function validatePodFailurePolicy(spec: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const rules = objs(obj(spec.podFailurePolicy).rules);
  const rp = p.child('rules');
  if (rules.length > 20) errs.push(fieldErrors.tooMany(String(rp), rules.length, 20));
  const template = obj(obj(spec.template).spec);
  const names = new Set([...objs(template.containers), ...objs(template.initContainers)].map((c) => s(c.name)));
  const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
  rules.forEach((rule, i) => {
    const ip = rp.index(i);
    const action = s(rule.action);
    if (action === '') errs.push(fieldErrors.required(String(ip.child('action')), `valid values: ["${actions.join('" "')}"]`));
    else if (action === 'FailIndex') {
      if (!has(spec.backoffLimitPerIndex)) errs.push(fieldErrors.invalid(String(ip.child('action')), action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!actions.includes(action)) errs.push(fieldErrors.notSupported(String(ip.child('action')), action, actions));
    if (isObj(rule.onExitCodes)) {
      const ec = rule.onExitCodes;
      const ep = ip.child('onExitCodes');
      const op = s(ec.operator);
      if (op === '') errs.push(fieldErrors.required(String(ep.child('operator')), 'valid values: ["In" "NotIn"]'));
      else if (op !== 'In' && op !== 'NotIn') errs.push(fieldErrors.notSupported(String(ep.child('operator')), op, ['In', 'NotIn']));
      if (has(ec.containerName) && !names.has(s(ec.containerName))) {
        errs.push(fieldErrors.invalid(String(ep.child('containerName')), s(ec.containerName), 'must be one of the container or initContainer names in the pod template'));
      }
      const values = arr(ec.values).map(n);
      if (values.length === 0) errs.push(fieldErrors.invalid(String(ep.child('values')), goApprox('[]int32', values), 'at least one value is required'));
      else if (values.length > 255) errs.push(fieldErrors.tooMany(String(ep.child('values')), values.length, 255));
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (op === 'In' && v === 0) errs.push(fieldErrors.invalid(String(ep.child('values').index(j)), v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(fieldErrors.duplicate(String(ep.child('values').index(j)), v));
        seen.add(v);
        if (j > 0 && (values[j - 1] as number) > v) ordered = false;
      });
      if (!ordered) errs.push(fieldErrors.invalid(String(ep.child('values')), goApprox('[]int32', values), 'must be ordered'));
    }
    const conditions = objs(rule.onPodConditions);
    if (conditions.length > 0) {
      const cp = ip.child('onPodConditions');
      if (conditions.length > 20) errs.push(fieldErrors.tooMany(String(cp), conditions.length, 20));
      conditions.forEach((pattern, j) => {
        errs.push(...validateQualifiedName(s(pattern.type), cp.index(j).child('type')));
        const status = s(pattern.status);
        if (status === '') errs.push(fieldErrors.required(String(cp.index(j).child('status')), 'valid values: ["False" "True" "Unknown"]'));
        else if (!['False', 'True', 'Unknown'].includes(status)) errs.push(fieldErrors.notSupported(String(cp.index(j).child('status')), status, ['False', 'True', 'Unknown']));
      });
    }
    if (isObj(rule.onExitCodes) && conditions.length > 0) errs.push(omitted(ip, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!isObj(rule.onExitCodes) && conditions.length === 0) errs.push(omitted(ip, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

/** field.Invalid with field.OmitValueType: the body has no value. */
function omitted(p: FieldPath, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: String(p), hasBadValue: false, detail };
}

/** validateJobSpec (what jobs and cron job templates share). */
function validateJobSpecCommon(spec: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex'] as const) {
    if (has(spec[k])) errs.push(...nonNegative(spec[k], p.child(k)));
  }
  if (has(spec.maxFailedIndexes)) {
    errs.push(...nonNegative(spec.maxFailedIndexes, p.child('maxFailedIndexes')));
    if (!has(spec.backoffLimitPerIndex)) errs.push(fieldErrors.required(String(p.child('backoffLimitPerIndex')), 'when maxFailedIndexes is specified'));
  }
  if (has(spec.managedBy)) {
    errs.push(...isDomainPrefixedPath(p.child('managedBy'), s(spec.managedBy)));
    if (Buffer.byteLength(s(spec.managedBy)) > 63) errs.push(fieldErrors.tooLong(String(p.child('managedBy')), 63));
  }
  const mode = optStr(spec.completionMode);
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(fieldErrors.notSupported(String(p.child('completionMode')), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (!has(spec.completions)) errs.push(fieldErrors.required(String(p.child('completions')), 'when completion mode is Indexed'));
      const par = optNum(spec.parallelism);
      if (par !== undefined && par > maxParallelismForIndexedJob) {
        errs.push(fieldErrors.invalid(String(p.child('parallelism')), par, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
      }
      const mfi = optNum(spec.maxFailedIndexes);
      if (has(spec.completions) && mfi !== undefined && mfi > n(spec.completions)) errs.push(fieldErrors.invalid(String(p.child('maxFailedIndexes')), mfi, 'must be less than or equal to completions'));
      if (mfi !== undefined && mfi > maxFailedIndexesForIndexedJob) {
        errs.push(fieldErrors.invalid(String(p.child('maxFailedIndexes')), mfi, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (has(spec.backoffLimitPerIndex)) errs.push(fieldErrors.invalid(String(p.child('backoffLimitPerIndex')), n(spec.backoffLimitPerIndex), 'requires indexed completion mode'));
    if (has(spec.maxFailedIndexes)) errs.push(fieldErrors.invalid(String(p.child('maxFailedIndexes')), n(spec.maxFailedIndexes), 'requires indexed completion mode'));
  }
  if (isObj(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, p.child('podFailurePolicy')));
  if (isObj(spec.successPolicy)) {
    if ((mode ?? 'NonIndexed') !== 'Indexed') errs.push(fieldErrors.invalid(String(p.child('successPolicy')), goApprox('batch.SuccessPolicy', spec.successPolicy), 'requires indexed completion mode'));
    else if (objs(spec.successPolicy.rules).length === 0) {
      errs.push(fieldErrors.required(String(p.child('successPolicy').child('rules')), 'at least one rules must be specified when the successPolicy is specified'));
    }
  }
  if (has(spec.podReplacementPolicy)) {
    const prp = s(spec.podReplacementPolicy);
    if (isObj(spec.podFailurePolicy)) {
      if (prp !== 'Failed') errs.push(fieldErrors.notSupported(String(p.child('podReplacementPolicy')), prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(fieldErrors.notSupported(String(p.child('podReplacementPolicy')), prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const tp = p.child('template');
  errs.push(...validatePodTemplateSpec(obj(spec.template), tp));
  const rp = s(obj(obj(spec.template).spec).restartPolicy);
  const rpp = tp.child('spec').child('restartPolicy');
  if (rp === 'Always' || rp === '') errs.push(fieldErrors.required(String(rpp), 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(fieldErrors.notSupported(String(rpp), rp, ['OnFailure', 'Never']));
  else if (isObj(spec.podFailurePolicy) && rp !== 'Never') errs.push(fieldErrors.invalid(String(rpp), rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** ValidateJobSpec. */
function validateJobSpec(spec: Obj): Errs {
  const errs = validateJobSpecCommon(spec, specPath);
  if (!isObj(spec.selector)) errs.push(fieldErrors.required(String(specPath.child('selector'))));
  else errs.push(...validateLabelSelector(spec.selector, specPath.child('selector')));
  const kind = selectorKind(spec.selector);
  const labels = optStrMap(obj(obj(spec.template).metadata).labels);
  if (kind !== 'invalid' && selectorMatches(spec.selector, labels) === false) {
    errs.push(fieldErrors.invalid(String(specPath.child('template').child('metadata').child('labels')), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  return errs;
}

/** ValidateJob. */
export function validateJob(job: KubeObject, requirePrefixed = true): Errs {
  const errs = coreMeta(job, true);
  errs.push(...validateGeneratedSelector(job, requirePrefixed));
  const spec = obj(job.spec);
  errs.push(...validateJobSpec(spec));
  const completions = optNum(spec.completions);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const maxHostname = `${s(metaOf(job).name)}-${completions - 1}`;
    if (isDNS1123Label(maxHostname).length > 0) {
      errs.push(fieldErrors.invalid('metadata.name', s(metaOf(job).name), `will not able to create pod with invalid DNS label: ${maxHostname}`));
    }
  }
  return errs;
}

const schedulingKeys = ['nodeSelector', 'tolerations', 'schedulingGates'] as const;

/** ValidateJobUpdate. */
export function validateJobUpdate(job: KubeObject, old: KubeObject): Errs {
  const spec = obj(job.spec);
  const oldSpec = obj(old.spec);
  const errs = coreMetaUpdate(job, old);
  errs.push(...validateJobSpec(spec));
  if (spec.completionMode === 'Indexed') {
    if (!deepEqualJson(spec.completions, oldSpec.completions) && has(spec.completions) && n(spec.completions) !== n(spec.parallelism)) {
      errs.push(fieldErrors.invalid('spec.completions', n(spec.completions), 'can only be modified in tandem with spec.parallelism'));
    }
  } else if (!deepEqualJson(spec.completions, oldSpec.completions)) {
    errs.push(fieldErrors.invalid('spec.completions', optNum(spec.completions) ?? 'null', 'field is immutable'));
  }
  if (!deepEqualJson(spec.selector, oldSpec.selector)) errs.push(fieldErrors.invalid('spec.selector', goLabelSelector(spec.selector) ?? 'null', 'field is immutable'));
  // A suspended job that never started may change its scheduling directives.
  const mutable = oldSpec.suspend === true && !has(obj(old.status).startTime);
  const template: Obj = structuredClone(obj(spec.template));
  const oldTemplate: Obj = structuredClone(obj(oldSpec.template));
  if (mutable) {
    const ts = child(template, 'spec');
    const os = child(oldTemplate, 'spec');
    const na = isObj(ts.affinity) ? ts.affinity.nodeAffinity : undefined;
    if (!isObj(ts.affinity) && isObj(os.affinity)) {
      delete os.affinity.nodeAffinity;
      if (Object.keys(os.affinity).length === 0) delete os.affinity;
    } else if (isObj(ts.affinity) && !isObj(os.affinity)) {
      os.affinity = na === undefined ? {} : { nodeAffinity: na };
    } else if (isObj(ts.affinity) && isObj(os.affinity)) {
      if (na === undefined) delete os.affinity.nodeAffinity;
      else os.affinity.nodeAffinity = na;
    }
    for (const k of schedulingKeys) {
      if (ts[k] === undefined) delete os[k];
      else os[k] = ts[k];
    }
    const tm = child(template, 'metadata');
    const om = child(oldTemplate, 'metadata');
    for (const k of ['annotations', 'labels'] as const) {
      if (tm[k] === undefined) delete om[k];
      else om[k] = tm[k];
    }
  }
  if (!deepEqualJson(template, oldTemplate)) errs.push(fieldErrors.invalid('spec.template', goApprox('core.PodTemplateSpec', spec.template), 'field is immutable'));
  for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const) {
    if (!deepEqualJson(spec[k], oldSpec[k])) errs.push(fieldErrors.invalid(`spec.${k}`, typeof spec[k] === 'string' || typeof spec[k] === 'number' ? spec[k] : goApprox(`batch.${k}`, spec[k]), 'field is immutable'));
  }
  return errs;
}

/** validateJobStatus, for the counters a client can get wrong. */
function validateJobStatusUpdate(job: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(job, old);
  const status = obj(job.status);
  const sp = FieldPath.root('status');
  for (const k of ['active', 'succeeded', 'failed'] as const) errs.push(...nonNegative(status[k], sp.child(k)));
  for (const k of ['ready', 'terminating'] as const) if (has(status[k])) errs.push(...nonNegative(status[k], sp.child(k)));
  const oldStatus = obj(old.status);
  if (n(status.failed) < n(oldStatus.failed)) errs.push(fieldErrors.invalid(String(sp.child('failed')), n(status.failed), 'cannot decrease the failed counter'));
  if (n(status.succeeded) < n(oldStatus.succeeded)) errs.push(fieldErrors.invalid(String(sp.child('succeeded')), n(status.succeeded), 'cannot decrease the succeeded counter'));
  return errs;
}

export const jobs = builtin({
  group: 'batch',
  version: 'v1',
  resource: 'jobs',
  kind: 'Job',
  categories: ['all'],
  tracksGeneration: true,
  defaults: defaultJob,
  prepareForCreate: generateSelector,
  validate: (job) => validateJob(job, true),
  validateUpdate(job, old) {
    // Jobs created before the prefixed labels existed keep validating without them.
    const oldLabels = optStrMap(obj(obj(obj(old.spec).template).metadata).labels) ?? {};
    const requirePrefixed = jobNameLabel in oldLabels && controllerUidLabel in oldLabels;
    return [...validateJob(job, requirePrefixed), ...validateJobUpdate(job, old)];
  },
  status: { validateUpdate: validateJobStatusUpdate },
  selectableFields: (job) => ({ 'status.successful': String(n(obj(job.status).succeeded)) }),
  fieldLabels: ['status.successful'],
  strategy: {
    // batch/v1 keeps its pods when a job is deleted, for compatibility.
    defaultGarbageCollectionPolicy: 'OrphanDependents',
    warningsOnCreate(job) {
      const msgs = isDNS1123Label(s(metaOf(job).name));
      return msgs.length === 0 ? [] : [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
    },
  },
});

// ---------------------------------------------------------------------------------------------
// cronjobs

/** SetDefaults_CronJob. */
export function defaultCronJob(cj: KubeObject): void {
  const spec = child(cj as Obj, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  if (!has(spec.suspend)) spec.suspend = false;
  if (!has(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (!has(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  defaultPodSpec(child(child(child(child(spec, 'jobTemplate'), 'spec'), 'template'), 'spec'));
}

function validateTimeZone(tz: unknown, p: FieldPath): Errs {
  if (!has(tz)) return [];
  const zone = s(tz);
  if (zone.length === 0) return [fieldErrors.invalid(String(p), zone, 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [fieldErrors.invalid(String(p), zone, `unknown time zone ${zone}`)];
  }
  if (zone.toLowerCase() === 'local') return [fieldErrors.invalid(String(p), zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  if (!isKnownTimeZone(zone)) return [fieldErrors.invalid(String(p), zone, `unknown time zone ${zone}`)];
  return [];
}

/** validateCronJobSpec. */
function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined): Errs {
  const errs: Errs = [];
  const schedule = s(spec.schedule);
  const sp = specPath.child('schedule');
  if (schedule === '') errs.push(fieldErrors.required(String(sp)));
  else {
    const err = cronParseStandardError(schedule);
    if (err !== undefined) errs.push(fieldErrors.invalid(String(sp), schedule, err));
    const allowTZ = oldSpec !== undefined && s(oldSpec.schedule).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && has(spec.timeZone)) errs.push(fieldErrors.invalid(String(sp), schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ')) errs.push(fieldErrors.invalid(String(sp), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  if (has(spec.startingDeadlineSeconds)) errs.push(...nonNegative(spec.startingDeadlineSeconds, specPath.child('startingDeadlineSeconds')));
  if (oldSpec === undefined || !deepEqualJson(oldSpec.timeZone, spec.timeZone)) errs.push(...validateTimeZone(spec.timeZone, specPath.child('timeZone')));
  const cp = s(spec.concurrencyPolicy);
  if (cp === '') errs.push(fieldErrors.required(String(specPath.child('concurrencyPolicy'))));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(fieldErrors.notSupported(String(specPath.child('concurrencyPolicy')), cp, ['Allow', 'Forbid', 'Replace']));
  const jt = obj(spec.jobTemplate);
  const jtp = specPath.child('jobTemplate');
  const jobSpec = obj(jt.spec);
  errs.push(...validateJobSpecCommon(jobSpec, jtp.child('spec')));
  if (has(jobSpec.selector)) errs.push(fieldErrors.invalid(String(jtp.child('spec').child('selector')), goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true) errs.push(fieldErrors.notSupported(String(jtp.child('spec').child('manualSelector')), true, ['nil', 'false']));
  for (const k of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) if (has(spec[k])) errs.push(...nonNegative(spec[k], specPath.child(k)));
  return errs;
}

export function validateCronJobCreate(cj: KubeObject): Errs {
  const errs = coreMeta(cj, true);
  errs.push(...validateCronJobSpec(obj(cj.spec), undefined));
  const name = s(metaOf(cj).name);
  if (Buffer.byteLength(name) > 52) errs.push(fieldErrors.invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

export const cronjobs = builtin({
  group: 'batch',
  version: 'v1',
  resource: 'cronjobs',
  kind: 'CronJob',
  shortNames: ['cj'],
  categories: ['all'],
  tracksGeneration: true,
  defaults: defaultCronJob,
  validate: validateCronJobCreate,
  validateUpdate: (cj, old) => [...coreMetaUpdate(cj, old), ...validateCronJobSpec(obj(cj.spec), obj(old.spec))],
  status: {},
});
