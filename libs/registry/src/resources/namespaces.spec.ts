import { type KubeObject, isStatusError } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeCreate, beforeUpdate } from '../metadata';
import { namespaceFinalizeStrategy, namespaces, namespaceStatusStrategy, namespaceStrategy } from './namespaces';

const now = new Date('2024-05-06T07:08:09Z');
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e.message;
    throw e;
  }
  return '';
}

describe('namespaces', () => {
  it('describes the resource as kube-apiserver does', () => {
    expect(namespaces).toMatchObject({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', listKind: 'NamespaceList', namespaced: false, shortNames: ['ns'] });
    expect(namespaces.subresources.map((s) => [s.name, s.verbs])).toEqual([
      ['finalize', ['update']],
      ['status', ['get', 'patch', 'update']],
    ]);
    expect(namespaces.strategy.returnDeletedObject).toBe(true);
  });

  it('defaults the name label and the phase', () => {
    const ns: KubeObject = { metadata: { name: 'team', labels: { a: 'b' } } };
    namespaceStrategy.applyDefaults(ns);
    expect(ns).toEqual({ metadata: { name: 'team', labels: { a: 'b', 'kubernetes.io/metadata.name': 'team' } }, spec: {}, status: { phase: 'Active' } });
  });

  it('adds the kubernetes finalizer and an Active status on create', () => {
    const ns: KubeObject = { metadata: { name: 'team' }, spec: { finalizers: ['example.com/x'] }, status: { phase: 'Terminating', conditions: [] } };
    beforeCreate(namespaces, ns, { namespace: '', now, uid: 'u' });
    expect(ns.spec).toEqual({ finalizers: ['example.com/x', 'kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(ns.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'team' });
  });

  it('requires a DNS-1123 label name and standard or qualified finalizers', () => {
    expect(message(() => beforeCreate(namespaces, { metadata: { name: 'Team' } }, { namespace: '', now, uid: 'u' }))).toBe(
      `Namespace "Team" is invalid: metadata.name: Invalid value: "Team": ${labelMsg}`,
    );
    expect(message(() => beforeCreate(namespaces, { metadata: { name: 'a.b' } }, { namespace: '', now, uid: 'u' }))).toBe(
      'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots',
    );
    expect(namespaceStrategy.validate({ metadata: { name: 'ok', finalizers: ['custom'] }, spec: { finalizers: ['bad'] } }).map((e) => `${e.field}: ${e.detail}`)).toEqual([
      'metadata.finalizers[0]: name is neither a standard finalizer name nor is it fully qualified',
      'spec.finalizers: name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('keeps spec.finalizers and status on the main endpoint', () => {
    const old: KubeObject = { metadata: { name: 'team', uid: 'u', resourceVersion: '2' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const obj: KubeObject = { metadata: { name: 'team', resourceVersion: '2', labels: { x: 'y' } }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
    beforeUpdate(namespaces, obj, old);
    expect(obj.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(obj.status).toEqual({ phase: 'Active' });
    expect(obj.metadata?.labels).toEqual({ x: 'y', 'kubernetes.io/metadata.name': 'team' });
  });

  it('lets namespaces/finalize change spec.finalizers only', () => {
    const old: KubeObject = { metadata: { name: 'team', uid: 'u', resourceVersion: '2', deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } };
    const obj: KubeObject = { metadata: { name: 'team', resourceVersion: '2' }, spec: { finalizers: [] }, status: { phase: 'Active' } };
    beforeUpdate(namespaces, obj, old, { subresource: 'finalize' });
    expect(obj.spec).toEqual({ finalizers: [] });
    expect(obj.status).toEqual({ phase: 'Terminating' });
    expect(namespaceFinalizeStrategy.validateUpdate({ ...obj, spec: { finalizers: ['x'] } }, old).map((e) => `${e.field}: ${e.detail}`)).toEqual([
      'spec.finalizers[0]: name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('checks the phase against deletionTimestamp on namespaces/status', () => {
    const old: KubeObject = { metadata: { name: 'team', uid: 'u', resourceVersion: '2', deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: {}, status: { phase: 'Terminating' } };
    const obj: KubeObject = { metadata: { name: 'team', resourceVersion: '2' }, spec: { finalizers: ['x'] }, status: { phase: 'Active' } };
    expect(message(() => beforeUpdate(namespaces, obj, old, { subresource: 'status' }))).toBe(
      "Namespace \"team\" is invalid: status.Phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty",
    );
    expect(obj.spec).toEqual({});
    expect(namespaceStatusStrategy.validateUpdate({ ...old }, old)).toEqual([]);
  });

  it('selects by status.phase and metadata.name', () => {
    const ns: KubeObject = { metadata: { name: 'team' }, status: { phase: 'Active' } };
    expect(namespaces.selectableFields(ns)).toEqual({ 'metadata.name': 'team', 'status.phase': 'Active', name: 'team' });
    expect(namespaces.convertFieldLabel('status.phase', 'Active')).toEqual({ label: 'status.phase', value: 'Active' });
    expect(namespaces.convertFieldLabel('metadata.namespace', 'x')).toEqual({ error: 'field label not supported: metadata.namespace' });
  });
});
