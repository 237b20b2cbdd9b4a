import type { AdmissionRequest, GetRequest, GetResponse, ListRequest, ListResponse, StorageServicePort } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { admissionRequest, readOnlyStorage } from '../testing/fixtures';

type Store = Record<string, object[]>;

function fakeStorage(store: Store): StorageServicePort {
  const list = async (req: ListRequest): Promise<ListResponse> => {
    const items = (store[req.ref?.resource ?? ''] ?? []).filter((o) => {
      if (req.labelSelector === '') return true;
      const [k, v] = req.labelSelector.split('=');
      return (o as { metadata: { labels?: Record<string, string> } }).metadata.labels?.[k ?? ''] === v;
    });
    return { items: items.map((o) => Buffer.from(JSON.stringify(o))), resourceVersion: '3', continue: '', status: undefined };
  };
  const get = async (req: GetRequest): Promise<GetResponse> => {
    const o = (store[req.ref?.resource ?? ''] ?? []).find((x) => {
      const m = (x as { metadata: { name: string; namespace?: string } }).metadata;
      return m.name === req.ref?.name && (m.namespace ?? '') === req.ref?.namespace;
    });
    if (o === undefined) return { object: Buffer.alloc(0), status: { code: 404, reason: 'NotFound', message: 'not found', details: undefined } };
    return { object: Buffer.from(JSON.stringify(o)), status: undefined };
  };
  return readOnlyStorage(get, list);
}

const deployment = (replicas: number, labels: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team', labels },
  spec: { replicas, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

const request = (obj: object, over: Partial<AdmissionRequest> = {}): AdmissionRequest =>
  admissionRequest({
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    resource: { group: 'apps', version: 'v1', resource: 'deployments' },
    name: 'web',
    object: Buffer.from(JSON.stringify(obj)),
    user: { username: 'jane', uid: '', groups: [], extra: {} },
    ...over,
  });

const matchDeployments = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] };

const policy = (name: string, spec: object) => ({ metadata: { name }, spec: { matchConstraints: matchDeployments, ...spec } });
const binding = (name: string, policyName: string, spec: object = {}) => ({ metadata: { name }, spec: { policyName, validationActions: ['Deny'], ...spec } });

const namespaces = [
  { metadata: { name: 'team', labels: { env: 'prod' } } },
  { metadata: { name: 'dev', labels: { env: 'dev' } } },
];

const service = (store: Store) => createAdmissionService({ storage: fakeStorage({ namespaces, ...store }) });

const replicaLimit = policy('replica-limit', { validations: [{ expression: 'object.spec.replicas <= 5', message: 'replicas must be no greater than 5' }] });

describe('ValidatingAdmissionPolicy', () => {
  it('denies a Deployment with too many replicas with the exact message', async () => {
    const a = service({ validatingadmissionpolicies: [replicaLimit], validatingadmissionpolicybindings: [binding('replica-limit-binding', 'replica-limit')] });
    expect((await a.validate(request(deployment(3)))).allowed).toBe(true);
    const res = await a.validate(request(deployment(10)));
    expect(res.allowed).toBe(false);
    expect(res.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be no greater than 5",
    });
  });

  it('does nothing without a binding, or for resources outside matchConstraints', async () => {
    expect((await service({ validatingadmissionpolicies: [replicaLimit] }).validate(request(deployment(10)))).allowed).toBe(true);
    const a = service({ validatingadmissionpolicies: [replicaLimit], validatingadmissionpolicybindings: [binding('b', 'replica-limit')] });
    const cm = request({ metadata: { name: 'x' } }, { resource: { group: '', version: 'v1', resource: 'configmaps' } });
    expect((await a.validate(cm)).allowed).toBe(true);
  });

  it('uses messageExpression, reason, variables and matchConditions', async () => {
    const p = policy('p', {
      variables: [{ name: 'limit', expression: '3' }],
      matchConditions: [{ name: 'not-exempt', expression: '!has(object.metadata.labels) || !("exempt" in object.metadata.labels)' }],
      validations: [
        {
          expression: 'object.spec.replicas <= variables.limit',
          messageExpression: '"replicas " + string(object.spec.replicas) + " over " + string(variables.limit)',
          reason: 'Forbidden',
        },
      ],
    });
    const a = service({ validatingadmissionpolicies: [p], validatingadmissionpolicybindings: [binding('b', 'p')] });
    const res = await a.validate(request(deployment(4)));
    expect(res.status).toMatchObject({ code: 403, reason: 'Forbidden', message: "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: replicas 4 over 3" });
    expect((await a.validate(request(deployment(4, { exempt: 'yes' })))).allowed).toBe(true);
  });

  it('warns and audits per validationActions', async () => {
    const a = service({
      validatingadmissionpolicies: [replicaLimit],
      validatingadmissionpolicybindings: [binding('b', 'replica-limit', { validationActions: ['Warn', 'Audit'] })],
    });
    const res = await a.validate(request(deployment(10)));
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual(["Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding 'b': replicas must be no greater than 5"]);
    expect(JSON.parse(res.auditAnnotations['validation.policy.admission.k8s.io/validation_failure'] ?? '[]')).toEqual([
      { message: 'replicas must be no greater than 5', policy: 'replica-limit', binding: 'b', expressionIndex: 0, validationActions: ['Warn', 'Audit'] },
    ]);
  });

  it('reads params through paramRef, per binding', async () => {
    const p = policy('param-limit', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', messageExpression: '"at most " + params.data.maxReplicas' }],
    });
    const a = service({
      validatingadmissionpolicies: [p],
      validatingadmissionpolicybindings: [binding('b', 'param-limit', { paramRef: { name: 'limits', namespace: 'policy', parameterNotFoundAction: 'Deny' } })],
      configmaps: [{ metadata: { name: 'limits', namespace: 'policy' }, data: { maxReplicas: '2' } }],
    });
    expect((await a.validate(request(deployment(2)))).allowed).toBe(true);
    expect((await a.validate(request(deployment(3)))).status?.message).toBe("ValidatingAdmissionPolicy 'param-limit' with binding 'b' denied request: at most 2");
    const missing = service({
      validatingadmissionpolicies: [p],
      validatingadmissionpolicybindings: [binding('b', 'param-limit', { paramRef: { name: 'nope', namespace: 'policy', parameterNotFoundAction: 'Deny' } })],
    });
    expect((await missing.validate(request(deployment(1)))).status?.message).toBe(
      "ValidatingAdmissionPolicy 'param-limit' with binding 'b' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
    );
  });

  it('applies failurePolicy to evaluation errors', async () => {
    const broken = (failurePolicy: string) => policy('broken', { failurePolicy, validations: [{ expression: 'object.spec.nothing.here == 1' }] });
    const fail = await service({ validatingadmissionpolicies: [broken('Fail')], validatingadmissionpolicybindings: [binding('b', 'broken')] }).validate(request(deployment(1)));
    expect(fail.status?.message).toMatch(/^ValidatingAdmissionPolicy 'broken' with binding 'b' denied request: expression 'object.spec.nothing.here == 1' resulted in error: /);
    const ignore = await service({ validatingadmissionpolicies: [broken('Ignore')], validatingadmissionpolicybindings: [binding('b', 'broken')] }).validate(request(deployment(1)));
    expect(ignore.allowed).toBe(true);
  });

  it('narrows by the binding matchResources namespaceSelector', async () => {
    const a = service({
      validatingadmissionpolicies: [replicaLimit],
      validatingadmissionpolicybindings: [binding('b', 'replica-limit', { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } })],
    });
    expect((await a.validate(request(deployment(10)))).allowed).toBe(false);
    expect((await a.validate(request({ ...deployment(10), metadata: { name: 'web', namespace: 'dev' } }, { namespace: 'dev' }))).allowed).toBe(true);
  });

  it('records audit annotations from auditAnnotations', async () => {
    const p = policy('audited', { validations: [{ expression: 'true' }], auditAnnotations: [{ key: 'replicas', valueExpression: '"r=" + string(object.spec.replicas)' }] });
    const res = await service({ validatingadmissionpolicies: [p], validatingadmissionpolicybindings: [binding('b', 'audited')] }).validate(request(deployment(7)));
    expect(res.auditAnnotations).toEqual({ 'audited/replicas': 'r=7' });
  });
});

describe('CEL compile checks at creation', () => {
  it('refuses a policy whose expression does not compile with 422', async () => {
    const bad = { metadata: { name: 'bad' }, spec: { validations: [{ expression: 'object.spec.replicas <=' }] } };
    const res = await service({}).validate(
      request(bad, {
        kind: { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicy' },
        resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies' },
        namespace: '',
        name: 'bad',
      }),
    );
    expect(res.status?.code).toBe(422);
    expect(res.status?.message).toMatch(
      /^ValidatingAdmissionPolicy.admissionregistration.k8s.io "bad" is invalid: spec.validations\[0\].expression: Invalid value: "object.spec.replicas <=": compilation failed: /,
    );
  });

  it('refuses a webhook configuration with a bad matchCondition', async () => {
    const bad = { metadata: { name: 'bad' }, webhooks: [{ name: 'a.b.c', matchConditions: [{ name: 'x', expression: '1 +' }] }] };
    const res = await service({}).validate(
      request(bad, {
        kind: { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingWebhookConfiguration' },
        resource: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' },
        namespace: '',
        name: 'bad',
      }),
    );
    expect(res.status?.details?.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'webhooks[0].matchConditions[0].expression' });
  });
});
