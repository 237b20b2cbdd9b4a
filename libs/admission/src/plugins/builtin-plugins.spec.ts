import type { AdmissionRequest, GetRequest, GetResponse, ListRequest, ListResponse, StorageServicePort, UpdateRequest, UpdateResponse } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { podSecurityViolations } from './pod-security';

type Meta = { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
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
