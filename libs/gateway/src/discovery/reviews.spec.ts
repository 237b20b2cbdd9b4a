// The review resources (TokenReview, SubjectAccessReview, …) store nothing but are listed by
// kube-apiserver 1.33 in every discovery document; these are the shapes it answers with.
import { defaultRegistry } from '@portico/registry';
import { describe, expect, it } from 'vitest';
import { OpenAPIService } from '../openapi/service';
import { AggregatedDiscovery } from './aggregated';
import { apiGroupDocument, apiGroupList, apiResourceList } from './legacy';

type Item = { metadata: { name?: string }; versions: { version: string; resources: Record<string, unknown>[]; freshness: string }[] };

const review = (resource: string, kind: string, scope = 'Cluster') => ({
  resource,
  responseKind: { group: '', version: '', kind },
  scope,
  singularResource: kind.toLowerCase(),
  verbs: ['create'],
});

const authentication = [review('selfsubjectreviews', 'SelfSubjectReview'), review('tokenreviews', 'TokenReview')];
const authorization = [
  review('localsubjectaccessreviews', 'LocalSubjectAccessReview', 'Namespaced'),
  review('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
  review('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
  review('subjectaccessreviews', 'SubjectAccessReview'),
];

describe('the review resources in discovery', () => {
  const registry = defaultRegistry();

  it('are listed in aggregated discovery (v2 and v2beta1) as kube-apiserver 1.33 lists them', () => {
    for (const version of ['v2', 'v2beta1'] as const) {
      const doc = new AggregatedDiscovery(registry).document('apis', version) as { items: Item[] };
      const names = doc.items.map((i) => i.metadata.name);
      // kube-aggregator priorities: apps 17800, events 17750, authentication 17700, authorization 17600, autoscaling 17500.
      expect(names.slice(0, 5)).toEqual(['apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling']);
      const authn = doc.items.find((i) => i.metadata.name === 'authentication.k8s.io');
      const authz = doc.items.find((i) => i.metadata.name === 'authorization.k8s.io');
      expect(authn).toEqual({
        metadata: { name: 'authentication.k8s.io', creationTimestamp: null },
        versions: [{ version: 'v1', resources: authentication, freshness: 'Current' }],
      });
      expect(authz).toEqual({
        metadata: { name: 'authorization.k8s.io', creationTimestamp: null },
        versions: [{ version: 'v1', resources: authorization, freshness: 'Current' }],
      });
      // Key order matters to byte-for-byte comparisons (and the ETag): no shortNames, categories or subresources.
      expect(Object.keys(authz?.versions[0]?.resources[0] ?? {})).toEqual(['resource', 'responseKind', 'scope', 'singularResource', 'verbs']);
    }
  });

  it('are listed in the legacy documents, without a storageVersionHash', () => {
    const groups = (apiGroupList(registry) as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(groups.slice(0, 5)).toEqual(['apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling']);
    expect(apiGroupDocument(registry, 'authorization.k8s.io')).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'authorization.k8s.io',
      versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' },
    });
    const legacy = (name: string, kind: string, namespaced = false) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['create'] });
    expect(JSON.stringify(apiResourceList(registry, 'authorization.k8s.io', 'v1'))).toBe(
      JSON.stringify({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authorization.k8s.io/v1',
        resources: [
          legacy('localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
          legacy('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
          legacy('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
          legacy('subjectaccessreviews', 'SubjectAccessReview'),
        ],
      }),
    );
    expect(JSON.stringify(apiResourceList(registry, 'authentication.k8s.io', 'v1'))).toBe(
      JSON.stringify({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authentication.k8s.io/v1',
        resources: [legacy('selfsubjectreviews', 'SelfSubjectReview'), legacy('tokenreviews', 'TokenReview')],
      }),
    );
  });

  it('are described in OpenAPI v3 with their create operations only', () => {
    const openapi = new OpenAPIService(registry, 'v1.33.0');
    expect([...openapi.documentHashes().keys()]).toEqual(expect.arrayContaining(['apis/authentication.k8s.io/v1', 'apis/authorization.k8s.io/v1']));
    const doc = openapi.documentV3('apis/authorization.k8s.io/v1') as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual([
      '/apis/authorization.k8s.io/v1/',
      '/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    ]);
    expect(Object.keys(doc.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'] ?? {})).toContain('post');
    // kubectl explain finds a kind by its x-kubernetes-group-version-kind.
    expect(doc.components.schemas['io.k8s.api.authorization.v1.SelfSubjectAccessReview']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', version: 'v1' }],
    });
  });

  it('are kept out of all(), which controllers and storage walk, but resolve for clients', () => {
    expect(registry.all().some((d) => d.group === 'authorization.k8s.io' || d.group === 'authentication.k8s.io')).toBe(false);
    expect(registry.lookup('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews')?.createOnly).toBe(true);
    expect(registry.resolve('selfsubjectaccessreview').map((d) => d.kind)).toEqual(['SelfSubjectAccessReview']);
  });
});
