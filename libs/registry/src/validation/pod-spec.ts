// k8s parity: kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec, _Pod, _Container,
// _Probe, _HTTPGetAction, the volume sources, _ObjectFieldSelector, _ResourceList) and
// pkg/apis/core/validation/validation.go (ValidatePodSpec, ValidatePodTemplateSpec and what they
// call), Kubernetes 1.33 with its default feature gates. Every PodSpec goes through here: pods,
// pod templates, replication controllers, the apps workloads, jobs and cron jobs.
//
// Left out on purpose: Windows host-process rules, gMSA credential specs, dynamic resource
// claims (the gate is off by default, so claims are dropped), pod-level resources (alpha).
import {
  type FieldError,
  FieldPath,
  compareBytes,
  fieldErrors,
  goQuote,
  goStringSlice,
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabelName,
  validateLabels,
} from '@portico/api';
import {
  type Obj,
  arr,
  child,
  goApprox,
  has,
  isHTTPHeaderName,
  isObj,
  isRelaxedEnvVarName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  n,
  nonNegative,
  obj,
  objs,
  optNum,
  optStrMap,
  s,
  setDefault,
  strs,
  validateLabelSelector,
  validateQualifiedName,
} from './common';
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  type Quantity,
  quantityMilliValue,
  quantityOf,
  quantityValue,
  roundUpQuantity,
  zeroQuantity,
} from './quantity';

// ---------------------------------------------------------------------------------------------
// Defaults

/** SetDefaults_ResourceList: every quantity rounded up to a whole milli. Mutates. */
export function roundUpResourceList(list: unknown): void {
  if (!isObj(list)) return;
  for (const k of Object.keys(list)) {
    const q = quantityOf(list[k]);
    if (q !== undefined) list[k] = formatQuantity(roundUpQuantity(q, -3));
  }
}

/** ParseImageName's tag: "latest" when neither tag nor digest is given; "" when it does not parse. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const namePart = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : '';
  if (at >= 0 && !/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(digest)) return '';
  const slash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  let name = namePart;
  let tag = '';
  if (colon > slash) {
    name = namePart.slice(0, colon);
    tag = namePart.slice(colon + 1);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return '';
  }
  if (name.length === 0 || name.length > 255) return '';
  const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
  const parts = name.split('/');
  const first = parts[0] as string;
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const pathParts = hasDomain ? parts.slice(1) : parts;
  if (hasDomain && !/^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/.test(first)) return '';
  if (pathParts.length === 0 || !pathParts.every((p) => component.test(p))) return '';
  if (tag === '' && digest === '') return 'latest';
  return tag;
}

function defaultHTTPGet(handler: Obj | undefined): void {
  if (handler === undefined) return;
  const get = handler.httpGet;
  if (isObj(get)) {
    setDefault(get, 'path', '/');
    setDefault(get, 'scheme', 'HTTP');
  }
}

function defaultProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  for (const [k, d] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const) {
    if (!has(probe[k]) || probe[k] === 0) probe[k] = d;
  }
  defaultHTTPGet(probe);
}

function defaultFieldRef(ref: unknown): void {
  if (isObj(ref)) setDefault(ref, 'apiVersion', 'v1');
}

/** SetDefaults_Container and what zz_generated.defaults applies inside a container. */
export function defaultContainer(c: Obj): void {
  if (!has(c.imagePullPolicy) || c.imagePullPolicy === '') c.imagePullPolicy = imageTag(s(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const env of objs(c.env)) if (isObj(env.valueFrom)) defaultFieldRef(env.valueFrom.fieldRef);
  if (isObj(c.resources)) {
    roundUpResourceList(c.resources.limits);
    roundUpResourceList(c.resources.requests);
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultHTTPGet(isObj(c.lifecycle.postStart) ? c.lifecycle.postStart : undefined);
    defaultHTTPGet(isObj(c.lifecycle.preStop) ? c.lifecycle.preStop : undefined);
  }
}

const volumeSourceKeys = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
  'image',
] as const;

/** The path Go names in "may not specify more than 1 volume type" (its own spellings kept). */
const forbiddenVolumePath: Record<string, string> = { cephfs: 'cephFS', downwardAPI: 'downwarAPI' };

const defaultMode = 420; // 0644

/** SetDefaults_Volume and the volume sources' defaults. */
export function defaultVolume(v: Obj): void {
  if (volumeSourceKeys.every((k) => !has(v[k]))) v.emptyDir = {};
  if (isObj(v.hostPath)) setDefault(v.hostPath, 'type', '');
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected'] as const) {
    const src = v[k];
    if (isObj(src) && !has(src.defaultMode)) src.defaultMode = defaultMode;
  }
  if (isObj(v.downwardAPI)) for (const item of objs(v.downwardAPI.items)) defaultFieldRef(item.fieldRef);
  if (isObj(v.projected)) {
    for (const src of objs(v.projected.sources)) {
      if (isObj(src.downwardAPI)) for (const item of objs(src.downwardAPI.items)) defaultFieldRef(item.fieldRef);
      if (isObj(src.serviceAccountToken) && !has(src.serviceAccountToken.expirationSeconds)) src.serviceAccountToken.expirationSeconds = 3600;
    }
  }
  if (isObj(v.ephemeral) && isObj(v.ephemeral.volumeClaimTemplate)) defaultPVCSpec(child(v.ephemeral.volumeClaimTemplate, 'spec'));
}

/** SetDefaults_PersistentVolumeClaimSpec and the ResourceLists inside it. */
export function defaultPVCSpec(spec: Obj): void {
  if (!has(spec.volumeMode)) spec.volumeMode = 'Filesystem';
  if (isObj(spec.resources)) {
    roundUpResourceList(spec.resources.limits);
    roundUpResourceList(spec.resources.requests);
  }
}

/** SetDefaults_PodSpec and the nested defaults every PodSpec gets (pods and templates alike). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (!has(spec.terminationGracePeriodSeconds)) spec.terminationGracePeriodSeconds = 30;
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const v of objs(spec.volumes)) defaultVolume(v);
  for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) for (const c of objs(spec[key])) defaultContainer(c);
  roundUpResourceList(spec.overhead);
}

/** SetDefaults_Pod (on top of the PodSpec defaults): requests from limits, service links, host ports. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  for (const key of ['containers', 'initContainers'] as const) {
    for (const c of objs(spec[key])) {
      const res = isObj(c.resources) ? c.resources : undefined;
      if (res === undefined || !isObj(res.limits)) continue;
      if (!isObj(res.requests)) res.requests = {};
      const requests = res.requests as Obj;
      for (const [k, v] of Object.entries(res.limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  if (!has(spec.enableServiceLinks)) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers'] as const) {
      for (const c of objs(spec[key])) for (const p of objs(c.ports)) if (!has(p.hostPort) || p.hostPort === 0) p.hostPort = n(p.containerPort);
    }
  }
}

/** The fields of gates that are off by default in 1.33, dropped unless the old object used them. */
export function dropDisabledPodSpecFields(spec: Obj, old: Obj | undefined): void {
  const oldSpec = old ?? {};
  if (has(spec.resourceClaims) && !has(oldSpec.resourceClaims)) delete spec.resourceClaims;
  if (has(spec.resources) && !has(oldSpec.resources)) delete spec.resources;
  const oldUsesClaims = ['containers', 'initContainers'].some((k) => objs(oldSpec[k]).some((c) => isObj(c.resources) && has(c.resources.claims)));
  if (!oldUsesClaims) {
    for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
      for (const c of objs(spec[key])) if (isObj(c.resources)) delete c.resources.claims;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface PodValidationOptions {
  /** The object is a Pod, not a template (host ports must match with hostNetwork, image whitespace). */
  resourceIsPod?: boolean;
}

type Errs = FieldError[];

const dnsLabel = (v: string, p: FieldPath | string): Errs => isDNS1123Label(v).map((m) => fieldErrors.invalid(String(p), v, m));
const dnsSubdomain = (v: string, p: FieldPath | string): Errs => isDNS1123Subdomain(v).map((m) => fieldErrors.invalid(String(p), v, m));

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateFileMode(mode: unknown, p: FieldPath): Errs {
  const m = optNum(mode);
  return m !== undefined && (m > 0o777 || m < 0) ? [fieldErrors.invalid(String(p), m, fileModeErrorMsg)] : [];
}

function validatePathNoBacksteps(target: string, p: FieldPath): Errs {
  return target.split('/').includes('..') ? [fieldErrors.invalid(String(p), target, "must not contain '..'")] : [];
}

function validateLocalDescendingPath(target: string, p: FieldPath): Errs {
  const errs: Errs = [];
  if (target.startsWith('/')) errs.push(fieldErrors.invalid(String(p), target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, p));
  return errs;
}

function validateLocalNonReservedPath(target: string, p: FieldPath): Errs {
  const errs = validateLocalDescendingPath(target, p);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(fieldErrors.invalid(String(p), target, "must not start with '..'"));
  return errs;
}

function validateKeyToPath(kp: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (s(kp.key) === '') errs.push(fieldErrors.required(String(p.child('key'))));
  if (s(kp.path) === '') errs.push(fieldErrors.required(String(p.child('path'))));
  errs.push(...validateLocalNonReservedPath(s(kp.path), p.child('path')));
  errs.push(...validateFileMode(kp.mode, p.child('mode')));
  return errs;
}

const volumeDownwardAPIFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const envDownwardAPIFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
].sort(compareBytes);
const containerResourceFieldPaths = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** validateObjectFieldSelector (ConvertDownwardAPIFieldLabel for v1 included). */
function validateObjectFieldSelector(fs: Obj, expressions: readonly string[], p: FieldPath): Errs {
  if (s(fs.apiVersion) === '') return [fieldErrors.required(String(p.child('apiVersion')))];
  const fieldPath = s(fs.fieldPath);
  if (fieldPath === '') return [fieldErrors.required(String(p.child('fieldPath')))];
  if (s(fs.apiVersion) !== 'v1') {
    return [fieldErrors.invalid(String(p.child('fieldPath')), fieldPath, `error converting fieldPath: unsupported pod version: ${s(fs.apiVersion)}`)];
  }
  const m = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fieldPath) ?? /^([^[]+)\[(.*)\]$/.exec(fieldPath);
  if (m !== null) {
    const path = m[1] as string;
    const subscript = m[2] as string;
    if (path === 'metadata.annotations') return validateQualifiedName(subscript.toLowerCase(), p);
    if (path === 'metadata.labels') return validateQualifiedName(subscript, p);
    return [fieldErrors.invalid(String(p), path, 'does not support subscript')];
  }
  const known = [...envDownwardAPIFieldPaths, ...volumeDownwardAPIFieldPaths, 'spec.schedulerName', 'status.phase'];
  if (!known.includes(fieldPath)) {
    return [fieldErrors.invalid(String(p.child('fieldPath')), fieldPath, `error converting fieldPath: field label not supported: ${fieldPath}`)];
  }
  if (!expressions.includes(fieldPath)) return [fieldErrors.notSupported(String(p.child('fieldPath')), fieldPath, expressions)];
  return [];
}

function validateResourceFieldSelector(fs: Obj, p: FieldPath, volume: boolean): Errs {
  const errs: Errs = [];
  const resource = s(fs.resource);
  if (volume && s(fs.containerName) === '') errs.push(fieldErrors.required(String(p.child('containerName'))));
  else if (resource === '') errs.push(fieldErrors.required(String(p.child('resource'))));
  else if (!containerResourceFieldPaths.includes(resource) && !resource.startsWith('limits.hugepages-') && !resource.startsWith('requests.hugepages-')) {
    errs.push(fieldErrors.notSupported(String(p.child('resource')), resource, containerResourceFieldPaths));
  }
  const divisor = quantityOf(fs.divisor);
  if (divisor !== undefined && compareQuantities(divisor, zeroQuantity) !== 0) {
    const d = formatQuantity(divisor);
    const memoryLike = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];
    if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !['1m', '1'].includes(d)) {
      errs.push(fieldErrors.invalid(String(p.child('divisor')), resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
    }
    if ((resource === 'limits.memory' || resource === 'requests.memory') && !memoryLike.includes(d)) {
      errs.push(
        fieldErrors.invalid(String(p.child('divisor')), resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"),
      );
    }
    if ((resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') && !memoryLike.includes(d)) {
      errs.push(
        fieldErrors.invalid(
          String(p.child('divisor')),
          resource,
          "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
        ),
      );
    }
  }
  return errs;
}

function validateDownwardAPIFile(file: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (s(file.path) === '') errs.push(fieldErrors.required(String(p.child('path'))));
  errs.push(...validateLocalNonReservedPath(s(file.path), p.child('path')));
  if (isObj(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, volumeDownwardAPIFieldPaths, p.child('fieldRef')));
    if (isObj(file.resourceFieldRef)) errs.push(fieldErrors.invalid(String(p), 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isObj(file.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, p.child('resourceFieldRef'), true));
  } else {
    errs.push(fieldErrors.required(String(p), 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, p.child('mode')));
  return errs;
}

function validateProjectedSources(proj: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const allPaths = new Set<string>();
  const addPath = (path: string, bad: string) => {
    if (path === '') return;
    if (allPaths.has(path)) errs.push(fieldErrors.invalid(String(p), bad, 'conflicting duplicate paths'));
    else allPaths.add(path);
  };
  objs(proj.sources).forEach((src, i) => {
    let count = 0;
    const sp = p.child('sources').index(i);
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = src[kind];
      if (!isObj(ref)) continue;
      count++;
      if (s(ref.name) === '') errs.push(fieldErrors.required(String(sp.child(kind).child('name'))));
      objs(ref.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, sp.child(kind).child('items').index(j)));
        addPath(s(kp.path), s(ref.name));
      });
    }
    if (isObj(src.downwardAPI)) {
      count++;
      for (const file of objs(src.downwardAPI.items)) {
        errs.push(...validateDownwardAPIFile(file, sp.child('downwardAPI')));
        addPath(s(file.path), s(file.path));
      }
    }
    if (isObj(src.serviceAccountToken)) {
      count++;
      const tok = src.serviceAccountToken;
      const exp = n(tok.expirationSeconds);
      if (exp < 600) errs.push(fieldErrors.invalid(String(sp.child('serviceAccountToken').child('expirationSeconds')), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(fieldErrors.invalid(String(sp.child('serviceAccountToken').child('expirationSeconds')), exp, 'may not specify a duration larger than 2^32 seconds'));
      if (s(tok.path) === '') errs.push(fieldErrors.required(String(p.child('path'))));
      else errs.push(...validateLocalNonReservedPath(s(tok.path), p.child('path')));
    }
    if (isObj(src.clusterTrustBundle)) count++;
    if (count > 1) errs.push(fieldErrors.forbidden(String(sp), 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

const supportedHostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

export function validateCSIDriverName(name: string, p: FieldPath): Errs {
  const errs: Errs = [];
  if (name.length === 0) errs.push(fieldErrors.required(String(p)));
  if (name.length > 63) errs.push(fieldErrors.tooLong(String(p), 63));
  for (const msg of isDNS1123Subdomain(name.toLowerCase())) errs.push(fieldErrors.invalid(String(p), name, msg));
  return errs;
}

/** The checks of one source, for the common sources (others are only counted). */
function validateVolumeSourceDetail(key: string, src: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  switch (key) {
    case 'emptyDir': {
      const limit = quantityOf(src.sizeLimit);
      if (limit !== undefined && compareQuantities(limit, zeroQuantity) < 0) {
        errs.push(fieldErrors.forbidden(String(p.child('sizeLimit')), 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    }
    case 'hostPath':
      if (s(src.path) === '') return [fieldErrors.required(String(p.child('path')))];
      errs.push(...validatePathNoBacksteps(s(src.path), p.child('path')));
      if (has(src.type) && !supportedHostPathTypes.includes(s(src.type))) errs.push(fieldErrors.notSupported(String(p.child('type')), s(src.type), supportedHostPathTypes));
      break;
    case 'gitRepo':
      if (s(src.repository) === '') errs.push(fieldErrors.required(String(p.child('repository'))));
      errs.push(...validateLocalDescendingPath(s(src.directory), p.child('directory')));
      break;
    case 'secret':
      if (s(src.secretName) === '') errs.push(fieldErrors.required(String(p.child('secretName'))));
      errs.push(...validateFileMode(src.defaultMode, p.child('defaultMode')));
      objs(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, p.child('items').index(i))));
      break;
    case 'configMap':
      if (s(src.name) === '') errs.push(fieldErrors.required(String(p.child('name'))));
      errs.push(...validateFileMode(src.defaultMode, p.child('defaultMode')));
      objs(src.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, p.child('items').index(i))));
      break;
    case 'nfs':
      if (s(src.server) === '') errs.push(fieldErrors.required(String(p.child('server'))));
      if (s(src.path) === '') errs.push(fieldErrors.required(String(p.child('path'))));
      if (!s(src.path).startsWith('/')) errs.push(fieldErrors.invalid(String(p.child('path')), s(src.path), 'must be an absolute path'));
      break;
    case 'persistentVolumeClaim':
      if (s(src.claimName) === '') errs.push(fieldErrors.required(String(p.child('claimName'))));
      break;
    case 'downwardAPI':
      errs.push(...validateFileMode(src.defaultMode, p.child('defaultMode')));
      for (const file of objs(src.items)) errs.push(...validateDownwardAPIFile(file, p));
      break;
    case 'projected':
      errs.push(...validateFileMode(src.defaultMode, p.child('defaultMode')));
      errs.push(...validateProjectedSources(src, p));
      break;
    case 'csi':
      errs.push(...validateCSIDriverName(s(src.driver), p.child('driver')));
      if (isObj(src.nodePublishSecretRef)) {
        const name = s(src.nodePublishSecretRef.name);
        if (name === '') errs.push(fieldErrors.required(String(p.child('nodePublishSecretRef').child('name'))));
        else for (const msg of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(String(p.child('name')), name, msg));
      }
      break;
    case 'ephemeral':
      if (!isObj(src.volumeClaimTemplate)) errs.push(fieldErrors.required(String(p.child('volumeClaimTemplate'))));
      break;
    case 'iscsi':
      if (s(src.targetPortal) === '') errs.push(fieldErrors.required(String(p.child('targetPortal'))));
      if (s(src.iqn) === '') errs.push(fieldErrors.required(String(p.child('iqn'))));
      break;
    case 'glusterfs':
      if (s(src.endpoints) === '') errs.push(fieldErrors.required(String(p.child('endpoints'))));
      if (s(src.path) === '') errs.push(fieldErrors.required(String(p.child('path'))));
      break;
    case 'rbd':
      if (arr(src.monitors).length === 0) errs.push(fieldErrors.required(String(p.child('monitors'))));
      if (s(src.image) === '') errs.push(fieldErrors.required(String(p.child('image'))));
      break;
    case 'cephfs':
      if (arr(src.monitors).length === 0) errs.push(fieldErrors.required(String(p.child('monitors'))));
      break;
    case 'awsElasticBlockStore':
      if (s(src.volumeID) === '') errs.push(fieldErrors.required(String(p.child('volumeID'))));
      break;
    case 'gcePersistentDisk':
      if (s(src.pdName) === '') errs.push(fieldErrors.required(String(p.child('pdName'))));
      break;
    case 'cinder':
    case 'portworxVolume':
      if (s(src.volumeID) === '') errs.push(fieldErrors.required(String(p.child('volumeID'))));
      break;
    case 'flexVolume':
      if (s(src.driver) === '') errs.push(fieldErrors.required(String(p.child('driver'))));
      break;
    case 'azureFile':
      if (s(src.secretName) === '') errs.push(fieldErrors.required(String(p.child('secretName'))));
      if (s(src.shareName) === '') errs.push(fieldErrors.required(String(p.child('shareName'))));
      break;
    case 'image':
      if (s(src.reference) === '') errs.push(fieldErrors.required(String(p.child('reference'))));
      break;
  }
  return errs;
}

// Go validates gcePersistentDisk under the path "persistentDisk" and cephfs under "cephfs".
const detailPath: Record<string, string> = { gcePersistentDisk: 'persistentDisk' };

/** validateVolumeSource: exactly one source, and that source's own rules. */
export function validateVolumeSource(v: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  let count = 0;
  for (const key of volumeSourceKeys) {
    const src = v[key];
    if (!has(src)) continue;
    if (count > 0) {
      errs.push(fieldErrors.forbidden(String(p.child(forbiddenVolumePath[key] ?? key)), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateVolumeSourceDetail(key, obj(src), p.child(detailPath[key] ?? key)));
  }
  if (count === 0) errs.push(fieldErrors.required(String(p), 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: the volumes by name (only the valid ones), and the errors. */
function validateVolumes(volumes: Obj[], podName: string | undefined, p: FieldPath): { vols: Map<string, Obj>; errs: Errs } {
  const errs: Errs = [];
  const vols = new Map<string, Obj>();
  const created = new Set<string>();
  if (podName) for (const v of volumes) if (has(v.ephemeral)) created.add(`${podName}-${s(v.name)}`);
  volumes.forEach((v, i) => {
    const ip = p.index(i);
    const name = s(v.name);
    const el = validateVolumeSource(v, ip);
    if (name === '') el.push(fieldErrors.required(String(ip.child('name'))));
    else el.push(...dnsLabel(name, ip.child('name')));
    if (vols.has(name)) el.push(fieldErrors.duplicate(String(ip.child('name')), name));
    if (el.length === 0) vols.set(name, v);
    else errs.push(...el);
    const claim = isObj(v.persistentVolumeClaim) ? s(v.persistentVolumeClaim.claimName) : undefined;
    if (claim !== undefined && created.has(claim)) {
      errs.push(fieldErrors.invalid(String(ip.child('persistentVolumeClaim').child('claimName')), claim, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { vols, errs };
}

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(ports: Obj[], p: FieldPath): Errs {
  const errs: Errs = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = p.index(i);
    const name = s(port.name);
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(fieldErrors.invalid(String(ip.child('name')), name, m));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(String(ip.child('name')), name));
      else names.add(name);
    }
    const cp = n(port.containerPort);
    if (cp === 0) errs.push(fieldErrors.required(String(ip.child('containerPort'))));
    else for (const m of isValidPortNum(cp)) errs.push(fieldErrors.invalid(String(ip.child('containerPort')), cp, m));
    const hp = n(port.hostPort);
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fieldErrors.invalid(String(ip.child('hostPort')), hp, m));
    const proto = s(port.protocol);
    if (proto === '') errs.push(fieldErrors.required(String(ip.child('protocol'))));
    else if (!supportedPortProtocols.includes(proto)) errs.push(fieldErrors.notSupported(String(ip.child('protocol')), proto, supportedPortProtocols));
  });
  return errs;
}

function validateEnv(vars: Obj[], p: FieldPath): Errs {
  const errs: Errs = [];
  vars.forEach((ev, i) => {
    const ip = p.index(i);
    const name = s(ev.name);
    if (name === '') errs.push(fieldErrors.required(String(ip.child('name'))));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(fieldErrors.invalid(String(ip.child('name')), name, m));
    if (!isObj(ev.valueFrom)) return;
    const vf = ev.valueFrom;
    const vp = ip.child('valueFrom');
    let count = 0;
    if (isObj(vf.fieldRef)) {
      count++;
      errs.push(...validateObjectFieldSelector(vf.fieldRef, envDownwardAPIFieldPaths, vp.child('fieldRef')));
    }
    if (isObj(vf.resourceFieldRef)) {
      count++;
      errs.push(...validateResourceFieldSelector(vf.resourceFieldRef, vp.child('resourceFieldRef'), false));
    }
    for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const ref = vf[kind];
      if (!isObj(ref)) continue;
      count++;
      const kp = vp.child(kind);
      for (const m of nameIsDNSSubdomain(s(ref.name), false)) errs.push(fieldErrors.invalid(String(kp.child('name')), s(ref.name), m));
      if (s(ref.key) === '') errs.push(fieldErrors.required(String(kp.child('key'))));
      else for (const m of isConfigMapKey(s(ref.key))) errs.push(fieldErrors.invalid(String(kp.child('key')), s(ref.key), m));
    }
    if (count === 0) errs.push(fieldErrors.invalid(String(vp), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (s(ev.value) !== '') errs.push(fieldErrors.invalid(String(vp), '', 'may not be specified when `value` is not empty'));
    else if (count > 1) errs.push(fieldErrors.invalid(String(vp), '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(vars: Obj[], p: FieldPath): Errs {
  const errs: Errs = [];
  vars.forEach((ev, i) => {
    const ip = p.index(i);
    const prefix = s(ev.prefix);
    if (prefix.length > 0) for (const m of isRelaxedEnvVarName(prefix)) errs.push(fieldErrors.invalid(String(ip.child('prefix')), prefix, m));
    let count = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = ev[kind];
      if (!isObj(ref)) continue;
      count++;
      const name = s(ref.name);
      if (name === '') errs.push(fieldErrors.required(String(ip.child(kind).child('name'))));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(fieldErrors.invalid(String(ip.child(kind).child('name')), name, m));
    }
    if (count === 0) errs.push(fieldErrors.invalid(String(p), '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(fieldErrors.invalid(String(p), '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const supportedMountPropagations = ['Bidirectional', 'HostToContainer', 'None'];

function validateVolumeMounts(mounts: Obj[], devices: Obj[], vols: Map<string, Obj>, container: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const mountPoints = new Set<string>();
  const devicePaths = new Map(devices.map((d) => [s(d.name), s(d.devicePath)]));
  mounts.forEach((m, i) => {
    const ip = p.index(i);
    const name = s(m.name);
    const mountPath = s(m.mountPath);
    if (name === '') errs.push(fieldErrors.required(String(ip.child('name'))));
    if (!vols.has(name)) errs.push(fieldErrors.notFound(String(ip.child('name')), name));
    if (mountPath === '') errs.push(fieldErrors.required(String(ip.child('mountPath'))));
    if (mountPoints.has(mountPath)) errs.push(fieldErrors.invalid(String(ip.child('mountPath')), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devicePaths.has(name)) errs.push(fieldErrors.invalid(String(ip.child('name')), name, 'must not already exist in volumeDevices'));
    if ([...devicePaths.values()].includes(mountPath)) errs.push(fieldErrors.invalid(String(ip.child('mountPath')), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = s(m.subPath);
    const subPathExpr = s(m.subPathExpr);
    if (subPath.length > 0) errs.push(...validateLocalDescendingPath(subPath, p.child('subPath')));
    if (subPathExpr.length > 0) {
      if (subPath.length > 0) errs.push(fieldErrors.invalid(String(ip.child('subPathExpr')), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, p.child('subPathExpr')));
    }
    if (has(m.mountPropagation)) {
      const mp = s(m.mountPropagation);
      if (!supportedMountPropagations.includes(mp)) errs.push(fieldErrors.notSupported(String(p.child('mountPropagation')), mp, supportedMountPropagations));
      const privileged = isObj(container.securityContext) && container.securityContext.privileged === true;
      if (mp === 'Bidirectional' && !privileged) {
        errs.push(fieldErrors.forbidden(String(p.child('mountPropagation')), 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (has(m.recursiveReadOnly)) {
      const rro = s(m.recursiveReadOnly);
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(fieldErrors.forbidden(String(p.child('recursiveReadOnly')), 'may only be specified when readOnly is true'));
        if (has(m.mountPropagation) && s(m.mountPropagation) !== 'None') {
          errs.push(fieldErrors.forbidden(String(p.child('recursiveReadOnly')), 'may only be specified when mountPropagation is None or not specified'));
        }
      } else if (rro !== 'Disabled') {
        errs.push(fieldErrors.notSupported(String(p.child('recursiveReadOnly')), rro, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(devices: Obj[], mounts: Obj[], vols: Map<string, Obj>, p: FieldPath): Errs {
  const errs: Errs = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mountPaths = new Map(mounts.map((m) => [s(m.name), s(m.mountPath)]));
  devices.forEach((d, i) => {
    const ip = p.index(i);
    const name = s(d.name);
    const devPath = s(d.devicePath);
    const vol = vols.get(name);
    const isPVC = vol !== undefined && (has(vol.persistentVolumeClaim) || has(vol.ephemeral));
    if (name === '') errs.push(fieldErrors.required(String(ip.child('name'))));
    if (names.has(name)) errs.push(fieldErrors.invalid(String(ip.child('name')), name, 'must be unique'));
    if (vol !== undefined && !isPVC) errs.push(fieldErrors.invalid(String(ip.child('name')), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (vol === undefined) errs.push(fieldErrors.notFound(String(ip.child('name')), name));
    if (devPath === '') errs.push(fieldErrors.required(String(ip.child('devicePath'))));
    if (paths.has(devPath)) errs.push(fieldErrors.invalid(String(ip.child('devicePath')), devPath, 'must be unique'));
    if (devPath.length > 0 && devPath.split('/').includes('..')) errs.push(fieldErrors.invalid(String(ip.child('devicePath')), devPath, "can not contain backsteps ('..')"));
    else paths.add(devPath);
    if (mountPaths.has(name)) errs.push(fieldErrors.invalid(String(ip.child('name')), name, 'must not already exist in volumeMounts'));
    if ([...mountPaths.values()].includes(devPath)) errs.push(fieldErrors.invalid(String(ip.child('devicePath')), devPath, 'must not already exist as a path in volumeMounts'));
    if (name.length > 0) names.add(name);
  });
  return errs;
}

const supportedPullPolicies = ['Always', 'IfNotPresent', 'Never'];

function validatePullPolicy(policy: string, p: FieldPath): Errs {
  if (supportedPullPolicies.includes(policy)) return [];
  if (policy === '') return [fieldErrors.required(String(p))];
  return [fieldErrors.notSupported(String(p), policy, supportedPullPolicies)];
}

// helper.IsStandardContainerResourceName and friends.
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
  'storage',
]);
const isHugePageResourceName = (name: string) => name.startsWith('hugepages-');
const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
const isExtendedResourceName = (name: string) => !isNativeResource(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
const isOvercommitAllowed = (name: string) => isNativeResource(name) && !isHugePageResourceName(name);
const isIntegerResourceName = (name: string) => (!isNativeResource(name) && isExtendedResourceName(name)) || ['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers'].includes(name) || name.startsWith('count/');

/** validateResourceName: a qualified name, and a standard one when unprefixed. */
export function validateResourceName(name: string, p: FieldPath, isStandard: (n: string) => boolean = (x) => standardResources.has(x) || isHugePageResourceName(x)): Errs {
  const errs = isQualifiedName(name).map((m) => fieldErrors.invalid(String(p), name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandard(name)) return [fieldErrors.invalid(String(p), name, 'must be a standard resource type or fully qualified')];
  return [];
}

function validateContainerResourceName(name: string, p: FieldPath): Errs {
  const errs = validateResourceName(name, p);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) return [...errs, fieldErrors.invalid(String(p), name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, fieldErrors.invalid(String(p), name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** ValidateResourceQuantityValue: non-negative, and integral for integer resources. */
export function validateResourceQuantityValue(name: string, value: unknown, p: FieldPath): Errs {
  const q = quantityOf(value);
  if (q === undefined) return [];
  const errs: Errs = [];
  if (compareQuantities(q, zeroQuantity) < 0) errs.push(fieldErrors.invalid(String(p), formatQuantity(q), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(name) && quantityMilliValue(q) % 1000n !== 0n) errs.push(fieldErrors.invalid(String(p), formatQuantity(q), 'must be an integer'));
  return errs;
}

/** validateResourceRequirements for a container. */
function validateContainerResources(res: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const limits = obj(res.limits);
  const requests = obj(res.requests);
  const limPath = p.child('limits');
  const reqPath = p.child('requests');
  let limCPUOrMem = false;
  let reqCPUOrMem = false;
  let hugePages = false;
  for (const name of Object.keys(limits).sort(compareBytes)) {
    const fp = limPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    errs.push(...validateResourceQuantityValue(name, limits[name], fp));
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') limCPUOrMem = true;
  }
  for (const name of Object.keys(requests).sort(compareBytes)) {
    const fp = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, fp));
    errs.push(...validateResourceQuantityValue(name, requests[name], fp));
    const req = quantityOf(requests[name]);
    const lim = name in limits ? quantityOf(limits[name]) : undefined;
    if (req !== undefined && lim !== undefined) {
      const cmp = compareQuantities(req, lim);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(fieldErrors.invalid(String(reqPath), formatQuantity(req), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
      } else if (cmp > 0) {
        errs.push(fieldErrors.invalid(String(reqPath), formatQuantity(req), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
      }
    } else if (!(name in limits) && !isOvercommitAllowed(name)) {
      errs.push(fieldErrors.required(String(limPath), 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') reqCPUOrMem = true;
  }
  if (!limCPUOrMem && !reqCPUOrMem && hugePages) errs.push(fieldErrors.forbidden(String(p), 'HugePages require cpu or memory'));
  return errs;
}

function validateResizePolicy(policies: Obj[], p: FieldPath, podRestartPolicy: string): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  policies.forEach((pol, i) => {
    const rn = s(pol.resourceName);
    const rp = s(pol.restartPolicy);
    if (seen.has(rn)) errs.push(fieldErrors.duplicate(String(p.index(i)), rn));
    seen.add(rn);
    if (rn === '') errs.push(fieldErrors.required(String(p)));
    else if (rn !== 'cpu' && rn !== 'memory') errs.push(fieldErrors.notSupported(String(p), rn, ['cpu', 'memory']));
    if (rp === '') errs.push(fieldErrors.required(String(p)));
    else if (rp !== 'NotRequired' && rp !== 'RestartContainer') errs.push(fieldErrors.notSupported(String(p), rp, ['NotRequired', 'RestartContainer']));
    if (podRestartPolicy === 'Never' && rp !== 'NotRequired') errs.push(fieldErrors.invalid(String(p), rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

function validateSeccompProfileField(sp: unknown, p: FieldPath): Errs {
  if (!isObj(sp)) return [];
  const errs: Errs = [];
  const type = s(sp.type);
  if (type === '') errs.push(fieldErrors.required(String(p.child('type')), 'type is required when seccompProfile is set'));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(type)) {
    errs.push(fieldErrors.notSupported(String(p.child('type')), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  if (type === 'Localhost') {
    if (!has(sp.localhostProfile)) errs.push(fieldErrors.required(String(p.child('localhostProfile')), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(s(sp.localhostProfile), p.child('localhostProfile')));
  } else if (has(sp.localhostProfile)) {
    errs.push(fieldErrors.invalid(String(p.child('localhostProfile')), goApprox('core.SeccompProfile', sp), 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validateAppArmorProfileField(profile: unknown, p: FieldPath): Errs {
  if (!isObj(profile)) return [];
  const type = s(profile.type);
  switch (type) {
    case 'Localhost': {
      if (!has(profile.localhostProfile)) return [fieldErrors.required(String(p.child('localhostProfile')), 'must be set when AppArmor type is Localhost')];
      const lp = s(profile.localhostProfile);
      if (lp.trim() !== lp) return [fieldErrors.invalid(String(p.child('localhostProfile')), lp, 'must not be padded with whitespace')];
      if (lp === '') return [fieldErrors.required(String(p.child('localhostProfile')), 'must be set when AppArmor type is Localhost')];
      return Buffer.byteLength(lp) > 4095 ? [fieldErrors.tooLong(String(p.child('localhostProfile')), 4095)] : [];
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return has(profile.localhostProfile) ? [fieldErrors.invalid(String(p.child('localhostProfile')), s(profile.localhostProfile), 'can only be set when AppArmor type is Localhost')] : [];
    case '':
      return [fieldErrors.required(String(p.child('type')), 'type is required when appArmorProfile is set')];
    default:
      return [fieldErrors.notSupported(String(p.child('type')), type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

function validateSecurityContext(sc: unknown, p: FieldPath): Errs {
  if (!isObj(sc)) return [];
  const errs: Errs = [];
  for (const k of ['runAsUser', 'runAsGroup'] as const) {
    const v = optNum(sc[k]);
    if (v !== undefined) for (const m of isValidUserID(v)) errs.push(fieldErrors.invalid(String(p.child(k)), v, m));
  }
  if (has(sc.procMount)) {
    const pm = s(sc.procMount);
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(fieldErrors.notSupported(String(p.child('procMount')), pm, ['Default', 'Unmasked']));
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, p.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(fieldErrors.invalid(String(p), goApprox('core.SecurityContext', sc), 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (isObj(sc.capabilities) && strs(sc.capabilities.add).includes('CAP_SYS_ADMIN')) {
      errs.push(fieldErrors.invalid(String(p), goApprox('core.SecurityContext', sc), 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...validateAppArmorProfileField(sc.appArmorProfile, p.child('appArmorProfile')));
  return errs;
}

/** validateContainerCommon. */
function validateContainerCommon(c: Obj, vols: Map<string, Obj>, p: FieldPath, podRestartPolicy: string): Errs {
  const errs: Errs = [];
  const name = s(c.name);
  if (name === '') errs.push(fieldErrors.required(String(p.child('name'))));
  else errs.push(...dnsLabel(name, p.child('name')));
  if (s(c.image) === '') errs.push(fieldErrors.required(String(p.child('image'))));
  const tmp = s(c.terminationMessagePolicy);
  if (tmp === '') errs.push(fieldErrors.required(String(p.child('terminationMessagePolicy'))));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(fieldErrors.notSupported(String(p.child('terminationMessagePolicy')), tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(objs(c.ports), p.child('ports')));
  errs.push(...validateEnv(objs(c.env), p.child('env')));
  errs.push(...validateEnvFrom(objs(c.envFrom), p.child('envFrom')));
  errs.push(...validateVolumeMounts(objs(c.volumeMounts), objs(c.volumeDevices), vols, c, p.child('volumeMounts')));
  errs.push(...validateVolumeDevices(objs(c.volumeDevices), objs(c.volumeMounts), vols, p.child('volumeDevices')));
  errs.push(...validatePullPolicy(s(c.imagePullPolicy), p.child('imagePullPolicy')));
  errs.push(...validateContainerResources(obj(c.resources), p.child('resources')));
  errs.push(...validateResizePolicy(objs(c.resizePolicy), p.child('resizePolicy'), podRestartPolicy));
  errs.push(...validateSecurityContext(c.securityContext, p.child('securityContext')));
  return errs;
}

function validatePortNumOrName(port: unknown, p: FieldPath): Errs {
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErrors.invalid(String(p), port, m));
  const v = n(port);
  return isValidPortNum(v).map((m) => fieldErrors.invalid(String(p), v, m));
}

export { validatePortNumOrName };

function validateHandler(h: Obj, gracePeriod: number | undefined, p: FieldPath, allowSleep: boolean, allowGRPC: boolean): Errs {
  const errs: Errs = [];
  let count = 0;
  const one = (key: string, check: () => Errs) => {
    if (!has(h[key])) return;
    if (count > 0) errs.push(fieldErrors.forbidden(String(p.child(key)), 'may not specify more than 1 handler type'));
    else {
      count++;
      errs.push(...check());
    }
  };
  one('exec', () => (arr(obj(h.exec).command).length === 0 ? [fieldErrors.required(String(p.child('exec').child('command')))] : []));
  one('httpGet', () => {
    const g = obj(h.httpGet);
    const gp = p.child('httpGet');
    const e: Errs = [];
    if (s(g.path) === '') e.push(fieldErrors.required(String(gp.child('path'))));
    e.push(...validatePortNumOrName(g.port, gp.child('port')));
    if (!['HTTP', 'HTTPS'].includes(s(g.scheme))) e.push(fieldErrors.notSupported(String(gp.child('scheme')), s(g.scheme), ['HTTP', 'HTTPS']));
    for (const hdr of objs(g.httpHeaders)) for (const m of isHTTPHeaderName(s(hdr.name))) e.push(fieldErrors.invalid(String(gp.child('httpHeaders')), s(hdr.name), m));
    return e;
  });
  one('tcpSocket', () => validatePortNumOrName(obj(h.tcpSocket).port, p.child('tcpSocket').child('port')));
  if (allowGRPC) one('grpc', () => validatePortNumOrName(n(obj(h.grpc).port), p.child('grpc').child('port')));
  if (allowSleep) {
    one('sleep', () => {
      const secs = n(obj(h.sleep).seconds);
      if (gracePeriod !== undefined && (secs < 0 || secs > gracePeriod)) {
        return [fieldErrors.invalid(String(p.child('sleep')), secs, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
      }
      return [];
    });
  }
  if (count === 0) errs.push(fieldErrors.required(String(p), 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: unknown, gracePeriod: number | undefined, p: FieldPath, kind: 'liveness' | 'readiness' | 'startup'): Errs {
  if (!isObj(probe)) return [];
  const errs = validateHandler(probe, gracePeriod, p, false, true);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) errs.push(...nonNegative(probe[k], p.child(k)));
  const tgps = optNum(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(fieldErrors.invalid(String(p.child('terminationGracePeriodSeconds')), tgps, 'must be greater than 0'));
  if (kind !== 'readiness' && n(probe.successThreshold) !== 1) errs.push(fieldErrors.invalid(String(p.child('successThreshold')), n(probe.successThreshold), 'must be 1'));
  if (kind === 'readiness' && tgps !== undefined) errs.push(fieldErrors.invalid(String(p.child('terminationGracePeriodSeconds')), tgps, 'must not be set for readinessProbes'));
  return errs;
}

function validateLifecycle(lc: Obj, gracePeriod: number | undefined, p: FieldPath): Errs {
  const errs: Errs = [];
  for (const k of ['postStart', 'preStop'] as const) if (isObj(lc[k])) errs.push(...validateHandler(lc[k] as Obj, gracePeriod, p.child(k), true, false));
  return errs;
}

function checkHostPortConflicts(containers: Obj[], p: FieldPath, seen = new Set<string>()): Errs {
  const errs: Errs = [];
  containers.forEach((c, ci) => {
    objs(c.ports).forEach((port, pi) => {
      const hp = n(port.hostPort);
      if (hp === 0) return;
      const key = `${s(port.protocol)}/${s(port.hostIP)}/${hp}`;
      if (seen.has(key)) errs.push(fieldErrors.duplicate(String(p.index(ci).child('ports').index(pi).child('hostPort')), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: Obj[], vols: Map<string, Obj>, gracePeriod: number | undefined, p: FieldPath, restartPolicy: string): Errs {
  if (containers.length === 0) return [fieldErrors.required(String(p))];
  const errs: Errs = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const cp = p.index(i);
    errs.push(...validateContainerCommon(c, vols, cp, restartPolicy));
    const name = s(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(String(cp.child('name')), name));
    else names.add(name);
    if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, gracePeriod, cp.child('lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, gracePeriod, cp.child('livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, gracePeriod, cp.child('readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, gracePeriod, cp.child('startupProbe'), 'startup'));
    if (has(c.restartPolicy)) errs.push(fieldErrors.forbidden(String(cp.child('restartPolicy')), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, p));
  return errs;
}

function validateInitContainers(inits: Obj[], regular: Obj[], vols: Map<string, Obj>, gracePeriod: number | undefined, p: FieldPath, restartPolicy: string): Errs {
  const errs: Errs = [];
  const names = new Set(regular.map((c) => s(c.name)));
  inits.forEach((c, i) => {
    const cp = p.index(i);
    errs.push(...validateContainerCommon(c, vols, cp, restartPolicy));
    let restartAlways = false;
    if (has(c.restartPolicy)) {
      const rp = s(c.restartPolicy);
      if (rp !== 'Always') errs.push(fieldErrors.notSupported(String(cp.child('restartPolicy')), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = s(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(String(cp.child('name')), name));
    else if (name.length > 0) names.add(name);
    errs.push(...checkHostPortConflicts([c], p));
    if (restartAlways) {
      if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, gracePeriod, cp.child('lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, gracePeriod, cp.child('livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, gracePeriod, cp.child('readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c.startupProbe, gracePeriod, cp.child('startupProbe'), 'startup'));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (has(c[k])) errs.push(fieldErrors.forbidden(String(cp.child(k)), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateTolerations(tolerations: Obj[], p: FieldPath): Errs {
  const errs: Errs = [];
  tolerations.forEach((t, i) => {
    const ip = p.index(i);
    const key = s(t.key);
    const op = s(t.operator);
    const effect = s(t.effect);
    if (key.length > 0) errs.push(...validateLabelName(key, ip.child('key')));
    if (key.length === 0 && op !== 'Exists') {
      errs.push(fieldErrors.invalid(String(ip.child('operator')), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (has(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(String(ip.child('effect')), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(s(t.value));
        if (msgs.length) errs.push(fieldErrors.invalid(String(ip.child('operator')), s(t.value), msgs.join(';')));
        break;
      }
      case 'Exists':
        if (s(t.value).length > 0) errs.push(fieldErrors.invalid(String(ip.child('operator')), s(t.value), "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldErrors.notSupported(String(ip.child('operator')), op, ['Equal', 'Exists']));
    }
    if (effect.length > 0 && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(fieldErrors.notSupported(String(ip.child('effect')), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

export { validateTolerations };

function validateNodeSelectorRequirement(rq: Obj, p: FieldPath, allowInvalidValue: boolean): Errs {
  const errs: Errs = [];
  const values = strs(rq.values);
  const op = s(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(String(p.child('values')), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldErrors.forbidden(String(p.child('values')), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldErrors.required(String(p.child('values')), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldErrors.invalid(String(p.child('operator')), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(s(rq.key), p.child('key')));
  if (!allowInvalidValue) values.forEach((v, i) => isValidLabelValue(v).forEach((m) => errs.push(fieldErrors.invalid(String(p.child('values').index(i)), v, m))));
  return errs;
}

function validateNodeSelectorTerm(term: Obj, p: FieldPath, allowInvalidValue: boolean): Errs {
  const errs: Errs = [];
  objs(term.matchExpressions).forEach((rq, j) => errs.push(...validateNodeSelectorRequirement(rq, p.child('matchExpressions').index(j), allowInvalidValue)));
  objs(term.matchFields).forEach((rq, j) => {
    const fp = p.child('matchFields').index(j);
    const op = s(rq.operator);
    const values = strs(rq.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) errs.push(fieldErrors.required(String(fp.child('values')), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else errs.push(fieldErrors.invalid(String(fp.child('operator')), op, 'not a valid selector operator'));
    if (s(rq.key) !== 'metadata.name') errs.push(fieldErrors.invalid(String(fp.child('key')), s(rq.key), 'not a valid field selector key'));
    else values.forEach((v, i) => isDNS1123Subdomain(v).forEach((m) => errs.push(fieldErrors.invalid(String(fp.child('values').index(i)), v, m))));
  });
  return errs;
}

/** ValidateNodeSelector. */
export function validateNodeSelector(ns: Obj, p: FieldPath, allowInvalidValue = false): Errs {
  const terms = objs(ns.nodeSelectorTerms);
  if (terms.length === 0) return [fieldErrors.required(String(p.child('nodeSelectorTerms')), 'must have at least one node selector term')];
  const errs: Errs = [];
  terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, p.child('nodeSelectorTerms').index(i), allowInvalidValue)));
  return errs;
}

function validatePodAffinityTerm(term: Obj, p: FieldPath): Errs {
  const errs = validateLabelSelector(term.labelSelector, p.child('labelSelector'));
  errs.push(...validateLabelSelector(term.namespaceSelector, p.child('namespaceSelector')));
  for (const ns of strs(term.namespaces)) for (const m of isDNS1123Label(ns)) errs.push(fieldErrors.invalid(String(p.child('namespace')), ns, m));
  for (const key of ['matchLabelKeys', 'mismatchLabelKeys'] as const) {
    const keys = strs(term[key]);
    if (keys.length === 0) continue;
    if (!isObj(term.labelSelector)) errs.push(fieldErrors.forbidden(String(p.child(key)), 'must not be specified when labelSelector is not set'));
    else keys.forEach((k, i) => errs.push(...validateLabelName(k, p.child(key).index(i))));
  }
  const tk = s(term.topologyKey);
  if (tk === '') errs.push(fieldErrors.required(String(p.child('topologyKey')), 'can not be empty'));
  errs.push(...validateLabelName(tk, p.child('topologyKey')));
  return errs;
}

function validateAffinity(aff: unknown, p: FieldPath): Errs {
  if (!isObj(aff)) return [];
  const errs: Errs = [];
  if (isObj(aff.nodeAffinity)) {
    const na = aff.nodeAffinity;
    const np = p.child('nodeAffinity');
    if (isObj(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, np.child('requiredDuringSchedulingIgnoredDuringExecution')));
    }
    objs(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const tp = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const w = n(t.weight);
      if (w <= 0 || w > 100) errs.push(fieldErrors.invalid(String(tp.child('weight')), w, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(obj(t.preference), tp.child('preference'), true));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = aff[kind];
    if (!isObj(pa)) continue;
    const pp = p.child(kind);
    objs(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, pp.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
    );
    objs(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const tp = pp.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const w = n(t.weight);
      if (w <= 0 || w > 100) errs.push(fieldErrors.invalid(String(tp.child('weight')), w, 'must be in the range 1-100'));
      errs.push(...validatePodAffinityTerm(obj(t.podAffinityTerm), tp.child('podAffinityTerm')));
    });
  }
  return errs;
}

function validatePodDNSConfig(cfg: unknown, dnsPolicy: string, p: FieldPath): Errs {
  const errs: Errs = [];
  if (dnsPolicy === 'None') {
    if (!isObj(cfg)) return [fieldErrors.required(String(p), 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0) return [fieldErrors.required(String(p.child('nameservers')), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!isObj(cfg)) return errs;
  const nameservers = strs(cfg.nameservers);
  if (nameservers.length > 3) errs.push(fieldErrors.invalid(String(p.child('nameservers')), goStringSlice(nameservers), 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(p.child('nameservers').index(i), ns)));
  const searches = strs(cfg.searches);
  if (searches.length > 32) errs.push(fieldErrors.invalid(String(p.child('searches')), goStringSlice(searches), 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(fieldErrors.invalid(String(p.child('searches')), goStringSlice(searches), 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((search, i) => {
    if (search === '.') return;
    const trimmed = search.endsWith('.') ? search.slice(0, -1) : search;
    const re = /^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*$/;
    if (Buffer.byteLength(trimmed) > 253) errs.push(fieldErrors.invalid(String(p.child('searches').index(i)), trimmed, 'must be no more than 253 characters'));
    if (!re.test(trimmed)) {
      errs.push(
        fieldErrors.invalid(
          String(p.child('searches').index(i)),
          trimmed,
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*')",
        ),
      );
    }
  });
  objs(cfg.options).forEach((o, i) => {
    if (s(o.name) === '') errs.push(fieldErrors.required(String(p.child('options').index(i)), 'must not be empty'));
  });
  return errs;
}

const sysctlRegexp = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

function validatePodSecurityContext(sc: unknown, spec: Obj, p: FieldPath): Errs {
  if (!isObj(sc)) return [];
  const errs: Errs = [];
  for (const k of ['fsGroup', 'runAsUser', 'runAsGroup'] as const) {
    const v = optNum(sc[k]);
    if (v !== undefined) for (const m of isValidUserID(v)) errs.push(fieldErrors.invalid(String(p.child(k)), v, m));
  }
  arr(sc.supplementalGroups).forEach((g, i) => {
    for (const m of isValidUserID(n(g))) errs.push(fieldErrors.invalid(String(p.child('supplementalGroups').index(i)), n(g), m));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(fieldErrors.invalid(String(p.child('shareProcessNamespace')), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const names = new Set<string>();
  objs(sc.sysctls).forEach((sy, i) => {
    const name = s(sy.name);
    const np = p.child('sysctls').index(i).child('name');
    if (name === '') errs.push(fieldErrors.required(String(np)));
    else if (Buffer.byteLength(name) > 253 || !sysctlRegexp.test(name)) {
      errs.push(fieldErrors.invalid(String(np), name, `must have at most 253 characters and match regex ${sysctlRegexp.source}`));
    } else if (names.has(name)) errs.push(fieldErrors.duplicate(String(np), name));
    names.add(name);
  });
  if (has(sc.fsGroupChangePolicy) && !['Always', 'OnRootMismatch'].includes(s(sc.fsGroupChangePolicy))) {
    errs.push(fieldErrors.notSupported(String(p.child('fsGroupChangePolicy')), s(sc.fsGroupChangePolicy), ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, p.child('seccompProfile')));
  errs.push(...validateAppArmorProfileField(sc.appArmorProfile, p.child('appArmorProfile')));
  if (has(sc.supplementalGroupsPolicy) && !['Merge', 'Strict'].includes(s(sc.supplementalGroupsPolicy))) {
    errs.push(fieldErrors.notSupported(String(p.child('supplementalGroupsPolicy')), s(sc.supplementalGroupsPolicy), ['Merge', 'Strict']));
  }
  if (has(sc.seLinuxChangePolicy) && !['MountOption', 'Recursive'].includes(s(sc.seLinuxChangePolicy))) {
    errs.push(fieldErrors.notSupported(String(p.child('seLinuxChangePolicy')), s(sc.seLinuxChangePolicy), ['MountOption', 'Recursive']));
  }
  return errs;
}

function validateTopologySpreadConstraints(constraints: Obj[], p: FieldPath): Errs {
  const errs: Errs = [];
  constraints.forEach((c, i) => {
    const cp = p.index(i);
    const maxSkew = n(c.maxSkew);
    if (maxSkew <= 0) errs.push(fieldErrors.invalid(String(cp.child('maxSkew')), maxSkew, 'must be greater than zero'));
    if (s(c.topologyKey) === '') errs.push(fieldErrors.required(String(cp.child('topologyKey')), 'can not be empty'));
    const wu = s(c.whenUnsatisfiable);
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(wu)) errs.push(fieldErrors.notSupported(String(cp.child('whenUnsatisfiable')), wu, ['DoNotSchedule', 'ScheduleAnyway']));
    for (const rest of constraints.slice(i + 1)) {
      if (s(rest.topologyKey) === s(c.topologyKey) && s(rest.whenUnsatisfiable) === wu) {
        errs.push(fieldErrors.duplicate(String(cp.child('{topologyKey, whenUnsatisfiable}')), `{${s(c.topologyKey)}, ${wu}}`));
        break;
      }
    }
    const minDomains = optNum(c.minDomains);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(fieldErrors.invalid(String(cp.child('minDomains')), minDomains, 'must be greater than zero'));
      if (wu !== 'DoNotSchedule') errs.push(fieldErrors.invalid(String(cp.child('minDomains')), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`));
    }
    for (const k of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      if (has(c[k]) && !['Honor', 'Ignore'].includes(s(c[k]))) errs.push(fieldErrors.notSupported(String(cp.child(k)), s(c[k]), ['Honor', 'Ignore']));
    }
    const keys = strs(c.matchLabelKeys);
    if (keys.length > 0) {
      if (!isObj(c.labelSelector)) errs.push(fieldErrors.forbidden(String(cp.child('matchLabelKeys')), 'must not be specified when labelSelector is not set'));
      keys.forEach((k, j) => errs.push(...validateLabelName(k, cp.child('matchLabelKeys').index(j))));
    }
    errs.push(...validateLabelSelector(c.labelSelector, cp.child('labelSelector')));
  });
  return errs;
}

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

/** ValidatePodSpec. `podName` enables the checks that need the pod's name (ephemeral PVCs). */
export function validatePodSpec(spec: Obj, p: FieldPath, opts: PodValidationOptions = {}, podName?: string): Errs {
  const errs: Errs = [];
  if (!has(spec.terminationGracePeriodSeconds)) errs.push(fieldErrors.required(String(p.child('terminationGracePeriodSeconds'))));
  const gracePeriod = optNum(spec.terminationGracePeriodSeconds);
  const restartPolicy = s(spec.restartPolicy);
  const { vols, errs: volErrs } = validateVolumes(objs(spec.volumes), podName, p.child('volumes'));
  errs.push(...volErrs);
  const containers = objs(spec.containers);
  errs.push(...validateContainers(containers, vols, gracePeriod, p.child('containers'), restartPolicy));
  errs.push(...validateInitContainers(objs(spec.initContainers), containers, vols, gracePeriod, p.child('initContainers'), restartPolicy));
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) => {
      objs(c.ports).forEach((port, j) => {
        const hp = n(port.hostPort);
        const cp = n(port.containerPort);
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(fieldErrors.invalid(String(p.child('containers').index(i).child('ports').index(j).child('hostPort')), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  if (restartPolicy === '') errs.push(fieldErrors.required(String(p.child('restartPolicy'))));
  else if (!restartPolicies.includes(restartPolicy)) errs.push(fieldErrors.notSupported(String(p.child('restartPolicy')), restartPolicy, restartPolicies));
  const dnsPolicy = s(spec.dnsPolicy);
  if (dnsPolicy === '') errs.push(fieldErrors.required(String(p.child('dnsPolicy'))));
  else if (!dnsPolicies.includes(dnsPolicy)) errs.push(fieldErrors.notSupported(String(p.child('dnsPolicy')), dnsPolicy, dnsPolicies));
  errs.push(...validateLabels(optStrMap(spec.nodeSelector), p.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, p.child('securityContext')));
  objs(spec.imagePullSecrets).forEach((ref, i) => {
    const extra = Object.keys(ref).filter((k) => k !== 'name');
    if (extra.length > 0) errs.push(fieldErrors.invalid(String(p.child('imagePullSecrets').index(i)), goApprox('core.LocalObjectReference', ref), 'only name may be set'));
  });
  errs.push(...validateAffinity(spec.affinity, p.child('affinity')));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, dnsPolicy, p.child('dnsConfig')));
  objs(spec.readinessGates).forEach((g, i) => errs.push(...validateQualifiedName(s(g.conditionType), p.child('readinessGates').index(i).child('conditionType'))));
  const gates = new Set<string>();
  objs(spec.schedulingGates).forEach((g, i) => {
    const name = s(g.name);
    errs.push(...validateQualifiedName(name, p.child('schedulingGates').index(i)));
    if (gates.has(name)) errs.push(fieldErrors.duplicate(String(p.child('schedulingGates').index(i)), name));
    gates.add(name);
  });
  errs.push(...validateTopologySpreadConstraints(objs(spec.topologySpreadConstraints), p.child('topologySpreadConstraints')));
  if (isObj(spec.securityContext) && spec.securityContext.hostUsers === false) {
    if (spec.hostNetwork === true) errs.push(fieldErrors.forbidden(String(p.child('hostNetwork')), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostPID === true) errs.push(fieldErrors.forbidden(String(p.child('HostPID')), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostIPC === true) errs.push(fieldErrors.forbidden(String(p.child('HostIPC')), 'when `pod.Spec.HostUsers` is false'));
  }
  const sa = s(spec.serviceAccountName);
  if (sa.length > 0) for (const m of isDNS1123Subdomain(sa)) errs.push(fieldErrors.invalid(String(p.child('serviceAccountName')), sa, m));
  const nodeName = s(spec.nodeName);
  if (nodeName.length > 0) errs.push(...dnsSubdomain(nodeName, p.child('nodeName')));
  const ads = optNum(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > 2147483647)) errs.push(fieldErrors.invalid(String(p.child('activeDeadlineSeconds')), ads, inclusiveRangeError(1, 2147483647)));
  if (s(spec.hostname).length > 0) errs.push(...dnsLabel(s(spec.hostname), p.child('hostname')));
  if (s(spec.subdomain).length > 0) errs.push(...dnsLabel(s(spec.subdomain), p.child('subdomain')));
  errs.push(...validateTolerations(objs(spec.tolerations), p.child('tolerations')));
  objs(spec.hostAliases).forEach((ha, i) => {
    errs.push(...isValidIP(p.child('hostAliases').index(i).child('ip'), s(ha.ip)));
    strs(ha.hostnames).forEach((h, j) => errs.push(...dnsSubdomain(h, p.child('hostAliases').index(i).child('hostnames').index(j))));
  });
  const pcn = s(spec.priorityClassName);
  if (pcn.length > 0) errs.push(...dnsSubdomain(pcn, p.child('priorityClassName')));
  if (has(spec.runtimeClassName)) errs.push(...dnsSubdomain(s(spec.runtimeClassName), p.child('runtimeClassName')));
  if (has(spec.preemptionPolicy)) {
    const pp = s(spec.preemptionPolicy);
    if (pp === '') errs.push(fieldErrors.required(String(p.child('preemptionPolicy'))));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(fieldErrors.notSupported(String(p.child('preemptionPolicy')), pp, ['PreemptLowerPriority', 'Never']));
  }
  if (isObj(spec.overhead)) errs.push(...validateContainerResources({ limits: spec.overhead }, p.child('overhead')));
  if (isObj(spec.os)) {
    const os = s(spec.os.name);
    if (os === '') errs.push(fieldErrors.required(String(p.child('os').child('name')), 'cannot be empty'));
    else if (os !== 'linux' && os !== 'windows') errs.push(fieldErrors.notSupported(String(p.child('os')), os, ['linux', 'windows']));
  }
  return errs;
}

const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const podDeletionCost = 'controller.kubernetes.io/pod-deletion-cost';
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const appArmorContainerPrefix = 'container.apparmor.security.beta.kubernetes.io/';

function validateSeccompProfileAnnotation(value: string, p: FieldPath): Errs {
  if (['runtime/default', 'docker/default', 'unconfined'].includes(value)) return [];
  if (value.startsWith('localhost/')) return validateLocalDescendingPath(value.slice('localhost/'.length), p);
  return [fieldErrors.invalid(String(p), value, 'must be a valid seccomp profile')];
}

/** ValidatePodSpecificAnnotations. */
export function validatePodSpecificAnnotations(annotations: Record<string, string>, spec: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (mirrorPodAnnotation in annotations && s(spec.nodeName) === '') {
    errs.push(fieldErrors.invalid(String(p.key(mirrorPodAnnotation)), annotations[mirrorPodAnnotation], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (podDeletionCost in annotations) {
    const v = annotations[podDeletionCost] as string;
    if (!/^[+-]?[0-9]+$/.test(v) || Number(v) < -(2 ** 31) || Number(v) > 2 ** 31 - 1) errs.push(fieldErrors.invalid(String(p.key(podDeletionCost)), v, 'must be a 32bit integer'));
  }
  if (seccompPodAnnotation in annotations) errs.push(...validateSeccompProfileAnnotation(annotations[seccompPodAnnotation] as string, p.child(seccompPodAnnotation)));
  const keys = Object.keys(annotations).sort(compareBytes);
  for (const k of keys) if (k.startsWith(seccompContainerPrefix)) errs.push(...validateSeccompProfileAnnotation(annotations[k] as string, p.child(k)));
  const allContainers = ['containers', 'initContainers', 'ephemeralContainers'].flatMap((k) => objs(spec[k]).map((c) => s(c.name)));
  for (const k of keys) {
    if (!k.startsWith(appArmorContainerPrefix)) continue;
    const name = k.slice(appArmorContainerPrefix.length);
    if (!allContainers.includes(name)) errs.push(fieldErrors.invalid(String(p.key(k)), name, 'container not found'));
    const profile = annotations[k] as string;
    if (profile !== '' && profile !== 'runtime/default' && profile !== 'unconfined' && !profile.startsWith('localhost/')) {
      errs.push(fieldErrors.invalid(String(p.key(k)), profile, `invalid AppArmor profile name: ${goQuote(profile)}`));
    }
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels, annotations and spec. */
export function validatePodTemplateSpec(template: Obj, p: FieldPath, opts: PodValidationOptions = {}): Errs {
  const meta = obj(template.metadata);
  const errs = validateLabels(optStrMap(meta.labels), p.child('labels'));
  const annotations = optStrMap(meta.annotations) ?? {};
  errs.push(...validateAnnotations(annotations, p.child('annotations')));
  const spec = obj(template.spec);
  errs.push(...validatePodSpecificAnnotations(annotations, spec, p.child('annotations')));
  errs.push(...validatePodSpec(spec, p.child('spec'), opts));
  if (arr(spec.ephemeralContainers).length > 0) errs.push(fieldErrors.forbidden(String(p.child('spec').child('ephemeralContainers')), 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** qos.ComputePodQOS. */
export function podQOSClass(spec: Obj): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const add = (m: Map<string, Quantity>, k: string, q: Quantity) => {
    const cur = m.get(k);
    m.set(k, cur === undefined ? q : addQuantities(cur, q));
  };
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    const res = obj(c.resources);
    for (const [k, v] of Object.entries(obj(res.requests))) {
      if (k !== 'cpu' && k !== 'memory') continue;
      const q = quantityOf(v);
      if (q !== undefined && compareQuantities(q, zeroQuantity) > 0) add(requests, k, q);
    }
    const found = new Set<string>();
    for (const [k, v] of Object.entries(obj(res.limits))) {
      if (k !== 'cpu' && k !== 'memory') continue;
      const q = quantityOf(v);
      if (q !== undefined && compareQuantities(q, zeroQuantity) > 0) {
        found.add(k);
        add(limits, k, q);
      }
    }
    if (!(found.has('cpu') && found.has('memory'))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, req] of requests) {
      const lim = limits.get(k);
      if (lim === undefined || compareQuantities(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** validateBasicResource: Value() must not be negative. */
export function validateBasicResource(value: unknown, p: FieldPath): Errs {
  const q = quantityOf(value);
  if (q === undefined) return [];
  const v = quantityValue(q);
  return v < 0n ? [fieldErrors.invalid(String(p), Number(v), 'must be a valid resource quantity')] : [];
}

/** ValidatePositiveQuantityValue. */
export function validatePositiveQuantity(value: unknown, p: FieldPath): Errs {
  const q = quantityOf(value);
  if (q === undefined) return [];
  return compareQuantities(q, zeroQuantity) <= 0 ? [fieldErrors.invalid(String(p), formatQuantity(q), 'must be greater than zero')] : [];
}

export { validateContainerResources, validateNodeSelectorTerm };

/** A %#v-like rendering for the whole template in "field is immutable" errors (Go prints core.PodTemplateSpec{…}). */
export const goPodTemplate = (t: unknown) => goApprox('core.PodTemplateSpec', t);

/** The field path of a map key in Go's "[key]" form (no quoting). */
export const keyPath = (p: FieldPath, key: string): FieldPath => p.key(key);
export { has as present };
