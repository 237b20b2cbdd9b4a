// k8s parity: kubernetes pkg/apis/autoscaling/{v1,v2}/defaults.go, pkg/apis/autoscaling/v1/
// conversion.go (what v1 cannot express travels in the autoscaling.alpha.kubernetes.io/*
// annotations; the behavior annotation is the internal type marshaled, hence its capitalized
// keys), pkg/apis/autoscaling/validation, pkg/registry/autoscaling/horizontalpodautoscaler.
//
// HorizontalPodAutoscalers are stored once, in autoscaling/v2 form; the autoscaling/v1 descriptor
// converts at the storage boundary and shares the v2 strategy, so both versions validate alike.
import { type FieldError, FieldPath, type KubeObject, fieldErrors, isValidPathSegmentName } from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { defineResource } from '../define';
import { type Obj, child, has, isObj, n, nonNegative, obj, objs, optNum, s, validateLabelSelector } from '../validation/common';
import { compareQuantities, formatQuantity, quantityOf, zeroQuantity } from '../validation/quantity';
import { applySchemaDefaults } from '../validation/schema';
import { validateResourceName } from '../validation/pod-spec';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

export const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
export const behaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const roundTripAnnotations = [metricSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation, behaviorAnnotation];

const defaultCPUUtilization = 80;

// ---------------------------------------------------------------------------------------------
// Defaults

function scaleUpRules(rules: unknown): Obj {
  const r: Obj = isObj(rules) ? structuredClone(rules) : {};
  if (!has(r.stabilizationWindowSeconds)) r.stabilizationWindowSeconds = 0;
  if (!has(r.selectPolicy)) r.selectPolicy = 'Max';
  if (!has(r.policies)) {
    r.policies = [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ];
  }
  return r;
}

function scaleDownRules(rules: unknown): Obj {
  const r: Obj = isObj(rules) ? structuredClone(rules) : {};
  if (!has(r.selectPolicy)) r.selectPolicy = 'Max';
  if (!has(r.policies)) r.policies = [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  return r;
}

/** autoscaling/v2 SetDefaults_HorizontalPodAutoscaler. */
export function defaultHPAv2(hpa: KubeObject): void {
  const spec = child(hpa as Obj, 'spec');
  if (!has(spec.minReplicas)) spec.minReplicas = 1;
  if (objs(spec.metrics).length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  }
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = scaleUpRules(spec.behavior.scaleUp);
    spec.behavior.scaleDown = scaleDownRules(spec.behavior.scaleDown);
  }
}

// ---------------------------------------------------------------------------------------------
// Conversion between v1 and v2

const ref = (r: unknown): Obj => {
  const o = obj(r);
  const out: Obj = {};
  for (const k of ['kind', 'name', 'apiVersion']) if (s(o[k]) !== '' || k !== 'apiVersion') out[k] = s(o[k]);
  return out;
};
const withSelector = (metric: Obj, name: unknown, selector: unknown) => {
  metric.name = s(name);
  if (isObj(selector)) metric.selector = selector;
  return metric;
};

function v1MetricSpecToV2(m: Obj): Obj {
  const type = s(m.type);
  const out: Obj = { type };
  if (isObj(m.object)) {
    const o = m.object;
    out.object = {
      describedObject: ref(o.target),
      target: { type: has(o.averageValue) ? 'AverageValue' : 'Value', value: o.targetValue ?? '0', ...(has(o.averageValue) ? { averageValue: o.averageValue } : {}) },
      metric: withSelector({}, o.metricName, o.selector),
    };
  }
  if (isObj(m.pods)) {
    out.pods = { metric: withSelector({}, m.pods.metricName, m.pods.selector), target: { type: 'AverageValue', averageValue: m.pods.targetAverageValue ?? '0' } };
  }
  for (const k of ['resource', 'containerResource'] as const) {
    const r = m[k];
    if (!isObj(r)) continue;
    const target: Obj = { type: has(r.targetAverageUtilization) ? 'Utilization' : 'AverageValue' };
    if (has(r.targetAverageValue)) target.averageValue = r.targetAverageValue;
    if (has(r.targetAverageUtilization)) target.averageUtilization = r.targetAverageUtilization;
    out[k] = { name: s(r.name), target, ...(k === 'containerResource' ? { container: s(r.container) } : {}) };
  }
  if (isObj(m.external)) {
    const e = m.external;
    const target: Obj = { type: has(e.targetAverageValue) ? 'AverageValue' : 'Value' };
    if (has(e.targetValue)) target.value = e.targetValue;
    if (has(e.targetAverageValue)) target.averageValue = e.targetAverageValue;
    out.external = { metric: withSelector({}, e.metricName, e.metricSelector), target };
  }
  return out;
}

function v2MetricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: s(m.type) };
  if (isObj(m.object)) {
    const o = m.object;
    const t = obj(o.target);
    const metric = obj(o.metric);
    out.object = { target: ref(o.describedObject), metricName: s(metric.name), targetValue: t.value ?? '0' };
    if (isObj(metric.selector)) (out.object as Obj).selector = metric.selector;
    if (has(t.averageValue)) (out.object as Obj).averageValue = t.averageValue;
  }
  if (isObj(m.pods)) {
    const metric = obj(m.pods.metric);
    out.pods = { metricName: s(metric.name), targetAverageValue: obj(m.pods.target).averageValue ?? '0' };
    if (isObj(metric.selector)) (out.pods as Obj).selector = metric.selector;
  }
  for (const k of ['resource', 'containerResource'] as const) {
    const r = m[k];
    if (!isObj(r)) continue;
    const t = obj(r.target);
    const v1: Obj = { name: s(r.name) };
    if (has(t.averageUtilization)) v1.targetAverageUtilization = t.averageUtilization;
    if (has(t.averageValue)) v1.targetAverageValue = t.averageValue;
    if (k === 'containerResource') v1.container = s(r.container);
    out[k] = v1;
  }
  if (isObj(m.external)) {
    const t = obj(m.external.target);
    const metric = obj(m.external.metric);
    const v1: Obj = { metricName: s(metric.name) };
    if (isObj(metric.selector)) v1.metricSelector = metric.selector;
    if (has(t.value)) v1.targetValue = t.value;
    if (has(t.averageValue)) v1.targetAverageValue = t.averageValue;
    out.external = v1;
  }
  return out;
}

function v1MetricStatusToV2(m: Obj): Obj {
  const out: Obj = { type: s(m.type) };
  if (isObj(m.object)) {
    const o = m.object;
    out.object = {
      describedObject: ref(o.target),
      current: { value: o.currentValue ?? '0', ...(has(o.averageValue) ? { averageValue: o.averageValue } : {}) },
      metric: withSelector({}, o.metricName, o.selector),
    };
  }
  if (isObj(m.pods)) out.pods = { metric: withSelector({}, m.pods.metricName, m.pods.selector), current: { averageValue: m.pods.currentAverageValue ?? '0' } };
  for (const k of ['resource', 'containerResource'] as const) {
    const r = m[k];
    if (!isObj(r)) continue;
    const current: Obj = { averageValue: r.currentAverageValue ?? '0' };
    if (has(r.currentAverageUtilization)) current.averageUtilization = r.currentAverageUtilization;
    out[k] = { name: s(r.name), current, ...(k === 'containerResource' ? { container: s(r.container) } : {}) };
  }
  if (isObj(m.external)) {
    const e = m.external;
    const current: Obj = { value: e.currentValue ?? '0' };
    if (has(e.currentAverageValue)) current.averageValue = e.currentAverageValue;
    out.external = { metric: withSelector({}, e.metricName, e.metricSelector), current };
  }
  return out;
}

function v2MetricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: s(m.type) };
  if (isObj(m.object)) {
    const c = obj(m.object.current);
    const metric = obj(m.object.metric);
    out.object = { target: ref(m.object.describedObject), metricName: s(metric.name), currentValue: c.value ?? '0' };
    if (isObj(metric.selector)) (out.object as Obj).selector = metric.selector;
    if (has(c.averageValue)) (out.object as Obj).averageValue = c.averageValue;
  }
  if (isObj(m.pods)) {
    const metric = obj(m.pods.metric);
    out.pods = { metricName: s(metric.name), currentAverageValue: obj(m.pods.current).averageValue ?? '0' };
    if (isObj(metric.selector)) (out.pods as Obj).selector = metric.selector;
  }
  for (const k of ['resource', 'containerResource'] as const) {
    const r = m[k];
    if (!isObj(r)) continue;
    const c = obj(r.current);
    const v1: Obj = { name: s(r.name), currentAverageValue: c.averageValue ?? '0' };
    if (has(c.averageUtilization)) v1.currentAverageUtilization = c.averageUtilization;
    if (k === 'containerResource') v1.container = s(r.container);
    out[k] = v1;
  }
  if (isObj(m.external)) {
    const c = obj(m.external.current);
    const metric = obj(m.external.metric);
    const v1: Obj = { metricName: s(metric.name), currentValue: c.value ?? '0' };
    if (isObj(metric.selector)) v1.metricSelector = metric.selector;
    if (has(c.averageValue)) v1.currentAverageValue = c.averageValue;
    out.external = v1;
  }
  return out;
}

const isCPUUtilization = (m: Obj) => s(m.type) === 'Resource' && isObj(m.resource) && s(m.resource.name) === 'cpu' && has(obj(m.resource.target).averageUtilization);

/** The internal behavior marshaled by encoding/json: Go field names, as the v1 annotation holds it. */
function behaviorToInternalJson(b: Obj): string {
  const rules = (r: unknown) => {
    if (!isObj(r)) return null;
    return {
      StabilizationWindowSeconds: optNum(r.stabilizationWindowSeconds) ?? null,
      SelectPolicy: r.selectPolicy ?? null,
      Policies: Array.isArray(r.policies) ? objs(r.policies).map((p) => ({ Type: s(p.type), Value: n(p.value), PeriodSeconds: n(p.periodSeconds) })) : null,
      Tolerance: r.tolerance ?? null,
    };
  };
  return JSON.stringify({ ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) });
}

/** encoding/json matches keys case-insensitively, so the annotation's Go names read back as v2 fields. */
function behaviorFromAnnotation(text: string): Obj | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const lower = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(lower);
    if (!isObj(v)) return v;
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k.charAt(0).toLowerCase() + k.slice(1)] = lower(x);
    return out;
  };
  const b = lower(parsed);
  return isObj(b) && Object.keys(b).length > 0 ? b : undefined;
}

const parseList = (text: string | undefined): Obj[] | undefined => {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(obj) : undefined;
  } catch {
    return undefined;
  }
};

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, then to v2 JSON. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const meta = structuredClone(obj(v1.metadata));
  const annotations = { ...obj(meta.annotations) } as Record<string, string>;
  const spec = obj(v1.spec);
  const status = obj(v1.status);
  const metrics: Obj[] = [];
  const other = parseList(annotations[metricSpecsAnnotation]);
  if (other) metrics.push(...other.map(v1MetricSpecToV2));
  if (has(spec.targetCPUUtilizationPercentage)) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  if (metrics.length === 0) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } });
  const v2spec: Obj = { scaleTargetRef: spec.scaleTargetRef ?? {}, maxReplicas: spec.maxReplicas ?? 0, metrics };
  if (has(spec.minReplicas)) v2spec.minReplicas = spec.minReplicas;
  const behavior = annotations[behaviorAnnotation] === undefined ? undefined : behaviorFromAnnotation(annotations[behaviorAnnotation]);
  if (behavior) v2spec.behavior = behavior;
  const v2status: Obj = {};
  if (has(status.observedGeneration)) v2status.observedGeneration = status.observedGeneration;
  if (has(status.lastScaleTime)) v2status.lastScaleTime = status.lastScaleTime;
  v2status.currentReplicas = status.currentReplicas ?? 0;
  v2status.desiredReplicas = status.desiredReplicas ?? 0;
  const current = parseList(annotations[metricStatusesAnnotation]);
  if (current) v2status.currentMetrics = current.map(v1MetricStatusToV2);
  else if (has(status.currentCPUUtilizationPercentage)) {
    v2status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const conditions = parseList(annotations[conditionsAnnotation]);
  if (conditions) v2status.conditions = conditions;
  for (const k of roundTripAnnotations) delete annotations[k];
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v2spec, status: v2status };
}

/** Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler, from v2 JSON. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const meta = structuredClone(obj(v2.metadata));
  const annotations = { ...obj(meta.annotations) } as Record<string, string>;
  const spec = obj(v2.spec);
  const status = obj(v2.status);
  const metrics = objs(spec.metrics);
  const v1spec: Obj = { scaleTargetRef: spec.scaleTargetRef ?? {}, maxReplicas: spec.maxReplicas ?? 0 };
  if (has(spec.minReplicas)) v1spec.minReplicas = spec.minReplicas;
  const cpu = metrics.find(isCPUUtilization);
  if (cpu) v1spec.targetCPUUtilizationPercentage = obj(obj(cpu.resource).target).averageUtilization;
  const other = metrics.filter((m) => !isCPUUtilization(m)).map(v2MetricSpecToV1);
  if (other.length > 0) annotations[metricSpecsAnnotation] = JSON.stringify(other);
  const currentMetrics = objs(status.currentMetrics);
  if (currentMetrics.length > 0) annotations[metricStatusesAnnotation] = JSON.stringify(currentMetrics.map(v2MetricStatusToV1));
  if (isObj(spec.behavior)) annotations[behaviorAnnotation] = behaviorToInternalJson(spec.behavior);
  const conditions = objs(status.conditions);
  if (conditions.length > 0) annotations[conditionsAnnotation] = JSON.stringify(conditions);
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  const v1status: Obj = {};
  if (has(status.observedGeneration)) v1status.observedGeneration = status.observedGeneration;
  if (has(status.lastScaleTime)) v1status.lastScaleTime = status.lastScaleTime;
  v1status.currentReplicas = status.currentReplicas ?? 0;
  v1status.desiredReplicas = status.desiredReplicas ?? 0;
  const cpuStatus = currentMetrics.find((m) => s(m.type) === 'Resource' && isObj(m.resource) && s(m.resource.name) === 'cpu' && has(obj(m.resource.current).averageUtilization));
  if (cpuStatus) v1status.currentCPUUtilizationPercentage = obj(obj(cpuStatus.resource).current).averageUtilization;
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1spec, status: v1status };
}

// ---------------------------------------------------------------------------------------------
// Validation (on the v2 form, whose field names are the internal ones)

function validateMetricTarget(t: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const type = s(t.type);
  if (type === '') errs.push(fieldErrors.required(String(p.child('type')), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(fieldErrors.invalid(String(p.child('type')), type, 'must be either Utilization, Value, or AverageValue'));
  for (const k of ['value', 'averageValue'] as const) {
    const q = quantityOf(t[k]);
    if (q !== undefined && compareQuantities(q, zeroQuantity) <= 0) errs.push(fieldErrors.invalid(String(p.child(k)), formatQuantity(q), 'must be positive'));
  }
  const u = optNum(t.averageUtilization);
  if (u !== undefined && u < 1) errs.push(fieldErrors.invalid(String(p.child('averageUtilization')), u, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (s(id.name) === '') errs.push(fieldErrors.required(String(p.child('name')), 'must specify a metric name'));
  else for (const m of isValidPathSegmentName(s(id.name))) errs.push(fieldErrors.invalid(String(p.child('name')), s(id.name), m));
  errs.push(...validateLabelSelector(id.selector, p.child('selector')));
  return errs;
}

function validateSource(kind: string, src: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const target = obj(src.target);
  const tp = p.child('target');
  switch (kind) {
    case 'object':
      errs.push(...validateCrossVersionObjectReference(obj(src.describedObject), p.child('describedObject')));
      errs.push(...validateMetricIdentifier(obj(src.metric), p.child('metric')));
      errs.push(...validateMetricTarget(target, tp));
      if (!has(target.value) && !has(target.averageValue)) errs.push(fieldErrors.required(String(tp.child('averageValue')), 'must set either a target value or averageValue'));
      break;
    case 'pods':
    case 'external':
      errs.push(...validateMetricIdentifier(obj(src.metric), p.child('metric')));
      errs.push(...validateMetricTarget(target, tp));
      if (kind === 'pods' && !has(target.averageValue)) errs.push(fieldErrors.required(String(tp.child('averageValue')), 'must specify a positive target averageValue'));
      if (kind === 'external' && !has(target.value) && !has(target.averageValue)) {
        errs.push(fieldErrors.required(String(tp.child('averageValue')), 'must set either a target value for metric or a per-pod target'));
      }
      if (kind === 'external' && has(target.value) && has(target.averageValue)) {
        errs.push(fieldErrors.forbidden(String(tp.child('value')), 'may not set both a target value for metric and a per-pod target'));
      }
      break;
    default: {
      if (s(src.name) === '') errs.push(fieldErrors.required(String(p.child('name')), 'must specify a resource name'));
      else errs.push(...validateResourceName(s(src.name), p.child('name')));
      if (kind === 'containerResource' && s(src.container) === '') errs.push(fieldErrors.required(String(p.child('container')), 'must specify a container'));
      if (!has(target.averageUtilization) && !has(target.averageValue)) {
        errs.push(fieldErrors.required(String(tp.child('averageUtilization')), 'must set either a target raw value or a target utilization'));
      }
      if (has(target.averageUtilization) && has(target.averageValue)) {
        errs.push(fieldErrors.forbidden(String(tp.child('averageValue')), 'may not set both a target raw value and a target utilization'));
      }
      errs.push(...validateMetricTarget(target, tp));
    }
  }
  return errs;
}

const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceField: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateMetricSpec(m: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const type = s(m.type);
  if (type === '') errs.push(fieldErrors.required(String(p.child('type')), 'must specify a metric source type'));
  if (!metricSourceTypes.includes(type)) errs.push(fieldErrors.notSupported(String(p.child('type')), type, metricSourceTypes));
  const present: string[] = [];
  for (const field of ['object', 'pods', 'resource', 'external', 'containerResource']) {
    if (!isObj(m[field])) continue;
    present.push(field);
    if (present.length === 1) errs.push(...validateSource(field, m[field] as Obj, p.child(field)));
  }
  const expected = sourceField[type];
  if (expected !== undefined && !isObj(m[expected])) errs.push(fieldErrors.required(String(p.child(expected)), 'must populate information for the given metric source'));
  if (expected === undefined) errs.push(fieldErrors.notSupported(String(p.child('type')), type, metricSourceTypes));
  if (present.length !== 1) for (const f of present.filter((x) => x !== expected).sort()) errs.push(fieldErrors.forbidden(String(p.child(f)), 'must populate the given metric source only'));
  return errs;
}

function validateCrossVersionObjectReference(r: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  for (const k of ['kind', 'name'] as const) {
    const v = s(r[k]);
    if (v === '') errs.push(fieldErrors.required(String(p.child(k))));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldErrors.invalid(String(p.child(k)), v, m));
  }
  return errs;
}

function validateScalingRules(rules: unknown, p: FieldPath): Errs {
  if (!isObj(rules)) return [];
  const errs: Errs = [];
  const sp = rules.selectPolicy;
  if (has(sp) && !['Disabled', 'Max', 'Min'].includes(s(sp))) errs.push(fieldErrors.notSupported(String(p.child('selectPolicy')), s(sp), ['Disabled', 'Max', 'Min']));
  const sw = optNum(rules.stabilizationWindowSeconds);
  if (sw !== undefined && (sw < 0 || sw > 3600)) errs.push(fieldErrors.invalid(String(p.child('stabilizationWindowSeconds')), sw, 'must be less than or equal to 3600'));
  const policies = objs(rules.policies);
  if (policies.length === 0) errs.push(fieldErrors.required(String(p.child('policies')), 'must specify at least one Policy'));
  policies.forEach((pol, i) => {
    const pp = p.child('policies').index(i);
    const type = s(pol.type);
    if (type !== 'Pods' && type !== 'Percent') errs.push(fieldErrors.invalid(String(pp.child('type')), type, 'must be either Pods or Percent'));
    if (n(pol.value) <= 0) errs.push(fieldErrors.invalid(String(pp.child('value')), n(pol.value), 'must be greater than zero'));
    const period = n(pol.periodSeconds);
    if (period <= 0) errs.push(fieldErrors.invalid(String(pp.child('periodSeconds')), period, 'must be greater than zero'));
    if (period > 1800) errs.push(fieldErrors.invalid(String(pp.child('periodSeconds')), period, 'must be less than or equal to 1800'));
  });
  return errs;
}

function validateHPASpec(spec: Obj): Errs {
  const errs: Errs = [];
  const min = optNum(spec.minReplicas);
  const max = n(spec.maxReplicas);
  if (min !== undefined && min < 1) errs.push(fieldErrors.invalid(String(specPath.child('minReplicas')), min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(fieldErrors.invalid(String(specPath.child('maxReplicas')), max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(fieldErrors.invalid(String(specPath.child('maxReplicas')), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(obj(spec.scaleTargetRef), specPath.child('scaleTargetRef')));
  objs(spec.metrics).forEach((m, i) => errs.push(...validateMetricSpec(m, specPath.child('metrics').index(i))));
  if (isObj(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, specPath.child('behavior').child('scaleUp')));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, specPath.child('behavior').child('scaleDown')));
  }
  return errs;
}

export function validateHPA(hpa: KubeObject): Errs {
  return [...coreMeta(hpa, true), ...validateHPASpec(obj(hpa.spec))];
}

export const horizontalpodautoscalersV2 = builtin({
  group: 'autoscaling',
  version: 'v2',
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  defaults: defaultHPAv2,
  validate: validateHPA,
  validateUpdate: (hpa, old) => [...coreMetaUpdate(hpa, old), ...validateHPASpec(obj(hpa.spec))],
  status: {
    validateUpdate(hpa, old) {
      const errs = coreMetaUpdate(hpa, old);
      const status = obj(hpa.status);
      errs.push(...nonNegative(status.currentReplicas, FieldPath.root('status').child('currentReplicas')));
      errs.push(...nonNegative(status.desiredReplicas, FieldPath.root('status').child('desiredReplicas')));
      return errs;
    },
  },
});

const v1Schema = 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler';
const v2Schema = 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler';

/** autoscaling/v1: the same objects, converted to and from the stored v2 form. */
export const horizontalpodautoscalersV1 = (() => {
  const v1 = builtin({
    group: 'autoscaling',
    version: 'v1',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    shortNames: ['hpa'],
    categories: ['all'],
    validate: validateHPA,
    validateUpdate: () => [],
  });
  return defineResource({
    ...v1,
    storage: { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
    toStorage(obj_) {
      const o = structuredClone(obj_);
      applySchemaDefaults(o, v1Schema);
      const spec = child(o as Obj, 'spec');
      if (!has(spec.minReplicas)) spec.minReplicas = 1;
      const v2 = hpaV1ToV2(o);
      applySchemaDefaults(v2, v2Schema);
      return v2;
    },
    fromStorage: (obj_) => hpaV2ToV1(obj_),
    // The strategy works on the stored (v2) form.
    strategy: horizontalpodautoscalersV2.strategy,
    subresources: v1.subresources.map((sub) => (sub.name === 'status' ? { ...sub, strategy: horizontalpodautoscalersV2.subresources.find((x) => x.name === 'status')?.strategy } : sub)),
  });
})();
