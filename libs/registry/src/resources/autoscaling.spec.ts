import { describe, expect, it } from 'vitest';
import { simulateCreate, writeErrors } from '../testing/write-path';
import { horizontalpodautoscalersV1, horizontalpodautoscalersV2 } from './autoscaling';

const ref = { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' };

describe('horizontalpodautoscalers', () => {
  it('serves v1 and v2 from one storage kept as v2', () => {
    expect(horizontalpodautoscalersV1.storage).toEqual(horizontalpodautoscalersV2.storage);
    expect(horizontalpodautoscalersV1).toMatchObject({ shortNames: ['hpa'], categories: ['all'] });
  });

  it('stores a v1 CPU target as a v2 resource metric and reads it back', () => {
    const { stored, served } = simulateCreate(horizontalpodautoscalersV1, { metadata: { name: 'h' }, spec: { scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } });
    expect(stored).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: { minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
      status: { desiredReplicas: 0 },
    });
    expect(served).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: ref, maxReplicas: 3, minReplicas: 1, targetCPUUtilizationPercentage: 50 } });
    expect(served.metadata?.annotations).toBeUndefined();
  });

  it('keeps v2-only metrics in the alpha annotation on v1', () => {
    const { stored } = simulateCreate(horizontalpodautoscalersV2, {
      metadata: { name: 'h' },
      spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }] },
    });
    const v1 = horizontalpodautoscalersV1.fromStorage?.(structuredClone(stored));
    expect(v1?.metadata?.annotations).toEqual({ 'autoscaling.alpha.kubernetes.io/metrics': '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]' });
    expect(v1?.spec).toEqual({ scaleTargetRef: ref, maxReplicas: 3, minReplicas: 1 });
    // And back: the annotation becomes the metric again.
    expect(horizontalpodautoscalersV1.toStorage?.(structuredClone(v1!))?.spec).toMatchObject({ metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }] });
  });

  it('validates replicas, the target and metrics', () => {
    expect(writeErrors(() => simulateCreate(horizontalpodautoscalersV2, { metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: '', name: '' }, minReplicas: 0, maxReplicas: 0, metrics: [{ type: 'Resource' }] } }))).toEqual([
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.scaleTargetRef.kind: Required value',
      'spec.scaleTargetRef.name: Required value',
      'spec.metrics[0].resource: Required value: must populate information for the given metric source',
    ]);
  });
});
