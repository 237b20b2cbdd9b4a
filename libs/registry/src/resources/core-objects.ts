// k8s parity: the core/v1 kinds besides pods, services and the first six: endpoints,
// persistentvolumes, persistentvolumeclaims, nodes, replicationcontrollers, podtemplates,
// resourcequotas, limitranges and componentstatuses (pkg/registry/core/*/strategy.go,
// pkg/apis/core/validation, pkg/apis/core/v1/defaults.go).
import { type FieldError, FieldPath, GoSyntax, type KubeObject, compareBytes, fieldErrors, goStringMap, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain, validateLabelName } from '@portico/api';
import { formatTimestamp } from '../codec';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import {
  type Obj,
  arr,
  child,
  goApprox,
  goTypedStrings,
  has,
  isObj,
  isValidCIDR,
  isValidIP,
  isValidPortNum,
  n,
  nonNegative,
  obj,
  objs,
  optStrMap,
  s,
  setDefault,
  sortedKeys,
  strs,
  validateLabelSelector,
  validateQualifiedName,
} from '../validation/common';
import {
  defaultPVCSpec,
  defaultPodSpec,
  roundUpResourceList,
  validateBasicResource,
  validateCSIDriverName,
  validateNodeSelector,
  validatePodTemplateSpec,
  validatePositiveQuantity,
  validateResourceName,
  validateResourceQuantityValue,
  validateVolumeSource,
} from '../validation/pod-spec';
import { type Quantity, compareQuantities, formatQuantity, goQuantity, intQuantity, quantityMilliValue, quantityOf, quantityValue } from '../validation/quantity';
import { validateNonSpecialIP } from './services';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

// ---------------------------------------------------------------------------------------------
// endpoints

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function validateEndpointAddress(a: Obj, p: FieldPath): Errs {
  const errs = isValidIP(p.child('ip'), s(a.ip));
  if (s(a.hostname).length > 0) for (const m of isDNS1123Label(s(a.hostname))) errs.push(fieldErrors.invalid(String(p.child('hostname')), s(a.hostname), m));
  if (has(a.nodeName)) for (const m of nameIsDNSSubdomain(s(a.nodeName), false)) errs.push(fieldErrors.invalid(String(p.child('nodeName')), s(a.nodeName), m));
  errs.push(...validateNonSpecialIP(s(a.ip), p.child('ip')));
  return errs;
}

/** ValidateEndpoints. */
export function validateEndpoints(ep: KubeObject): Errs {
  const errs = coreMeta(ep, true);
  objs(ep.subsets).forEach((ss, i) => {
    const p = FieldPath.root('subsets').index(i);
    if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0) errs.push(fieldErrors.required(String(p), 'must specify `addresses` or `notReadyAddresses`'));
    objs(ss.addresses).forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('addresses').index(j))));
    objs(ss.notReadyAddresses).forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = objs(ss.ports);
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      const name = s(port.name);
      if (ports.length > 1 && name === '') errs.push(fieldErrors.required(String(pp.child('name'))));
      else if (name !== '') for (const m of isDNS1123Label(name)) errs.push(fieldErrors.invalid(String(pp.child('name')), name, m));
      for (const m of isValidPortNum(n(port.port))) errs.push(fieldErrors.invalid(String(pp.child('port')), n(port.port), m));
      const proto = s(port.protocol);
      if (proto === '') errs.push(fieldErrors.required(String(pp.child('protocol'))));
      else if (!supportedPortProtocols.includes(proto)) errs.push(fieldErrors.notSupported(String(pp.child('protocol')), proto, supportedPortProtocols));
      if (has(port.appProtocol)) errs.push(...validateQualifiedName(s(port.appProtocol), pp.child('appProtocol')));
    });
  });
  return errs;
}

const endpointsDeprecation = 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice';

export const endpoints = builtin({
  group: '',
  version: 'v1',
  resource: 'endpoints',
  kind: 'Endpoints',
  shortNames: ['ep'],
  defaults(ep) {
    for (const ss of objs(ep.subsets)) for (const port of objs(ss.ports)) setDefault(port, 'protocol', 'TCP');
  },
  validate: validateEndpoints,
  validateUpdate: (ep, old) => [...coreMetaUpdate(ep, old), ...validateEndpoints(ep)],
  strategy: {
    allowCreateOnUpdate: true,
    warningsOnCreate: () => [endpointsDeprecation],
    warningsOnUpdate: () => [endpointsDeprecation],
  },
});

// ---------------------------------------------------------------------------------------------
// persistentvolumes and persistentvolumeclaims

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(modes: string[], p: FieldPath, requiredDetail: string): Errs {
  const errs: Errs = [];
  if (modes.length === 0) errs.push(fieldErrors.required(String(p), requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!accessModes.includes(m)) errs.push(fieldErrors.notSupported(String(p), m, accessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (accessModes.includes(m)) other = true;
  }
  if (rwop && other) errs.push(fieldErrors.forbidden(String(p), 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

const pvSourceKeys = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'flocker',
  'nfs',
  'rbd',
  'quobyte',
  'cephfs',
  'iscsi',
  'cinder',
  'fc',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'scaleIO',
  'local',
  'storageos',
  'csi',
];

/** ValidatePersistentVolumeSpec (not inline). */
function validatePVSpec(spec: Obj, p: FieldPath): Errs {
  const errs = validateAccessModes(strs(spec.accessModes), p.child('accessModes'), '');
  const capacity = obj(spec.capacity);
  if (Object.keys(capacity).length === 0) errs.push(fieldErrors.required(String(p.child('capacity'))));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1) errs.push(fieldErrors.notSupported(String(p.child('capacity')), goApprox('core.ResourceList', capacity), ['storage']));
  for (const k of sortedKeys(capacity)) {
    errs.push(...validateBasicResource(capacity[k], p.child('capacity').key(k)));
    errs.push(...validatePositiveQuantity(capacity[k], p.child('capacity').key(k)));
  }
  const policy = s(spec.persistentVolumeReclaimPolicy);
  if (policy.length > 0 && !['Delete', 'Recycle', 'Retain'].includes(policy)) {
    errs.push(fieldErrors.notSupported(String(p.child('persistentVolumeReclaimPolicy')), policy, ['Delete', 'Recycle', 'Retain']));
  }
  let affinity = false;
  if (isObj(spec.nodeAffinity)) {
    affinity = true;
    if (isObj(spec.nodeAffinity.required)) errs.push(...validateNodeSelector(spec.nodeAffinity.required, p.child('nodeAffinity').child('required')));
    else errs.push(fieldErrors.required(String(p.child('nodeAffinity').child('required')), 'must specify required node constraints'));
  }
  let count = 0;
  for (const key of pvSourceKeys) {
    if (!has(spec[key])) continue;
    if (count > 0 && key !== 'flexVolume') {
      errs.push(fieldErrors.forbidden(String(p.child(key === 'cephfs' ? 'cephFS' : key)), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    const src = obj(spec[key]);
    if (key === 'local') {
      if (s(src.path) === '') errs.push(fieldErrors.required(String(p.child('local').child('path'))));
      else if (s(src.path).split('/').includes('..')) errs.push(fieldErrors.invalid(String(p.child('local').child('path')), s(src.path), "must not contain '..'"));
      if (!affinity) errs.push(fieldErrors.required(String(p.child('nodeAffinity')), 'Local volume requires node affinity'));
    } else if (key === 'csi') {
      errs.push(...validateCSIDriverName(s(src.driver), p.child('csi').child('driver')));
      if (s(src.volumeHandle) === '') errs.push(fieldErrors.required(String(p.child('csi').child('volumeHandle'))));
    } else {
      // The pod volume sources share their checks with the PV ones.
      errs.push(...validateVolumeSource({ [key]: src }, p).filter((e) => e.detail !== 'must specify a volume type'));
    }
  }
  if (count === 0) errs.push(fieldErrors.required(String(p), 'must specify a volume type'));
  if (isObj(spec.hostPath) && s(spec.hostPath.path).replace(/\/+$/, '') === '' && s(spec.hostPath.path).startsWith('/') && policy === 'Recycle') {
    errs.push(fieldErrors.forbidden(String(p.child('persistentVolumeReclaimPolicy')), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (s(spec.storageClassName).length > 0) for (const m of isDNS1123Subdomain(s(spec.storageClassName))) errs.push(fieldErrors.invalid(String(p.child('storageClassName')), s(spec.storageClassName), m));
  if (has(spec.volumeMode) && !['Block', 'Filesystem'].includes(s(spec.volumeMode))) errs.push(fieldErrors.notSupported(String(p.child('volumeMode')), s(spec.volumeMode), ['Block', 'Filesystem']));
  return errs;
}

export function validatePersistentVolume(pv: KubeObject): Errs {
  return [...coreMeta(pv, false), ...validatePVSpec(obj(pv.spec), specPath)];
}

const withoutKeys = (o: Obj, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const pvNonSourceKeys = ['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName'];

export function validatePersistentVolumeUpdate(pv: KubeObject, old: KubeObject): Errs {
  const errs = validatePersistentVolume(pv);
  errs.push(...coreMetaUpdate(pv, old));
  const spec = obj(pv.spec);
  const oldSpec = obj(old.spec);
  const source = withoutKeys(spec, pvNonSourceKeys);
  const oldSource = withoutKeys(oldSpec, pvNonSourceKeys);
  if (isObj(oldSpec.csi) && !has(oldSpec.csi.controllerExpandSecretRef) && isObj(source.csi)) {
    source.csi = withoutKeys(source.csi as Obj, ['controllerExpandSecretRef']);
  }
  if (!deepEqualJson(source, oldSource)) {
    errs.push(fieldErrors.forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${JSON.stringify(source)}`));
  }
  if (!deepEqualJson(spec.volumeMode, oldSpec.volumeMode)) errs.push(fieldErrors.invalid('volumeMode', s(spec.volumeMode), 'field is immutable'));
  return errs;
}

function defaultPV(pv: KubeObject): void {
  const spec = child(pv as Obj, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  if (!has(spec.volumeMode)) spec.volumeMode = 'Filesystem';
  roundUpResourceList(spec.capacity);
  setDefault(child(pv as Obj, 'status'), 'phase', 'Pending');
}

export const persistentvolumes = builtin({
  group: '',
  version: 'v1',
  resource: 'persistentvolumes',
  kind: 'PersistentVolume',
  shortNames: ['pv'],
  strategy: { returnDeletedObject: true },
  defaults: defaultPV,
  prepareForCreate(pv) {
    // PersistentVolumeLastPhaseTransitionTime is GA in 1.33.
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: formatTimestamp(new Date()) };
  },
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  status: {
    validateUpdate(pv, old) {
      const errs = coreMetaUpdate(pv, old);
      if (s(metaOf(pv).resourceVersion) === '') errs.push(fieldErrors.required('resourceVersion'));
      return errs;
    },
    prepareForUpdate(pv, old) {
      const status = child(pv as Obj, 'status');
      const oldStatus = obj(old.status);
      if (s(status.phase) !== s(oldStatus.phase) && deepEqualJson(status.lastPhaseTransitionTime, oldStatus.lastPhaseTransitionTime)) {
        status.lastPhaseTransitionTime = formatTimestamp(new Date());
      }
    },
  },
});

/** ValidatePersistentVolumeClaimSpec. */
function validatePVCSpec(spec: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const modes = strs(spec.accessModes);
  if (modes.length === 0) errs.push(fieldErrors.required(String(p.child('accessModes')), 'at least 1 access mode is required'));
  if (isObj(spec.selector)) errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
  errs.push(...validateAccessModes(modes, p.child('accessModes'), '').filter((e) => e.type !== 'FieldValueRequired'));
  const storagePath = p.child('resources').key('storage');
  const requests = obj(obj(spec.resources).requests);
  if (!('storage' in requests)) errs.push(fieldErrors.required(String(storagePath)));
  else {
    const pos = validatePositiveQuantity(requests.storage, storagePath);
    errs.push(...(pos.length ? pos : validateResourceQuantityValue('storage', requests.storage, storagePath)));
  }
  if (has(spec.storageClassName) && s(spec.storageClassName).length > 0) {
    for (const m of isDNS1123Subdomain(s(spec.storageClassName))) errs.push(fieldErrors.invalid(String(p.child('storageClassName')), s(spec.storageClassName), m));
  }
  if (has(spec.volumeMode) && !['Block', 'Filesystem'].includes(s(spec.volumeMode))) errs.push(fieldErrors.notSupported(String(p.child('volumeMode')), s(spec.volumeMode), ['Block', 'Filesystem']));
  for (const key of ['dataSource', 'dataSourceRef'] as const) {
    const ds = spec[key];
    if (!isObj(ds)) continue;
    const dp = p.child(key);
    if (s(ds.name) === '') errs.push(fieldErrors.required(String(dp.child('name'))));
    if (s(ds.kind) === '') errs.push(fieldErrors.required(String(dp.child('kind'))));
    const group = s(ds.apiGroup);
    if (group === '' && s(ds.kind) !== 'PersistentVolumeClaim') errs.push(fieldErrors.invalid(String(dp), s(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
    if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid(String(dp.child('apiGroup')), group, m));
    if (key === 'dataSourceRef' && s(ds.namespace).length > 0) {
      for (const m of isDNS1123Label(s(ds.namespace))) errs.push(fieldErrors.invalid(String(dp.child('namespace')), s(ds.namespace), m));
    }
  }
  return errs;
}

export function validatePersistentVolumeClaim(pvc: KubeObject): Errs {
  return [...coreMeta(pvc, true), ...validatePVCSpec(obj(pvc.spec), specPath)];
}

export function validatePersistentVolumeClaimUpdate(pvc: KubeObject, old: KubeObject): Errs {
  const errs = [...coreMetaUpdate(pvc, old), ...validatePersistentVolumeClaim(pvc)];
  const spec: Obj = structuredClone(obj(pvc.spec));
  const oldSpec: Obj = structuredClone(obj(old.spec));
  if (s(oldSpec.volumeName) === '') {
    if (has(spec.volumeName)) oldSpec.volumeName = spec.volumeName;
    else delete oldSpec.volumeName;
  }
  const beta = 'volume.beta.kubernetes.io/storage-class';
  const newAnn = optStrMap(metaOf(pvc).annotations) ?? {};
  const oldAnn = optStrMap(metaOf(old).annotations) ?? {};
  if (beta in oldAnn && !has(oldSpec.storageClassName) && s(spec.storageClassName) === oldAnn[beta] && has(spec.storageClassName) && (!(beta in newAnn) || newAnn[beta] === oldAnn[beta])) {
    delete spec.storageClassName;
  } else {
    if ((newAnn[beta] ?? '') !== (oldAnn[beta] ?? '')) errs.push(fieldErrors.invalid(`metadata.annotations.${beta}`, newAnn[beta] ?? '', 'field is immutable'));
    if (has(spec.storageClassName) && !has(oldSpec.storageClassName) && (!(beta in oldAnn) || s(spec.storageClassName) === oldAnn[beta])) {
      spec.storageClassName = oldSpec.storageClassName;
      if (spec.storageClassName === undefined) delete spec.storageClassName;
    }
  }
  const bound = s(obj(pvc.status).phase) === 'Bound';
  if (bound && isObj(spec.resources) && isObj(spec.resources.requests)) {
    const oldStorage = obj(obj(oldSpec.resources).requests).storage;
    if (oldStorage === undefined) delete spec.resources.requests.storage;
    else spec.resources.requests.storage = oldStorage;
  }
  if (bound && has(spec.volumeAttributesClassName)) spec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  if (!deepEqualJson(spec, oldSpec)) {
    errs.push(fieldErrors.forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${JSON.stringify(spec)}`));
  }
  const newSize = quantityOf(obj(obj(obj(pvc.spec).resources).requests).storage);
  const oldSize = quantityOf(obj(obj(obj(old.spec).resources).requests).storage);
  const statusSize = quantityOf(obj(obj(old.status).capacity).storage);
  if (newSize !== undefined && oldSize !== undefined && compareQuantities(newSize, oldSize) < 0) {
    // RecoverVolumeExpansionFailure is on by default in 1.33 (beta).
    if (statusSize === undefined || compareQuantities(newSize, statusSize) <= 0) {
      errs.push(fieldErrors.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  if (!deepEqualJson(obj(pvc.spec).volumeMode, obj(old.spec).volumeMode)) errs.push(fieldErrors.invalid('volumeMode', s(obj(pvc.spec).volumeMode), 'field is immutable'));
  return errs;
}

export const persistentvolumeclaims = builtin({
  group: '',
  version: 'v1',
  resource: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  shortNames: ['pvc'],
  strategy: { returnDeletedObject: true },
  defaults(pvc) {
    defaultPVCSpec(child(pvc as Obj, 'spec'));
    const status = child(pvc as Obj, 'status');
    setDefault(status, 'phase', 'Pending');
    roundUpResourceList(status.capacity);
    roundUpResourceList(status.allocatedResources);
  },
  prepareForCreate(pvc) {
    pvc.status = { phase: 'Pending' };
  },
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  status: {
    validateUpdate(pvc, old) {
      const errs = coreMetaUpdate(pvc, old);
      if (s(metaOf(pvc).resourceVersion) === '') errs.push(fieldErrors.required('resourceVersion'));
      if (strs(obj(pvc.spec).accessModes).length === 0) errs.push(fieldErrors.required('Spec.accessModes'));
      const cap = obj(obj(pvc.status).capacity);
      for (const k of sortedKeys(cap)) errs.push(...validateBasicResource(cap[k], FieldPath.root('status').child('capacity').key(k)));
      return errs;
    },
  },
});

// ---------------------------------------------------------------------------------------------
// nodes

function validateTaints(taints: Obj[], p: FieldPath): Errs {
  const errs: Errs = [];
  const unique = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const ip = p.index(i);
    errs.push(...validateLabelName(s(t.key), ip.child('key')));
    const valueErrs = isValidLabelValue(s(t.value));
    if (valueErrs.length) errs.push(fieldErrors.invalid(String(ip.child('value')), s(t.value), valueErrs.join(';')));
    const effect = s(t.effect);
    if (effect === '') errs.push(fieldErrors.required(String(ip.child('effect'))));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) errs.push(fieldErrors.notSupported(String(ip.child('effect')), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(s(t.key))) {
      const e = fieldErrors.duplicate(String(ip), goApprox('core.Taint', t));
      errs.push({ ...e, detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(s(t.key));
    unique.set(effect, keys);
  });
  return errs;
}

function validateNodeResources(node: KubeObject): Errs {
  const errs: Errs = [];
  const status = obj(node.status);
  for (const field of ['capacity', 'allocatable'] as const) {
    const list = obj(status[field]);
    for (const k of sortedKeys(list)) errs.push(...validateResourceQuantityValue(k, list[k], FieldPath.root('status').child(field).child(k)));
  }
  return errs;
}

/** ValidateNode. */
export function validateNode(node: KubeObject): Errs {
  const errs = coreMeta(node, false);
  const spec = obj(node.spec);
  if (arr(spec.taints).length > 0) errs.push(...validateTaints(objs(spec.taints), FieldPath.root('metadata').child('taints')));
  errs.push(...validateNodeResources(node));
  const cidrs = strs(spec.podCIDRs);
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(specPath.child('podCIDRs').index(i), c)));
  if (cidrs.length > 1) {
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(fieldErrors.duplicate(String(specPath.child('podCIDRs').index(i)), c));
      seen.add(c);
    });
  }
  return errs;
}

/** ValidateNodeUpdate. */
export function validateNodeUpdate(node: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(node, old);
  errs.push(...validateNodeResources(node));
  const spec = obj(node.spec);
  const oldSpec = obj(old.spec);
  const oldCIDRs = strs(oldSpec.podCIDRs);
  if (oldCIDRs.length > 0 && !deepEqualJson(oldCIDRs, strs(spec.podCIDRs))) {
    errs.push(fieldErrors.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (s(oldSpec.providerID).length > 0 && s(oldSpec.providerID) !== s(spec.providerID)) {
    errs.push(fieldErrors.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (arr(spec.taints).length > 0) errs.push(...validateTaints(objs(spec.taints), FieldPath.root('metadata').child('taints')));
  if (s(spec.externalID) !== s(oldSpec.externalID)) errs.push(fieldErrors.forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

export const nodes = builtin({
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  shortNames: ['no'],
  defaults(node) {
    const status = child(node as Obj, 'status');
    roundUpResourceList(status.capacity);
    roundUpResourceList(status.allocatable);
    if (!has(status.allocatable) && isObj(status.capacity)) status.allocatable = structuredClone(status.capacity);
  },
  prepareForCreate(node) {
    delete obj(node.spec).configSource;
  },
  prepareForUpdate(node, old) {
    if (!has(obj(old.spec).configSource)) delete obj(node.spec).configSource;
  },
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  status: { resetOnCreate: false, validateUpdate: validateNodeUpdate },
  selectableFields: (node) => ({ 'spec.unschedulable': String(obj(node.spec).unschedulable === true) }),
  fieldLabels: ['spec.unschedulable'],
});

// ---------------------------------------------------------------------------------------------
// replicationcontrollers and podtemplates

function labelsOf(template: unknown): Record<string, string> | undefined {
  return optStrMap(obj(obj(template).metadata).labels);
}

/** ValidateReplicationControllerSpec. */
function validateRCSpec(spec: Obj): Errs {
  const errs = nonNegative(spec.minReadySeconds, specPath.child('minReadySeconds'));
  const selector = optStrMap(spec.selector) ?? {};
  if (Object.keys(selector).length === 0) errs.push(fieldErrors.required(String(specPath.child('selector'))));
  errs.push(...nonNegative(spec.replicas, specPath.child('replicas')));
  const tp = specPath.child('template');
  if (!isObj(spec.template)) errs.push(fieldErrors.required(String(tp)));
  else {
    const labels = labelsOf(spec.template) ?? {};
    if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      errs.push(fieldErrors.invalid(String(tp.child('metadata').child('labels')), goStringMap(labelsOf(spec.template)), '`selector` does not match template `labels`'));
    }
    errs.push(...validatePodTemplateSpec(spec.template, tp));
    const tspec = obj(spec.template.spec);
    if (s(tspec.restartPolicy) !== 'Always') errs.push(fieldErrors.notSupported(String(tp.child('spec').child('restartPolicy')), s(tspec.restartPolicy), ['Always']));
    if (has(tspec.activeDeadlineSeconds)) errs.push(fieldErrors.forbidden(String(tp.child('spec').child('activeDeadlineSeconds')), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function validateReplicaCountsStatus(status: Obj, extra: readonly string[], availableMsg: string): Errs {
  const sp = FieldPath.root('status');
  const errs: Errs = [];
  for (const k of ['replicas', ...extra, 'observedGeneration']) errs.push(...nonNegative(status[k], sp.child(k)));
  const replicas = n(status.replicas);
  for (const k of extra.filter((x) => x !== 'availableReplicas' && x !== 'observedGeneration')) {
    if (n(status[k]) > replicas) errs.push(fieldErrors.invalid(String(sp.child(k)), n(status[k]), 'cannot be greater than status.replicas'));
  }
  if (extra.includes('availableReplicas')) {
    if (n(status.availableReplicas) > replicas) errs.push(fieldErrors.invalid(String(sp.child('availableReplicas')), n(status.availableReplicas), 'cannot be greater than status.replicas'));
    if (n(status.availableReplicas) > n(status.readyReplicas)) errs.push(fieldErrors.invalid(String(sp.child('availableReplicas')), n(status.availableReplicas), availableMsg));
  }
  return errs;
}

export { validateReplicaCountsStatus };

export const replicationcontrollers = builtin({
  group: '',
  version: 'v1',
  resource: 'replicationcontrollers',
  kind: 'ReplicationController',
  shortNames: ['rc'],
  categories: ['all'],
  tracksGeneration: true,
  defaults(rc) {
    const spec = child(rc as Obj, 'spec');
    const labels = labelsOf(spec.template);
    if (labels !== undefined) {
      if (Object.keys(obj(spec.selector)).length === 0) spec.selector = { ...labels };
      const m = metaOf(rc);
      if (Object.keys(m.labels ?? {}).length === 0) {
        rc.metadata = m;
        m.labels = { ...labels };
      }
    }
    if (isObj(spec.template)) defaultPodSpec(child(spec.template, 'spec'));
  },
  validate: (rc) => [...coreMeta(rc, true), ...validateRCSpec(obj(rc.spec))],
  validateUpdate: (rc, old) => [...coreMetaUpdate(rc, old), ...validateRCSpec(obj(rc.spec))],
  status: {
    validateUpdate: (rc, old) => [
      ...coreMetaUpdate(rc, old),
      ...validateReplicaCountsStatus(obj(rc.status), ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'cannot be greater than readyReplicas'),
    ],
  },
  selectableFields: (rc) => ({ 'status.replicas': String(n(obj(rc.status).replicas)) }),
  fieldLabels: ['status.replicas'],
});

export const podtemplates = builtin({
  group: '',
  version: 'v1',
  resource: 'podtemplates',
  kind: 'PodTemplate',
  tracksGeneration: true,
  defaults(pt) {
    defaultPodSpec(child(child(pt as Obj, 'template'), 'spec'));
  },
  validate: (pt) => [...coreMeta(pt, true), ...validatePodTemplateSpec(obj(pt.template), FieldPath.root('template'))],
  validateUpdate: (pt, old) => [...coreMetaUpdate(pt, old), ...validatePodTemplateSpec(obj(pt.template), FieldPath.root('template'))],
});

// ---------------------------------------------------------------------------------------------
// resourcequotas and limitranges

const standardQuotaResources = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
]);
const isQuotaHugePage = (name: string) => name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
const standardScopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];

function validateQuotaResourceName(name: string, p: FieldPath): Errs {
  const errs = validateResourceName(name, p, () => true);
  if (!name.includes('/') && !standardQuotaResources.has(name) && !isQuotaHugePage(name)) return [...errs, fieldErrors.invalid(String(p), name, 'must be a standard resource for quota')];
  return errs;
}

function validateQuotaList(list: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  for (const k of sortedKeys(list)) {
    errs.push(...validateQuotaResourceName(k, p.key(k)));
    errs.push(...validateResourceQuantityValue(k, list[k], p.key(k)));
  }
  return errs;
}

function validateQuotaSpec(spec: Obj): Errs {
  const errs = validateQuotaList(obj(spec.hard), specPath.child('hard'));
  const scopes = strs(spec.scopes);
  const scopesPath = specPath.child('scopes');
  const bad = () => goTypedStrings('core.ResourceQuotaScope', scopes);
  for (const scope of scopes) if (!standardScopes.includes(scope)) errs.push(fieldErrors.invalid(String(scopesPath), bad(), 'unsupported scope'));
  const conflicting = (a: string, b: string) => scopes.includes(a) && scopes.includes(b);
  if (conflicting('BestEffort', 'NotBestEffort') || conflicting('Terminating', 'NotTerminating')) errs.push(fieldErrors.invalid(String(scopesPath), bad(), 'conflicting scopes'));
  if (isObj(spec.scopeSelector)) {
    const mp = specPath.child('scopeSelector').child('matchExpressions');
    for (const req of objs(spec.scopeSelector.matchExpressions)) {
      const scope = s(req.scopeName);
      const op = s(req.operator);
      if (!standardScopes.includes(scope)) errs.push(fieldErrors.invalid(String(mp.child('scopeName')), scope, 'unsupported scope'));
      if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(scope) && op !== 'Exists') {
        errs.push(
          fieldErrors.invalid(
            String(mp.child('operator')),
            op,
            "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
          ),
        );
      }
      const values = strs(req.values);
      if (op === 'In' || op === 'NotIn') {
        if (values.length === 0) errs.push(fieldErrors.required(String(mp.child('values')), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
      } else if (op === 'Exists' || op === 'DoesNotExist') {
        if (values.length !== 0) errs.push(fieldErrors.invalid(String(mp.child('values')), goApprox('[]string', values), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
      } else errs.push(fieldErrors.invalid(String(mp.child('operator')), op, 'not a valid selector operator'));
    }
  }
  return errs;
}

function defaultQuota(rq: KubeObject): void {
  roundUpResourceList(obj(rq.spec).hard);
  roundUpResourceList(obj(rq.status).hard);
  roundUpResourceList(obj(rq.status).used);
}

export const resourcequotas = builtin({
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  kind: 'ResourceQuota',
  shortNames: ['quota'],
  defaults: defaultQuota,
  validate(rq) {
    const errs = [...coreMeta(rq, true), ...validateQuotaSpec(obj(rq.spec))];
    errs.push(...validateQuotaList(obj(obj(rq.status).hard), FieldPath.root('status').child('hard')));
    errs.push(...validateQuotaList(obj(obj(rq.status).used), FieldPath.root('status').child('used')));
    return errs;
  },
  validateUpdate(rq, old) {
    const errs = [...coreMetaUpdate(rq, old), ...validateQuotaSpec(obj(rq.spec))];
    const scopes = new Set(strs(obj(rq.spec).scopes));
    const oldScopes = new Set(strs(obj(old.spec).scopes));
    if (scopes.size !== oldScopes.size || [...scopes].some((x) => !oldScopes.has(x))) {
      errs.push(fieldErrors.invalid('spec.scopes', goTypedStrings('core.ResourceQuotaScope', strs(obj(rq.spec).scopes)), 'field is immutable'));
    }
    return errs;
  },
  status: {
    validateUpdate(rq, old) {
      const errs = coreMetaUpdate(rq, old);
      if (s(metaOf(rq).resourceVersion) === '') errs.push(fieldErrors.required('resourceVersion'));
      errs.push(...validateQuotaList(obj(obj(rq.status).hard), FieldPath.root('status').child('hard')));
      errs.push(...validateQuotaList(obj(obj(rq.status).used), FieldPath.root('status').child('used')));
      return errs;
    },
  },
});

const limitTypes = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const qs = (v: unknown) => {
  const q = quantityOf(v);
  return q === undefined ? '' : formatQuantity(q);
};

/** ValidateLimitRange. */
export function validateLimitRange(lr: KubeObject): Errs {
  const errs = coreMeta(lr, true);
  const seen = new Set<string>();
  objs(obj(lr.spec).limits).forEach((limit, i) => {
    const ip = specPath.child('limits').index(i);
    const type = s(limit.type);
    const typeErrs = isQualifiedName(type).map((m) => fieldErrors.invalid(String(ip.child('type')), type, m));
    if (typeErrs.length === 0 && !type.includes('/') && !limitTypes.has(type)) typeErrs.push(fieldErrors.invalid(String(ip.child('type')), type, 'must be a standard limit type or fully qualified'));
    errs.push(...typeErrs);
    if (seen.has(type)) errs.push(fieldErrors.duplicate(String(ip.child('type')), type));
    seen.add(type);
    const nameCheck = (name: string, p: FieldPath) => (type === 'Pod' || type === 'Container' ? validateResourceName(name, p) : validateResourceName(name, p, () => true));
    const lists: Record<string, Obj> = {};
    for (const field of ['max', 'min'] as const) {
      lists[field] = obj(limit[field]);
      for (const k of sortedKeys(lists[field] as Obj)) errs.push(...nameCheck(k, ip.child(field).key(k)));
    }
    if (type === 'Pod') {
      if (Object.keys(obj(limit.default)).length > 0) errs.push(fieldErrors.forbidden(String(ip.child('default')), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(obj(limit.defaultRequest)).length > 0) errs.push(fieldErrors.forbidden(String(ip.child('defaultRequest')), "may not be specified when `type` is 'Pod'"));
    } else {
      for (const field of ['default', 'defaultRequest'] as const) {
        lists[field] = obj(limit[field]);
        for (const k of sortedKeys(lists[field] as Obj)) errs.push(...nameCheck(k, ip.child(field).key(k)));
      }
    }
    if (type === 'PersistentVolumeClaim' && !('storage' in (lists.min as Obj)) && !('storage' in (lists.max as Obj))) {
      errs.push(fieldErrors.required(String(ip.child('limits')), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    lists.maxLimitRequestRatio = obj(limit.maxLimitRequestRatio);
    for (const k of sortedKeys(lists.maxLimitRequestRatio)) errs.push(...nameCheck(k, ip.child('maxLimitRequestRatio').key(k)));
    const keys = new Set(Object.values(lists).flatMap((l) => Object.keys(l)));
    for (const k of [...keys].sort(compareBytes)) {
      const get = (f: string) => (k in (lists[f] ?? {}) ? quantityOf((lists[f] as Obj)[k]) : undefined);
      const min = get('min');
      const max = get('max');
      const def = get('default');
      const defReq = get('defaultRequest');
      const ratio = get('maxLimitRequestRatio');
      const q = (f: string) => qs((lists[f] as Obj)[k]);
      // The bad value is the resource.Quantity itself, which Go prints with %#v.
      const gq = (f: string) => new GoSyntax(goQuantity(get(f) as Quantity));
      if (min && max && compareQuantities(min, max) > 0) errs.push(fieldErrors.invalid(String(ip.child('min').key(k)), gq('min'), `min value ${q('min')} is greater than max value ${q('max')}`));
      if (defReq && min && compareQuantities(min, defReq) > 0) {
        errs.push(fieldErrors.invalid(String(ip.child('defaultRequest').key(k)), gq('defaultRequest'), `min value ${q('min')} is greater than default request value ${q('defaultRequest')}`));
      }
      if (defReq && max && compareQuantities(defReq, max) > 0) {
        errs.push(fieldErrors.invalid(String(ip.child('defaultRequest').key(k)), gq('defaultRequest'), `default request value ${q('defaultRequest')} is greater than max value ${q('max')}`));
      }
      if (defReq && def && compareQuantities(defReq, def) > 0) {
        errs.push(fieldErrors.invalid(String(ip.child('defaultRequest').key(k)), gq('defaultRequest'), `default request value ${q('defaultRequest')} is greater than default limit value ${q('default')}`));
      }
      if (def && min && compareQuantities(min, def) > 0) errs.push(fieldErrors.invalid(String(ip.child('default').key(k)), gq('min'), `min value ${q('min')} is greater than default value ${q('default')}`));
      if (def && max && compareQuantities(def, max) > 0) errs.push(fieldErrors.invalid(String(ip.child('default').key(k)), gq('max'), `default value ${q('default')} is greater than max value ${q('max')}`));
      if (ratio && compareQuantities(ratio, intQuantity(1)) < 0) errs.push(fieldErrors.invalid(String(ip.child('maxLimitRequestRatio').key(k)), gq('maxLimitRequestRatio'), `ratio ${q('maxLimitRequestRatio')} is less than 1`));
      if (ratio && min && max) {
        // Milli-values while they fit, as Go compares them.
        const maxMilli = 9223372036854775n;
        const milli = quantityValue(ratio) < maxMilli && quantityValue(min) < maxMilli && quantityValue(max) < maxMilli;
        const ratioValue = milli ? Number(quantityMilliValue(ratio)) / 1000 : Number(quantityValue(ratio));
        const limit = milli ? Number(quantityMilliValue(max)) / Number(quantityMilliValue(min)) : Number(quantityValue(max)) / Number(quantityValue(min));
        if (ratioValue > limit) {
          errs.push(fieldErrors.invalid(String(ip.child('maxLimitRequestRatio').key(k)), gq('maxLimitRequestRatio'), `ratio ${q('maxLimitRequestRatio')} is greater than max/min = ${limit.toFixed(6)}`));
        }
      }
      const overcommit = !k.startsWith('hugepages-') && (!k.includes('/') || k.includes('kubernetes.io/'));
      if (!overcommit && def && defReq && compareQuantities(def, defReq) !== 0) {
        errs.push(fieldErrors.invalid(String(ip.child('defaultRequest').key(k)), gq('defaultRequest'), `default value ${q('default')} must equal to defaultRequest value ${q('defaultRequest')} in ${k}`));
      }
    }
  });
  return errs;
}

/** SetDefaults_LimitRangeItem and the ResourceLists. */
function defaultLimitRange(lr: KubeObject): void {
  for (const item of objs(obj(lr.spec).limits)) {
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) roundUpResourceList(item[f]);
    if (item.type !== 'Container') continue;
    const def = child(item, 'default');
    const defReq = child(item, 'defaultRequest');
    for (const [k, v] of Object.entries(obj(item.max))) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(obj(item.min))) if (!(k in defReq)) defReq[k] = v;
  }
}

export const limitranges = builtin({
  group: '',
  version: 'v1',
  resource: 'limitranges',
  kind: 'LimitRange',
  shortNames: ['limits'],
  strategy: { allowCreateOnUpdate: true },
  defaults: defaultLimitRange,
  prepareForCreate(lr) {
    // A LimitRange without a name gets a random one (the strategy's own quirk).
    const m = metaOf(lr);
    if (s(m.name) === '' && s(m.generateName) === '') {
      lr.metadata = m;
      m.name = crypto.randomUUID();
    }
  },
  validate: validateLimitRange,
  validateUpdate: (lr, old) => [...coreMetaUpdate(lr, old), ...validateLimitRange(lr)],
});

// ---------------------------------------------------------------------------------------------
// componentstatuses (read-only: kube-apiserver computes them; Portico reports none)

export const componentstatuses = builtin({
  group: '',
  version: 'v1',
  resource: 'componentstatuses',
  kind: 'ComponentStatus',
  shortNames: ['cs'],
  validate: (cs) => coreMeta(cs, false),
  validateUpdate: (cs, old) => coreMetaUpdate(cs, old),
});
