import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeCreate, beforeUpdate } from '../metadata';
import { serviceaccounts } from './serviceaccounts';

const now = new Date(0);
const annotation = 'kubernetes.io/enforce-mountable-secrets';
const warning = `metadata.annotations[${annotation}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`;

describe('serviceaccounts', () => {
  it('describes the resource with its token subresource', () => {
    expect(serviceaccounts).toMatchObject({ resource: 'serviceaccounts', kind: 'ServiceAccount', singular: 'serviceaccount', shortNames: ['sa'] });
    expect(serviceaccounts.subresources).toEqual([{ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }]);
    expect(serviceaccounts.strategy.returnDeletedObject).toBe(true);
  });

  it('trims secret references to their name', () => {
    const sa: KubeObject = { metadata: { name: 'sa' }, secrets: [{ name: 'a', namespace: 'x', uid: 'y' }, { kind: 'Secret' }] };
    beforeCreate(serviceaccounts, sa, { namespace: 'ns', now, uid: 'u' });
    expect(sa.secrets).toEqual([{ name: 'a' }, {}]);
  });

  it('requires a DNS subdomain name', () => {
    expect(() => beforeCreate(serviceaccounts, { metadata: { name: 'Bad_Name' } }, { namespace: 'ns', now, uid: 'u' })).toThrow(
      /^ServiceAccount "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });

  it('warns when the deprecated annotation is newly set', () => {
    const withAnnotation: KubeObject = { metadata: { name: 'sa', annotations: { [annotation]: 'true' } } };
    expect(beforeCreate(serviceaccounts, withAnnotation, { namespace: 'ns', now, uid: 'u' }).warnings).toEqual([warning]);
    const old: KubeObject = { metadata: { name: 'sa', namespace: 'ns', uid: 'u', resourceVersion: '1' } };
    expect(beforeUpdate(serviceaccounts, { metadata: { name: 'sa', resourceVersion: '1', annotations: { [annotation]: 'true' } } }, old).warnings).toEqual([warning]);
    const oldWith: KubeObject = { metadata: { ...old.metadata, annotations: { [annotation]: 'true' } } };
    expect(beforeUpdate(serviceaccounts, { metadata: { name: 'sa', resourceVersion: '1', annotations: { [annotation]: 'true' } } }, oldWith).warnings).toEqual([]);
  });
});
