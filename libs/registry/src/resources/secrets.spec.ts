import { type KubeObject, fieldErrorString } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeCreate, beforeUpdate } from '../metadata';
import { secretStrategy, secrets, validateSecret, validateSecretUpdate, x509KeyPairError } from './secrets';

// A throwaway self-signed P-256 certificate, its key (SEC 1) and an unrelated key (PKCS #8), made for these tests.
const certPem = "-----BEGIN CERTIFICATE-----\nMIIBcjCCARmgAwIBAgIUKMpvavG+V/cF+jY2RJUAuwdZTAYwCgYIKoZIzj0EAwIw\nDzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjgxMzE3MDVaFw0zNjExMjUxMzE3MDVa\nMA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATFHDVG\nfTGeSJ7wLYrs8vswa/OFvhSS8pZWUHIaaN/wOF/180p63LRkim5xwYaCxcG7q6eZ\nQyDeBrbH93fueLzoo1MwUTAdBgNVHQ4EFgQUNWGHOnvolfnomnktJm4u7yWGJ3gw\nHwYDVR0jBBgwFoAUNWGHOnvolfnomnktJm4u7yWGJ3gwDwYDVR0TAQH/BAUwAwEB\n/zAKBggqhkjOPQQDAgNHADBEAiARjb/igk3CyHi/RXz9+4g3sV62hrKIksvdDj2Q\nI5FqJgIgPkPPeTmUh3zovMWNVWYEmiG375kvkZhRH57qCtUSraU=\n-----END CERTIFICATE-----\n";
const keyPem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIJ/rJySiwKdnrzZ3nVDry4MLKnN3/ja3pbBMHox7ozTKoAoGCCqGSM49\nAwEHoUQDQgAExRw1Rn0xnkie8C2K7PL7MGvzhb4UkvKWVlByGmjf8Dhf9fNKety0\nZIpuccGGgsXBu6unmUMg3ga2x/d37ni86A==\n-----END EC PRIVATE KEY-----\n";
const otherKeyPem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNo+oSWtIamlDMU57\nXoTEcMnNuQt93Fz+kboG6YGD/j+hRANCAATzXsIkBDG9QDeF/e/zh5Tol5G3fOYq\nkAOLvD0EGTAmfMzz8scu5Qu9m2sfta/xSoCphvpVhCwXKhoKnvgAlVst\n-----END PRIVATE KEY-----\n";

const meta = { name: 's', namespace: 'ns' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const strings = (obj: KubeObject) => validateSecret(obj).map(fieldErrorString);

describe('secrets', () => {
  it('describes the resource', () => {
    expect(secrets).toMatchObject({ resource: 'secrets', kind: 'Secret', singular: 'secret', shortNames: [], namespaced: true });
    expect(secrets.selectableFields({ metadata: meta, type: 'Opaque' })).toEqual({ 'metadata.name': 's', 'metadata.namespace': 'ns', type: 'Opaque' });
    expect(secrets.convertFieldLabel('type', 'Opaque')).toEqual({ label: 'type', value: 'Opaque' });
    expect(secrets.convertFieldLabel('data.x', 'y')).toEqual({ error: 'field label not supported: data.x' });
  });

  it('defaults the type and folds stringData into data', () => {
    const obj: KubeObject = { metadata: meta, data: { a: b64('x'), keep: 'a2Vl\ncA==' }, stringData: { a: 'y', b: 'z' } };
    secretStrategy.applyDefaults(obj);
    expect(obj).toEqual({ metadata: meta, data: { a: b64('y'), keep: b64('keep'), b: b64('z') }, type: 'Opaque' });
  });

  it('reports Go decoder errors', () => {
    expect(secretStrategy.decodeError?.({ data: { a: 'ab!d' } })).toBe('illegal base64 data at input byte 2');
    expect(secretStrategy.decodeError?.({ data: { a: 1 } })).toBe('json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
    expect(secretStrategy.decodeError?.({ stringData: { a: 1 } })).toBe('json: cannot unmarshal number into Go struct field Secret.stringData of type string');
    expect(secretStrategy.decodeError?.({ type: 3 })).toBe('json: cannot unmarshal number into Go struct field Secret.type of type v1.SecretType');
    expect(secretStrategy.decodeError?.({ data: { a: b64('ok') }, stringData: { b: 'x' } })).toBeUndefined();
  });

  it('validates keys and caps the decoded size at 1 MiB', () => {
    expect(strings({ metadata: meta, type: 'Opaque', data: { 'a b': '' } })).toEqual([
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    const mib = Buffer.alloc(1024 * 1024).toString('base64');
    expect(strings({ metadata: meta, type: 'Opaque', data: { a: mib } })).toEqual([]);
    expect(strings({ metadata: meta, type: 'Opaque', data: { a: mib, b: b64('x') } })).toEqual(['data: Too long: may not be more than 1048576 bytes']);
  });

  it('checks the keys each well-known type needs', () => {
    expect(strings({ metadata: meta, type: 'kubernetes.io/service-account-token' })).toEqual([
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
    expect(strings({ metadata: { ...meta, annotations: { 'kubernetes.io/service-account.name': 'default' } }, type: 'kubernetes.io/service-account-token' })).toEqual([]);
    expect(strings({ metadata: meta, type: 'kubernetes.io/dockerconfigjson' })).toEqual(['data[.dockerconfigjson]: Required value']);
    expect(strings({ metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('xyz') } })).toEqual([
      `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'x' looking for beginning of value`,
    ]);
    expect(strings({ metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } })).toEqual([
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
    ]);
    expect(strings({ metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } })).toEqual([]);
    expect(strings({ metadata: meta, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': '' } })).toEqual([
      'data[.dockercfg]: Invalid value: "<secret contents redacted>": unexpected end of JSON input',
    ]);
    expect(strings({ metadata: meta, type: 'kubernetes.io/basic-auth' })).toEqual(['data[username]: Required value', 'data[password]: Required value']);
    expect(strings({ metadata: meta, type: 'kubernetes.io/basic-auth', data: { password: '' } })).toEqual([]);
    expect(strings({ metadata: meta, type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } })).toEqual(['data[ssh-privatekey]: Required value']);
    expect(strings({ metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': '' } })).toEqual(['data[tls.key]: Required value']);
    expect(strings({ metadata: meta, type: 'example.com/custom' })).toEqual([]);
  });

  it('keeps the type, and the data of an immutable Secret', () => {
    const old: KubeObject = { metadata: { ...meta, resourceVersion: '1' }, type: 'Opaque', data: { a: b64('x') }, immutable: true };
    expect(validateSecretUpdate({ ...old, type: 'kubernetes.io/basic-auth', data: { a: b64('y') }, immutable: undefined }, old).map(fieldErrorString)).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      // ValidateSecret runs on the new object too.
      'data[username]: Required value',
      'data[password]: Required value',
    ]);
  });

  it('keeps the old type when an update sends none', () => {
    const old: KubeObject = { metadata: { ...meta, resourceVersion: '1', uid: 'u' }, type: 'kubernetes.io/basic-auth', data: { username: b64('u') } };
    const obj: KubeObject = { metadata: { ...meta, resourceVersion: '1' }, data: { username: b64('v') } };
    beforeUpdate(secrets, obj, old);
    expect(obj.type).toBe('kubernetes.io/basic-auth');
  });

  it('warns when a TLS secret\'s key does not match its certificate', () => {
    expect(x509KeyPairError(Buffer.from(certPem), Buffer.from(keyPem))).toBeUndefined();
    expect(x509KeyPairError(Buffer.from(certPem), Buffer.from(otherKeyPem))).toBe('tls: private key does not match public key');
    expect(x509KeyPairError(Buffer.from(''), Buffer.from(keyPem))).toBe('tls: failed to find any PEM data in certificate input');
    expect(x509KeyPairError(Buffer.from(keyPem), Buffer.from(certPem))).toBe(
      'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched',
    );
    expect(x509KeyPairError(Buffer.from(certPem), Buffer.from(certPem))).toBe('tls: found a certificate rather than a key in the PEM for the private key');
    expect(x509KeyPairError(Buffer.from(certPem), Buffer.from(''))).toBe('tls: failed to find any PEM data in key input');

    const tls = (key: string): KubeObject => ({ metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(certPem), 'tls.key': b64(key) } });
    const { warnings } = beforeCreate(secrets, tls(otherKeyPem), { namespace: 'ns', now: new Date(0), uid: 'u' });
    expect(warnings).toEqual(['tls: private key does not match public key']);
    expect(beforeCreate(secrets, tls(keyPem), { namespace: 'ns', now: new Date(0), uid: 'u' }).warnings).toEqual([]);
  });
});
