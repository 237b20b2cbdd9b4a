// fieldValidation on create and update through the embedded stack: unknown fields are dropped, and
// reported as kube-apiserver reports them (Strict: 400, Warn: Warning headers, Ignore: silence).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedPortico } from './test-support/embedded';

describe('fieldValidation (embedded shape)', () => {
  let portico: EmbeddedPortico;
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' }, foo: 1, spec: { x: 1 } });

  beforeAll(async () => {
    portico = await startEmbedded('portico-fv-');
  });

  afterAll(async () => {
    await portico?.stop();
  });

  it('Strict (kubectl’s default) refuses unknown fields, naming each', async () => {
    const r = await portico.call('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', cm('strict'));
    expect(r.code).toBe(400);
    expect(r.body['message']).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo", unknown field "spec"');
  });

  it('Warn stores the object without them and says so in Warning headers', async () => {
    const r = await portico.call('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', cm('warn'));
    expect(r.code).toBe(201);
    expect(r.headers['warning']).toBe('299 - "unknown field \\"foo\\"", 299 - "unknown field \\"spec\\""');
    expect(r.body['foo']).toBeUndefined();
  });

  it('Ignore drops them silently, on update too', async () => {
    const r = await portico.call('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Ignore', cm('ignore'));
    expect(r.code).toBe(201);
    expect(r.headers['warning']).toBeUndefined();
    const u = await portico.call('PUT', '/api/v1/namespaces/default/configmaps/ignore?fieldValidation=Strict', { ...cm('ignore'), spec: undefined, foo: undefined, bar: true });
    expect(u.code).toBe(400);
    expect(u.body['message']).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bar"');
  });
});
