import { describe, expect, it } from 'vitest';
import { applySchemaDefaults, checkAgainstSchema, schemaDecodeError, schemaNameForKind, zeroValueOf } from './schema';

const pod = 'io.k8s.api.core.v1.Pod';

describe('schema decoding', () => {
  it('finds the definition of a kind', () => {
    expect(schemaNameForKind('', 'v1', 'Pod')).toBe(pod);
    expect(schemaNameForKind('apps', 'v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
  });

  it("reports Go's json decoder errors with the innermost struct and field", () => {
    expect(schemaDecodeError({ spec: { containers: 'x' } }, pod)).toBe('json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
    expect(schemaDecodeError({ spec: { containers: [{ name: 1 }] } }, pod)).toBe('json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string');
    expect(schemaDecodeError({ spec: { priority: 1.5 } }, pod)).toBe('json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.priority of type int32');
    expect(schemaDecodeError({ spec: { containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] } }, pod)).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(schemaDecodeError({ spec: { containers: [{ name: 'c', image: 'x' }] }, status: { startTime: 'yesterday' } }, pod)).toMatch(/^parsing time "yesterday"/);
    expect(schemaDecodeError({ spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } }, pod)).toBeUndefined();
  });

  it('gives field errors with indexed paths', () => {
    const { fieldErrors } = checkAgainstSchema({ spec: { containers: [{ name: 'a' }, { name: 2 }] } }, pod);
    expect(fieldErrors.map((e) => e.field)).toEqual(['spec.containers[1].name']);
  });

  it('accepts int-or-string values of either kind, and nothing else', () => {
    const svc = 'io.k8s.api.core.v1.Service';
    expect(schemaDecodeError({ spec: { ports: [{ port: 80, targetPort: 'http' }] } }, svc)).toBeUndefined();
    expect(schemaDecodeError({ spec: { ports: [{ port: 80, targetPort: 8080 }] } }, svc)).toBeUndefined();
    expect(schemaDecodeError({ spec: { ports: [{ port: 80, targetPort: true }] } }, svc)).toBe('json: cannot unmarshal bool into Go value of type int32');
  });
});

describe('schema defaults', () => {
  it('fills declarative defaults and the zero values Go always writes', () => {
    const svc: Record<string, unknown> = { spec: { ports: [{ port: 80 }] } };
    applySchemaDefaults(svc, 'io.k8s.api.core.v1.Service');
    expect(svc).toEqual({ metadata: { creationTimestamp: null }, spec: { ports: [{ port: 80, protocol: 'TCP' }] }, status: { loadBalancer: {} } });
    const pod: Record<string, unknown> = { spec: { containers: [{ name: 'c', resources: { limits: { memory: '1024Mi' } } }] } };
    applySchemaDefaults(pod, 'io.k8s.api.core.v1.Pod');
    expect(pod.spec).toEqual({ containers: [{ name: 'c', resources: { limits: { memory: '1Gi' } } }] });
  });

  it('writes a null creationTimestamp in embedded object metadata', () => {
    const tpl: Record<string, unknown> = { template: { metadata: { labels: { a: 'b' } } } };
    applySchemaDefaults(tpl, 'io.k8s.api.core.v1.PodTemplate');
    expect(tpl).toEqual({ metadata: { creationTimestamp: null }, template: { metadata: { labels: { a: 'b' }, creationTimestamp: null }, spec: {} } });
  });

  it('builds the zero value of a status', () => {
    expect(zeroValueOf('io.k8s.api.core.v1.ServiceStatus')).toEqual({ loadBalancer: {} });
    expect(zeroValueOf('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus')).toEqual({ desiredReplicas: 0 });
  });
});
