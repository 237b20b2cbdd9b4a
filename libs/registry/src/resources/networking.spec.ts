import { describe, expect, it } from 'vitest';
import { simulateCreate, writeErrors } from '../testing/write-path';
import { ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs } from './networking';

describe('networkpolicies', () => {
  it('defaults policyTypes and port protocols', () => {
    expect(simulateCreate(networkpolicies, { metadata: { name: 'n' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } }).stored.spec).toEqual({
      podSelector: {},
      ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }],
      policyTypes: ['Ingress'],
    });
    expect(networkpolicies.shortNames).toEqual(['netpol']);
  });

  it('validates ports, peers and policy types', () => {
    expect(
      writeErrors(() =>
        simulateCreate(networkpolicies, {
          metadata: { name: 'n' },
          spec: { podSelector: {}, policyTypes: ['Sideways'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }], ports: [{ port: 0, protocol: 'ICMP' }] }] },
        }),
      ),
    ).toEqual([
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
  });
});

describe('ingresses', () => {
  it('stores an empty load balancer status', () => {
    const { stored } = simulateCreate(ingresses, {
      metadata: { name: 'i' },
      spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
    });
    expect(stored.status).toEqual({ loadBalancer: {} });
    expect(stored.metadata?.generation).toBe(1);
  });

  it('needs rules or a default backend, DNS hosts, absolute paths and a backend', () => {
    expect(writeErrors(() => simulateCreate(ingresses, { metadata: { name: 'i' }, spec: {} }))).toEqual([
      'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
    ]);
    expect(writeErrors(() => simulateCreate(ingresses, { metadata: { name: 'i' }, spec: { rules: [{ host: '1.2.3.4', http: { paths: [{ path: 'x', pathType: 'Exact', backend: {} }] } }] } }))).toEqual([
      'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
      'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
      'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required',
    ]);
  });
});

describe('ingressclasses, ipaddresses, servicecidrs', () => {
  it('checks the controller name', () => {
    expect(writeErrors(() => simulateCreate(ingressclasses, { metadata: { name: 'c' }, spec: { controller: 'Foo' } }))).toEqual([
      'spec.controller: Invalid value: "Foo": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
  });

  it('wants IPAddress names in canonical form', () => {
    const parentRef = { resource: 'services', name: 's', namespace: 'default' };
    expect(writeErrors(() => simulateCreate(ipaddresses, { metadata: { name: '10.0.0.01' }, spec: { parentRef } }))).toEqual(['metadata.name: Invalid value: "10.0.0.01": must not have leading 0s']);
    expect(writeErrors(() => simulateCreate(ipaddresses, { metadata: { name: '10.0.0.1' }, spec: { parentRef } }))).toEqual([]);
    expect(ipaddresses.shortNames).toEqual(['ip']);
  });

  it('serves ServiceCIDR with a status', () => {
    expect(servicecidrs.subresources.map((s) => s.name)).toEqual(['status']);
    expect(writeErrors(() => simulateCreate(servicecidrs, { metadata: { name: 'c' }, spec: { cidrs: ['10.0.0.0/16'] } }))).toEqual([]);
  });
});
