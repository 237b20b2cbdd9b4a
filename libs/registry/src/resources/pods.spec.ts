import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeDelete } from '../metadata';
import { simulateCreate, simulateUpdate, testNow, writeErrors } from '../testing/write-path';
import { pods } from './pods';

const pod = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({ metadata: { name }, spec });
const create = (o: KubeObject) => simulateCreate(pods, o);
const errors = (o: KubeObject) => writeErrors(() => create(o));

describe('pods', () => {
  it('describes the resource as kube-apiserver lists it', () => {
    expect(pods).toMatchObject({ resource: 'pods', kind: 'Pod', singular: 'pod', shortNames: ['po'], categories: ['all'], namespaced: true });
    expect(pods.strategy).toMatchObject({ tracksGeneration: true, returnDeletedObject: true });
  });

  it('applies the SetDefaults_Pod family and resets status to Pending', () => {
    const { stored } = create(pod({ containers: [{ name: 'c', image: 'nginx' }, { name: 'd', image: 'nginx:1.25', resources: { limits: { cpu: '500m' } } }] }));
    expect(stored.spec).toEqual({
      containers: [
        { name: 'c', image: 'nginx', resources: {}, imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
        {
          name: 'd',
          image: 'nginx:1.25',
          resources: { limits: { cpu: '500m' }, requests: { cpu: '500m' } },
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    expect(stored.status).toEqual({ phase: 'Pending', qosClass: 'Burstable' });
    expect(stored.metadata?.generation).toBe(1);
  });

  it('rejects what ValidatePodSpec rejects, in its order and words', () => {
    expect(errors(pod({ containers: [] }))).toEqual(['spec.containers: Required value']);
    expect(
      errors(
        pod({
          containers: [
            {
              name: 'Bad_Name',
              image: 'x',
              ports: [
                { containerPort: 80, name: 'http' },
                { containerPort: 70000, name: 'http' },
              ],
              env: [{ name: '' }],
              resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
            },
            { name: 'c2' },
            { name: 'c2', image: 'x' },
          ],
          volumes: [{ name: 'w', emptyDir: {}, configMap: { name: 'c' } }],
          restartPolicy: 'Sometimes',
        }),
      ),
    ).toEqual([
      'spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
      `spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].env[0].name: Required value',
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      'spec.containers[1].image: Required value',
      'spec.containers[2].name: Duplicate value: "c2"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  it('warns about a name with dots (it becomes the hostname)', () => {
    expect(create(pod({ containers: [{ name: 'c', image: 'i' }] }, 'p.q')).warnings).toEqual([
      "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
    ]);
  });

  it('allows only image, activeDeadlineSeconds, tolerations and grace-period changes', () => {
    const { stored } = create(pod({ containers: [{ name: 'c', image: 'nginx:1' }] }));
    const image = structuredClone(stored);
    (image.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:2';
    expect(writeErrors(() => simulateUpdate(pods, image, stored))).toEqual([]);
    const ports = structuredClone(stored);
    (ports.spec as { containers: Record<string, unknown>[] }).containers[0]!.ports = [{ containerPort: 80 }];
    const [err] = writeErrors(() => simulateUpdate(pods, ports, stored));
    expect(err).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
  });

  it('keeps spec on a status write and status on a spec write', () => {
    const { stored } = create(pod({ containers: [{ name: 'c', image: 'nginx' }] }));
    const next = { ...structuredClone(stored), spec: { ...(stored.spec as object), activeDeadlineSeconds: 5 }, status: { phase: 'Running' } };
    expect(simulateUpdate(pods, next, stored).stored.status).toEqual(stored.status);
    const st = simulateUpdate(pods, next, stored, 'status').stored;
    expect(st.spec).toEqual(stored.spec);
    expect((st.status as { phase: string }).phase).toBe('Running');
  });

  it('deletes an unscheduled pod at once and gives a scheduled one its grace period', () => {
    const { stored } = create(pod({ containers: [{ name: 'c', image: 'nginx' }] }));
    const now = { now: testNow };
    expect(beforeDelete(pods, structuredClone(stored), {}, now)).toMatchObject({ action: 'update', thenDelete: true, object: { metadata: { deletionGracePeriodSeconds: 0 } } });
    const scheduled = { ...stored, spec: { ...(stored.spec as object), nodeName: 'node-1' } };
    expect(beforeDelete(pods, structuredClone(scheduled), {}, now)).toMatchObject({
      action: 'update',
      thenDelete: false,
      object: { metadata: { deletionGracePeriodSeconds: 30, deletionTimestamp: '2025-01-02T03:04:35Z', generation: 2 } },
    });
    expect(beforeDelete(pods, structuredClone(scheduled), { gracePeriodSeconds: 0 }, now)).toMatchObject({ thenDelete: true });
  });

  it('selects on the fields kube-apiserver indexes and converts spec.host', () => {
    const { stored } = create(pod({ containers: [{ name: 'c', image: 'nginx' }], nodeName: 'n1' }));
    expect(pods.selectableFields(stored)).toEqual({
      'metadata.name': 'p',
      'metadata.namespace': 'default',
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': '',
      'spec.hostNetwork': 'false',
      'status.phase': 'Pending',
      'status.podIP': '',
      'status.nominatedNodeName': '',
    });
    expect(pods.convertFieldLabel('spec.host', 'x')).toEqual({ label: 'spec.nodeName', value: 'x' });
    expect(pods.convertFieldLabel('status.podIPs', 'x')).toEqual({ label: 'status.podIPs', value: 'x' });
    expect(pods.convertFieldLabel('spec.foo', 'x')).toEqual({ error: 'field label not supported: spec.foo' });
  });
});
