import type { AdmissionRequest, GetRequest, GetResponse, ListResponse, StorageServicePort } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { admissionRequest, readOnlyStorage } from '../testing/fixtures';

/** A storage port that knows a fixed set of namespaces: enough for a pure unit test of the plugin. */
function namespaces(ns: Record<string, object>): StorageServicePort {
  const get = async (req: GetRequest): Promise<GetResponse> => {
    const obj = ns[req.ref?.name ?? ''];
    if (obj === undefined) return { object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'not found', details: undefined } };
    return { object: Buffer.from(JSON.stringify(obj)), status: undefined };
  };
  // No webhook configurations.
  const list = async (): Promise<ListResponse> => ({ items: [], resourceVersion: '1', continue: '', status: undefined });
  return readOnlyStorage(get, list);
}

const request = (over: Partial<AdmissionRequest>): AdmissionRequest => admissionRequest(over);

describe('NamespaceLifecycle', () => {
  const admission = createAdmissionService({
    storage: namespaces({
      team: { metadata: { name: 'team' }, status: { phase: 'Active' } },
      gone: { metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
    }),
  });

  it('allows creates in an active namespace', async () => {
    expect((await admission.admit(request({}))).allowed).toBe(true);
  });

  it('refuses creates in a missing namespace with 404', async () => {
    const r = await admission.admit(request({ namespace: 'nope' }));
    expect(r.allowed).toBe(false);
    expect(r.status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "nope" not found' });
  });

  it('refuses creates in a terminating namespace with kube-apiserver message and cause', async () => {
    const r = await admission.admit(request({ namespace: 'gone' }));
    expect(r.status?.code).toBe(403);
    expect(r.status?.message).toBe(
      'configmaps "cm" is forbidden: unable to create new content in namespace gone because it is being terminated',
    );
    expect(r.status?.details?.causes[0]).toMatchObject({ reason: 'NamespaceTerminating', field: 'metadata.namespace' });
  });

  it('allows deletes in a terminating namespace', async () => {
    expect((await admission.admit(request({ namespace: 'gone', operation: 'DELETE' }))).allowed).toBe(true);
  });

  it('refuses to delete the system namespaces', async () => {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const r = await admission.admit(
        request({
          operation: 'DELETE',
          namespace: '',
          name,
          resource: { group: '', version: 'v1', resource: 'namespaces' },
          kind: { group: '', version: 'v1', kind: 'Namespace' },
        }),
      );
      expect(r.status?.message).toBe(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
  });
});
