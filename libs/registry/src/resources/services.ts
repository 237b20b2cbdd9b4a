// k8s parity: kubernetes pkg/registry/core/service (strategy.go: NormalizeClusterIPs,
// dropTypeDependentFields; storage/storage.go: patchAllocatedValues), pkg/apis/core/v1
// SetDefaults_Service, pkg/apis/core/validation ValidateService / ValidateServiceUpdate /
// ValidateServiceStatusUpdate.
//
// ClusterIP and NodePort allocation needs storage and is not done here: serviceAllocationNeeds
// tells the caller what to allocate before beforeCreate/beforeUpdate (kube-apiserver allocates
// in the service REST's BeginCreate/BeginUpdate, before the strategy runs). IP families are
// initialized for a single-stack IPv4 cluster (initIPFamilyFields), as kube-apiserver does with its default range.
import {
  type FieldError,
  FieldPath,
  GoSyntax,
  type KubeObject,
  fieldErrors,
  goQuote,
  goStringSlice,
  isDNS1123Label,
  isDNS1123Subdomain,
  nameIsDNS1035Label,
  validateLabels,
} from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import { newInvalid } from '../metadata';
import {
  type Obj,
  child,
  goIntOrString,
  has,
  isObj,
  isValidCIDR,
  isValidIP,
  isValidPortNum,
  n,
  obj,
  objs,
  optStr,
  optStrMap,
  parseIPSloppy,
  s,
  setDefault,
  strs,
  validateQualifiedName,
} from '../validation/common';
import { validatePortNumOrName } from '../validation/pod-spec';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

const isHeadless = (spec: Obj) => {
  const ips = strs(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
};
const typeOf = (spec: Obj) => s(spec.type);
/** ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with external IPs. */
const externallyAccessible = (spec: Obj) =>
  typeOf(spec) === 'LoadBalancer' || typeOf(spec) === 'NodePort' || (typeOf(spec) === 'ClusterIP' && strs(spec.externalIPs).length > 0);
const needsHealthCheck = (spec: Obj) => typeOf(spec) === 'LoadBalancer' && s(spec.externalTrafficPolicy) === 'Local';
const needsClusterIP = (spec: Obj) => typeOf(spec) !== 'ExternalName';
const needsNodePort = (spec: Obj) => typeOf(spec) === 'NodePort' || (typeOf(spec) === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

/** SetDefaults_Service. */
export function defaultService(svc: KubeObject): void {
  const spec = child(svc as Obj, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = obj(spec.sessionAffinityConfig);
    if (!isObj(cfg.clientIP) || !has(cfg.clientIP.timeoutSeconds)) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const port of objs(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (!has(port.targetPort) || port.targetPort === 0 || port.targetPort === '') port.targetPort = n(port.port);
  }
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (!has(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(typeOf(spec))) spec.internalTrafficPolicy = 'Cluster';
  if (typeOf(spec) === 'LoadBalancer') {
    if (!has(spec.allocateLoadBalancerNodePorts)) spec.allocateLoadBalancerNodePorts = true;
    for (const ing of objs(obj(obj(svc.status).loadBalancer).ingress)) if (s(ing.ip) !== '' && !has(ing.ipMode)) ing.ipMode = 'VIP';
  }
}

/** NormalizeClusterIPs: keeps clusterIP and clusterIPs in step. */
function normalizeClusterIPs(spec: Obj, oldSpec: Obj | undefined): void {
  const ip = s(spec.clusterIP);
  const ips = strs(spec.clusterIPs);
  if (oldSpec === undefined) {
    if (ip.length > 0 && ips.length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIPs = strs(oldSpec.clusterIPs);
  const sameIPs = () => deepEqualJson(strs(spec.clusterIPs), oldIPs);
  if (oldIPs.length > 0 && ips.length === 0 && s(oldSpec.clusterIP) === ip) spec.clusterIPs = [...oldIPs];
  if (s(oldSpec.clusterIP) !== ip) {
    if (s(oldSpec.clusterIP).length > 0 && ip.length === 0) {
      if (sameIPs()) delete spec.clusterIPs;
    } else if (sameIPs()) {
      spec.clusterIPs = [ip];
    }
  }
}

/** patchAllocatedValues: a resubmitted spec keeps what the server allocated. */
function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (s(spec.clusterIP) === '' && has(oldSpec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (strs(spec.clusterIPs).length === 0 && strs(oldSpec.clusterIPs).length > 0) spec.clusterIPs = [...strs(oldSpec.clusterIPs)];
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const used = (x: Obj) => new Set(objs(x.ports).map((p) => n(p.nodePort)).filter((v) => v !== 0));
    const newUsed = used(spec);
    const both = new Set([...used(oldSpec)].filter((v) => newUsed.has(v)));
    const byName = new Map(objs(oldSpec.ports).map((p) => [s(p.name), n(p.nodePort)]));
    for (const p of objs(spec.ports)) {
      if (n(p.nodePort) !== 0) continue;
      const oldVal = byName.get(s(p.name)) ?? 0;
      if (oldVal !== 0 && !both.has(oldVal)) p.nodePort = oldVal;
    }
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && n(spec.healthCheckNodePort) === 0 && has(oldSpec.healthCheckNodePort)) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
  // The allocator keeps the families and policy it chose when the client leaves them out.
  if (needsClusterIP(oldSpec) && needsClusterIP(spec) && deepEqualJson(strs(spec.clusterIPs), strs(oldSpec.clusterIPs))) {
    if (!has(spec.ipFamilyPolicy) && has(oldSpec.ipFamilyPolicy)) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    if (strs(spec.ipFamilies).length === 0 && strs(oldSpec.ipFamilies).length > 0) spec.ipFamilies = [...strs(oldSpec.ipFamilies)];
  }
}

/** dropTypeDependentFields: wipes what a type change made meaningless, when the client left it as it was. */
function dropTypeDependentFields(svc: KubeObject, spec: Obj, oldSpec: Obj): void {
  const same = (k: string) => deepEqualJson(spec[k], oldSpec[k]);
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same('clusterIPs')) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same('ipFamilies')) delete spec.ipFamilies;
    if (same('ipFamilyPolicy')) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const oldPorts = objs(oldSpec.ports);
    objs(spec.ports).forEach((p, i) => {
      if (n(p.nodePort) !== 0 && n(p.nodePort) === n(oldPorts[i]?.nodePort)) delete p.nodePort;
    });
  }
  if (needsHealthCheck(oldSpec) && !needsHealthCheck(spec) && same('healthCheckNodePort')) delete spec.healthCheckNodePort;
  if (typeOf(oldSpec) === 'LoadBalancer' && typeOf(spec) !== 'LoadBalancer') {
    if (has(spec.allocateLoadBalancerNodePorts) && same('allocateLoadBalancerNodePorts')) delete spec.allocateLoadBalancerNodePorts;
    if (same('loadBalancerClass')) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same('externalTrafficPolicy')) delete spec.externalTrafficPolicy;
  if (typeOf(spec) !== 'LoadBalancer') child(svc as Obj, 'status').loadBalancer = {};
}

const familyOf = (ip: string): 'IPv4' | 'IPv6' => (parseIPSloppy(ip) === 6 ? 'IPv6' : 'IPv4');

/**
 * The allocator's initIPFamilyFields (pkg/registry/core/service/storage/alloc.go) on a
 * single-stack IPv4 cluster, as kube-apiserver runs with its default service range: infers the
 * policy (the old one on update; RequireDualStack for headless selectorless services, which also
 * get both families; SingleStack otherwise) and the families, and refuses what the cluster cannot
 * serve. Runs before validation, as BeginCreate/BeginUpdate do; its errors are thrown alone.
 */
function initIPFamilyFields(svc: KubeObject, spec: Obj, oldSpec: Obj | undefined): void {
  if (typeOf(spec) === 'ExternalName') return;
  if (oldSpec !== undefined && matchingPreferDualStack(spec, oldSpec)) return;
  if (!has(spec.ipFamilyPolicy)) {
    if (oldSpec !== undefined && has(oldSpec.ipFamilyPolicy)) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    else if (s(spec.clusterIP) === 'None' && Object.keys(obj(spec.selector)).length === 0) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const policy = s(spec.ipFamilyPolicy);
  const goPolicy = policy;
  const errs: Errs = [];
  const ips = strs(spec.clusterIPs);
  const families = () => strs(spec.ipFamilies);
  if (oldSpec !== undefined) {
    const sameIPs = deepEqualJson(ips, strs(oldSpec.clusterIPs));
    const sameFamilies = deepEqualJson(families(), strs(oldSpec.ipFamilies));
    if (policy === 'SingleStack') {
      if (sameIPs && ips.length > 1) spec.clusterIPs = ips.slice(0, 1);
      if (sameFamilies && families().length > 1) spec.ipFamilies = families().slice(0, 1);
    } else {
      if (ips.length < strs(oldSpec.clusterIPs).length && ips.length > 0) {
        errs.push(fieldErrors.invalid('spec.ipFamilyPolicy', goPolicy, "must be 'SingleStack' to release the secondary cluster IP"));
      }
      if (families().length < strs(oldSpec.ipFamilies).length && families().length > 0) {
        errs.push(fieldErrors.invalid('spec.ipFamilyPolicy', goPolicy, "must be 'SingleStack' to release the secondary IP family"));
      }
    }
  }
  const currentIPs = strs(spec.clusterIPs);
  if (policy === 'SingleStack') {
    if (currentIPs.length === 2) errs.push(fieldErrors.invalid('spec.ipFamilyPolicy', goPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (families().length === 2) errs.push(fieldErrors.invalid('spec.ipFamilyPolicy', goPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  for (let i = 0; i < currentIPs.length; i++) {
    const ip = currentIPs[i] as string;
    if (ip === 'None') break;
    if (i >= families().length) {
      const fam = familyOf(ip);
      if (fam !== 'IPv4') errs.push(fieldErrors.invalid(String(specPath.child('clusterIPs').index(i)), goStringSlice(currentIPs), `${fam} is not configured on this cluster`));
      else spec.ipFamilies = [...families(), fam];
    }
  }
  if (errs.length > 0) throw newInvalid('', 'Service', s(metaOf(svc).name), errs);
  if (s(spec.clusterIP) === 'None' && Object.keys(obj(spec.selector)).length === 0) {
    if (families().length === 0) spec.ipFamilies = ['IPv4'];
    if (families().length < 2 && policy !== 'SingleStack') spec.ipFamilies = [...families(), families()[0] === 'IPv4' ? 'IPv6' : 'IPv4'];
    return;
  }
  if (policy === 'RequireDualStack') errs.push(fieldErrors.invalid('spec.ipFamilyPolicy', goPolicy, 'this cluster is not configured for dual-stack services'));
  families().forEach((f, i) => {
    if (f !== 'IPv4') errs.push(fieldErrors.invalid(String(specPath.child('ipFamilies').index(i)), f, 'not configured on this cluster'));
  });
  if (errs.length > 0) throw newInvalid('', 'Service', s(metaOf(svc).name), errs);
  if (families().length === 0) spec.ipFamilies = ['IPv4'];
}

/** isMatchingPreferDualStackClusterIPFields: an update that leaves a PreferDualStack service as it is. */
function matchingPreferDualStack(spec: Obj, oldSpec: Obj): boolean {
  if (!deepEqualJson(strs(spec.clusterIPs), strs(oldSpec.clusterIPs))) return false;
  if (!deepEqualJson(strs(spec.ipFamilies), strs(oldSpec.ipFamilies))) return false;
  if (s(oldSpec.ipFamilyPolicy) !== 'PreferDualStack') return false;
  return !has(spec.ipFamilyPolicy) || s(spec.ipFamilyPolicy) === 'PreferDualStack';
}

/** What the caller must allocate before storing: a cluster IP, node ports (by port index), a health check port. */
export interface ServiceAllocationNeeds {
  clusterIP: boolean;
  nodePorts: number[];
  healthCheckNodePort: boolean;
}

/** The service REST's allocation step (alloc.go), as data: what is missing and must be allocated. */
export function serviceAllocationNeeds(svc: KubeObject): ServiceAllocationNeeds {
  const spec = obj(svc.spec);
  return {
    clusterIP: needsClusterIP(spec) && s(spec.clusterIP) === '',
    nodePorts: needsNodePort(spec) ? objs(spec.ports).flatMap((p, i) => (n(p.nodePort) === 0 ? [i] : [])) : [],
    healthCheckNodePort: needsHealthCheck(spec) && n(spec.healthCheckNodePort) === 0,
  };
}

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];
const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** %#v of the core.ServicePort Go keys its duplicate check on. */
function goServicePortKey(protocol: string, port: number): GoSyntax {
  return new GoSyntax(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:${goIntOrString(0).text}, NodePort:0}`,
  );
}

function validateServicePort(sp: Obj, requireName: boolean, names: Set<string>, p: FieldPath): Errs {
  const errs: Errs = [];
  const name = s(sp.name);
  if (requireName && name === '') errs.push(fieldErrors.required(String(p.child('name'))));
  else if (name !== '') {
    for (const m of isDNS1123Label(name)) errs.push(fieldErrors.invalid(String(p.child('name')), name, m));
    if (names.has(name)) errs.push(fieldErrors.duplicate(String(p.child('name')), name));
    else names.add(name);
  }
  for (const m of isValidPortNum(n(sp.port))) errs.push(fieldErrors.invalid(String(p.child('port')), n(sp.port), m));
  const proto = s(sp.protocol);
  if (proto === '') errs.push(fieldErrors.required(String(p.child('protocol'))));
  else if (!supportedPortProtocols.includes(proto)) errs.push(fieldErrors.notSupported(String(p.child('protocol')), proto, supportedPortProtocols));
  errs.push(...validatePortNumOrName(sp.targetPort, p.child('targetPort')));
  if (has(sp.appProtocol)) errs.push(...validateQualifiedName(s(sp.appProtocol), p.child('appProtocol')));
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPsRelatedFields(spec: Obj): Errs {
  if (typeOf(spec) === 'ExternalName') return [];
  const errs: Errs = [];
  const ipsPath = specPath.child('clusterIPs');
  const ip = s(spec.clusterIP);
  const ips = strs(spec.clusterIPs);
  if (ip.length !== 0) {
    if (ips.length === 0) errs.push(fieldErrors.required(String(ipsPath)));
    else if (ips[0] !== ip) errs.push(fieldErrors.invalid(String(ipsPath), goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(fieldErrors.invalid(String(ipsPath), goStringSlice(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const families = strs(spec.ipFamilies);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldErrors.notSupported(String(specPath.child('ipFamilies').index(i)), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(String(specPath.child('ipFamilies').index(i)), f));
    seen.add(f);
  });
  if (has(spec.ipFamilyPolicy)) {
    const policy = s(spec.ipFamilyPolicy);
    if (!['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(policy)) {
      errs.push(fieldErrors.notSupported(String(specPath.child('ipFamilyPolicy')), policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
    }
  }
  let invalid = false;
  ips.forEach((v, i) => {
    if (i === 0 && v === 'None') {
      if (ips.length > 1) {
        invalid = true;
        errs.push(fieldErrors.invalid(String(ipsPath), goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const e = isValidIP(ipsPath.index(i), v);
    if (e.length) invalid = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(fieldErrors.invalid(String(ipsPath), goStringSlice(ips), 'may only hold up to 2 values'));
  if (invalid) return errs;
  if (ips.length > 1 && parseIPSloppy(ips[0] as string) === parseIPSloppy(ips[1] as string)) {
    errs.push(fieldErrors.invalid(String(ipsPath), goStringSlice(ips), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec) && ips.length > 0 && families.length > 0) {
    ips.forEach((v, i) => {
      if (i > families.length - 1) return;
      const v6 = parseIPSloppy(v) === 6;
      if (families[i] === 'IPv4' && v6) errs.push(fieldErrors.invalid(String(ipsPath.index(i)), v, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !v6) errs.push(fieldErrors.invalid(String(ipsPath.index(i)), v, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateLoadBalancerClass(spec: Obj, oldSpec: Obj | undefined): Errs {
  const errs: Errs = [];
  const p = specPath.child('loadBalancerClass');
  if (oldSpec !== undefined && typeOf(oldSpec) === 'LoadBalancer' && typeOf(spec) === 'LoadBalancer' && !deepEqualJson(spec.loadBalancerClass, oldSpec.loadBalancerClass)) {
    errs.push(fieldErrors.invalid(String(p), optStr(spec.loadBalancerClass) ?? 'null', 'may not change once set'));
  }
  if (typeOf(spec) === 'LoadBalancer') {
    if (has(spec.loadBalancerClass)) errs.push(...validateQualifiedName(s(spec.loadBalancerClass), p));
  } else if (has(spec.loadBalancerClass)) {
    errs.push(fieldErrors.forbidden(String(p), "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

/** ValidateService. */
export function validateService(svc: KubeObject): Errs {
  const errs = coreMeta(svc, true, nameIsDNS1035Label);
  const meta = metaOf(svc);
  const annotations = optStrMap(meta.annotations) ?? {};
  const hintsKey = 'service.kubernetes.io/topology-aware-hints';
  const modeKey = 'service.kubernetes.io/topology-mode';
  if (modeKey in annotations && hintsKey in annotations && annotations[modeKey] !== annotations[hintsKey]) {
    errs.push(fieldErrors.invalid(String(FieldPath.root('metadata').child('annotations').key(modeKey)), annotations[modeKey], `must match annotations[${hintsKey}] when both are specified`));
  }
  const spec = obj(svc.spec);
  const type = typeOf(spec);
  const ports = objs(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(fieldErrors.required(String(specPath.child('ports'))));
  switch (type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless) errs.push(fieldErrors.invalid(String(specPath.child('clusterIPs').index(0)), 'None', `may not be set to 'None' for ${type} services`));
      break;
    case 'ExternalName': {
      if (strs(spec.clusterIPs).length > 0) errs.push(fieldErrors.forbidden(String(specPath.child('clusterIPs')), 'may not be set for ExternalName services'));
      if (strs(spec.ipFamilies).length > 0) errs.push(fieldErrors.forbidden(String(specPath.child('ipFamilies')), 'may not be set for ExternalName services'));
      if (has(spec.ipFamilyPolicy)) errs.push(fieldErrors.forbidden(String(specPath.child('ipFamilyPolicy')), 'may not be set for ExternalName services'));
      const cname = s(spec.externalName).replace(/\.$/, '');
      if (cname.length > 0) for (const m of isDNS1123Subdomain(cname)) errs.push(fieldErrors.invalid(String(specPath.child('externalName')), cname, m));
      else errs.push(fieldErrors.required(String(specPath.child('externalName'))));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, names, specPath.child('ports').index(i))));
  if (isObj(spec.selector)) errs.push(...validateLabels(optStrMap(spec.selector), specPath.child('selector')));
  const affinity = s(spec.sessionAffinity);
  if (affinity === '') errs.push(fieldErrors.required(String(specPath.child('sessionAffinity'))));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(fieldErrors.notSupported(String(specPath.child('sessionAffinity')), affinity, ['ClientIP', 'None']));
  const cfgPath = specPath.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    if (!isObj(cfg)) errs.push(fieldErrors.required(String(cfgPath), 'when session affinity type is ClientIP'));
    else if (!isObj(cfg.clientIP)) errs.push(fieldErrors.required(String(cfgPath.child('clientIP')), 'when session affinity type is ClientIP'));
    else if (!has(cfg.clientIP.timeoutSeconds)) errs.push(fieldErrors.required(String(cfgPath.child('clientIP').child('timeoutSeconds')), 'when session affinity type is ClientIP'));
    else {
      const t = n(cfg.clientIP.timeoutSeconds);
      if (t <= 0 || t > 86400) errs.push(fieldErrors.invalid(String(cfgPath.child('clientIP').child('timeoutSeconds')), t, 'must be greater than 0 and less than 86400'));
    }
  } else if (affinity === 'None' && has(spec.sessionAffinityConfig)) {
    errs.push(fieldErrors.forbidden(String(cfgPath), 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  strs(spec.externalIPs).forEach((ip, i) => {
    const p = specPath.child('externalIPs').index(i);
    const e = isValidIP(p, ip);
    errs.push(...(e.length ? e : validateNonSpecialIP(ip, p)));
  });
  if (type === '') errs.push(fieldErrors.required(String(specPath.child('type'))));
  else if (!serviceTypes.includes(type)) errs.push(fieldErrors.notSupported(String(specPath.child('type')), type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((port, i) => {
      if (n(port.nodePort) !== 0) errs.push(fieldErrors.forbidden(String(specPath.child('ports').index(i).child('nodePort')), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const np = n(port.nodePort);
    if (np === 0) return;
    const key = `${s(port.protocol)}/${np}`;
    if (nodePorts.has(key)) errs.push(fieldErrors.duplicate(String(specPath.child('ports').index(i).child('nodePort')), np));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${s(port.protocol)}/${n(port.port)}`;
    if (portKeys.has(key)) errs.push(fieldErrors.duplicate(String(specPath.child('ports').index(i)), goServicePortKey(s(port.protocol), n(port.port))));
    portKeys.add(key);
  });
  const ranges = strs(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    const p = specPath.child('LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(String(p), "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(p.index(i), r.trim())));
  } else if ('service.beta.kubernetes.io/load-balancer-source-ranges' in annotations) {
    const p = FieldPath.root('metadata').child('annotations').key('service.beta.kubernetes.io/load-balancer-source-ranges');
    if (type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(String(p), "may only be used when `type` is 'LoadBalancer'"));
    const val = (annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] as string).trim();
    if (val !== '') for (const r of val.split(',')) errs.push(...isValidCIDR(p, r.trim()));
  }
  if (has(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(fieldErrors.forbidden(String(specPath.child('allocateLoadBalancerNodePorts')), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !has(spec.allocateLoadBalancerNodePorts)) errs.push(fieldErrors.required('allocateLoadBalancerNodePorts'));
  errs.push(...validateLoadBalancerClass(spec, undefined));
  // External traffic policy.
  const etp = s(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(fieldErrors.invalid(String(specPath.child('externalTrafficPolicy')), etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') errs.push(fieldErrors.required(String(specPath.child('externalTrafficPolicy'))));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(fieldErrors.notSupported(String(specPath.child('externalTrafficPolicy')), etp, ['Cluster', 'Local']));
  const hc = n(spec.healthCheckNodePort);
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(fieldErrors.invalid(String(specPath.child('healthCheckNodePort')), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc === 0) errs.push(fieldErrors.required(String(specPath.child('healthCheckNodePort'))));
  else for (const m of isValidPortNum(hc)) errs.push(fieldErrors.invalid(String(specPath.child('healthCheckNodePort')), hc, m));
  if (!has(spec.internalTrafficPolicy)) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) errs.push(fieldErrors.required(String(specPath.child('internalTrafficPolicy'))));
  } else if (!['Cluster', 'Local'].includes(s(spec.internalTrafficPolicy))) {
    errs.push(fieldErrors.notSupported(String(specPath.child('internalTrafficPolicy')), s(spec.internalTrafficPolicy), ['Cluster', 'Local']));
  }
  if (has(spec.trafficDistribution) && s(spec.trafficDistribution) !== 'PreferClose') {
    errs.push(fieldErrors.notSupported(String(specPath.child('trafficDistribution')), s(spec.trafficDistribution), ['PreferClose']));
  }
  return errs;
}

/** ValidateNonSpecialIP. */
export function validateNonSpecialIP(ip: string, p: FieldPath): Errs {
  const errs: Errs = [];
  const family = parseIPSloppy(ip);
  if (family === undefined) return [fieldErrors.invalid(String(p), ip, 'must be a valid IP address')];
  const v4 = family === 4 ? ip.split('.').map(Number) : undefined;
  const lower = ip.toLowerCase();
  if ((v4 && v4.every((x) => x === 0)) || (!v4 && /^[0:]+$/.test(lower))) errs.push(fieldErrors.invalid(String(p), ip, `may not be unspecified (${ip})`));
  if ((v4 && v4[0] === 127) || (!v4 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(lower))) errs.push(fieldErrors.invalid(String(p), ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if ((v4 && v4[0] === 169 && v4[1] === 254) || (!v4 && /^fe[89ab]/.test(lower))) errs.push(fieldErrors.invalid(String(p), ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if ((v4 && v4[0] === 224 && v4[1] === 0 && v4[2] === 0) || (!v4 && /^ff02:/.test(lower))) {
    errs.push(fieldErrors.invalid(String(p), ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** ValidateServiceUpdate. */
export function validateServiceUpdate(svc: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(svc, old);
  const spec = obj(svc.spec);
  const oldSpec = obj(old.spec);
  const ipsPath = specPath.child('clusterIPs');
  if (typeOf(spec) !== 'ExternalName' && typeOf(oldSpec) !== 'ExternalName' && !(isHeadless(spec) && isHeadless(oldSpec))) {
    const ips = strs(spec.clusterIPs);
    const oldIPs = strs(oldSpec.clusterIPs);
    if (ips.length === oldIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== ips[i]) errs.push(fieldErrors.invalid(String(ipsPath.index(i)), goStringSlice(ips), 'may not change once set'));
      });
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push(fieldErrors.invalid(String(ipsPath.index(0)), goStringSlice(ips), 'primary clusterIP can not be unset'));
      if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(fieldErrors.invalid(String(ipsPath.index(0)), goStringSlice(ips), 'may not change once set'));
      if (ips.length === 1 && s(spec.ipFamilyPolicy) !== 'SingleStack') {
        errs.push(fieldErrors.invalid(String(specPath.child('ipFamilyPolicy')), optStr(spec.ipFamilyPolicy) ?? 'null', "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(fieldErrors.invalid(String(ipsPath.index(0)), goStringSlice(ips), 'may not change once set'));
    }
  }
  if (typeOf(spec) !== 'ExternalName' && typeOf(oldSpec) !== 'ExternalName' && isHeadless(spec) === isHeadless(oldSpec) && !isHeadless(spec)) {
    const fams = strs(spec.ipFamilies);
    const oldFams = strs(oldSpec.ipFamilies);
    const famPath = specPath.child('ipFamilies').index(0);
    if (fams.length === oldFams.length) {
      oldFams.forEach((f, i) => {
        if (f !== fams[i]) errs.push(fieldErrors.invalid(String(famPath), goStringSlice(fams), 'may not change once set'));
      });
    } else if (oldFams.length > fams.length) {
      if (strs(spec.clusterIPs).length === 0) errs.push(fieldErrors.invalid(String(famPath), goStringSlice(fams), 'primary ipFamily can not be unset'));
      if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(fieldErrors.invalid(String(famPath), goStringSlice(strs(spec.clusterIPs)), 'may not change once set'));
      if (fams.length === 1 && s(spec.ipFamilyPolicy) !== 'SingleStack') {
        errs.push(fieldErrors.invalid(String(specPath.child('ipFamilyPolicy')), optStr(spec.ipFamilyPolicy) ?? 'null', "must be set to 'SingleStack' when releasing the secondary ipFamily"));
      }
    } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
      errs.push(fieldErrors.invalid(String(famPath), goStringSlice(strs(spec.clusterIPs)), 'may not change once set'));
    }
  }
  errs.push(...validateLoadBalancerClass(spec, oldSpec).filter((e) => e.detail === 'may not change once set'));
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && n(spec.healthCheckNodePort) !== n(oldSpec.healthCheckNodePort)) {
    errs.push(fieldErrors.forbidden(String(specPath.child('healthCheckNodePort')), 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

/** ValidateServiceStatusUpdate: the load balancer ingress points. */
export function validateServiceStatusUpdate(svc: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(svc, old);
  const ingPath = FieldPath.root('status').child('loadBalancer').child('ingress');
  const ingress = objs(obj(obj(svc.status).loadBalancer).ingress);
  if (typeOf(obj(svc.spec)) !== 'LoadBalancer' && ingress.length !== 0) {
    errs.push(fieldErrors.forbidden(String(ingPath), "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  ingress.forEach((ing, i) => {
    const p = ingPath.index(i);
    const ip = s(ing.ip);
    if (ip.length > 0) errs.push(...isValidIP(p.child('ip'), ip));
    if (!has(ing.ipMode)) {
      if (ip.length > 0) errs.push(fieldErrors.required(String(p.child('ipMode')), 'must be specified when `ip` is set'));
    } else if (ip.length === 0) errs.push(fieldErrors.forbidden(String(p.child('ipMode')), 'may not be specified when `ip` is not set'));
    else if (!['Proxy', 'VIP'].includes(s(ing.ipMode))) errs.push(fieldErrors.notSupported(String(p.child('ipMode')), s(ing.ipMode), ['Proxy', 'VIP']));
    const host = s(ing.hostname);
    if (host.length > 0) {
      for (const m of isDNS1123Subdomain(host)) errs.push(fieldErrors.invalid(String(p.child('hostname')), host, m));
      if (parseIPSloppy(host) !== undefined) errs.push(fieldErrors.invalid(String(p.child('hostname')), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

export const services = builtin({
  group: '',
  version: 'v1',
  resource: 'services',
  kind: 'Service',
  shortNames: ['svc'],
  categories: ['all'],
  defaults: defaultService,
  prepareForCreate(svc) {
    const spec = child(svc as Obj, 'spec');
    normalizeClusterIPs(spec, undefined);
    initIPFamilyFields(svc, spec, undefined);
  },
  prepareForUpdate(svc, old) {
    const spec = child(svc as Obj, 'spec');
    const oldSpec = obj(old.spec);
    patchAllocatedValues(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    dropTypeDependentFields(svc, spec, oldSpec);
    initIPFamilyFields(svc, spec, oldSpec);
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  status: { validateUpdate: validateServiceStatusUpdate },
  selectableFields: (svc) => ({ 'spec.clusterIP': s(obj(svc.spec).clusterIP), 'spec.type': s(obj(svc.spec).type) }),
  fieldLabels: ['spec.clusterIP', 'spec.type'],
  strategy: { allowCreateOnUpdate: true, returnDeletedObject: true },
});
