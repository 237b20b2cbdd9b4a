import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { customresourcedefinitions as crds } from './apiextensions';

const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } };
const crd = (spec: Record<string, unknown> = {}, name = 'foos.example.com'): KubeObject => ({
  metadata: { name },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'foos', kind: 'Foo' }, versions: [{ name: 'v1', served: true, storage: true, schema }], ...spec },
});
const dns1035 = `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`;

describe('customresourcedefinitions', () => {
  it('describes the resource', () => {
    expect(crds).toMatchObject({ shortNames: ['crd', 'crds'], categories: ['api-extensions'], namespaced: false });
    expect(crds.subresources.map((s) => s.name)).toEqual(['status']);
  });

  it('defaults names and conversion and records the storage version', () => {
    const { stored } = simulateCreate(crds, crd());
    expect(stored.spec).toMatchObject({ names: { plural: 'foos', kind: 'Foo', singular: 'foo', listKind: 'FooList' }, conversion: { strategy: 'None' } });
    expect(stored.status).toEqual({ acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
    expect(stored.metadata?.generation).toBe(1);
  });

  it('checks the name, group, scope, versions and schemas', () => {
    expect(
      writeErrors(() =>
        simulateCreate(crds, { metadata: { name: 'foo' }, spec: { group: 'example', scope: 'X', names: { plural: 'foos', kind: 'Foo' }, versions: [{ name: 'v1', served: true, storage: false }] } }),
      ),
    ).toEqual([
      'metadata.name: Invalid value: "foo": must be spec.names.plural+"."+spec.group',
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.scope: Unsupported value: "X": supported values: "Cluster", "Namespaced"',
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
      expect.stringMatching(/^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/),
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
    ]);
  });

  it('reports structural schema errors at spec.validation when all versions share the schema', () => {
    const bad = { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } };
    expect(writeErrors(() => simulateCreate(crds, crd({ versions: [{ name: 'v1', served: true, storage: true, schema: bad }] })))).toEqual([
      'spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
    ]);
    const worse = { openAPIV3Schema: { type: 'string', additionalProperties: true, properties: { a: {}, b: { type: 'array' } } } };
    expect(
      writeErrors(() =>
        simulateCreate(
          crds,
          crd({
            versions: [
              { name: 'v1', served: true, storage: true, schema: worse },
              { name: 'v2', served: true, storage: false, schema },
            ],
          }),
        ),
      ),
    ).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root',
      'spec.versions[0].schema.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields',
      'spec.versions[0].schema.openAPIV3Schema.properties[b].items: Required value: must be specified',
      'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root',
    ]);
  });

  it('checks names, conversion and preserveUnknownFields', () => {
    expect(
      writeErrors(() =>
        simulateCreate(
          crds,
          crd({
            names: { plural: 'foos', kind: 'FooList', listKind: 'FooList', shortNames: ['F'] },
            versions: [{ name: 'V1', served: true, storage: true, schema }],
            preserveUnknownFields: true,
            conversion: { strategy: 'Webhook' },
          }),
        ),
      ),
    ).toEqual([
      `spec.versions[0].name: Invalid value: "V1": ${dns1035}`,
      `spec.version: Invalid value: "V1": ${dns1035}`,
      `spec.names.shortNames[0]: Invalid value: "F": ${dns1035}`,
      'spec.names.listKind: Invalid value: "FooList": kind and listKind may not be the same',
      'spec.conversion.strategy: Invalid value: "Webhook": must be None if spec.preserveUnknownFields is true',
      'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
      'spec.conversion.conversionReviewVersions: Required value',
      'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    ]);
  });

  it('wants API approval for protected groups', () => {
    expect(writeErrors(() => simulateCreate(crds, crd({ group: 'x.k8s.io' }, 'foos.x.k8s.io')))).toEqual([
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    const approved = crd({ group: 'x.k8s.io' }, 'foos.x.k8s.io');
    approved.metadata = { ...approved.metadata, annotations: { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/1' } };
    expect(writeErrors(() => simulateCreate(crds, approved))).toEqual([]);
  });

  it('keeps group and plural, and adds new storage versions to status', () => {
    const { stored } = simulateCreate(crds, crd());
    const next = structuredClone(stored) as KubeObject & { spec: { group: string; names: { plural: string }; versions: Record<string, unknown>[] } };
    next.spec.group = 'example.org';
    next.spec.names.plural = 'bars';
    expect(writeErrors(() => simulateUpdate(crds, next, stored))).toEqual([
      'spec.group: Invalid value: "example.org": field is immutable',
      'spec.names.plural: Invalid value: "bars": field is immutable',
    ]);
    const v2 = structuredClone(stored) as KubeObject & { spec: { versions: Record<string, unknown>[] } };
    v2.spec.versions = [
      { name: 'v1', served: true, storage: false, schema },
      { name: 'v2', served: true, storage: true, schema },
    ];
    const updated = simulateUpdate(crds, v2, stored).stored;
    expect(updated.status).toMatchObject({ storedVersions: ['v1', 'v2'] });
    expect(updated.metadata?.generation).toBe(2);
  });

  it('validates accepted names on the status endpoint', () => {
    const { stored } = simulateCreate(crds, crd());
    expect(writeErrors(() => simulateUpdate(crds, { ...stored, status: { acceptedNames: { plural: 'Foos', kind: 'Foo' }, storedVersions: ['v1'] } }, stored, 'status'))).toEqual([
      `status.acceptedNames.plural: Invalid value: "Foos": ${dns1035}`,
    ]);
  });
});
