// k8s parity: the smaller groups: policy/v1 PodDisruptionBudget, scheduling.k8s.io/v1
// PriorityClass, node.k8s.io/v1 RuntimeClass, discovery.k8s.io/v1 EndpointSlice and
// certificates.k8s.io/v1 CertificateSigningRequest (their pkg/apis/*/validation, v1 defaults and
// pkg/registry strategies).
import { X509Certificate } from 'node:crypto';
import {
  type FieldError,
  FieldPath,
  GoSyntax,
  type KubeObject,
  fieldErrors,
  isDNS1123Label,
  isDNS1123Subdomain,
  nameIsDNSLabel,
  validateLabels,
} from '@portico/api';
import { decodeGoBase64 } from '../codec';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { defineStrategy, metaOf } from '../define';
import {
  type Obj,
  child,
  goApprox,
  goIntOrString,
  has,
  isObj,
  isValidIP,
  isValidPercent,
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
} from '../validation/common';
import { validateContainerResources, validateTolerations } from '../validation/pod-spec';
import { validateNonSpecialIP } from './services';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

// ---------------------------------------------------------------------------------------------
// poddisruptionbudgets

function validatePositiveIntOrPercent(v: unknown, p: FieldPath): Errs {
  if (typeof v === 'string') {
    const errs = isValidPercent(v).map((m) => fieldErrors.invalid(String(p), goIntOrString(v), m));
    if (errs.length === 0 && Number(v.slice(0, -1)) > 100) errs.push(fieldErrors.invalid(String(p), goIntOrString(v), 'must not be greater than 100%'));
    return errs;
  }
  return nonNegative(v, p);
}

function validatePDBSpec(spec: Obj): Errs {
  const errs: Errs = [];
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) errs.push(fieldErrors.invalid(String(specPath), goApprox('policy.PodDisruptionBudgetSpec', spec), 'minAvailable and maxUnavailable cannot be both set'));
  if (has(spec.minAvailable)) errs.push(...validatePositiveIntOrPercent(spec.minAvailable, specPath.child('minAvailable')));
  if (has(spec.maxUnavailable)) errs.push(...validatePositiveIntOrPercent(spec.maxUnavailable, specPath.child('maxUnavailable')));
  errs.push(...validateLabelSelector(spec.selector, specPath.child('selector')));
  if (has(spec.unhealthyPodEvictionPolicy) && !['AlwaysAllow', 'IfHealthyBudget'].includes(s(spec.unhealthyPodEvictionPolicy))) {
    errs.push(fieldErrors.notSupported(String(specPath.child('unhealthyPodEvictionPolicy')), s(spec.unhealthyPodEvictionPolicy), ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

function validatePDBStatus(status: Obj): Errs {
  const sp = FieldPath.root('status');
  const errs: Errs = [];
  for (const k of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) errs.push(...nonNegative(status[k], sp.child(k)));
  return errs;
}

export const poddisruptionbudgets = builtin({
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  shortNames: ['pdb'],
  tracksGeneration: true,
  validate: (pdb) => [...coreMeta(pdb, true), ...validatePDBSpec(obj(pdb.spec))],
  validateUpdate: (pdb, old) => [...coreMetaUpdate(pdb, old), ...validatePDBSpec(obj(pdb.spec))],
  status: { validateUpdate: (pdb, old) => [...coreMetaUpdate(pdb, old), ...validatePDBStatus(obj(pdb.status))] },
});

// ---------------------------------------------------------------------------------------------
// priorityclasses

const highestUserDefinablePriority = 1000000000;
const systemPriorityClasses: Record<string, { value: number; globalDefault: boolean }> = {
  'system-node-critical': { value: 2000001000, globalDefault: false },
  'system-cluster-critical': { value: 2000000000, globalDefault: false },
};

function validatePriorityClass(pc: KubeObject): Errs {
  const errs = coreMeta(pc, false);
  const name = s(metaOf(pc).name);
  const value = n(pc.value);
  if (name.startsWith('system-')) {
    const known = systemPriorityClasses[name];
    let err: string | undefined;
    if (known === undefined) err = `${name} is not a known system priority class`;
    else if (known.value !== value) err = `value of ${name} PriorityClass must be ${known.value}`;
    else if (known.globalDefault !== (pc.globalDefault === true)) err = `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
    if (err !== undefined) errs.push(fieldErrors.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${err}`));
  } else if (value > highestUserDefinablePriority) {
    errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (has(pc.preemptionPolicy)) {
    const pp = s(pc.preemptionPolicy);
    if (pp === '') errs.push(fieldErrors.required('preemptionPolicy'));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(fieldErrors.notSupported('preemptionPolicy', pp, ['PreemptLowerPriority', 'Never']));
  }
  return errs;
}

export const priorityclasses = builtin({
  group: 'scheduling.k8s.io',
  version: 'v1',
  resource: 'priorityclasses',
  kind: 'PriorityClass',
  shortNames: ['pc'],
  defaults(pc) {
    if (!has(pc.preemptionPolicy)) pc.preemptionPolicy = 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
  validateUpdate(pc, old) {
    const errs = coreMetaUpdate(pc, old);
    if (n(pc.value) !== n(old.value)) errs.push(fieldErrors.forbidden('value', 'may not be changed in an update.'));
    if (!deepEqualJson(pc.preemptionPolicy, old.preemptionPolicy)) errs.push(fieldErrors.invalid('preemptionPolicy', s(pc.preemptionPolicy), 'field is immutable'));
    return errs;
  },
});

// ---------------------------------------------------------------------------------------------
// runtimeclasses

function validateRuntimeClass(rc: KubeObject): Errs {
  const errs = coreMeta(rc, false);
  const handler = s(rc.handler);
  for (const m of nameIsDNSLabel(handler, false)) errs.push(fieldErrors.invalid('handler', handler, m));
  if (isObj(rc.overhead)) errs.push(...validateContainerResources({ limits: obj(rc.overhead).podFixed }, FieldPath.root('overhead').child('podFixed')));
  if (isObj(rc.scheduling)) {
    const sp = FieldPath.root('scheduling');
    errs.push(...validateLabels(optStrMap(rc.scheduling.nodeSelector), sp.child('nodeSelector')));
    const tolerations = objs(rc.scheduling.tolerations);
    errs.push(...validateTolerations(tolerations, sp.child('tolerations')));
    const seen = new Set<string>();
    tolerations.forEach((t, i) => {
      const key = JSON.stringify([s(t.key), s(t.operator), s(t.value), s(t.effect)]);
      if (seen.has(key)) errs.push(fieldErrors.duplicate(String(sp.child('tolerations').index(i)), goApprox('core.Toleration', t)));
      seen.add(key);
    });
  }
  return errs;
}

export const runtimeclasses = builtin({
  group: 'node.k8s.io',
  version: 'v1',
  resource: 'runtimeclasses',
  kind: 'RuntimeClass',
  strategy: { allowCreateOnUpdate: true },
  validate: validateRuntimeClass,
  validateUpdate(rc, old) {
    const errs = coreMetaUpdate(rc, old);
    if (s(rc.handler) !== s(old.handler)) errs.push(fieldErrors.invalid('handler', s(rc.handler), 'field is immutable'));
    return errs;
  },
});

// ---------------------------------------------------------------------------------------------
// endpointslices

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

function validateEndpointSlice(es: KubeObject): Errs {
  const errs = coreMeta(es, true);
  const addressType = s(es.addressType);
  if (addressType === '') errs.push(fieldErrors.required('addressType', ''));
  else if (!addressTypes.includes(addressType)) errs.push(fieldErrors.notSupported('addressType', addressType, addressTypes));
  const endpoints = objs(es.endpoints);
  const ep = FieldPath.root('endpoints');
  if (endpoints.length > 1000) errs.push(fieldErrors.tooMany(String(ep), endpoints.length, 1000));
  else {
    endpoints.forEach((e, i) => {
      const ip = ep.index(i);
      const addresses = strs(e.addresses);
      const ap = ip.child('addresses');
      if (addresses.length === 0) errs.push(fieldErrors.required(String(ap), 'must contain at least 1 address'));
      else if (addresses.length > 100) errs.push(fieldErrors.tooMany(String(ap), addresses.length, 100));
      addresses.forEach((a, j) => {
        if (addressType === 'IPv4' || addressType === 'IPv6') {
          const e1 = isValidIP(ap.index(j), a);
          if (e1.length) errs.push(...e1);
          else {
            const v6 = a.includes(':');
            if (addressType === 'IPv4' && v6) errs.push(fieldErrors.invalid(String(ap), a, 'must be an IPv4 address'));
            if (addressType === 'IPv6' && !v6) errs.push(fieldErrors.invalid(String(ap), a, 'must be an IPv6 address'));
            errs.push(...validateNonSpecialIP(a, ap.index(j)));
          }
        } else if (addressType === 'FQDN') {
          const msgs = isDNS1123Subdomain(a);
          if (a.length === 0) errs.push(fieldErrors.required(String(ap.index(j)), ''));
          else if (msgs.length) errs.push(fieldErrors.invalid(String(ap.index(j)), a, msgs.join(',')));
          else if (a.split('.').length < 2) errs.push(fieldErrors.invalid(String(ap.index(j)), a, 'should be a domain with at least two segments separated by dots'));
        }
      });
      if (has(e.nodeName)) for (const m of isDNS1123Subdomain(s(e.nodeName))) errs.push(fieldErrors.invalid(String(ip.child('nodeName')), s(e.nodeName), m));
      const topo = optStrMap(e.deprecatedTopology);
      if (topo !== undefined) {
        if (Object.keys(topo).length > 16) errs.push(fieldErrors.tooMany(String(ip.child('deprecatedTopology')), Object.keys(topo).length, 16));
        errs.push(...validateLabels(topo, ip.child('deprecatedTopology')));
      }
      if (has(e.hostname)) for (const m of isDNS1123Label(s(e.hostname))) errs.push(fieldErrors.invalid(String(ip.child('hostname')), s(e.hostname), m));
      if (isObj(e.hints)) {
        const zones = objs(e.hints.forZones);
        const hp = ip.child('hints').child('forZones');
        if (zones.length > 8) errs.push(fieldErrors.tooMany(String(hp), zones.length, 8));
        const seen = new Set<string>();
        zones.forEach((z, j) => {
          if (seen.has(s(z.name))) errs.push(fieldErrors.duplicate(String(hp.index(j)), s(z.name)));
          seen.add(s(z.name));
          for (const m of validateLabels({ 'topology.kubernetes.io/zone': s(z.name) }, hp.index(j).child('name'))) errs.push(m);
        });
      }
    });
  }
  const ports = objs(es.ports);
  const pp = FieldPath.root('ports');
  if (ports.length > 20000) errs.push(fieldErrors.tooMany(String(pp), ports.length, 20000));
  else {
    const names = new Set<string>();
    ports.forEach((port, i) => {
      const ip = pp.index(i);
      const name = s(port.name);
      if (name.length > 0) for (const m of isDNS1123Label(name)) errs.push(fieldErrors.invalid(String(ip.child('name')), name, m));
      if (names.has(name)) errs.push(fieldErrors.duplicate(String(ip.child('name')), name));
      names.add(name);
      if (!has(port.protocol)) errs.push(fieldErrors.required(String(ip.child('protocol'))));
      else if (!['SCTP', 'TCP', 'UDP'].includes(s(port.protocol))) errs.push(fieldErrors.notSupported(String(ip.child('protocol')), s(port.protocol), ['SCTP', 'TCP', 'UDP']));
      if (has(port.appProtocol)) errs.push(...validateQualifiedName(s(port.appProtocol), ip.child('appProtocol')));
    });
  }
  return errs;
}

export const endpointslices = builtin({
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  tracksGeneration: true,
  defaults(es) {
    for (const port of objs(es.ports)) {
      if (!has(port.name)) port.name = '';
      setDefault(port, 'protocol', 'TCP');
    }
  },
  validate: validateEndpointSlice,
  validateUpdate(es, old) {
    const errs = [...validateEndpointSlice(es), ...coreMetaUpdate(es, old)];
    if (s(es.addressType) !== s(old.addressType)) errs.push(fieldErrors.invalid('addressType', s(es.addressType), 'field is immutable'));
    return errs;
  },
});

// ---------------------------------------------------------------------------------------------
// certificatesigningrequests

const validUsages = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
];

/** %#v of a []byte, as Go prints the request in its error. */
function goBytes(b: Buffer): GoSyntax {
  return new GoSyntax(`[]byte{${[...b].map((x) => `0x${x.toString(16)}`).join(', ')}}`);
}

/** The CSR's PEM block checks (pem.Decode, x509.ParseCertificateRequest). */
function csrRequestError(der: Buffer): string | undefined {
  const text = der.toString('latin1');
  const m = /-----BEGIN ([^\r\n-]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null || m[1] !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  const body = Buffer.from((m[2] as string).replace(/\s+/g, ''), 'base64');
  // A PKCS #10 request is a DER SEQUENCE; check its outer framing.
  if (body.length < 2 || body[0] !== 0x30) return 'asn1: structure error: tags don\'t match (16 vs {class:0 tag:2 length:1 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} certificateRequest @2';
  return undefined;
}

/** ValidateSignerName. */
export function validateSignerName(p: string, signerName: string): Errs {
  if (signerName.length === 0) return [fieldErrors.required(p, '')];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [fieldErrors.invalid(p, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const errs: Errs = [];
  const [domain, path] = segments as [string, string];
  if (domain.length > 253) errs.push(fieldErrors.tooLong(p, 253));
  const labels = domain.split('.');
  for (const lbl of labels) {
    const msgs = isDNS1123Label(lbl);
    if (msgs.length > 0) {
      for (const m of msgs) errs.push(fieldErrors.invalid(p, domain, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  if (labels.length < 2) errs.push(fieldErrors.invalid(p, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of path.split('.')) {
    const msgs = isDNS1123Subdomain(lbl);
    if (msgs.length > 0) {
      for (const m of msgs) errs.push(fieldErrors.invalid(p, path, `validating component ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  return errs;
}

const trueFalseUnknown = ['True', 'False', 'Unknown'];

function validateCSRConditions(csr: KubeObject): Errs {
  const errs: Errs = [];
  const p = FieldPath.root('status').child('conditions');
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  objs(obj(csr.status).conditions).forEach((c, i) => {
    const type = s(c.type);
    const status = s(c.status);
    if (type === '') errs.push(fieldErrors.required(String(p.index(i).child('type'))));
    if (!trueFalseUnknown.includes(status)) errs.push(fieldErrors.notSupported(String(p.index(i).child('status')), status, trueFalseUnknown));
    if (seen.has(type)) errs.push(fieldErrors.duplicate(String(p.index(i).child('type')), type));
    seen.add(type);
    if (type === 'Approved' || type === 'Denied') {
      if (type === 'Approved') approved = true;
      else denied = true;
      if (status !== 'True') errs.push(fieldErrors.notSupported(String(p.index(i).child('status')), status, ['True']));
    }
  });
  if (approved && denied) errs.push(fieldErrors.invalid(String(p), goApprox('[]certificates.CertificateSigningRequestCondition', obj(csr.status).conditions), 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

function validateIssuedCertificate(csr: KubeObject): Errs {
  const cert = obj(csr.status).certificate;
  if (typeof cert !== 'string' || cert === '') return [];
  const d = decodeGoBase64(cert);
  if ('error' in d) return [];
  const text = d.bytes.toString('latin1');
  const p = 'status.certificate';
  const blocks = [...text.matchAll(/-----BEGIN ([^\r\n-]+)-----\r?\n([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) return [fieldErrors.invalid(p, '<certificate data>', 'must contain at least one CERTIFICATE PEM block')];
  for (const b of blocks) {
    if (b[1] !== 'CERTIFICATE') return [fieldErrors.invalid(p, '<certificate data>', `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b[1])}`)];
    try {
      new X509Certificate(Buffer.from((b[2] as string).replace(/\s+/g, ''), 'base64'));
    } catch {
      return [fieldErrors.invalid(p, '<certificate data>', 'x509: malformed certificate')];
    }
  }
  return [];
}

function validateCSR(csr: KubeObject): Errs {
  const errs = coreMeta(csr, false, () => []);
  const spec = obj(csr.spec);
  const request = typeof spec.request === 'string' ? decodeGoBase64(spec.request) : { bytes: Buffer.alloc(0) };
  const der = 'bytes' in request ? request.bytes : Buffer.alloc(0);
  const reqErr = csrRequestError(der);
  if (reqErr !== undefined) errs.push(fieldErrors.invalid(String(specPath.child('request')), goBytes(der), reqErr));
  const usages = strs(spec.usages);
  if (usages.length === 0) errs.push(fieldErrors.required(String(specPath.child('usages'))));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!validUsages.includes(u)) errs.push(fieldErrors.notSupported(String(specPath.child('usages').index(i)), u, validUsages));
    if (seen.has(u)) errs.push(fieldErrors.duplicate(String(specPath.child('usages').index(i)), u));
    seen.add(u);
  });
  const signer = s(spec.signerName);
  if (signer === 'kubernetes.io/legacy-unknown') errs.push(fieldErrors.invalid(String(specPath.child('signerName')), signer, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(String(specPath.child('signerName')), signer));
  const exp = optNum(spec.expirationSeconds);
  if (exp !== undefined && exp < 600) errs.push(fieldErrors.invalid(String(specPath.child('expirationSeconds')), exp, 'may not specify a duration less than 600 seconds (10 minutes)'));
  errs.push(...validateCSRConditions(csr));
  errs.push(...validateIssuedCertificate(csr));
  return errs;
}

const finalConditionTypes = ['Approved', 'Denied', 'Failed'];

/** validateCertificateSigningRequestUpdate: the conditions that decide a request stay decided. */
function validateCSRUpdate(csr: KubeObject, old: KubeObject): Errs {
  const errs = validateCSR(csr);
  const find = (o: KubeObject, t: string) => objs(obj(o.status).conditions).filter((c) => s(c.type) === t);
  for (const t of finalConditionTypes) {
    const prev = find(old, t);
    const next = find(csr, t);
    if (next.length < prev.length) errs.push(fieldErrors.forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
    prev.forEach((c, i) => {
      const nc = next[i];
      if (nc !== undefined && s(nc.status) !== s(c.status)) {
        errs.push(fieldErrors.forbidden('status.conditions', `updates may not change the status of a condition of type ${JSON.stringify(t)}`));
      }
    });
  }
  const oldCert = s(obj(old.status).certificate);
  if (oldCert !== '' && oldCert !== s(obj(csr.status).certificate)) errs.push(fieldErrors.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  errs.push(...coreMetaUpdate(csr, old));
  return errs;
}

function populateConditionTimestamps(csr: KubeObject, old: KubeObject): void {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const oldConditions = objs(obj(old.status).conditions);
  for (const c of objs(obj(csr.status).conditions)) {
    if (!has(c.lastUpdateTime)) c.lastUpdateTime = now;
    if (!has(c.lastTransitionTime)) {
      const prev = oldConditions.find((o) => s(o.type) === s(c.type));
      c.lastTransitionTime = prev !== undefined && s(prev.status) === s(c.status) && has(prev.lastTransitionTime) ? prev.lastTransitionTime : now;
    }
  }
}

const csrBase = builtin({
  group: 'certificates.k8s.io',
  version: 'v1',
  resource: 'certificatesigningrequests',
  kind: 'CertificateSigningRequest',
  shortNames: ['csr'],
  defaults(csr) {
    for (const c of objs(obj(csr.status).conditions)) setDefault(c, 'status', 'True');
  },
  prepareForUpdate(csr, old) {
    // Only metadata changes through the main endpoint.
    csr.spec = structuredClone(old.spec);
  },
  validate: validateCSR,
  validateUpdate: validateCSRUpdate,
  status: {
    validateUpdate: validateCSRUpdate,
    prepareForUpdate(csr, old) {
      // Approval conditions change only through the approval subresource.
      const keep = (o: KubeObject) => objs(obj(o.status).conditions).filter((c) => ['Approved', 'Denied'].includes(s(c.type)));
      const others = objs(obj(csr.status).conditions).filter((c) => !['Approved', 'Denied'].includes(s(c.type)));
      const status = child(csr as Obj, 'status');
      const conditions = [...keep(old), ...others];
      if (conditions.length > 0) status.conditions = conditions;
      else delete status.conditions;
      populateConditionTimestamps(csr, old);
    },
  },
  selectableFields: (csr) => ({ 'spec.signerName': s(obj(csr.spec).signerName) }),
  fieldLabels: ['spec.signerName'],
});

/** certificatesigningrequests/approval: only the conditions change. */
export const csrApprovalStrategy = defineStrategy({
  ...csrBase.strategy,
  prepareForUpdate(csr, old) {
    csr.spec = structuredClone(old.spec);
    const conditions = obj(csr.status).conditions;
    const status: Obj = structuredClone(obj(old.status));
    if (conditions === undefined) delete status.conditions;
    else status.conditions = conditions;
    csr.status = status;
    populateConditionTimestamps(csr, old);
  },
  validateUpdate: validateCSRUpdate,
  warningsOnUpdate: () => [],
});

export const certificatesigningrequests = {
  ...csrBase,
  subresources: csrBase.subresources.map((sub) => (sub.name === 'approval' ? { ...sub, strategy: csrApprovalStrategy } : sub)),
};
