// Printers of networking.k8s.io/v1 (k8s parity: printers.go printIngress, printIngressClass,
// printNetworkPolicy, printServiceCIDR, printIPAddress).
import { loadBalancerIngress } from './core';
import { ageColumn, ageOf, column, doc, formatLabelSelector, nameColumn, nameOf, printer, ptr, rec, recs, str, strPtr, strings } from './helpers';
import type { TableConvertor } from './types';

/** formatHosts: up to three hosts, "*" when no rule names one. */
function formatHosts(rules: unknown): string {
  const rs = recs(rules);
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rs) {
    if (list.length === max) more = true;
    if (!more && str(rule['host']).length !== 0) list.push(str(rule['host']));
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rs.length - max} more...` : ret;
}

export const ingresses = printer(
  [
    nameColumn,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    return [
      nameOf(obj),
      strPtr(spec['ingressClassName']) ?? '<none>',
      formatHosts(spec['rules']),
      loadBalancerIngress(rec(obj['status'])['loadBalancer']),
      recs(spec['tls']).length !== 0 ? '80, 443' : '80',
      ageOf(obj, now),
    ];
  },
);

export const ingressClasses = printer(
  [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const params = ptr(spec['parameters']);
    let parameters = '<none>';
    if (params !== undefined) {
      parameters = str(params['kind']);
      const apiGroup = strPtr(params['apiGroup']);
      if (apiGroup !== undefined) parameters += `.${apiGroup}`;
      parameters += `/${str(params['name'])}`;
    }
    return [nameOf(obj), str(spec['controller']), parameters, ageOf(obj, now)];
  },
);

export const networkPolicies = printer(
  [nameColumn, column('Pod-Selector', 'string', doc('extensions/v1beta1.NetworkPolicySpec.podSelector')), ageColumn],
  // podSelector is a struct, never nil: an absent one is the empty selector.
  (obj, now) => [nameOf(obj), formatLabelSelector(rec(rec(obj['spec'])['podSelector'])), ageOf(obj, now)],
);

export const serviceCIDRs = printer([nameColumn, column('CIDRs', 'string', doc('networking/v1beta1.ServiceCIDRSpec.cidrs')), ageColumn], (obj, now) => [
  nameOf(obj),
  strings(rec(obj['spec'])['cidrs']).join(','),
  ageOf(obj, now),
]);

// Two columns and three cells, as printers.go has it.
export const ipAddresses = printer([nameColumn, column('ParentRef', 'string', doc('networking/v1beta1.IPAddressSpec.parentRef'))], (obj, now) => {
  const ref = ptr(rec(obj['spec'])['parentRef']);
  let parent = '<none>';
  if (ref !== undefined) {
    const group = str(ref['group']);
    const resource = str(ref['resource']);
    parent = (group === '' ? resource : `${resource}.${group}`).toLowerCase();
    if (str(ref['namespace']) !== '') parent += `/${str(ref['namespace'])}`;
    parent += `/${str(ref['name'])}`;
  }
  return [nameOf(obj), parent, ageOf(obj, now)];
});

export const networkingConvertors: Record<string, TableConvertor> = {
  ingresses,
  ingressclasses: ingressClasses,
  networkpolicies: networkPolicies,
  servicecidrs: serviceCIDRs,
  ipaddresses: ipAddresses,
};
