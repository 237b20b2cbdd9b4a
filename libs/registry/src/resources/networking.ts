// k8s parity: kubernetes pkg/apis/networking/v1/defaults.go, pkg/apis/networking/validation,
// pkg/registry/networking/{ingress,ingressclass,networkpolicy,ipaddress,servicecidr}/strategy.go.
import { type FieldError, FieldPath, GoSyntax, type KubeObject, fieldErrors, goQuote, goStringSlice, isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName, nameIsDNS1035Label, regexError } from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import {
  type Obj,
  child,
  goApprox,
  has,
  isDomainPrefixedPath,
  isObj,
  isValidCIDR,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  n,
  obj,
  objs,
  optStr,
  optStrMap,
  parseCIDRSloppy,
  parseIPSloppy,
  s,
  setDefault,
  strs,
  validateLabelSelector,
} from '../validation/common';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');

// ---------------------------------------------------------------------------------------------
// networkpolicies

function validateNetworkPolicyPort(port: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (has(port.protocol) && !['TCP', 'UDP', 'SCTP'].includes(s(port.protocol))) errs.push(fieldErrors.notSupported(String(p.child('protocol')), s(port.protocol), ['TCP', 'UDP', 'SCTP']));
  if (has(port.port)) {
    if (typeof port.port === 'number') {
      for (const m of isValidPortNum(port.port)) errs.push(fieldErrors.invalid(String(p.child('port')), port.port, m));
      if (has(port.endPort)) {
        if (n(port.endPort) < port.port) errs.push(fieldErrors.invalid(String(p.child('endPort')), port.port, 'must be greater than or equal to `port`'));
        for (const m of isValidPortNum(n(port.endPort))) errs.push(fieldErrors.invalid(String(p.child('endPort')), n(port.endPort), m));
      }
    } else {
      if (has(port.endPort)) errs.push(fieldErrors.invalid(String(p.child('endPort')), n(port.endPort), 'may not be specified when `port` is non-numeric'));
      for (const m of isValidPortName(s(port.port))) errs.push(fieldErrors.invalid(String(p.child('port')), s(port.port), m));
    }
  } else if (has(port.endPort)) {
    errs.push(fieldErrors.invalid(String(p.child('endPort')), n(port.endPort), 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function sameFamilyContains(cidr: { family: 4 | 6; ip: string; prefix: number }, except: { family: 4 | 6; ip: string; prefix: number }): boolean {
  if (cidr.family !== except.family) return false;
  const bits = (ip: string, family: 4 | 6): bigint => {
    if (family === 4) return ip.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
    const full = expandIPv6(ip);
    return full.reduce((acc, p) => (acc << 16n) | BigInt(p), 0n);
  };
  const width = cidr.family === 4 ? 32 : 128;
  const shift = BigInt(width - cidr.prefix);
  return bits(cidr.ip, cidr.family) >> shift === bits(except.ip, except.family) >> shift;
}

function expandIPv6(ip: string): number[] {
  let v = ip;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (v4) {
    const parts = (v4[1] as string).split('.').map(Number);
    tail.push(((parts[0] as number) << 8) | (parts[1] as number), ((parts[2] as number) << 8) | (parts[3] as number));
    v = v.slice(0, -(v4[1] as string).length) + '0:0';
  }
  const [head, rest] = v.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':').map((x) => parseInt(x, 16));
  const r = rest === undefined ? [] : rest === '' ? [] : rest.split(':').map((x) => parseInt(x, 16));
  const groups = rest === undefined ? h : [...h, ...new Array(8 - h.length - r.length).fill(0), ...r];
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

function validateIPBlock(ipb: Obj, p: FieldPath): Errs {
  if (s(ipb.cidr) === '') return [fieldErrors.required(String(p.child('cidr')))];
  const errs = isValidCIDR(p.child('cidr'), s(ipb.cidr));
  const cidr = parseCIDRSloppy(s(ipb.cidr));
  if (cidr === undefined) return errs;
  strs(ipb.except).forEach((e, i) => {
    const ep = p.child('except').index(i);
    const ee = isValidCIDR(ep, e);
    errs.push(...ee);
    const except = parseCIDRSloppy(e);
    if (except === undefined) return;
    if (!sameFamilyContains(cidr, except) || cidr.prefix >= except.prefix) errs.push(fieldErrors.invalid(String(ep), e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validateNetworkPolicyPeer(peer: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  let count = 0;
  if (isObj(peer.podSelector)) {
    count++;
    errs.push(...validateLabelSelector(peer.podSelector, p.child('podSelector')));
  }
  if (isObj(peer.namespaceSelector)) {
    count++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, p.child('namespaceSelector')));
  }
  if (isObj(peer.ipBlock)) {
    count++;
    errs.push(...validateIPBlock(peer.ipBlock, p.child('ipBlock')));
  }
  if (count === 0) errs.push(fieldErrors.required(String(p), 'must specify a peer'));
  else if (count > 1 && isObj(peer.ipBlock)) errs.push(fieldErrors.forbidden(String(p), 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(spec: Obj): Errs {
  const errs = validateLabelSelector(spec.podSelector, specPath.child('podSelector'));
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    objs(spec[dir]).forEach((rule, i) => {
      const rp = specPath.child(dir).index(i);
      objs(rule.ports).forEach((port, j) => errs.push(...validateNetworkPolicyPort(port, rp.child('ports').index(j))));
      objs(rule[peers]).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(peer, rp.child(peers).index(j))));
    });
  }
  const types = strs(spec.policyTypes);
  if (types.length > 2) {
    errs.push(fieldErrors.invalid(String(specPath.child('policyTypes')), new GoSyntax(`[]networking.PolicyType{${types.map(goQuote).join(', ')}}`), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(fieldErrors.notSupported(String(specPath.child('policyTypes').index(i)), t, ['Ingress', 'Egress']));
  });
  return errs;
}

export const networkpolicies = builtin({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  shortNames: ['netpol'],
  tracksGeneration: true,
  defaults(np) {
    const spec = child(np as Obj, 'spec');
    for (const dir of ['ingress', 'egress'] as const) for (const rule of objs(spec[dir])) for (const port of objs(rule.ports)) setDefault(port, 'protocol', 'TCP');
    if (strs(spec.policyTypes).length === 0) spec.policyTypes = objs(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  validate: (np) => [...coreMeta(np, true), ...validateNetworkPolicySpec(obj(np.spec))],
  validateUpdate: (np, old) => [...coreMetaUpdate(np, old), ...validateNetworkPolicySpec(obj(np.spec))],
});

// ---------------------------------------------------------------------------------------------
// ingresses

const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(value) > 253) errs.push('must be no more than 253 characters');
  if (!new RegExp(`^${wildcardFmt}$`).test(value)) {
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        wildcardFmt,
        '*.example.com',
      ),
    );
  }
  return errs;
}

function validateTypedLocalObjectReference(params: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (has(params.apiGroup)) for (const m of isDNS1123Subdomain(s(params.apiGroup))) errs.push(fieldErrors.invalid(String(p.child('apiGroup')), s(params.apiGroup), m));
  for (const k of ['kind', 'name'] as const) {
    const v = s(params[k]);
    if (v === '') errs.push(fieldErrors.required(String(p.child(k)), `${k} is required`));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldErrors.invalid(String(p.child(k)), v, m));
  }
  return errs;
}

function validateIngressBackend(backend: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const hasResource = isObj(backend.resource);
  const hasService = isObj(backend.service);
  if (hasResource && hasService) return [fieldErrors.invalid(String(p), '', 'cannot set both resource and service backends')];
  if (hasResource) return validateTypedLocalObjectReference(backend.resource as Obj, p.child('resource'));
  if (!hasService) return [fieldErrors.invalid(String(p), '', 'resource or service backend is required')];
  const svc = backend.service as Obj;
  const name = s(svc.name);
  if (name === '') errs.push(fieldErrors.required(String(p.child('service').child('name'))));
  else for (const m of nameIsDNS1035Label(name, false)) errs.push(fieldErrors.invalid(String(p.child('service').child('name')), name, m));
  const port = obj(svc.port);
  const portName = s(port.name);
  const portNumber = n(port.number);
  if (portName.length > 0 && portNumber !== 0) errs.push(fieldErrors.invalid(String(p), '', 'cannot set both port name & port number'));
  else if (portName.length > 0) for (const m of isValidPortName(portName)) errs.push(fieldErrors.invalid(String(p.child('service').child('port').child('name')), portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(fieldErrors.invalid(String(p.child('service').child('port').child('number')), portNumber, m));
  else errs.push(fieldErrors.required(String(p), 'port name or number is required'));
  return errs;
}

function validateHTTPIngressPath(path: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (!has(path.pathType)) return [fieldErrors.required(String(p.child('pathType')), 'pathType must be specified')];
  const value = s(path.path);
  switch (s(path.pathType)) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(fieldErrors.invalid(String(p.child('path')), value, 'must be an absolute path'));
      if (value.length > 0) {
        for (const seq of ['//', '/./', '/../', '%2f', '%2F']) if (value.includes(seq)) errs.push(fieldErrors.invalid(String(p.child('path')), value, `must not contain '${seq}'`));
        for (const suf of ['/..', '/.']) if (value.endsWith(suf)) errs.push(fieldErrors.invalid(String(p.child('path')), value, `cannot end with '${suf}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value.length > 0 && !value.startsWith('/')) errs.push(fieldErrors.invalid(String(p.child('path')), value, 'must be an absolute path'));
      break;
    default:
      errs.push(fieldErrors.notSupported(String(p.child('pathType')), s(path.pathType), ['Exact', 'ImplementationSpecific', 'Prefix']));
  }
  errs.push(...validateIngressBackend(obj(path.backend), p.child('backend')));
  return errs;
}

export function validateIngressSpec(spec: Obj): Errs {
  const errs: Errs = [];
  const rules = objs(spec.rules);
  if (rules.length === 0 && !isObj(spec.defaultBackend)) {
    errs.push(fieldErrors.invalid(String(specPath), Array.isArray(spec.rules) ? goApprox('[]networking.IngressRule', spec.rules) : new GoSyntax('[]networking.IngressRule(nil)'), 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isObj(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, specPath.child('defaultBackend')));
  rules.forEach((rule, i) => {
    const rp = specPath.child('rules').index(i);
    const host = s(rule.host);
    if (host.length > 0) {
      if (parseIPSloppy(host) !== undefined) errs.push(fieldErrors.invalid(String(rp.child('host')), host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(fieldErrors.invalid(String(rp.child('host')), host, m));
    }
    if (isObj(rule.http)) {
      const paths = objs(rule.http.paths);
      if (paths.length === 0) errs.push(fieldErrors.required(String(rp.child('http').child('paths'))));
      paths.forEach((path, j) => errs.push(...validateHTTPIngressPath(path, rp.child('http').child('paths').index(j))));
    }
  });
  objs(spec.tls).forEach((tls, i) => {
    const tp = specPath.child('tls').index(i);
    strs(tls.hosts).forEach((h, j) => {
      const msgs = h.includes('*') ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
      for (const m of msgs) errs.push(fieldErrors.invalid(String(tp.child('hosts').index(j)), h, m));
    });
    const secret = s(tls.secretName);
    if (secret.length > 0) for (const m of isDNS1123Subdomain(secret)) errs.push(fieldErrors.invalid(String(tp.child('secretName')), secret, m));
  });
  if (has(spec.ingressClassName)) for (const m of isDNS1123Subdomain(s(spec.ingressClassName))) errs.push(fieldErrors.invalid(String(specPath.child('ingressClassName')), s(spec.ingressClassName), m));
  return errs;
}

const ingressClassAnnotation = 'kubernetes.io/ingress.class';

export function validateIngressCreate(ing: KubeObject): Errs {
  const errs = [...coreMeta(ing, true), ...validateIngressSpec(obj(ing.spec))];
  const annotation = (optStrMap(metaOf(ing).annotations) ?? {})[ingressClassAnnotation];
  const className = optStr(obj(ing.spec).ingressClassName);
  if (annotation !== undefined && className !== undefined && annotation !== className) {
    errs.push(fieldErrors.invalid(`annotations.${ingressClassAnnotation}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

function validateIngressStatus(ing: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(ing, old);
  objs(obj(obj(ing.status).loadBalancer).ingress).forEach((lb, i) => {
    const p = FieldPath.root('status').child('loadBalancer').child('ingress').index(i);
    if (s(lb.ip).length > 0) errs.push(...isValidIP(p.child('ip'), s(lb.ip)));
    const host = s(lb.hostname);
    if (host.length > 0) {
      for (const m of isDNS1123Subdomain(host)) errs.push(fieldErrors.invalid(String(p.child('hostname')), host, m));
      if (parseIPSloppy(host) !== undefined) errs.push(fieldErrors.invalid(String(p.child('hostname')), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

export const ingresses = builtin({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  kind: 'Ingress',
  shortNames: ['ing'],
  tracksGeneration: true,
  validate: validateIngressCreate,
  validateUpdate: (ing, old) => [...coreMetaUpdate(ing, old), ...coreMeta(ing, true), ...validateIngressSpec(obj(ing.spec))],
  status: { validateUpdate: validateIngressStatus },
});

// ---------------------------------------------------------------------------------------------
// ingressclasses

function validateIngressClass(ic: KubeObject): Errs {
  const errs = coreMeta(ic, false);
  const spec = obj(ic.spec);
  const controller = s(spec.controller);
  const cp = specPath.child('controller');
  if (Buffer.byteLength(controller) > 250) errs.push(fieldErrors.tooLong(String(cp), 250));
  if (controller.length === 0) errs.push(fieldErrors.required(String(cp)));
  else errs.push(...isDomainPrefixedPath(cp, controller));
  if (isObj(spec.parameters)) {
    const params = spec.parameters;
    const pp = specPath.child('parameters');
    errs.push(...validateTypedLocalObjectReference(params, pp));
    if (!has(params.scope)) errs.push(fieldErrors.required(String(pp.child('scope'))));
    else {
      const scope = s(params.scope);
      if (scope !== 'Cluster' && scope !== 'Namespace') errs.push(fieldErrors.notSupported(String(pp.child('scope')), scope, ['Cluster', 'Namespace']));
      else if (scope === 'Namespace') {
        if (!has(params.namespace)) errs.push(fieldErrors.required(String(pp.child('namespace')), "`parameters.scope` is set to 'Namespace'"));
        else for (const m of isDNS1123Label(s(params.namespace))) errs.push(fieldErrors.invalid(String(pp.child('namespace')), s(params.namespace), m));
      } else if (has(params.namespace)) errs.push(fieldErrors.forbidden(String(pp.child('namespace')), "`parameters.scope` is set to 'Cluster'"));
    }
  }
  return errs;
}

export const ingressclasses = builtin({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingressclasses',
  kind: 'IngressClass',
  tracksGeneration: true,
  defaults(ic) {
    const params = obj(ic.spec).parameters;
    if (isObj(params) && !has(params.scope)) params.scope = 'Cluster';
  },
  validate: validateIngressClass,
  validateUpdate(ic, old) {
    const errs = coreMetaUpdate(ic, old);
    if (s(obj(ic.spec).controller) !== s(obj(old.spec).controller)) errs.push(fieldErrors.invalid('spec.controller', s(obj(ic.spec).controller), 'field is immutable'));
    return [...errs, ...validateIngressClass(ic)];
  },
});

// ---------------------------------------------------------------------------------------------
// ipaddresses and servicecidrs (GA in 1.33)

/** net.IP.String() of an address: canonical form. */
function canonicalIP(value: string): string | undefined {
  const family = parseIPSloppy(value);
  if (family === 4) return value.split('.').map(Number).join('.');
  if (family !== 6) return undefined;
  const groups = expandIPv6(value.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${(groups[6] as number) >> 8}.${(groups[6] as number) & 255}.${(groups[7] as number) >> 8}.${(groups[7] as number) & 255}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** IsValidIP (strict): parses without leading zeros and is in canonical form. */
function isValidIPStrict(p: string, value: string): Errs {
  if (parseIPSloppy(value) === undefined) return [fieldErrors.invalid(p, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
  if (/(^|\.)0\d/.test(value) && parseIPSloppy(value) === 4) return [fieldErrors.invalid(p, value, 'must not have leading 0s')];
  const canonical = canonicalIP(value);
  if (canonical !== value) return [fieldErrors.invalid(p, value, `must be in canonical form (${JSON.stringify(canonical)})`)];
  return [];
}

function isValidCIDRStrict(p: string, value: string): Errs {
  const c = parseCIDRSloppy(value);
  if (c === undefined) return [fieldErrors.invalid(p, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  if ((c.family === 4 && /(^|\.)0\d/.test(c.ip)) || /\/0\d/.test(value)) return [fieldErrors.invalid(p, value, 'must not have leading 0s in IP or prefix length')];
  const width = c.family === 4 ? 32 : 128;
  const groups = c.family === 4 ? c.ip.split('.').map(Number) : expandIPv6(c.ip);
  const bitsPer = c.family === 4 ? 8 : 16;
  let value_ = 0n;
  for (const g of groups) value_ = (value_ << BigInt(bitsPer)) | BigInt(g);
  const hostBits = BigInt(width - c.prefix);
  const network = (value_ >> hostBits) << hostBits;
  if (network !== value_) return [fieldErrors.invalid(p, value, 'must not have bits set beyond the prefix length')];
  const canonical = `${canonicalIP(c.ip)}/${c.prefix}`;
  if (canonical !== value) return [fieldErrors.invalid(p, value, `must be in canonical form (${JSON.stringify(canonical)})`)];
  return [];
}

function validateIPAddress(ip: KubeObject): Errs {
  const errs = coreMeta(ip, false, (name) => isValidIPStrict('', name).map((e) => e.detail));
  const spec = obj(ip.spec);
  if (!isObj(spec.parentRef)) {
    errs.push(fieldErrors.required('spec.parentRef'));
    return errs;
  }
  const ref = spec.parentRef;
  const rp = specPath.child('parentRef');
  if (s(ref.group) !== '') for (const m of isDNS1123Subdomain(s(ref.group))) errs.push(fieldErrors.invalid(String(rp.child('group')), s(ref.group), m));
  for (const k of ['resource', 'name'] as const) {
    const v = s(ref[k]);
    if (v === '') errs.push(fieldErrors.required(String(rp.child(k))));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldErrors.invalid(String(rp.child(k)), v, m));
  }
  if (s(ref.namespace) !== '') for (const m of isValidPathSegmentName(s(ref.namespace))) errs.push(fieldErrors.invalid(String(rp.child('namespace')), s(ref.namespace), m));
  return errs;
}

export const ipaddresses = builtin({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ipaddresses',
  kind: 'IPAddress',
  shortNames: ['ip'],
  validate: validateIPAddress,
  validateUpdate(ip, old) {
    const errs = coreMetaUpdate(ip, old);
    if (!deepEqualJson(obj(ip.spec).parentRef, obj(old.spec).parentRef)) errs.push(fieldErrors.invalid('spec.parentRef', goApprox('networking.ParentReference', obj(ip.spec).parentRef), 'field is immutable'));
    return errs;
  },
});

function validateServiceCIDR(sc: KubeObject): Errs {
  const errs = coreMeta(sc, false);
  const cidrs = strs(obj(sc.spec).cidrs);
  const p = specPath.child('cidrs');
  if (cidrs.length === 0) return [...errs, fieldErrors.required(String(p), 'at least one CIDR required')];
  if (cidrs.length > 2) return [...errs, fieldErrors.invalid(String(p), goApprox('networking.ServiceCIDRSpec', sc.spec), 'may only hold up to 2 values')];
  if (cidrs.length === 2) {
    const a = parseCIDRSloppy(cidrs[0] as string);
    const b = parseCIDRSloppy(cidrs[1] as string);
    if (a === undefined || b === undefined || a.family === b.family) {
      return [...errs, fieldErrors.invalid(String(p), goApprox('networking.ServiceCIDRSpec', sc.spec), 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64')];
    }
  }
  cidrs.forEach((c, i) => errs.push(...isValidCIDRStrict(String(p.index(i)), c)));
  return errs;
}

export const servicecidrs = builtin({
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'servicecidrs',
  kind: 'ServiceCIDR',
  validate: validateServiceCIDR,
  validateUpdate(sc, old) {
    const errs = coreMetaUpdate(sc, old);
    if (!deepEqualJson(obj(sc.spec).cidrs, obj(old.spec).cidrs)) errs.push(fieldErrors.invalid('spec.cidrs', goStringSlice(strs(obj(sc.spec).cidrs)), 'field is immutable'));
    return errs;
  },
  status: {},
});
