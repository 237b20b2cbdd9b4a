import { describe, expect, it } from 'vitest';
import { type FieldError, fieldErrorString } from './field-errors';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateFieldManager,
  validateLabels,
  validateManagedFields,
  validateNoNewFinalizers,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
  validatePathSegmentName,
} from './validation';

const strings = (errs: FieldError[]) => errs.map(fieldErrorString);

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const nameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('Is* checks', () => {
  it('IsDNS1123Subdomain', () => {
    for (const ok of ['a', 'ab', 'a-b', 'a.b', '0', 'a.b.c-d.e', 'a'.repeat(253)]) expect(isDNS1123Subdomain(ok)).toEqual([]);
    expect(isDNS1123Subdomain('Foo')).toEqual([subdomainMsg]);
    expect(isDNS1123Subdomain('a..b')).toEqual([subdomainMsg]);
    expect(isDNS1123Subdomain('-a')).toEqual([subdomainMsg]);
    expect(isDNS1123Subdomain('')).toEqual([subdomainMsg]);
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });

  it('IsDNS1123Label', () => {
    for (const ok of ['a', 'a-b', '1', 'a'.repeat(63)]) expect(isDNS1123Label(ok)).toEqual([]);
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('A')).toEqual([labelMsg]);
    expect(isDNS1123Label('a-')).toEqual([labelMsg]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(isDNS1123Label(`${'a'.repeat(64)}_`)).toEqual(['must be no more than 63 characters', labelMsg]);
  });

  it('IsDNS1035Label', () => {
    expect(isDNS1035Label('abc-123')).toEqual([]);
    expect(isDNS1035Label('1abc')).toEqual([dns1035Msg]);
    expect(isDNS1035Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('IsQualifiedName', () => {
    for (const ok of ['a', 'A', 'a.b_c-d', 'example.com/MyName', 'k8s.io/x']) expect(isQualifiedName(ok)).toEqual([]);
    expect(isQualifiedName('')).toEqual(['name part must be non-empty', nameMsg]);
    expect(isQualifiedName('/a')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('Example.com/a')).toEqual([`prefix part ${subdomainMsg}`]);
    expect(isQualifiedName('a_')).toEqual([nameMsg]);
    expect(isQualifiedName('a'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(isQualifiedName('a/b/c')).toEqual([
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it('IsValidLabelValue', () => {
    for (const ok of ['', 'a', 'A-b_c.d', 'a'.repeat(63)]) expect(isValidLabelValue(ok)).toEqual([]);
    expect(isValidLabelValue('-a')).toEqual([labelValueMsg]);
    expect(isValidLabelValue('a b')).toEqual([labelValueMsg]);
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('IsConfigMapKey', () => {
    for (const ok of ['a', '.a', 'a.b', 'A_B-c.d', '..a'.slice(1)]) expect(isConfigMapKey(ok)).toEqual([]);
    expect(isConfigMapKey('a/b')).toEqual([
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(isConfigMapKey('.')).toEqual(["must not be '.'"]);
    expect(isConfigMapKey('..')).toEqual(["must not be '..'"]);
    expect(isConfigMapKey('..a')).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });

  it('path segment names', () => {
    expect(isValidPathSegmentName('.')).toEqual(["may not be '.'"]);
    expect(isValidPathSegmentName('..')).toEqual(["may not be '..'"]);
    expect(isValidPathSegmentName('a/b%c')).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(validatePathSegmentName('..', true)).toEqual([]);
    expect(validatePathSegmentName('Any Name', false)).toEqual([]);
  });

  it('name validators allow a trailing dash in a generateName', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toEqual([subdomainMsg]);
    expect(nameIsDNSLabel('a-', true)).toEqual([]);
    // Go's maskTrailingDash drops two characters: "x.-" becomes "xa", which is a label.
    expect(nameIsDNSLabel('x.-', true)).toEqual([]);
  });
});

describe('labels and annotations', () => {
  it('reports keys and values on the map path', () => {
    expect(strings(validateLabels({ 'a b': 'ok', good: 'bad value' }, 'metadata.labels'))).toEqual([
      `metadata.labels: Invalid value: "a b": ${nameMsg}`,
      `metadata.labels: Invalid value: "bad value": ${labelValueMsg}`,
    ]);
    expect(validateLabels(undefined, 'metadata.labels')).toEqual([]);
  });

  it('checks annotation keys case-insensitively and caps their size at 256 KiB', () => {
    expect(validateAnnotations({ 'Example.COM/Key': 'x' }, 'metadata.annotations')).toEqual([]);
    expect(strings(validateAnnotations({ 'a b': 'x' }, 'metadata.annotations'))).toEqual([`metadata.annotations: Invalid value: "a b": ${nameMsg}`]);
    const big = { a: 'x'.repeat(256 * 1024) };
    expect(strings(validateAnnotations(big, 'metadata.annotations'))).toEqual(['metadata.annotations: Too long: may not be more than 262144 bytes']);
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, 'metadata.annotations')).toEqual([]);
  });
});

describe('owner references', () => {
  it('requires apiVersion, kind, name and uid', () => {
    expect(strings(validateOwnerReferences([{ apiVersion: '', kind: '', name: '', uid: '' }], 'metadata.ownerReferences'))).toEqual([
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    expect(strings(validateOwnerReferences([{ apiVersion: 'apps/', kind: 'K', name: 'n', uid: 'u' }], 'm'))).toEqual([
      'm.apiVersion: Invalid value: "apps/": version must not be empty',
    ]);
  });

  it('bans events as owners', () => {
    expect(strings(validateOwnerReferences([{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }], 'm'))).toEqual([
      'm: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    ]);
  });

  it('allows one controller', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
    ];
    const [err] = strings(validateOwnerReferences(refs, 'metadata.ownerReferences'));
    expect(err).toMatch(/^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"apps\/v1", Kind:"ReplicaSet", Name:"a", UID:"1", Controller:\(\*bool\)\(0x[0-9a-f]+\)/);
    expect(err).toMatch(/: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/a and ReplicaSet\/b$/);
  });
});

describe('finalizers', () => {
  it('forbids new finalizers once deleting', () => {
    expect(strings(validateNoNewFinalizers(['a', 'c', 'b'], ['a'], 'metadata.finalizers'))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "c"}',
    ]);
    expect(validateNoNewFinalizers(['a'], ['a', 'b'], 'f')).toEqual([]);
  });
});

describe('managed fields', () => {
  it('checks operation, fieldsType, manager and subresource', () => {
    expect(
      strings(
        validateManagedFields(
          [{ operation: 'Apply', fieldsType: 'FieldsV1', manager: 'kubectl' }, { operation: 'Patch' as 'Apply', fieldsType: 'FieldsV2', manager: 'a\u0007', subresource: 'x'.repeat(257) }],
          'metadata.managedFields',
        ),
      ),
    ).toEqual([
      'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[1].manager: Invalid value: "a\\a": invalid character U+0007 (at position 1)',
      'metadata.managedFields[1].subresource: Too long: may not be more than 256 bytes',
    ]);
    expect(strings(validateFieldManager('m'.repeat(129), 'fieldManager'))).toEqual(['fieldManager: Too long: may not be more than 128 bytes']);
  });
});

describe('validateObjectMeta', () => {
  const opts = { namespaced: true, nameValidator: nameIsDNSSubdomain };

  it('requires a name or generateName and a namespace', () => {
    expect(strings(validateObjectMeta({}, opts))).toEqual([
      'metadata.name: Required value: name or generateName is required',
      'metadata.namespace: Required value',
    ]);
  });

  it('forbids a namespace on cluster-scoped kinds', () => {
    expect(strings(validateObjectMeta({ name: 'a', namespace: 'b' }, { namespaced: false, nameValidator: nameIsDNSLabel }))).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it('validates name, generateName and namespace', () => {
    expect(strings(validateObjectMeta({ name: 'A', generateName: 'Bx-', namespace: 'x.y' }, opts))).toEqual([
      `metadata.generateName: Invalid value: "Bx-": ${subdomainMsg}`,
      `metadata.name: Invalid value: "A": ${subdomainMsg}`,
      'metadata.namespace: Invalid value: "x.y": must not contain dots',
    ]);
  });

  it('checks generation, labels, annotations, owners, finalizers and managed fields', () => {
    const errs = strings(
      validateObjectMeta(
        {
          name: 'a',
          namespace: 'n',
          generation: -1,
          labels: { a: '-' },
          annotations: { '-': 'x' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }],
          finalizers: ['orphan', 'foregroundDeletion', 'bad name'],
          managedFields: [{ operation: 'Update', manager: 'm' }],
        },
        { ...opts, path: 'metadata' },
      ),
    );
    expect(errs).toEqual([
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
      `metadata.labels: Invalid value: "-": ${labelValueMsg}`,
      `metadata.annotations: Invalid value: "-": ${nameMsg}`,
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      `metadata.finalizers: Invalid value: "bad name": ${nameMsg}`,
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion", "bad name"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
  });

  it('accepts a valid object', () => {
    expect(validateObjectMeta({ name: 'a', namespace: 'n', labels: { app: 'x' }, finalizers: ['example.com/f'] }, opts)).toEqual([]);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = {
    name: 'a',
    namespace: 'n',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-02T03:04:05Z',
  };

  it('accepts an unchanged object', () => {
    expect(validateObjectMetaUpdate({ ...old }, old)).toEqual([]);
  });

  it('requires a resourceVersion and forbids decrementing generation', () => {
    expect(strings(validateObjectMetaUpdate({ ...old, resourceVersion: '', generation: 1 }, old))).toEqual([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('keeps identity and lifecycle fields immutable', () => {
    const errs = strings(
      validateObjectMetaUpdate(
        {
          ...old,
          name: 'b',
          namespace: 'm',
          uid: 'u2',
          creationTimestamp: '2024-01-02T03:04:06Z',
          deletionTimestamp: '2024-02-01T00:00:00Z',
          deletionGracePeriodSeconds: 30,
        },
        old,
      ),
    );
    expect(errs).toEqual([
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "m": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: 2024-01-02 03:04:06 +0000 UTC: field is immutable',
      'metadata.deletionTimestamp: Invalid value: 2024-02-01 00:00:00 +0000 UTC: field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    ]);
  });

  it('compares timestamps as instants', () => {
    expect(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-02T04:04:05+01:00' }, old)).toEqual([]);
  });

  it('reports removing a deletion timestamp as null', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z' };
    expect(strings(validateObjectMetaUpdate({ ...old }, deleting))).toEqual(['metadata.deletionTimestamp: Invalid value: null: field is immutable']);
  });

  it('forbids new finalizers on an object being deleted', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a'] };
    expect(strings(validateObjectMetaUpdate({ ...deleting, finalizers: ['a', 'b'] }, deleting))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b"}',
    ]);
    expect(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)).toEqual([]);
  });

  it('validates the new labels and annotations', () => {
    expect(strings(validateObjectMetaUpdate({ ...old, labels: { a: '-' } }, old))).toEqual([`metadata.labels: Invalid value: "-": ${labelValueMsg}`]);
  });
});
