// Expected values from kube-apiserver 1.33 serving the CronTab CRD below
// (apiextensions-apiserver customresource_handler.go, pkg/registry/customresource).
import { describe, expect, it } from 'vitest';
import { isStatusError, type JsonObject, type KubeObject } from '@portico/api';
import { resourceVersionForUpdate } from '../metadata';
import { applyPatchType, decodePatchBody, mergePatchType, patchObject, type PatchContext, type PatchType } from '../patch/patch-object';
import { findUnknownFields } from '../patch/unknown-fields';
import { customresourcedefinitions } from '../resources/apiextensions';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { customResourceDescriptors, customResourceSchema } from './custom-resource';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        cronSpec: { type: 'string' },
        image: { type: 'string' },
        replicas: { type: 'integer', default: 1, minimum: 0 },
        color: { type: 'string' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } },
        },
      },
      'x-kubernetes-validations': [{ rule: 'self.replicas <= 10', message: 'replicas must be at most 10' }],
    },
    status: {
      type: 'object',
      properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } },
    },
  },
};

function cronTabCRD(overrides: { conversion?: unknown; scope?: string; acceptedNames?: unknown; v1Subresources?: unknown } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com', uid: 'crd-uid', resourceVersion: '42' },
    spec: {
      group: 'stable.example.com',
      scope: overrides.scope ?? 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] },
      conversion: overrides.conversion ?? { strategy: 'None' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: overrides.v1Subresources ?? {
            status: {},
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
          },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          selectableFields: [{ jsonPath: '.spec.color' }],
        },
        { name: 'v1beta1', served: true, storage: false, deprecated: true, schema: { openAPIV3Schema: schema } },
        { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: schema } },
      ],
    },
    status: overrides.acceptedNames === undefined ? {} : { acceptedNames: overrides.acceptedNames },
  };
}

const descs = (crd = cronTabCRD()) => customResourceDescriptors(crd);
const v1 = (crd = cronTabCRD()) => descs(crd)[0] as NonNullable<ReturnType<typeof descs>[number]>;
const v1beta1 = (crd = cronTabCRD()) => descs(crd)[1] as NonNullable<ReturnType<typeof descs>[number]>;

const cronTab = (extra: Record<string, unknown> = {}, apiVersion = 'stable.example.com/v1'): KubeObject => ({
  apiVersion,
  kind: 'CronTab',
  metadata: { name: 'my-cron', namespace: 'default' },
  spec: { cronSpec: '* * * * */5', image: 'cron:1', replicas: 3 },
  ...extra,
});

describe('customResourceDescriptors: the served versions', () => {
  it('serves one descriptor per served version, named from spec.names until names are accepted', () => {
    const d = descs();
    expect(d.map((x) => `${x.group}/${x.version}/${x.resource}`)).toEqual(['stable.example.com/v1/crontabs', 'stable.example.com/v1beta1/crontabs']);
    const x = d[0];
    expect(x).toMatchObject({
      kind: 'CronTab',
      listKind: 'CronTabList',
      singular: 'crontab',
      namespaced: true,
      shortNames: ['ct'],
      categories: ['all'],
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      storage: { group: 'stable.example.com', resource: 'crontabs' },
      priority: { group: 1000, version: 100 },
    });
    expect(x?.subresources.map((s) => [s.name, `${s.kind.group}/${s.kind.version}/${s.kind.kind}`, s.verbs.join(','), s.strategy !== undefined])).toEqual([
      ['status', 'stable.example.com/v1/CronTab', 'get,patch,update', true],
      ['scale', 'autoscaling/v1/Scale', 'get,patch,update', false],
    ]);
    expect(d[1]?.subresources).toEqual([]);
  });

  it('takes status.acceptedNames once set', () => {
    const d = v1(cronTabCRD({ acceptedNames: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['cron'] } }));
    expect(d.shortNames).toEqual(['cron']);
    expect(d.categories).toEqual([]);
  });

  it('describes the custom resource for the gateway', () => {
    expect(v1().customResource).toEqual({
      crdName: 'crontabs.stable.example.com',
      crdUID: 'crd-uid',
      storageVersion: 'v1',
      conversion: { strategy: 'None' },
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    });
    expect(v1beta1().customResource?.deprecationWarning).toBe('stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab');
    const webhook = { strategy: 'Webhook', webhook: { clientConfig: { url: 'https://conv.example.com/convert' }, conversionReviewVersions: ['v1'] } };
    const w = v1beta1(cronTabCRD({ conversion: webhook }));
    expect(w.customResource?.conversion).toEqual({ strategy: 'Webhook', clientConfig: { url: 'https://conv.example.com/convert' }, conversionReviewVersions: ['v1'] });
    // The gateway converts through the webhook.
    expect(w.toStorage).toBeUndefined();
  });

  it('rewrites apiVersion only between a None-converted version and the storage version', () => {
    expect(v1().toStorage).toBeUndefined();
    const d = v1beta1();
    expect(d.toStorage?.(cronTab({}, 'stable.example.com/v1beta1')).apiVersion).toBe('stable.example.com/v1');
    expect(d.fromStorage?.(cronTab()).apiVersion).toBe('stable.example.com/v1beta1');
  });

  it('brings its OpenAPI definitions and printer columns', () => {
    expect(v1().openapi?.schemaName).toBe('com.example.stable.v1.CronTab');
    expect(v1().tableConvertor?.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Spec', 'Replicas', 'Age']);
    expect(v1beta1().tableConvertor?.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
  });
});

describe('field selectors', () => {
  it('selects on metadata and the version’s selectableFields', () => {
    const d = v1();
    expect(d.selectableFields(cronTab({ spec: { color: 'blue' } }))).toEqual({ 'metadata.name': 'my-cron', 'metadata.namespace': 'default', 'spec.color': 'blue' });
    expect(d.selectableFields(cronTab())).toEqual({ 'metadata.name': 'my-cron', 'metadata.namespace': 'default', 'spec.color': '' });
    expect(d.convertFieldLabel('spec.color', 'blue')).toEqual({ label: 'spec.color', value: 'blue' });
    expect(d.convertFieldLabel('spec.image', 'x')).toEqual({ error: 'field label not supported: spec.image' });
    expect(v1beta1().convertFieldLabel('spec.color', 'x')).toEqual({ error: 'field label not supported: spec.color' });
  });

  it('does not select cluster-scoped resources by namespace', () => {
    const d = v1(cronTabCRD({ scope: 'Cluster' }));
    expect(d.namespaced).toBe(false);
    expect(d.convertFieldLabel('metadata.namespace', 'x')).toEqual({ error: 'field label not supported: metadata.namespace' });
  });
});

describe('the strategy', () => {
  it('has the custom resource store’s policy', () => {
    expect(v1().strategy).toMatchObject({
      tracksGeneration: true,
      allowCreateOnUpdate: false,
      allowUnconditionalUpdate: false,
      returnDeletedObject: false,
      defaultGarbageCollectionPolicy: 'DeleteDependents',
    });
    const stored = simulateCreate(v1(), cronTab()).stored;
    expect(writeErrors(() => resourceVersionForUpdate(v1(), cronTab(), stored))).toEqual(['metadata.resourceVersion: Invalid value: 0x0: must be specified for an update']);
  });

  it('creates: prunes, defaults, drops status, starts generation at 1', () => {
    const { stored } = simulateCreate(v1(), cronTab({ spec: { cronSpec: 'x', unknown: 1, ports: [{ name: 'http' }] }, status: { replicas: 5 }, extra: true }));
    expect(stored.spec).toEqual({ cronSpec: 'x', replicas: 1, ports: [{ name: 'http', port: 80 }] });
    expect(stored.status).toBeUndefined();
    expect(stored.extra).toBeUndefined();
    expect(stored.metadata?.generation).toBe(1);
  });

  it('reports the fields pruning drops, for strict field validation', () => {
    const o = cronTab({ spec: { cronSpec: 'x', foo: 1 }, bar: 2 });
    expect(customResourceSchema(v1())?.prune(o).sort()).toEqual(['bar', 'spec.foo']);
  });

  it('validates the schema, CEL rules and scale paths', () => {
    expect(writeErrors(() => simulateCreate(v1(), cronTab({ spec: { replicas: 11 } })))).toEqual(['spec: Invalid value: "object": replicas must be at most 10']);
    const errs = writeErrors(() => simulateCreate(v1(), cronTab({ spec: { replicas: -1 } })));
    expect(errs).toContain('.spec.replicas: Invalid value: -1: should be a non-negative integer');
    expect(writeErrors(() => simulateCreate(v1(), { ...cronTab(), metadata: { name: 'Bad_Name', namespace: 'default' } }))).toEqual([
      "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(writeErrors(() => simulateCreate(v1(), cronTab({ kind: 'Other' })))).toEqual(['kind: Invalid value: "Other": must be CronTab']);
  });

  it('checks the scale status paths on the status endpoint', () => {
    const stored = simulateCreate(v1(), cronTab()).stored;
    const bad = { ...structuredClone(stored), status: { replicas: 'two', selector: 3 } };
    expect(writeErrors(() => simulateUpdate(v1(), bad, stored, 'status'))).toEqual([
      'status.replicas: Invalid value: "string": status.replicas in body must be of type integer: "string"',
      'status.selector: Invalid value: "integer": status.selector in body must be of type string: "integer"',
      '.status.replicas: Invalid value: 0: .status.replicas accessor error: two is of the type string, expected int64',
      '.status.selector: Invalid value: "": .status.selector accessor error: 3 is of the type int64, expected string',
      // Type errors block the CEL rules (hasBlockingErr).
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('updates: the main endpoint keeps the stored status; spec changes bump the generation', () => {
    const d = v1();
    const stored = simulateCreate(d, cronTab()).stored;
    stored.status = { replicas: 2 };
    const noSpecChange = simulateUpdate(d, { ...structuredClone(stored), status: { replicas: 9 } }, stored).stored;
    expect(noSpecChange.status).toEqual({ replicas: 2 });
    expect(noSpecChange.metadata?.generation).toBe(1);
    const specChange = simulateUpdate(d, { ...structuredClone(stored), spec: { ...(stored.spec as object), image: 'cron:2' } }, stored).stored;
    expect(specChange.metadata?.generation).toBe(2);
  });

  it('updates status alone on the status endpoint', () => {
    const d = v1();
    const stored = simulateCreate(d, cronTab()).stored;
    const input = structuredClone(stored);
    input.spec = { ...(stored.spec as object), image: 'changed' };
    input.metadata = { ...input.metadata, labels: { a: 'b' } };
    input.status = { replicas: 3, phase: 'Running' };
    const out = simulateUpdate(d, input, stored, 'status').stored;
    expect(out.status).toEqual({ replicas: 3, phase: 'Running' });
    expect((out.spec as Record<string, unknown>).image).toBe('cron:1');
    expect(out.metadata?.labels).toBeUndefined();
    expect(out.metadata?.generation).toBe(1);
  });

  it('counts status changes in the generation when status is not a subresource', () => {
    const d = v1(cronTabCRD({ v1Subresources: {} }));
    expect(d.subresources).toEqual([]);
    const stored = simulateCreate(d, cronTab({ status: { phase: 'New' } })).stored;
    expect(stored.status).toEqual({ phase: 'New' });
    const out = simulateUpdate(d, { ...structuredClone(stored), status: { phase: 'Running' } }, stored).stored;
    expect(out.metadata?.generation).toBe(2);
    const both = simulateUpdate(d, { ...structuredClone(stored), spec: { replicas: 4 }, status: { phase: 'Running' } }, stored).stored;
    expect(both.metadata?.generation).toBe(2);
  });

  it('stores other versions in the storage version and validates them with their own schema', () => {
    const d = v1beta1();
    const { stored, served, warnings } = simulateCreate(d, cronTab({}, 'stable.example.com/v1beta1'));
    expect(stored.apiVersion).toBe('stable.example.com/v1');
    expect(served.apiVersion).toBe('stable.example.com/v1beta1');
    expect(warnings).toEqual([]);
  });

  it('warns about finalizers that are not domain-qualified', () => {
    const { warnings } = simulateCreate(v1(), { ...cronTab(), metadata: { name: 'a', namespace: 'default', finalizers: ['example.com', 'kubernetes', 'plain', 'example.com/ok'] } });
    expect(warnings).toEqual([
      'metadata.finalizers: "example.com": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers',
      'metadata.finalizers: "plain": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers',
    ]);
  });
});

describe('patches of custom resources', () => {
  const patchCtx = (desc: ReturnType<typeof v1>, type: PatchType, body: unknown, o: Partial<PatchContext> = {}): PatchContext => ({
    desc,
    subresource: '',
    namespace: 'default',
    name: 'my-cron',
    patch: decodePatchBody(type, Buffer.from(JSON.stringify(body))),
    fieldValidation: 'Strict',
    fieldManager: 'tester',
    force: false,
    now: () => new Date('2025-01-01T00:00:00Z'),
    ...o,
  });
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (isStatusError(e)) return e.status.message ?? '';
      throw e;
    }
    return '';
  };

  it('merges x-kubernetes-list-type map lists by key in server-side apply', () => {
    const d = v1();
    const base = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'my-cron', namespace: 'default' } };
    const first = patchObject(patchCtx(d, applyPatchType, { ...base, spec: { ports: [{ name: 'http', port: 80 }] } }, { fieldManager: 'a' }), undefined).object;
    const second = patchObject(patchCtx(d, applyPatchType, { ...base, spec: { ports: [{ name: 'https', port: 443 }] } }, { fieldManager: 'b' }), first).object;
    expect((second.spec as { ports: unknown }).ports).toEqual([
      { name: 'http', port: 80 },
      { name: 'https', port: 443 },
    ]);
    expect(second.metadata?.managedFields?.map((m) => m.manager)).toEqual(['a', 'b']);
  });

  it('reports the fields pruning would drop per fieldValidation', () => {
    const d = v1();
    const stored = simulateCreate(d, cronTab()).stored;
    expect(message(() => patchObject(patchCtx(d, mergePatchType, { spec: { foo: 1 } }), stored))).toMatch(/strict decoding error: unknown field "spec.foo"$/);
    const warned = patchObject(patchCtx(d, mergePatchType, { spec: { foo: 1 } }, { fieldValidation: 'Warn' }), stored);
    expect(warned.warnings).toEqual(['unknown field "spec.foo"']);
    expect((warned.object.spec as Record<string, unknown>).foo).toBeUndefined();
    expect(findUnknownFields(d, { ...cronTab(), spec: { b: 1, a: 2 } } as unknown as JsonObject)).toEqual(['spec.a', 'spec.b']);
  });
});

describe('CRD creation checks of defaults and rules', () => {
  const crdWith = (versions: unknown[]): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: { group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab' }, versions },
  });
  const badDefault = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer', default: 'x' } } } } };
  const badRule = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.nope > 1' }] } } };
  const fields = (crd: KubeObject) => writeErrors(() => simulateCreate(customresourcedefinitions, crd, '')).map((e) => e.split(': ')[0]);

  it('names spec.validation when every version shares the schema', () => {
    expect(fields(crdWith([{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: badRule } }]))).toEqual([
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule',
    ]);
    expect(fields(crdWith([{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: badDefault } }]))).toEqual([
      'spec.validation.openAPIV3Schema.properties[spec].properties[replicas].default',
    ]);
  });

  it('names spec.versions[i].schema otherwise', () => {
    const crd = crdWith([
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: badRule } },
      { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: badDefault } },
    ]);
    expect(fields(crd)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule',
      'spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[replicas].default',
    ]);
  });
});
