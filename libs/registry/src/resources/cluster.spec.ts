import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { certificatesigningrequests, endpointslices, poddisruptionbudgets, priorityclasses, runtimeclasses } from './cluster';

describe('poddisruptionbudgets', () => {
  it('checks minAvailable and maxUnavailable', () => {
    expect(writeErrors(() => simulateCreate(poddisruptionbudgets, { metadata: { name: 'p' }, spec: { minAvailable: '150%', maxUnavailable: 1 } }))).toEqual([
      'spec: Invalid value: policy.PodDisruptionBudgetSpec{"minAvailable":"150%","maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
      'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]);
    const { stored } = simulateCreate(poddisruptionbudgets, { metadata: { name: 'p' }, spec: { minAvailable: 1, selector: { matchLabels: { a: 'b' } } } });
    expect(stored.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    expect(poddisruptionbudgets.shortNames).toEqual(['pdb']);
  });
});

describe('priorityclasses', () => {
  it('limits user values, reserves system- names and keeps the value', () => {
    const { stored } = simulateCreate(priorityclasses, { metadata: { name: 'high' }, value: 1000 });
    expect(stored.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(writeErrors(() => simulateCreate(priorityclasses, { metadata: { name: 'high' }, value: 2000000000 }))).toEqual([
      'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    ]);
    expect(writeErrors(() => simulateCreate(priorityclasses, { metadata: { name: 'system-foo' }, value: 1 }))).toEqual([
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class",
    ]);
    expect(writeErrors(() => simulateUpdate(priorityclasses, { ...stored, value: 5 }, stored))).toEqual(['value: Forbidden: may not be changed in an update.']);
  });
});

describe('runtimeclasses and endpointslices', () => {
  it('wants a DNS label handler', () => {
    expect(writeErrors(() => simulateCreate(runtimeclasses, { metadata: { name: 'r' }, handler: 'Bad_Handler' }))).toEqual([
      `handler: Invalid value: "Bad_Handler": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
  });

  it('defaults and validates an EndpointSlice', () => {
    const { stored } = simulateCreate(endpointslices, { metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] });
    expect(stored).toMatchObject({ endpoints: [{ addresses: ['10.0.0.1'], conditions: {} }], ports: [{ port: 80, name: '', protocol: 'TCP' }] });
    expect(writeErrors(() => simulateCreate(endpointslices, { metadata: { name: 'e' }, addressType: 'IPv5', endpoints: [{ addresses: [] }] }))).toEqual([
      'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
      'endpoints[0].addresses: Required value: must contain at least 1 address',
    ]);
  });
});

describe('certificatesigningrequests', () => {
  it('parses the request and wants usages and a signer', () => {
    expect(writeErrors(() => simulateCreate(certificatesigningrequests, { metadata: { name: 'c' }, spec: { request: 'aGVsbG8=', usages: ['bogus'] } }))).toEqual([
      'spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f}: PEM block type must be CERTIFICATE REQUEST',
      expect.stringMatching(/^spec\.usages\[0\]: Unsupported value: "bogus": supported values: "any", "cert sign", /),
      'spec.signerName: Required value',
    ]);
  });

  it('serves status and approval as views of the object', () => {
    expect(certificatesigningrequests.subresources.filter((s) => s.strategy).map((s) => s.name)).toEqual(['approval', 'status']);
    expect(certificatesigningrequests.shortNames).toEqual(['csr']);
  });
});
