// k8s parity: kubernetes pkg/apis/storage/v1/defaults.go, pkg/apis/storage/validation,
// pkg/registry/storage/*/strategy.go and storage.go (storage classes answer DELETE with the
// deleted object).
import { type FieldError, FieldPath, type KubeObject, fieldErrors, isDNS1123Subdomain, nameIsDNSSubdomain } from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { type Obj, child, goApprox, has, isObj, n, nonNegative, obj, objs, optStr, s, sortedKeys, strs, validateLabelSelector, validateQualifiedName } from '../validation/common';
import { validateCSIDriverName } from '../validation/pod-spec';
import { compareQuantities, formatQuantity, quantityOf, zeroQuantity } from '../validation/quantity';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

// ---------------------------------------------------------------------------------------------
// storageclasses

function validateStorageClass(sc: KubeObject): Errs {
  const errs = coreMeta(sc, false);
  const provisioner = s(sc.provisioner);
  if (provisioner.length === 0) errs.push(fieldErrors.required('provisioner', ''));
  else errs.push(...validateQualifiedName(provisioner.toLowerCase(), 'provisioner'));
  const params = obj(sc.parameters);
  const keys = Object.keys(params);
  if (keys.length > 512) errs.push(fieldErrors.tooMany('parameters', keys.length, 512));
  else {
    let total = 0;
    for (const k of sortedKeys(params)) {
      if (k.length < 1) errs.push(fieldErrors.invalid('parameters', k, 'field can not be empty.'));
      total += Buffer.byteLength(k) + Buffer.byteLength(s(params[k]));
    }
    if (total > 256 * 1024) errs.push(fieldErrors.tooLong('parameters', 256 * 1024));
  }
  const policy = s(sc.reclaimPolicy);
  if (policy.length > 0 && policy !== 'Delete' && policy !== 'Retain') errs.push(fieldErrors.notSupported('reclaimPolicy', policy, ['Delete', 'Retain']));
  if (!has(sc.volumeBindingMode)) errs.push(fieldErrors.required('volumeBindingMode', ''));
  else if (!['Immediate', 'WaitForFirstConsumer'].includes(s(sc.volumeBindingMode))) {
    errs.push(fieldErrors.notSupported('volumeBindingMode', s(sc.volumeBindingMode), ['Immediate', 'WaitForFirstConsumer']));
  }
  const topologies = objs(sc.allowedTopologies);
  topologies.forEach((term, i) => {
    const tp = FieldPath.root('allowedTopologies').index(i);
    const exprs = objs(term.matchLabelExpressions);
    const seen = new Set<string>();
    exprs.forEach((e, j) => {
      const ep = tp.child('matchLabelExpressions').index(j);
      const values = strs(e.values);
      if (values.length === 0) errs.push(fieldErrors.required(String(ep.child('values'))));
      const vs = new Set<string>();
      values.forEach((v, k) => {
        if (vs.has(v)) errs.push(fieldErrors.duplicate(String(ep.child('values').index(k)), v));
        vs.add(v);
      });
      errs.push(...validateQualifiedName(s(e.key), ep.child('key')));
      if (seen.has(s(e.key))) errs.push(fieldErrors.duplicate(String(ep.child('key')), s(e.key)));
      seen.add(s(e.key));
    });
    if (exprs.length === 0) errs.push(fieldErrors.required(String(tp), 'must have at least one label match expression'));
  });
  return errs;
}

export const storageclasses = builtin({
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'storageclasses',
  kind: 'StorageClass',
  shortNames: ['sc'],
  defaults(sc) {
    if (!has(sc.reclaimPolicy)) sc.reclaimPolicy = 'Delete';
    if (!has(sc.volumeBindingMode)) sc.volumeBindingMode = 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate(sc, old) {
    const errs = coreMetaUpdate(sc, old);
    if (!deepEqualJson(old.parameters, sc.parameters)) errs.push(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
    if (s(sc.provisioner) !== s(old.provisioner)) errs.push(fieldErrors.forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (s(sc.reclaimPolicy) !== s(old.reclaimPolicy)) errs.push(fieldErrors.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if (!deepEqualJson(sc.volumeBindingMode, old.volumeBindingMode)) errs.push(fieldErrors.invalid('volumeBindingMode', optStr(sc.volumeBindingMode) ?? 'null', 'field is immutable'));
    return errs;
  },
  strategy: { returnDeletedObject: true },
});

// ---------------------------------------------------------------------------------------------
// volumeattachments

function validateVolumeAttachment(va: KubeObject): Errs {
  const errs = coreMeta(va, false);
  const spec = obj(va.spec);
  const attacher = s(spec.attacher);
  if (attacher.length === 0) errs.push(fieldErrors.required(String(specPath.child('attacher')), ''));
  else errs.push(...validateCSIDriverName(attacher, specPath.child('attacher')));
  const source = obj(spec.source);
  const sp = specPath.child('source');
  const hasInline = isObj(source.inlineVolumeSpec);
  const hasPV = has(source.persistentVolumeName);
  if (!hasInline && !hasPV) errs.push(fieldErrors.required(String(sp), 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (hasInline && hasPV) errs.push(fieldErrors.forbidden(String(sp), 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (hasPV && s(source.persistentVolumeName) === '') errs.push(fieldErrors.required(String(sp.child('persistentVolumeName')), 'must specify non empty persistentVolumeName'));
  for (const m of nameIsDNSSubdomain(s(spec.nodeName), false)) errs.push(fieldErrors.invalid(String(specPath.child('nodeName')), s(spec.nodeName), m));
  const status = obj(va.status);
  const meta = obj(status.attachmentMetadata);
  let size = 0;
  for (const [k, v] of Object.entries(meta)) size += Buffer.byteLength(k) + Buffer.byteLength(s(v));
  if (size > 256 * 1024) errs.push(fieldErrors.tooLong('status.attachmentMetadata', 256 * 1024));
  return errs;
}

export const volumeattachments = builtin({
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'volumeattachments',
  kind: 'VolumeAttachment',
  validate: validateVolumeAttachment,
  validateUpdate(va, old) {
    const errs = [...coreMetaUpdate(va, old), ...validateVolumeAttachment(va)];
    if (!deepEqualJson(va.spec, old.spec)) errs.push(fieldErrors.invalid('spec', goApprox('storage.VolumeAttachmentSpec', va.spec), 'field is immutable'));
    return errs;
  },
  status: { validateUpdate: (va, old) => [...coreMetaUpdate(va, old), ...validateVolumeAttachment(va)] },
});

// ---------------------------------------------------------------------------------------------
// csidrivers

function validateCSIDriver(d: KubeObject): Errs {
  const errs = validateCSIDriverName(s(obj(d.metadata).name), FieldPath.root('name'));
  errs.push(...coreMeta(d, false).filter((e) => e.field !== 'metadata.name'));
  const spec = obj(d.spec);
  if (!has(spec.attachRequired)) errs.push(fieldErrors.required(String(specPath.child('attachRequired')), ''));
  if (!has(spec.podInfoOnMount)) errs.push(fieldErrors.required(String(specPath.child('podInfoOnMount')), ''));
  if (!has(spec.storageCapacity)) errs.push(fieldErrors.required(String(specPath.child('storageCapacity')), ''));
  if (has(spec.fsGroupPolicy) && !['File', 'None', 'ReadWriteOnceWithFSType'].includes(s(spec.fsGroupPolicy))) {
    errs.push(fieldErrors.notSupported(String(specPath.child('fsGroupPolicy')), s(spec.fsGroupPolicy), ['File', 'None', 'ReadWriteOnceWithFSType']));
  }
  strs(spec.volumeLifecycleModes).forEach((m, i) => {
    if (m !== 'Persistent' && m !== 'Ephemeral') errs.push(fieldErrors.notSupported(String(specPath.child('volumeLifecycleModes').index(i)), m, ['Ephemeral', 'Persistent']));
  });
  const audiences = new Set<string>();
  objs(spec.tokenRequests).forEach((tr, i) => {
    const tp = specPath.child('tokenRequests').index(i);
    const audience = s(tr.audience);
    if (audiences.has(audience)) errs.push(fieldErrors.duplicate(String(tp.child('audience')), audience));
    audiences.add(audience);
    const exp = tr.expirationSeconds;
    if (has(exp) && n(exp) < 600) errs.push(fieldErrors.invalid(String(tp.child('expirationSeconds')), n(exp), 'may not specify a duration less than 10 minutes'));
    if (has(exp) && n(exp) > 2 ** 32) errs.push(fieldErrors.invalid(String(tp.child('expirationSeconds')), n(exp), 'may not specify a duration larger than 2^32 seconds'));
  });
  return errs;
}

export const csidrivers = builtin({
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csidrivers',
  kind: 'CSIDriver',
  defaults(d) {
    const spec = child(d as Obj, 'spec');
    if (!has(spec.attachRequired)) spec.attachRequired = true;
    if (!has(spec.podInfoOnMount)) spec.podInfoOnMount = false;
    if (!has(spec.storageCapacity)) spec.storageCapacity = false;
    if (!has(spec.fsGroupPolicy)) spec.fsGroupPolicy = 'ReadWriteOnceWithFSType';
    if (strs(spec.volumeLifecycleModes).length === 0) spec.volumeLifecycleModes = ['Persistent'];
    if (!has(spec.requiresRepublish)) spec.requiresRepublish = false;
    if (!has(spec.seLinuxMount)) spec.seLinuxMount = false;
  },
  validate: validateCSIDriver,
  validateUpdate(d, old) {
    const errs = [...coreMetaUpdate(d, old), ...validateCSIDriver(d)];
    const spec = obj(d.spec);
    const oldSpec = obj(old.spec);
    if (!deepEqualJson(spec.volumeLifecycleModes, oldSpec.volumeLifecycleModes)) {
      errs.push(fieldErrors.invalid(String(specPath.child('volumeLifecycleModes')), goApprox('[]storage.VolumeLifecycleMode', spec.volumeLifecycleModes), 'field is immutable'));
    }
    return errs;
  },
});

// ---------------------------------------------------------------------------------------------
// csinodes

function validateCSINode(node: KubeObject): Errs {
  const errs = coreMeta(node, false);
  const names = new Set<string>();
  objs(obj(node.spec).drivers).forEach((d, i) => {
    const dp = specPath.child('drivers').index(i);
    errs.push(...validateCSIDriverName(s(d.name), dp.child('name')));
    if (s(d.nodeID) === '') errs.push(fieldErrors.required(String(dp.child('nodeID')), 'nodeID of the driver must be provided'));
    else if (Buffer.byteLength(s(d.nodeID)) > 256) errs.push(fieldErrors.tooLong(String(dp.child('nodeID')), 256));
    strs(d.topologyKeys).forEach((k, j) => errs.push(...validateQualifiedName(k, dp.child('topologyKeys').index(j))));
    if (isObj(d.allocatable) && has(d.allocatable.count)) errs.push(...nonNegative(d.allocatable.count, dp.child('allocatable').child('count')));
    if (names.has(s(d.name))) errs.push(fieldErrors.duplicate(String(dp.child('name')), s(d.name)));
    names.add(s(d.name));
  });
  return errs;
}

export const csinodes = builtin({
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csinodes',
  kind: 'CSINode',
  validate: validateCSINode,
  validateUpdate(node, old) {
    const errs = [...coreMetaUpdate(node, old), ...validateCSINode(node)];
    const oldDrivers = new Map(objs(obj(old.spec).drivers).map((d) => [s(d.name), d]));
    objs(obj(node.spec).drivers).forEach((d, i) => {
      const prev = oldDrivers.get(s(d.name));
      if (prev === undefined) return;
      const dp = specPath.child('drivers').index(i);
      if (s(d.nodeID) !== s(prev.nodeID)) errs.push(fieldErrors.invalid(String(dp.child('nodeID')), s(d.nodeID), 'field is immutable'));
      if (!deepEqualJson(d.topologyKeys, prev.topologyKeys)) errs.push(fieldErrors.invalid(String(dp.child('topologyKeys')), goApprox('[]string', d.topologyKeys), 'field is immutable'));
    });
    return errs;
  },
});

// ---------------------------------------------------------------------------------------------
// csistoragecapacities

function validateCSIStorageCapacity(c: KubeObject): Errs {
  const errs = coreMeta(c, true);
  errs.push(...validateLabelSelector(c.nodeTopology, 'nodeTopology'));
  const sc = s(c.storageClassName);
  if (sc === '') errs.push(fieldErrors.required('storageClassName', ''));
  else for (const m of isDNS1123Subdomain(sc)) errs.push(fieldErrors.invalid('storageClassName', sc, m));
  for (const k of ['capacity', 'maximumVolumeSize'] as const) {
    const q = quantityOf(c[k]);
    if (q !== undefined && compareQuantities(q, zeroQuantity) < 0) errs.push(fieldErrors.invalid(k, formatQuantity(q), 'must be greater than or equal to 0'));
  }
  return errs;
}

export const csistoragecapacities = builtin({
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csistoragecapacities',
  kind: 'CSIStorageCapacity',
  validate: validateCSIStorageCapacity,
  validateUpdate(c, old) {
    const errs = [...coreMetaUpdate(c, old), ...validateCSIStorageCapacity(c)];
    if (!deepEqualJson(c.nodeTopology, old.nodeTopology)) errs.push(fieldErrors.invalid('nodeTopology', goApprox('v1.LabelSelector', c.nodeTopology), 'field is immutable'));
    if (s(c.storageClassName) !== s(old.storageClassName)) errs.push(fieldErrors.invalid('storageClassName', s(c.storageClassName), 'field is immutable'));
    return errs;
  },
});

