// Printers of autoscaling (k8s parity: printers.go printHorizontalPodAutoscaler, formatHPAMetrics,
// printScale). The printer reads the autoscaling/v2 form; autoscaling/v1 objects are converted the
// way pkg/apis/autoscaling/v1/conversion.go brings them to the internal type.
import type { KubeObject } from '@portico/api';
import { ageColumn, ageOf, column, doc, int, intPtr, nameOf, nameColumn, printer, ptr, rec, recs, str, type Obj } from './helpers';
import { formatQuantity, formatQuantityPtr } from './quantity';
import type { TableConvertor } from './types';

// ---- autoscaling/v1 → v2 -------------------------------------------------------------------

const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';

/** A required Quantity read through a pointer: Go takes the address of the (possibly zero) value. */
const valueOf = (v: unknown): unknown => v ?? '0';
const withDefined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

function v1MetricSpec(m: Obj): Obj {
  const type = str(m['type']);
  const out: Obj = { type };
  const object = ptr(m['object']);
  const pods = ptr(m['pods']);
  const resource = ptr(m['resource']);
  const containerResource = ptr(m['containerResource']);
  const external = ptr(m['external']);
  if (object !== undefined) out['object'] = { target: withDefined({ value: valueOf(object['targetValue']), averageValue: object['averageValue'] }) };
  if (pods !== undefined) out['pods'] = { target: { averageValue: valueOf(pods['targetAverageValue']) } };
  for (const [key, src] of [
    ['resource', resource],
    ['containerResource', containerResource],
  ] as const) {
    if (src !== undefined) {
      out[key] = { name: src['name'], target: withDefined({ averageValue: src['targetAverageValue'], averageUtilization: src['targetAverageUtilization'] }) };
    }
  }
  if (external !== undefined) out['external'] = { target: withDefined({ value: external['targetValue'], averageValue: external['targetAverageValue'] }) };
  return out;
}

function v1MetricStatus(m: Obj): Obj {
  const out: Obj = { type: str(m['type']) };
  const object = ptr(m['object']);
  const pods = ptr(m['pods']);
  const resource = ptr(m['resource']);
  const containerResource = ptr(m['containerResource']);
  const external = ptr(m['external']);
  if (object !== undefined) out['object'] = { current: withDefined({ value: valueOf(object['currentValue']), averageValue: object['averageValue'] }) };
  if (pods !== undefined) out['pods'] = { current: { averageValue: valueOf(pods['currentAverageValue']) } };
  for (const [key, src] of [
    ['resource', resource],
    ['containerResource', containerResource],
  ] as const) {
    if (src !== undefined) {
      out[key] = {
        name: src['name'],
        current: withDefined({ averageValue: valueOf(src['currentAverageValue']), averageUtilization: src['currentAverageUtilization'] }),
      };
    }
  }
  if (external !== undefined) {
    out['external'] = { current: withDefined({ value: valueOf(external['currentValue']), averageValue: external['currentAverageValue'] }) };
  }
  return out;
}

function parseAnnotationList(text: string | undefined): Obj[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(rec) : undefined;
  } catch {
    return undefined;
  }
}

const cpuUtilization = (n: number): Obj => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, for what the printer reads. */
export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const spec = rec(obj['spec']);
  const status = rec(obj['status']);
  const annotations = rec(rec(obj.metadata)['annotations']);
  const target = intPtr(spec['targetCPUUtilizationPercentage']);
  let metrics: Obj[] = target === undefined ? [] : [cpuUtilization(target)];
  const other = parseAnnotationList(typeof annotations[metricSpecsAnnotation] === 'string' ? (annotations[metricSpecsAnnotation] as string) : undefined);
  if (other !== undefined) metrics = [...other.map(v1MetricSpec), ...metrics];
  const currentCPU = intPtr(status['currentCPUUtilizationPercentage']);
  let currentMetrics: Obj[] =
    currentCPU === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: currentCPU } } }];
  const current = parseAnnotationList(typeof annotations[metricStatusesAnnotation] === 'string' ? (annotations[metricStatusesAnnotation] as string) : undefined);
  if (current !== undefined) currentMetrics = current.map(v1MetricStatus);
  return {
    ...obj,
    spec: { scaleTargetRef: spec['scaleTargetRef'], minReplicas: spec['minReplicas'], maxReplicas: spec['maxReplicas'], metrics },
    status: { currentReplicas: status['currentReplicas'], desiredReplicas: status['desiredReplicas'], currentMetrics },
  };
}

/** Objects of any served version, in the v2 form (with v2's default of 80% CPU when no metric is set). */
function hpaV2(obj: KubeObject): KubeObject {
  const v2 = obj.apiVersion === 'autoscaling/v1' ? hpaV1ToV2(obj) : obj;
  const spec = rec(v2['spec']);
  if (recs(spec['metrics']).length > 0) return v2;
  return { ...v2, spec: { ...spec, metrics: [cpuUtilization(80)] } };
}

// ---- horizontalpodautoscalers ----------------------------------------------------------------

/** formatHPAMetrics: up to two "current/target" pairs, then "+ N more...". */
export function formatHPAMetrics(specs: unknown, statuses: unknown): string {
  const ss = recs(specs);
  if (ss.length === 0) return '<none>';
  const sts = Array.isArray(statuses) ? statuses : [];
  const statusOf = (i: number, key: string): Obj | undefined => (i < sts.length ? ptr(rec(sts[i])[key]) : undefined);
  let list: string[] = [];
  const max = 2;
  let count = 0;
  ss.forEach((spec, i) => {
    switch (spec['type']) {
      case 'External':
      case 'Object': {
        const key = spec['type'] === 'External' ? 'external' : 'object';
        const t = rec(rec(spec[key])['target']);
        const st = statusOf(i, key);
        const cur = rec(st?.['current']);
        if (t['averageValue'] !== undefined && t['averageValue'] !== null) {
          const current = st !== undefined && cur['averageValue'] !== undefined && cur['averageValue'] !== null ? formatQuantity(cur['averageValue']) : '<unknown>';
          list.push(`${current}/${formatQuantity(t['averageValue'])} (avg)`);
        } else {
          const current = st !== undefined ? formatQuantityPtr(cur['value']) : '<unknown>';
          list.push(`${current}/${formatQuantityPtr(t['value'])}`);
        }
        break;
      }
      case 'Pods': {
        const st = statusOf(i, 'pods');
        const current = st !== undefined ? formatQuantityPtr(rec(st['current'])['averageValue']) : '<unknown>';
        list.push(`${current}/${formatQuantityPtr(rec(rec(spec['pods'])['target'])['averageValue'])}`);
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = spec['type'] === 'Resource' ? 'resource' : 'containerResource';
        const src = rec(spec[key]);
        const t = rec(src['target']);
        const st = statusOf(i, key);
        const cur = rec(st?.['current']);
        if (t['averageValue'] !== undefined && t['averageValue'] !== null) {
          const current = st !== undefined ? formatQuantityPtr(cur['averageValue']) : '<unknown>';
          list.push(`${str(src['name'])}: ${current}/${formatQuantity(t['averageValue'])}`);
        } else {
          const utilization = intPtr(cur['averageUtilization']);
          const current = st !== undefined && utilization !== undefined ? `${utilization}%` : '<unknown>';
          const targetUtilization = intPtr(t['averageUtilization']);
          list.push(`${str(src['name'])}: ${current}/${targetUtilization === undefined ? '<auto>' : `${targetUtilization}%`}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
    count++;
  });
  const more = count > max;
  if (more) list = list.slice(0, max);
  const ret = list.join(', ');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const horizontalPodAutoscalers = printer(
  [
    nameColumn,
    column('Reference', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.scaleTargetRef')),
    column('Targets', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.metrics')),
    column('MinPods', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.minReplicas')),
    column('MaxPods', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.maxReplicas')),
    column('Replicas', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerStatus.currentReplicas')),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    const ref = rec(spec['scaleTargetRef']);
    const minReplicas = intPtr(spec['minReplicas']);
    return [
      nameOf(obj),
      `${str(ref['kind'])}/${str(ref['name'])}`,
      formatHPAMetrics(spec['metrics'], status['currentMetrics']),
      minReplicas === undefined ? '<unset>' : String(minReplicas),
      int(spec['maxReplicas']),
      int(status['currentReplicas']),
      ageOf(obj, now),
    ];
  },
  { normalize: hpaV2 },
);

/**
 * The /scale subresource (autoscaling/v1 Scale). kube-apiserver's ScaleREST prints through the
 * parent store's printers, which have printScale; its Name column has no "name" format.
 */
export const scales = printer(
  [
    column('Name', 'string', doc('meta/v1.ObjectMeta.name')),
    column('Desired', 'integer', doc('autoscaling/v1.ScaleSpec.replicas')),
    column('Available', 'integer', doc('autoscaling/v1.ScaleStatus.replicas')),
    ageColumn,
  ],
  (obj, now) => [nameOf(obj), int(rec(obj['spec'])['replicas']), int(rec(obj['status'])['replicas']), ageOf(obj, now)],
);

export const autoscalingConvertors: Record<string, TableConvertor> = { horizontalpodautoscalers: horizontalPodAutoscalers };
