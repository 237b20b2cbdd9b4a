// k8s parity: kubernetes pkg/registry/coordination/lease/strategy.go and
// pkg/apis/coordination/validation ValidateLease / ValidateLeaseUpdate (Kubernetes 1.33, where
// the CoordinatedLeaderElection gate is off by default and its spec fields are dropped).
import { type FieldError, type KubeObject, fieldErrors, isQualifiedName, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '@portico/api';
import { decodeTimeField, goTypeError, jsonKind } from '../codec';
import { defineResource, defineStrategy, metaOf, record, str } from '../define';

const validLeaseStrategies = ['OldestEmulationVersion'];

const specOf = (obj: KubeObject): Record<string, unknown> => record(obj.spec) ?? {};

const timeFields = ['acquireTime', 'renewTime'] as const;
const intFields = ['leaseDurationSeconds', 'leaseTransitions'] as const;

function decodeError(obj: KubeObject): string | undefined {
  const spec = record(obj.spec);
  if (obj.spec !== undefined && obj.spec !== null && spec === undefined) return goTypeError(jsonKind(obj.spec), 'Lease', 'spec', 'v1.LeaseSpec');
  if (spec === undefined) return undefined;
  for (const f of timeFields) {
    const r = decodeTimeField(spec[f], true, 'LeaseSpec', `spec.${f}`);
    if ('error' in r) return r.error;
  }
  for (const f of intFields) {
    const v = spec[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number') return goTypeError(jsonKind(v), 'LeaseSpec', `spec.${f}`, 'int32');
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) {
      return `json: cannot unmarshal number ${v} into Go struct field LeaseSpec.spec.${f} of type int32`;
    }
  }
  const holder = spec.holderIdentity;
  if (holder !== undefined && holder !== null && typeof holder !== 'string') return goTypeError(jsonKind(holder), 'LeaseSpec', 'spec.holderIdentity', 'string');
  return undefined;
}

function applyDefaults(obj: KubeObject): void {
  // LeaseSpec is a struct: Go always writes "spec".
  if (record(obj.spec) === undefined) obj.spec = {};
  const spec = obj.spec as Record<string, unknown>;
  for (const f of timeFields) {
    const r = decodeTimeField(spec[f], true, 'LeaseSpec', `spec.${f}`);
    if ('value' in r) {
      if (r.value === undefined || r.value === null) delete spec[f];
      else spec[f] = r.value;
    }
  }
  for (const k of [...intFields, 'holderIdentity', 'strategy', 'preferredHolder']) if (spec[k] === null) delete spec[k];
}

/** The CoordinatedLeaderElection fields exist only with the feature gate on. */
function dropDisabledFields(obj: KubeObject): void {
  const spec = record(obj.spec);
  if (!spec) return;
  delete spec.strategy;
  delete spec.preferredHolder;
}

function validateCoordinatedLeaseStrategy(strategy: string, path: string): FieldError[] {
  // Go passes spec.strategy and then adds .strategy again; the doubled path is kept.
  const p = `${path}.strategy`;
  if (strategy.split('/').length === 1) {
    return validLeaseStrategies.includes(strategy) ? [] : [fieldErrors.notSupported(p, strategy, validLeaseStrategies)];
  }
  return isQualifiedName(strategy).map((msg) => fieldErrors.invalid(p, strategy, msg));
}

/** ValidateLeaseSpec: a positive duration, non-negative transitions, and the strategy fields. */
export function validateLeaseSpec(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) errs.push(fieldErrors.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    errs.push(fieldErrors.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  }
  const strategy = typeof spec.strategy === 'string' ? spec.strategy : undefined;
  if (strategy !== undefined) errs.push(...validateCoordinatedLeaseStrategy(strategy, 'spec.strategy'));
  if (str(spec.preferredHolder) !== '' && (strategy === undefined || strategy === '')) {
    errs.push(fieldErrors.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leaseStrategy = defineStrategy({
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: false,
  decodeError,
  applyDefaults,
  prepareForCreate: dropDisabledFields,
  prepareForUpdate: (obj) => dropDisabledFields(obj),
  // Leases use apimachinery's object-meta checks, without the core standard-finalizer rule.
  validate: (obj) => [...validateObjectMeta(metaOf(obj), { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateLeaseSpec(obj)],
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(metaOf(obj), metaOf(old)), ...validateLeaseSpec(obj)],
});

export const leases = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  singular: 'lease',
  namespaced: true,
  strategy: leaseStrategy,
});
