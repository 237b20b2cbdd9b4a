// k8s parity: kubernetes pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation/validation.go,
// pkg/registry/apps/{deployment,replicaset,statefulset,daemonset,controllerrevision}/strategy.go
// (apps/v1: selectors are immutable; deployments also bump generation on annotation changes; a
// DaemonSet's templateGeneration travels in the deprecated.daemonset.template.generation
// annotation, as the v1 conversion keeps it).
import { type FieldError, FieldPath, type KubeObject, fieldErrors, goStringMap, nameIsDNSLabel, validateAnnotations, validateLabels } from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import {
  type Obj,
  child,
  goApprox,
  goIntOrString,
  goLabelSelector,
  has,
  isObj,
  isValidPercent,
  n,
  nonNegative,
  obj,
  objs,
  optNum,
  optStrMap,
  s,
  selectorKind,
  selectorMatches,
  setDefault,
  validateLabelSelector,
} from '../validation/common';
import { defaultPVCSpec, defaultPodSpec, validatePodSpecificAnnotations, validatePodTemplateSpec } from '../validation/pod-spec';
import { validateReplicaCountsStatus } from './core-objects';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');
const templateLabels = (spec: Obj) => optStrMap(obj(obj(spec.template).metadata).labels);

function defaultTemplate(spec: Obj): void {
  defaultPodSpec(child(child(spec, 'template'), 'spec'));
}

// ---------------------------------------------------------------------------------------------
// Shared checks

/** ValidatePositiveIntOrPercent. */
function validatePositiveIntOrPercent(v: unknown, p: FieldPath): Errs {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldErrors.invalid(String(p), goIntOrString(v), m));
  return nonNegative(v, p);
}

function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return undefined;
  return Number(v.slice(0, -1));
}

/** getIntOrPercentValue: a percent's number, else the int (a non-percent string is 0). */
const intOrPercentValue = (v: unknown) => percentValue(v) ?? (typeof v === 'number' ? v : 0);

function isNotMoreThan100Percent(v: unknown, p: FieldPath): Errs {
  const pct = percentValue(v);
  return pct !== undefined && pct > 100 ? [fieldErrors.invalid(String(p), goIntOrString(v), 'must not be greater than 100%')] : [];
}

/** The selector checks every apps workload shares (deployments and replica sets word them alike). */
function validateSelector(spec: Obj, kindWord: string): Errs {
  const errs: Errs = [];
  const sel = spec.selector;
  if (!isObj(sel)) errs.push(fieldErrors.required(String(specPath.child('selector'))));
  else {
    errs.push(...validateLabelSelector(sel, specPath.child('selector')));
    if (Object.keys(obj(sel.matchLabels)).length + objs(sel.matchExpressions).length === 0) {
      errs.push(fieldErrors.invalid(String(specPath.child('selector')), goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
    }
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet. */
function validateTemplateForReplicaSet(spec: Obj, kind: string): Errs {
  const errs: Errs = [];
  const tp = specPath.child('template');
  const kindSel = selectorKind(spec.selector);
  if (kindSel === 'invalid') return [fieldErrors.invalid(String(specPath.child('selector')), goLabelSelector(spec.selector), 'invalid label selector')];
  if (kindSel !== 'everything' && selectorMatches(spec.selector, templateLabels(spec)) === false) {
    errs.push(fieldErrors.invalid(String(tp.child('metadata').child('labels')), goStringMap(templateLabels(spec)), '`selector` does not match template `labels`'));
  }
  const template = obj(spec.template);
  errs.push(...validatePodTemplateSpec(template, tp));
  const tspec = obj(template.spec);
  if (s(tspec.restartPolicy) !== 'Always') errs.push(fieldErrors.notSupported(String(tp.child('spec').child('restartPolicy')), s(tspec.restartPolicy), ['Always']));
  if (has(tspec.activeDeadlineSeconds)) errs.push(fieldErrors.forbidden(String(tp.child('spec').child('activeDeadlineSeconds')), `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

/** ValidateImmutableField(spec.selector) of the apps/v1 strategies. */
function immutableSelector(spec: Obj, oldSpec: Obj): Errs {
  return deepEqualJson(spec.selector, oldSpec.selector) ? [] : [fieldErrors.invalid(String(specPath.child('selector')), goLabelSelector(spec.selector) ?? 'null', 'field is immutable')];
}

// ---------------------------------------------------------------------------------------------
// deployments

export function defaultDeployment(d: KubeObject): void {
  const spec = child(d as Obj, 'spec');
  if (!has(spec.replicas)) spec.replicas = 1;
  const strategy = child(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    if (!has(ru.maxUnavailable)) ru.maxUnavailable = '25%';
    if (!has(ru.maxSurge)) ru.maxSurge = '25%';
  }
  if (!has(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (!has(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

function validateDeploymentStrategy(strategy: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  switch (s(strategy.type)) {
    case 'Recreate':
      if (has(strategy.rollingUpdate)) errs.push(fieldErrors.forbidden(String(p.child('rollingUpdate')), "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      if (!isObj(strategy.rollingUpdate)) {
        errs.push(fieldErrors.required(String(p.child('rollingUpdate')), 'this should be defaulted and never be nil'));
        break;
      }
      const ru = strategy.rollingUpdate;
      const rp = p.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldErrors.invalid(String(rp.child('maxUnavailable')), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
      break;
    }
    default:
      errs.push(fieldErrors.notSupported(String(p), goApproxStrategy(strategy), ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

const goApproxStrategy = (v: unknown) => goApprox('apps.DeploymentStrategy', v);

/** ValidateDeploymentSpec. */
export function validateDeploymentSpec(spec: Obj): Errs {
  const errs = nonNegative(spec.replicas, specPath.child('replicas'));
  errs.push(...validateSelector(spec, 'deployment'));
  errs.push(...validateTemplateForReplicaSet(spec, 'Deployment'));
  errs.push(...validateDeploymentStrategy(obj(spec.strategy), specPath.child('strategy')));
  errs.push(...nonNegative(spec.minReadySeconds, specPath.child('minReadySeconds')));
  if (has(spec.revisionHistoryLimit)) errs.push(...nonNegative(spec.revisionHistoryLimit, specPath.child('revisionHistoryLimit')));
  if (isObj(spec.rollbackTo)) errs.push(...nonNegative(spec.rollbackTo.revision, specPath.child('rollback').child('version')));
  const pds = optNum(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...nonNegative(pds, specPath.child('progressDeadlineSeconds')));
    if (pds <= n(spec.minReadySeconds)) errs.push(fieldErrors.invalid(String(specPath.child('progressDeadlineSeconds')), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateDeploymentStatus(status: Obj): Errs {
  const sp = FieldPath.root('status');
  const errs: Errs = [];
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) errs.push(...nonNegative(status[k], sp.child(k)));
  if (has(status.collisionCount)) errs.push(...nonNegative(status.collisionCount, sp.child('collisionCount')));
  const replicas = n(status.replicas);
  for (const k of ['updatedReplicas', 'readyReplicas', 'availableReplicas']) {
    if (n(status[k]) > replicas) errs.push(fieldErrors.invalid(String(sp.child(k)), n(status[k]), 'cannot be greater than status.replicas'));
  }
  if (n(status.availableReplicas) > n(status.readyReplicas)) {
    errs.push(fieldErrors.invalid(String(sp.child('availableReplicas')), n(status.availableReplicas), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

function collisionCountNotDecremented(obj_: KubeObject, old: KubeObject): Errs {
  const next = optNum(obj(obj_.status).collisionCount);
  const prev = optNum(obj(old.status).collisionCount);
  if (prev === undefined || (next !== undefined && next >= prev)) return [];
  return [fieldErrors.invalid('status.collisionCount', next ?? 0, 'cannot be decremented')];
}

export const deployments = builtin({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  tracksGeneration: true,
  defaults: defaultDeployment,
  prepareForUpdate(d, old) {
    // Annotations are copied to the replica sets, so changing them is a new generation too.
    const m = metaOf(d);
    const o = metaOf(old);
    const { metadata: _a, status: _b, ...rest } = d;
    const { metadata: _c, status: _d, ...oldRest } = old;
    if (deepEqualJson(rest, oldRest) && !deepEqualJson(m.annotations, o.annotations)) m.generation = (o.generation ?? 0) + 1;
  },
  validate: (d) => [...coreMeta(d, true), ...validateDeploymentSpec(obj(d.spec))],
  validateUpdate: (d, old) => [...coreMetaUpdate(d, old), ...validateDeploymentSpec(obj(d.spec)), ...immutableSelector(obj(d.spec), obj(old.spec))],
  status: {
    validateUpdate: (d, old) => [...coreMetaUpdate(d, old), ...validateDeploymentStatus(obj(d.status)), ...collisionCountNotDecremented(d, old)],
    prepareForUpdate(d, old) {
      const m = metaOf(d);
      const labels = metaOf(old).labels;
      if (labels === undefined) delete m.labels;
      else m.labels = structuredClone(labels);
    },
  },
});

// ---------------------------------------------------------------------------------------------
// replicasets

export function validateReplicaSetSpec(spec: Obj): Errs {
  const errs = nonNegative(spec.replicas, specPath.child('replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, specPath.child('minReadySeconds')));
  errs.push(...validateSelector(spec, 'deployment'));
  errs.push(...validateTemplateForReplicaSet(spec, 'ReplicaSet'));
  return errs;
}

export const replicasets = builtin({
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  shortNames: ['rs'],
  categories: ['all'],
  tracksGeneration: true,
  defaults(rs) {
    const spec = child(rs as Obj, 'spec');
    if (!has(spec.replicas)) spec.replicas = 1;
    defaultTemplate(spec);
  },
  validate: (rs) => [...coreMeta(rs, true), ...validateReplicaSetSpec(obj(rs.spec))],
  validateUpdate: (rs, old) => [...coreMetaUpdate(rs, old), ...validateReplicaSetSpec(obj(rs.spec)), ...immutableSelector(obj(rs.spec), obj(old.spec))],
  status: {
    validateUpdate: (rs, old) => [
      ...coreMetaUpdate(rs, old),
      ...validateReplicaCountsStatus(obj(rs.status), ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'cannot be greater than readyReplicas'),
    ],
  },
  selectableFields: (rs) => ({ 'status.replicas': String(n(obj(rs.status).replicas)) }),
  fieldLabels: ['status.replicas'],
});

// ---------------------------------------------------------------------------------------------
// statefulsets

export function defaultStatefulSet(ss: KubeObject): void {
  const spec = child(ss as Obj, 'spec');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const us = child(spec, 'updateStrategy');
  if (!has(us.type) || us.type === '') {
    us.type = 'RollingUpdate';
    if (!has(us.rollingUpdate)) us.rollingUpdate = {};
  }
  if (us.type === 'RollingUpdate' && isObj(us.rollingUpdate) && !has(us.rollingUpdate.partition)) us.rollingUpdate.partition = 0;
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  if (!has(spec.replicas)) spec.replicas = 1;
  if (!has(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
  for (const pvc of objs(spec.volumeClaimTemplates)) {
    defaultPVCSpec(child(pvc, 'spec'));
    setDefault(child(pvc, 'status'), 'phase', 'Pending');
  }
}

function validateStatefulSetSpec(spec: Obj): Errs {
  const errs: Errs = [];
  const pmp = s(spec.podManagementPolicy);
  if (pmp === '') errs.push(fieldErrors.required(String(specPath.child('podManagementPolicy'))));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fieldErrors.invalid(String(specPath.child('podManagementPolicy')), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(spec.updateStrategy);
  const usp = specPath.child('updateStrategy');
  switch (s(us.type)) {
    case '':
      errs.push(fieldErrors.required(String(usp)));
      break;
    case 'OnDelete':
      if (has(us.rollingUpdate)) errs.push(fieldErrors.invalid(String(usp.child('rollingUpdate')), goApprox('apps.RollingUpdateStatefulSetStrategy', us.rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isObj(us.rollingUpdate)) {
        const rp = usp.child('rollingUpdate');
        errs.push(...nonNegative(us.rollingUpdate.partition, rp.child('partition')));
        if (has(us.rollingUpdate.maxUnavailable)) {
          const mu = us.rollingUpdate.maxUnavailable;
          errs.push(...validatePositiveIntOrPercent(mu, rp.child('maxUnavailable')));
          if (intOrPercentValue(mu) === 0) errs.push(fieldErrors.invalid(String(rp.child('maxUnavailable')), goIntOrString(mu), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(mu, rp.child('maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(fieldErrors.invalid(String(usp), goApprox('apps.StatefulSetUpdateStrategy', us), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  if (isObj(spec.persistentVolumeClaimRetentionPolicy)) {
    const rp = specPath.child('persistentVolumeClaimRetentionPolicy');
    for (const k of ['whenDeleted', 'whenScaled'] as const) {
      const v = s(spec.persistentVolumeClaimRetentionPolicy[k]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(fieldErrors.notSupported(String(rp.child(k)), v, ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative(spec.replicas, specPath.child('replicas')));
  errs.push(...nonNegative(spec.minReadySeconds, specPath.child('minReadySeconds')));
  if (isObj(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, specPath.child('ordinals.start')));
  const sel = spec.selector;
  if (!isObj(sel)) errs.push(fieldErrors.required(String(specPath.child('selector'))));
  else {
    errs.push(...validateLabelSelector(sel, specPath.child('selector')));
    if (Object.keys(obj(sel.matchLabels)).length + objs(sel.matchExpressions).length === 0) {
      errs.push(fieldErrors.invalid(String(specPath.child('selector')), goLabelSelector(sel), 'empty selector is invalid for statefulset'));
    }
  }
  const tp = specPath.child('template');
  const kind = selectorKind(sel);
  if (kind === 'invalid') errs.push(fieldErrors.invalid(String(specPath.child('selector')), goLabelSelector(sel), ''));
  else {
    // StatefulSet validates only the template's labels and annotations, not its pod spec.
    if (kind === 'some' && selectorMatches(sel, templateLabels(spec)) === false) {
      errs.push(fieldErrors.invalid(String(tp.child('metadata').child('labels')), goStringMap(templateLabels(spec)), '`selector` does not match template `labels`'));
    }
    const tmeta = obj(obj(spec.template).metadata);
    errs.push(...validateLabels(optStrMap(tmeta.labels), tp.child('labels')));
    const annotations = optStrMap(tmeta.annotations) ?? {};
    errs.push(...validateAnnotations(annotations, tp.child('annotations')));
    errs.push(...validatePodSpecificAnnotations(annotations, obj(obj(spec.template).spec), tp.child('annotations')));
  }
  const tspec = obj(obj(spec.template).spec);
  if (s(tspec.restartPolicy) !== 'Always') errs.push(fieldErrors.notSupported(String(tp.child('spec').child('restartPolicy')), s(tspec.restartPolicy), ['Always']));
  if (has(tspec.activeDeadlineSeconds)) errs.push(fieldErrors.forbidden(String(tp.child('spec').child('activeDeadlineSeconds')), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  return errs;
}

function validateStatefulSetUpdate(ss: KubeObject, old: KubeObject): Errs {
  const errs = [...coreMetaUpdate(ss, old), ...validateStatefulSetSpec(obj(ss.spec))];
  const mutable = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];
  const strip = (spec: Obj) => Object.fromEntries(Object.entries(spec).filter(([k]) => !mutable.includes(k)));
  if (!deepEqualJson(strip(obj(ss.spec)), strip(obj(old.spec)))) {
    errs.push(
      fieldErrors.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateStatefulSetStatus(status: Obj): Errs {
  const sp = FieldPath.root('status');
  const errs: Errs = [];
  for (const k of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) errs.push(...nonNegative(status[k], sp.child(k)));
  for (const k of ['observedGeneration', 'collisionCount']) if (has(status[k])) errs.push(...nonNegative(status[k], sp.child(k)));
  const replicas = n(status.replicas);
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    if (n(status[k]) > replicas) errs.push(fieldErrors.invalid(String(sp.child(k)), n(status[k]), 'cannot be greater than status.replicas'));
  }
  if (n(status.availableReplicas) > n(status.readyReplicas)) {
    errs.push(fieldErrors.invalid(String(sp.child('availableReplicas')), n(status.availableReplicas), 'cannot be greater than status.readyReplicas'));
  }
  return errs;
}

export const statefulsets = builtin({
  group: 'apps',
  version: 'v1',
  resource: 'statefulsets',
  kind: 'StatefulSet',
  shortNames: ['sts'],
  categories: ['all'],
  tracksGeneration: true,
  defaults: defaultStatefulSet,
  validate: (ss) => [...coreMeta(ss, true, nameIsDNSLabel), ...validateStatefulSetSpec(obj(ss.spec))],
  validateUpdate: validateStatefulSetUpdate,
  status: {
    validateUpdate: (ss, old) => [...validateStatefulSetStatus(obj(ss.status)), ...coreMetaUpdate(ss, old), ...collisionCountNotDecremented(ss, old)],
  },
});

// ---------------------------------------------------------------------------------------------
// daemonsets

const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

function templateGenerationOf(ds: KubeObject): number {
  const v = metaOf(ds).annotations?.[templateGenerationAnnotation];
  return v !== undefined && /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
}

function setTemplateGeneration(ds: KubeObject, value: number): void {
  const m = metaOf(ds);
  ds.metadata = m;
  m.annotations = { ...(m.annotations ?? {}), [templateGenerationAnnotation]: String(value) };
}

export function defaultDaemonSet(ds: KubeObject): void {
  const spec = child(ds as Obj, 'spec');
  const us = child(spec, 'updateStrategy');
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = child(us, 'rollingUpdate');
    if (!has(ru.maxUnavailable)) ru.maxUnavailable = 1;
    if (!has(ru.maxSurge)) ru.maxSurge = 0;
  }
  if (!has(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
}

function validateDaemonSetSpec(ds: KubeObject): Errs {
  const spec = obj(ds.spec);
  const errs = validateLabelSelector(spec.selector, specPath.child('selector'));
  if (selectorKind(spec.selector) !== 'invalid' && selectorMatches(spec.selector, templateLabels(spec)) === false) {
    errs.push(fieldErrors.invalid(String(specPath.child('template').child('metadata').child('labels')), goStringMap(templateLabels(spec)), '`selector` does not match template `labels`'));
  }
  if (isObj(spec.selector) && Object.keys(obj(spec.selector.matchLabels)).length + objs(spec.selector.matchExpressions).length === 0) {
    errs.push(fieldErrors.invalid(String(specPath.child('selector')), goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  const tp = specPath.child('template');
  errs.push(...validatePodTemplateSpec(obj(spec.template), tp));
  const tspec = obj(obj(spec.template).spec);
  if (s(tspec.restartPolicy) !== 'Always') errs.push(fieldErrors.notSupported(String(tp.child('spec').child('restartPolicy')), s(tspec.restartPolicy), ['Always']));
  if (has(tspec.activeDeadlineSeconds)) errs.push(fieldErrors.forbidden(String(tp.child('spec').child('activeDeadlineSeconds')), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  errs.push(...nonNegative(spec.minReadySeconds, specPath.child('minReadySeconds')));
  errs.push(...nonNegative(templateGenerationOf(ds), specPath.child('templateGeneration')));
  const us = obj(spec.updateStrategy);
  const usp = specPath.child('updateStrategy');
  switch (s(us.type)) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      if (!isObj(us.rollingUpdate)) {
        errs.push(fieldErrors.required(String(usp.child('rollingUpdate'))));
        break;
      }
      const ru = us.rollingUpdate;
      const rp = usp.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, rp.child('maxSurge')));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(fieldErrors.invalid(String(rp.child('maxSurge')), goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(fieldErrors.required(String(rp.child('maxUnavailable')), 'cannot be 0 when maxSurge is 0'));
      break;
    }
    default:
      errs.push(fieldErrors.notSupported(String(usp), goApprox('apps.DaemonSetUpdateStrategy', us), ['RollingUpdate', 'OnDelete']));
  }
  if (has(spec.revisionHistoryLimit)) errs.push(...nonNegative(spec.revisionHistoryLimit, specPath.child('revisionHistoryLimit')));
  return errs;
}

function validateDaemonSetStatus(status: Obj): Errs {
  const sp = FieldPath.root('status');
  const errs: Errs = [];
  for (const k of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) {
    errs.push(...nonNegative(status[k], sp.child(k)));
  }
  if (has(status.collisionCount)) errs.push(...nonNegative(status.collisionCount, sp.child('collisionCount')));
  return errs;
}

export const daemonsets = builtin({
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  kind: 'DaemonSet',
  shortNames: ['ds'],
  categories: ['all'],
  tracksGeneration: true,
  defaults: defaultDaemonSet,
  decodeError(ds) {
    const v = metaOf(ds).annotations?.[templateGenerationAnnotation];
    if (v !== undefined && !/^[+-]?[0-9]+$/.test(v)) return `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`;
    return undefined;
  },
  prepareForCreate(ds) {
    setTemplateGeneration(ds, 1);
  },
  prepareForUpdate(ds, old) {
    const changed = !deepEqualJson(obj(ds.spec).template, obj(old.spec).template);
    setTemplateGeneration(ds, templateGenerationOf(old) + (changed ? 1 : 0));
  },
  validate: (ds) => [...coreMeta(ds, true), ...validateDaemonSetSpec(ds)],
  validateUpdate: (ds, old) => [...coreMetaUpdate(ds, old), ...validateDaemonSetSpec(ds), ...immutableSelector(obj(ds.spec), obj(old.spec))],
  status: {
    validateUpdate: (ds, old) => [...coreMetaUpdate(ds, old), ...validateDaemonSetStatus(obj(ds.status)), ...collisionCountNotDecremented(ds, old)],
  },
});

// ---------------------------------------------------------------------------------------------
// controllerrevisions

function validateControllerRevision(cr: KubeObject): Errs {
  const errs = coreMeta(cr, true);
  if (cr.data === undefined || cr.data === null) errs.push(fieldErrors.required('data', 'data is mandatory'));
  errs.push(...nonNegative(cr.revision, 'revision'));
  return errs;
}

export const controllerrevisions = builtin({
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  kind: 'ControllerRevision',
  validate: validateControllerRevision,
  validateUpdate(cr, old) {
    const errs = [...coreMetaUpdate(cr, old), ...validateControllerRevision(cr)];
    if (!deepEqualJson(cr.data, old.data)) errs.push(fieldErrors.invalid('data', goApprox('runtime.RawExtension', cr.data), 'field is immutable'));
    return errs;
  },
});
