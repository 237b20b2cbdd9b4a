// Expected values from what kube-apiserver 1.33 publishes for a CRD under
// /openapi/v3/apis/<group>/<version> (apiextensions-apiserver pkg/controller/openapi/builder).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@portico/api';
import { customResourceOpenAPI, customResourceSchemaName } from './openapi';

const schema = {
  type: 'object',
  description: 'CronTab runs a job periodically.',
  properties: {
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
    spec: {
      type: 'object',
      example: { cronSpec: '* * * * *' },
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        replicas: { type: 'integer', default: 1, minimum: 0 },
        port: { 'x-kubernetes-int-or-string': true },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
        },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
      'x-kubernetes-validations': [{ rule: 'self.replicas <= 10', message: 'too many' }],
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' } } },
  },
};

const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com', uid: 'u1', resourceVersion: '5' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] },
    versions: [
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, selectableFields: [{ jsonPath: '.spec.cronSpec' }] },
      { name: 'v1beta1', served: true, storage: false },
    ],
  },
};

const metadataRef = {
  description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
};

describe('customResourceOpenAPI', () => {
  it('names definitions as gvkToModelName does', () => {
    expect(customResourceSchemaName('stable.example.com', 'v1', 'CronTab')).toBe('com.example.stable.v1.CronTab');
    const o = customResourceOpenAPI(crd, 'v1');
    expect(o.schemaName).toBe('com.example.stable.v1.CronTab');
    expect(Object.keys(o.schemas).sort()).toEqual(['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTabList']);
  });

  it('publishes the structural schema with TypeMeta, the ObjectMeta ref and the GVK', () => {
    const kind = customResourceOpenAPI(crd, 'v1').schemas['com.example.stable.v1.CronTab'];
    expect(kind?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    expect(kind?.['x-kubernetes-selectable-fields']).toEqual([{ fieldPath: 'spec.cronSpec' }]);
    const props = kind?.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(props).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(props.metadata).toEqual(metadataRef);
    expect(props.apiVersion?.type).toBe('string');
    expect(props.apiVersion?.description).toMatch(/^APIVersion defines the versioned schema of this representation of an object\. Servers should convert/);
    expect(props.kind?.description).toMatch(/^Kind is a string value representing the REST resource this object represents\./);
    const spec = props.spec as Record<string, unknown>;
    // example is not part of a structural schema; validations and extensions are kept.
    expect(spec.example).toBeUndefined();
    expect(spec['x-kubernetes-validations']).toEqual([{ rule: 'self.replicas <= 10', message: 'too many' }]);
    const specProps = spec.properties as Record<string, Record<string, unknown>>;
    expect(specProps.replicas).toEqual({ type: 'integer', default: 1, minimum: 0 });
    expect(specProps.ports?.['x-kubernetes-list-type']).toBe('map');
    expect(specProps.ports?.['x-kubernetes-list-map-keys']).toEqual(['name']);
    // Unfold: int-or-string says what it accepts.
    expect(specProps.port).toEqual({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });
    // Embedded resources get apiVersion, kind and metadata, and require the first two.
    const template = specProps.template as Record<string, unknown>;
    expect(Object.keys(template.properties as object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(template.required).toEqual(['kind', 'apiVersion']);
  });

  it('publishes a schema-less version as a bare object', () => {
    const kind = customResourceOpenAPI(crd, 'v1beta1').schemas['com.example.stable.v1beta1.CronTab'];
    expect(kind).toEqual({ type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1beta1' }] });
  });

  it('builds the list definition as buildListSchema does', () => {
    const list = customResourceOpenAPI(crd, 'v1').schemas['com.example.stable.v1.CronTabList'];
    expect(list?.description).toBe('CronTabList is a list of CronTab');
    expect(list?.required).toEqual(['items']);
    expect(list?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }]);
    const props = list?.properties as Record<string, Record<string, unknown>>;
    expect(props.items).toEqual({
      description: 'List of crontabs. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md',
      type: 'array',
      items: { $ref: '#/components/schemas/com.example.stable.v1.CronTab' },
    });
    expect(props.metadata?.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' }]);
  });
});
