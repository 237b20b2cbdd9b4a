import type { AdmissionRequest, GetRequest, GetResponse, ListRequest, ListResponse, StorageServicePort, UpdateRequest, UpdateResponse } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { podSecurityViolations } from './pod-security';

type Meta = { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string };
type Stored = { metadata: Meta } & Record<string, unknown>;

/** An in-memory storage port: enough state for the plugins (lists, gets, status updates). */
function memoryStorage(initial: Record<string, Stored[]>) {
  let rv = 10;
  const data = new Map<string, Stored[]>(Object.entries(initial).map(([k, v]) => [k, v.map((o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: String(rv++) } }))]));
  const list = async (req: ListRequest): Promise<ListResponse> => {
    const items = (data.get(req.ref?.resource ?? '') ?? []).filter((o) => req.ref?.namespace === '' || o.metadata.namespace === req.ref?.namespace);
    return { items: items.map((o) => Buffer.from(JSON.stringify(o))), resourceVersion: String(rv), continue: '', status: undefined };
  };
  const get = async (req: GetRequest): Promise<GetResponse> => {
    const o = (data.get(req.ref?.resource ?? '') ?? []).find((x) => x.metadata.name === req.ref?.name && (x.metadata.namespace ?? '') === req.ref?.namespace);
    if (o === undefined) return { object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'not found', details: undefined } };
    return { object: Buffer.from(JSON.stringify(o)), status: undefined };
  };
  const update = async (req: UpdateRequest): Promise<UpdateResponse> => {
    const items = data.get(req.ref?.resource ?? '') ?? [];
    const i = items.findIndex((x) => x.metadata.name === req.ref?.name && (x.metadata.namespace ?? '') === req.ref?.namespace);
    const cur = items[i];
    if (cur === undefined) return { succeeded: false, object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'gone', details: undefined } };
    if (cur.metadata.resourceVersion !== req.expectedResourceVersion) return { succeeded: false, object: Buffer.from(JSON.stringify(cur)), status: undefined };
    const next = JSON.parse(req.object.toString('utf8')) as Stored;
    next.metadata.resourceVersion = String(rv++);
    items[i] = next;
    return { succeeded: true, object: Buffer.from(JSON.stringify(next)), status: undefined };
  };
  const unused = () => {
    throw new Error('unused');
  };
  const port: StorageServicePort = { get, list, update, create: unused, delete: unused, currentRevision: unused, watchReplay: unused };
  return { port, data };
}

const podRequest = (pod: Stored, over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'u',
  operation: 'CREATE',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  subResource: '',
  namespace: pod.metadata.namespace ?? '',
  name: pod.metadata.name,
  object: Buffer.from(JSON.stringify(pod)),
  oldObject: Buffer.alloc(0),
  options: Buffer.alloc(0),
  dryRun: false,
  user: undefined,
  ...over,
});

const pod = (name: string, ns: string, container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Stored => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { containers: [{ name: 'app', image: 'nginx', ...container }], ...spec },
});

const namespace = (name: string, labels: Record<string, string> = {}): Stored => ({ metadata: { name, labels }, status: { phase: 'Active' } });

describe('ResourceQuota', () => {
  const quota = (hard: Record<string, string>): Stored => ({ metadata: { name: 'compute', namespace: 'q' }, spec: { hard } });

  it('refuses a create over quota with kube-apiserver message, and records usage in the quota status', async () => {
    const existing = pod('p1', 'q');
    const { port, data } = memoryStorage({ namespaces: [namespace('q')], resourcequotas: [quota({ pods: '2', 'count/secrets': '5' })], pods: [existing] });
    const admission = createAdmissionService({ storage: port });
    const ok = await admission.validate(podRequest(pod('p2', 'q')));
    expect(ok.allowed).toBe(true);
    expect(data.get('resourcequotas')?.[0]?.['status']).toEqual({ hard: { pods: '2', 'count/secrets': '5' }, used: { pods: '2' } });
    data.get('pods')?.push(pod('p2', 'q'));
    const res = await admission.validate(podRequest(pod('p3', 'q')));
    expect(res.status).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods "p3" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2' });
  });

  it('sums compute requests', async () => {
    const { port } = memoryStorage({
      namespaces: [namespace('q')],
      resourcequotas: [quota({ 'requests.cpu': '1', 'requests.memory': '1Gi' })],
      pods: [pod('p1', 'q', { resources: { requests: { cpu: '600m', memory: '512Mi' } } })],
    });
    const res = await createAdmissionService({ storage: port }).validate(podRequest(pod('p2', 'q', { resources: { requests: { cpu: '500m', memory: '256Mi' } } })));
    expect(res.status?.message).toBe('pods "p2" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1');
  });

  it('requires compute resources the quota limits', async () => {
    const { port } = memoryStorage({ namespaces: [namespace('q')], resourcequotas: [quota({ 'limits.cpu': '2' })] });
    const res = await createAdmissionService({ storage: port }).validate(podRequest(pod('p', 'q')));
    expect(res.status?.message).toBe('pods "p" is forbidden: failed quota: compute: must specify limits.cpu for: app');
  });

  it('counts other resources with count/<resource>', async () => {
    const { port } = memoryStorage({
      namespaces: [namespace('q')],
      resourcequotas: [quota({ 'count/configmaps': '1' })],
      configmaps: [{ metadata: { name: 'a', namespace: 'q' } }],
    });
    const res = await createAdmissionService({ storage: port }).validate({
      ...podRequest(pod('x', 'q')),
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'b',
      object: Buffer.from(JSON.stringify({ metadata: { name: 'b', namespace: 'q' } })),
    });
    expect(res.status?.message).toBe('configmaps "b" is forbidden: exceeded quota: compute, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1');
  });
});

describe('PodSecurity', () => {
  const restrictedNs = namespace('secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });

  it('refuses a privileged pod in a restricted namespace with the violations in kube order', async () => {
    const { port } = memoryStorage({ namespaces: [restrictedNs] });
    const res = await createAdmissionService({ storage: port }).validate(podRequest(pod('priv', 'secure', { securityContext: { privileged: true } })));
    expect(res.status).toMatchObject({
      code: 403,
      message:
        'pods "priv" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), privileged (container "app" must not set securityContext.privileged=true), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    });
  });

  it('admits a pod that meets restricted', async () => {
    const { port } = memoryStorage({ namespaces: [restrictedNs] });
    const good = pod(
      'ok',
      'secure',
      { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
      { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
    );
    expect((await createAdmissionService({ storage: port }).validate(podRequest(good))).allowed).toBe(true);
  });

  it('warns and audits without refusing', async () => {
    const { port } = memoryStorage({
      namespaces: [namespace('soft', { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.33' })],
    });
    const res = await createAdmissionService({ storage: port }).validate(podRequest(pod('h', 'soft', {}, { hostNetwork: true })));
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual(['would violate PodSecurity "baseline:v1.33": host namespaces (hostNetwork=true)']);
    expect(res.auditAnnotations['pod-security.kubernetes.io/audit-violations']).toBe('would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
  });

  it('checks baseline', () => {
    expect(podSecurityViolations('baseline', { containers: [{ name: 'a', ports: [{ hostPort: 80 }], securityContext: { capabilities: { add: ['NET_ADMIN'] } } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] })).toEqual([
      'non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add)',
      'hostPath volumes (volume "h")',
      'hostPort (container "a" uses hostPort 80)',
    ]);
  });
});

describe('pod and claim defaulting', () => {
  const admitted = async (store: Record<string, Stored[]>, p: Stored, over: Partial<AdmissionRequest> = {}) => {
    const { port } = memoryStorage({ namespaces: [namespace('d')], ...store });
    const res = await createAdmissionService({ storage: port }).admit(podRequest(p, over));
    return { res, object: res.object.length > 0 ? (JSON.parse(res.object.toString('utf8')) as Stored & { spec: Record<string, unknown> }) : undefined };
  };

  it('defaults the service account and mounts the API credentials', async () => {
    const { object } = await admitted({ serviceaccounts: [{ metadata: { name: 'default', namespace: 'd' } }] }, pod('p', 'd'));
    expect(object?.spec['serviceAccountName']).toBe('default');
    const volumes = object?.spec['volumes'] as Array<{ name: string; projected?: unknown }>;
    expect(volumes[0]?.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect((object?.spec['containers'] as Array<{ volumeMounts: unknown[] }>)[0]?.volumeMounts).toEqual([
      { name: volumes[0]?.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ]);
  });

  it('refuses a missing service account other than default', async () => {
    const { res } = await admitted({}, pod('p', 'd', {}, { serviceAccountName: 'robot' }));
    expect(res.status?.message).toBe('pods "p" is forbidden: error looking up service account d/robot: serviceaccount "robot" not found');
  });

  it('resolves priority from the PriorityClass and refuses unknown classes', async () => {
    const classes = { priorityclasses: [{ metadata: { name: 'high' }, value: 1000 }, { metadata: { name: 'usual' }, value: 10, globalDefault: true }] };
    expect((await admitted(classes, pod('p', 'd', {}, { priorityClassName: 'high' }))).object?.spec).toMatchObject({ priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
    expect((await admitted(classes, pod('p', 'd'))).object?.spec).toMatchObject({ priorityClassName: 'usual', priority: 10 });
    expect((await admitted(classes, pod('p', 'd', {}, { priorityClassName: 'system-node-critical' }))).object?.spec).toMatchObject({ priority: 2000001000 });
    expect((await admitted(classes, pod('p', 'd', {}, { priorityClassName: 'nope' }))).res.status?.message).toBe('pods "p" is forbidden: no PriorityClass with name nope was found');
    expect((await admitted(classes, pod('p', 'd', {}, { priorityClassName: 'high', priority: 5 }))).res.status?.message).toBe(
      'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );
  });

  it('adds the default NoExecute tolerations', async () => {
    const { object } = await admitted({}, pod('p', 'd'));
    expect(object?.spec['tolerations']).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('defaults the storage class of a claim to the newest default class', async () => {
    const classes = {
      storageclasses: [
        { metadata: { name: 'old', creationTimestamp: '2026-01-01T00:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
        { metadata: { name: 'new', creationTimestamp: '2026-02-01T00:00:00Z', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
        { metadata: { name: 'other', creationTimestamp: '2026-03-01T00:00:00Z' } },
      ],
    };
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'd' }, spec: { resources: { requests: { storage: '1Gi' } } } };
    const over = { kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' }, resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' } };
    expect((await admitted(classes, claim, over)).object?.spec['storageClassName']).toBe('new');
    expect((await admitted(classes, { ...claim, spec: { ...claim.spec, storageClassName: '' } }, over)).object).toBeUndefined();
  });

  it('LimitRanger defaults requests and limits and enforces max', async () => {
    const ranges = {
      limitranges: [
        { metadata: { name: 'lr', namespace: 'd' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } },
      ],
    };
    const { object } = await admitted(ranges, pod('p', 'd'));
    expect((object?.spec['containers'] as Array<{ resources: unknown }>)[0]?.resources).toEqual({ requests: { cpu: '100m' }, limits: { cpu: '500m' } });
    expect(object?.metadata.annotations).toEqual({ 'kubernetes.io/limit-ranger': 'LimitRanger plugin set: cpu request for container app; cpu limit for container app' });
    const { port } = memoryStorage({ namespaces: [namespace('d')], ...ranges });
    const res = await createAdmissionService({ storage: port }).validate(podRequest(pod('big', 'd', { resources: { limits: { cpu: '2' }, requests: { cpu: '2' } } })));
    expect(res.status?.message).toBe('pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  });
});

describe('PodSecurity on namespace label changes', () => {
  it('warns about existing pods that violate a stricter enforce level', async () => {
    const { port } = memoryStorage({ pods: [pod('web', 'ns1', { securityContext: { privileged: true } }), pod('ok', 'ns1', {}, { hostNetwork: false })] });
    const old = namespace('ns1');
    const next = namespace('ns1', { 'pod-security.kubernetes.io/enforce': 'baseline' });
    const res = await createAdmissionService({ storage: port }).validate({
      ...podRequest(pod('x', '')),
      operation: 'UPDATE',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      namespace: '',
      name: 'ns1',
      object: Buffer.from(JSON.stringify(next)),
      oldObject: Buffer.from(JSON.stringify(old)),
    });
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual(['existing pods in namespace "ns1" violate the new PodSecurity enforce level "baseline:latest"', 'web: privileged']);
  });
});

describe('ResourceQuota scopes', () => {
  it('counts only the pods in the quota scopes', async () => {
    const quota: Stored = { metadata: { name: 'best-effort', namespace: 'q' }, spec: { hard: { pods: '1' }, scopes: ['BestEffort'] } };
    const { port } = memoryStorage({
      namespaces: [namespace('q')],
      resourcequotas: [quota],
      pods: [pod('guaranteed', 'q', { resources: { requests: { cpu: '1' }, limits: { cpu: '1' } } }), pod('be', 'q')],
    });
    const admission = createAdmissionService({ storage: port });
    const res = await admission.validate(podRequest(pod('be2', 'q')));
    expect(res.status?.message).toBe('pods "be2" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1');
    expect((await admission.validate(podRequest(pod('g2', 'q', { resources: { requests: { cpu: '1' } } })))).allowed).toBe(true);
  });

  it('selects by PriorityClass', async () => {
    const quota: Stored = {
      metadata: { name: 'high', namespace: 'q' },
      spec: { hard: { pods: '0' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
    };
    const { port } = memoryStorage({ namespaces: [namespace('q')], resourcequotas: [quota] });
    const admission = createAdmissionService({ storage: port });
    expect((await admission.validate(podRequest(pod('h', 'q', {}, { priorityClassName: 'high' })))).allowed).toBe(false);
    expect((await admission.validate(podRequest(pod('l', 'q', {}, { priorityClassName: 'low' })))).allowed).toBe(true);
  });
});
