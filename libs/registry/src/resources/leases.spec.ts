import { type KubeObject, fieldErrorString } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { beforeCreate } from '../metadata';
import { configmaps } from './configmaps';
import { leaseStrategy, leases, validateLeaseSpec } from './leases';

const meta = { name: 'l', namespace: 'ns' };

describe('leases', () => {
  it('describe the resource', () => {
    expect(leases).toMatchObject({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', singular: 'lease', namespaced: true, shortNames: [] });
    expect(leases.strategy).toMatchObject({ allowCreateOnUpdate: true, allowUnconditionalUpdate: false });
  });

  it('validate the spec as ValidateLeaseSpec does', () => {
    expect(validateLeaseSpec({ metadata: meta, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 } })).toEqual([]);
    expect(validateLeaseSpec({ metadata: meta, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }).map(fieldErrorString)).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(validateLeaseSpec({ metadata: meta, spec: { strategy: 'Fastest', preferredHolder: 'x' } }).map(fieldErrorString)).toEqual([
      'spec.strategy.strategy: Unsupported value: "Fastest": supported values: "OldestEmulationVersion"',
    ]);
    expect(validateLeaseSpec({ metadata: meta, spec: { preferredHolder: 'x' } }).map(fieldErrorString)).toEqual([
      'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined',
    ]);
  });

  it('drop the fields of the disabled CoordinatedLeaderElection gate', () => {
    const l: KubeObject = { metadata: { name: 'l' }, spec: { holderIdentity: 'me', strategy: 'OldestEmulationVersion', preferredHolder: 'x' } };
    beforeCreate(leases, l, { namespace: 'ns', now: new Date(0), uid: 'u' });
    expect(l.spec).toEqual({ holderIdentity: 'me' });
  });

  it('decode MicroTimes strictly and normalize them to UTC', () => {
    expect(leaseStrategy.decodeError?.({ spec: { renewTime: '2024-01-01T00:00:00.000Z' } })).toBe(
      'parsing time "2024-01-01T00:00:00.000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".000Z" as ".000000"',
    );
    expect(leaseStrategy.decodeError?.({ spec: { leaseDurationSeconds: '10' } })).toBe(
      'json: cannot unmarshal string into Go struct field LeaseSpec.spec.leaseDurationSeconds of type int32',
    );
    expect(leaseStrategy.decodeError?.({ spec: { leaseTransitions: 2 ** 31 } })).toBe(
      'json: cannot unmarshal number 2147483648 into Go struct field LeaseSpec.spec.leaseTransitions of type int32',
    );
    const l: KubeObject = { metadata: meta, spec: { renewTime: '2024-01-01T02:00:00.123456+02:00', acquireTime: null } };
    expect(leaseStrategy.decodeError?.(l)).toBeUndefined();
    leaseStrategy.applyDefaults(l);
    expect(l.spec).toEqual({ renewTime: '2024-01-01T00:00:00.123456Z' });
    const bare: KubeObject = { metadata: meta };
    leaseStrategy.applyDefaults(bare);
    expect(bare.spec).toEqual({});
  });

  it('use apimachinery\'s metadata checks, without the core standard-finalizer rule', () => {
    expect(leaseStrategy.validate({ metadata: { ...meta, finalizers: ['custom'] }, spec: {} })).toEqual([]);
    expect(configmaps.strategy.validate({ metadata: { ...meta, finalizers: ['custom'] } }).map(fieldErrorString)).toEqual([
      'metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});
