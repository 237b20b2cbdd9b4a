// The distributed write path's shortcuts: Admit says when Validate has nothing to run, and
// NamespaceLifecycle answers from the watch-fed namespace cache, asking storage only when the cache
// cannot be trusted.
import {
  InProcessBus,
  WatchEventMessage,
  watchSubject,
  type AdmissionRequest,
  type GetRequest,
  type GetResponse,
  type ListRequest,
  type ListResponse,
} from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { createAdmissionService } from './admission-service';
import { admissionRequest, readOnlyStorage } from './testing/fixtures';

type Obj = { metadata: { name: string; namespace?: string; deletionTimestamp?: string } } & Record<string, unknown>;

/** Storage holding objects by resource; counts the namespace GETs admission makes. */
function storageWith(data: Record<string, Obj[]>) {
  const calls = { namespaceGets: 0 };
  const list = async (req: ListRequest): Promise<ListResponse> => {
    const items = (data[req.ref?.resource ?? ''] ?? []).filter((o) => req.ref?.namespace === '' || o.metadata.namespace === req.ref?.namespace);
    return { items: items.map((o) => Buffer.from(JSON.stringify(o))), resourceVersion: '10', continue: '', status: undefined };
  };
  const get = async (req: GetRequest): Promise<GetResponse> => {
    if (req.ref?.resource === 'namespaces') calls.namespaceGets++;
    const o = (data[req.ref?.resource ?? ''] ?? []).find((x) => x.metadata.name === req.ref?.name && (x.metadata.namespace ?? '') === req.ref?.namespace);
    if (o === undefined) return { object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'not found', details: undefined } };
    return { object: Buffer.from(JSON.stringify(o)), status: undefined };
  };
  const port = readOnlyStorage(get, list);
  return { port, calls };
}

const request = (over: Partial<AdmissionRequest>): AdmissionRequest =>
  admissionRequest({ object: Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'team' } })), ...over });

const team: Obj = { metadata: { name: 'team' }, status: { phase: 'Active' } };
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
const podRequest = request({
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  name: 'p',
  object: Buffer.from(JSON.stringify(pod)),
});

describe('Admit tells whether Validate is needed', () => {
  it('says not needed for a ConfigMap when nothing validating is configured', async () => {
    const admission = createAdmissionService({ storage: storageWith({ namespaces: [team] }).port });
    const r = await admission.admit(request({}));
    expect(r).toMatchObject({ allowed: true, validationNotNeeded: true });
    await admission.close();
  });

  it('says needed where a built-in validating plugin applies (PodSecurity looks at every pod)', async () => {
    const admission = createAdmissionService({ storage: storageWith({ namespaces: [team] }).port });
    expect((await admission.admit(podRequest)).validationNotNeeded).toBe(false);
    await admission.close();
  });

  it('says needed when the namespace has a ResourceQuota', async () => {
    const quota: Obj = { metadata: { name: 'q', namespace: 'team' }, spec: { hard: { 'count/configmaps': '1' } } };
    const admission = createAdmissionService({ storage: storageWith({ namespaces: [team], resourcequotas: [quota] }).port });
    expect((await admission.admit(request({}))).validationNotNeeded).toBe(false);
    await admission.close();
  });

  it('says needed when a validating webhook or a policy binding exists', async () => {
    const webhook: Obj = { metadata: { name: 'w' }, webhooks: [{ name: 'v.example.com', rules: [] }] };
    const binding: Obj = { metadata: { name: 'b' }, spec: { policyName: 'p' } };
    const configurations: Record<string, Obj[]>[] = [{ validatingwebhookconfigurations: [webhook] }, { validatingadmissionpolicybindings: [binding] }];
    for (const data of configurations) {
      const admission = createAdmissionService({ storage: storageWith({ namespaces: [team], ...data }).port });
      expect((await admission.admit(request({}))).validationNotNeeded).toBe(false);
      expect((await admission.admit(request({ operation: 'DELETE', object: Buffer.alloc(0) }))).validationNotNeeded).toBe(false);
      await admission.close();
    }
  });

  it('says needed for webhook configurations and policies (their CEL is compiled in Validate)', async () => {
    const admission = createAdmissionService({ storage: storageWith({}).port });
    const r = await admission.admit(
      request({
        namespace: '',
        name: 'w',
        kind: { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingWebhookConfiguration' },
        resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' },
        object: Buffer.from(JSON.stringify({ metadata: { name: 'w' }, webhooks: [] })),
      }),
    );
    expect(r.validationNotNeeded).toBe(false);
    await admission.close();
  });

  it('leaves it unset on a denial', async () => {
    const admission = createAdmissionService({ storage: storageWith({}).port });
    const r = await admission.admit(request({ namespace: 'nope' }));
    expect(r.allowed).toBe(false);
    expect(r.validationNotNeeded).toBeUndefined();
    await admission.close();
  });
});

describe('NamespaceLifecycle with the namespace cache', () => {
  const nsEvent = (bus: InProcessBus, type: string, rv: number, prev: number, o: Obj) =>
    bus.publish(
      watchSubject('', 'namespaces'),
      WatchEventMessage.encode({
        type,
        resourceVersion: String(rv),
        prevResourceVersion: String(prev),
        publisherEpoch: 'e1',
        object: Buffer.from(JSON.stringify(o)),
        prevObject: Buffer.alloc(0),
      }).finish(),
    );

  it('admits into a cached active namespace without reading storage', async () => {
    const { port, calls } = storageWith({ namespaces: [team] });
    const admission = createAdmissionService({ storage: port, bus: new InProcessBus() });
    for (let i = 0; i < 3; i++) expect((await admission.admit(request({}))).allowed).toBe(true);
    expect(calls.namespaceGets).toBe(0);
    await admission.close();
  });

  it('reads storage for a namespace the cache does not have yet', async () => {
    const data: Record<string, Obj[]> = { namespaces: [] };
    const { port, calls } = storageWith(data);
    const admission = createAdmissionService({ storage: port, bus: new InProcessBus() });
    expect((await admission.admit(request({}))).status?.code).toBe(404);
    // Created meanwhile; its event has not arrived.
    data['namespaces'] = [team];
    expect((await admission.admit(request({}))).allowed).toBe(true);
    expect(calls.namespaceGets).toBe(2);
    await admission.close();
  });

  it('after admitting a namespace deletion, refuses creates before the cache sees it terminating', async () => {
    const data: Record<string, Obj[]> = { namespaces: [team] };
    const { port, calls } = storageWith(data);
    const admission = createAdmissionService({ storage: port, bus: new InProcessBus() });
    expect((await admission.admit(request({}))).allowed).toBe(true);
    const nsResource = { group: '', version: 'v1', resource: 'namespaces' };
    expect((await admission.admit(request({ operation: 'DELETE', namespace: '', name: 'team', resource: nsResource, object: Buffer.alloc(0) }))).allowed).toBe(true);
    data['namespaces'] = [{ metadata: { name: 'team', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } }];
    const r = await admission.admit(request({}));
    expect(r.status?.code).toBe(403);
    expect(calls.namespaceGets).toBe(1);
    await admission.close();
  });

  it('checks a cached terminating namespace in storage (it may have been created again)', async () => {
    const data: Record<string, Obj[]> = { namespaces: [team] };
    const { port, calls } = storageWith(data);
    const bus = new InProcessBus();
    const admission = createAdmissionService({ storage: port, bus });
    expect((await admission.admit(request({}))).allowed).toBe(true);
    nsEvent(bus, 'MODIFIED', 11, 10, { metadata: { name: 'team', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    expect((await admission.admit(request({}))).allowed).toBe(true);
    expect(calls.namespaceGets).toBe(1);
    data['namespaces'] = [{ metadata: { name: 'team', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } }];
    expect((await admission.admit(request({}))).status?.code).toBe(403);
    await admission.close();
  });
});
