// Printers of the remaining built-in groups (k8s parity: printers.go printPodDisruptionBudget,
// printEndpointSlice, printLease, printPriorityClass, printRuntimeClass,
// printCertificateSigningRequest, printFlowSchema(List), printPriorityLevelConfiguration).
import { compareBytes, type KubeObject } from '@portico/api';
import { humanDuration } from './duration';
import {
  ageColumn,
  ageOf,
  column,
  doc,
  int,
  intOrString,
  intPtr,
  nameColumn,
  nameOf,
  printer,
  ptr,
  rec,
  recs,
  str,
  strPtr,
  strings,
} from './helpers';
import type { TableConvertor } from './types';

export const podDisruptionBudgets = printer(
  [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const some = (v: unknown): boolean => v !== undefined && v !== null;
    return [
      nameOf(obj),
      some(spec['minAvailable']) ? intOrString(spec['minAvailable']) : 'N/A',
      some(spec['maxUnavailable']) ? intOrString(spec['maxUnavailable']) : 'N/A',
      int(rec(obj['status'])['disruptionsAllowed']),
      ageOf(obj, now),
    ];
  },
);

/** listWithMoreString: up to three entries, then "+ N more...", "<unset>" when empty. */
function listWithMore(values: readonly string[]): string {
  const max = 3;
  const ret = values.slice(0, max).join(',');
  if (values.length > max) return `${ret} + ${values.length - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

export const endpointSlices = printer(
  [
    nameColumn,
    column('AddressType', 'string', doc('discovery/v1beta1.EndpointSlice.addressType')),
    column('Ports', 'string', doc('discovery/v1beta1.EndpointSlice.ports')),
    column('Endpoints', 'string', doc('discovery/v1beta1.EndpointSlice.endpoints')),
    ageColumn,
  ],
  (obj, now) => {
    const ports = recs(obj['ports']).map((p) => {
      const port = intPtr(p['port']);
      if (port !== undefined) return String(port);
      return strPtr(p['name']) ?? '*';
    });
    const addresses = recs(obj['endpoints']).flatMap((e) => strings(e['addresses']));
    return [nameOf(obj), str(obj['addressType']), listWithMore(ports), listWithMore(addresses), ageOf(obj, now)];
  },
);

export const leases = printer([nameColumn, column('Holder', 'string', doc('coordination/v1.LeaseSpec.holderIdentity')), ageColumn], (obj, now) => [
  nameOf(obj),
  str(rec(obj['spec'])['holderIdentity']),
  ageOf(obj, now),
]);

export const priorityClasses = printer(
  [
    nameColumn,
    column('Value', 'integer', doc('scheduling/v1.PriorityClass.value')),
    column('Global-Default', 'boolean', doc('scheduling/v1.PriorityClass.globalDefault')),
    ageColumn,
    column('PreemptionPolicy', 'string', doc('scheduling/v1.PriorityClass.preemptionPolicy')),
  ],
  // SetDefaults_PriorityClass: an unset preemptionPolicy is PreemptLowerPriority.
  (obj, now) => [nameOf(obj), int(obj['value']), obj['globalDefault'] === true, ageOf(obj, now), strPtr(obj['preemptionPolicy']) ?? 'PreemptLowerPriority'],
);

export const runtimeClasses = printer([nameColumn, column('Handler', 'string', doc('meta/v1.ObjectMeta.handler')), ageColumn], (obj, now) => [
  nameOf(obj),
  str(obj['handler']),
  ageOf(obj, now),
]);

/** extractCSRStatus: Denied, Approved or Pending, then ",Failed" and ",Issued". */
function csrCondition(obj: KubeObject): string {
  const status = rec(obj['status']);
  const types = new Set(recs(status['conditions']).map((c) => str(c['type'])));
  let out = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) out += ',Failed';
  if (str(status['certificate']).length > 0) out += ',Issued';
  return out;
}

export const certificateSigningRequests = printer(
  [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', doc('certificates/v1beta1.CertificateSigningRequestSpec.signerName')),
    column('Requestor', 'string', doc('certificates/v1beta1.CertificateSigningRequestSpec.request')),
    column('RequestedDuration', 'string', doc('certificates/v1beta1.CertificateSigningRequestSpec.expirationSeconds')),
    column('Condition', 'string', doc('certificates/v1beta1.CertificateSigningRequestStatus.conditions')),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const expiration = intPtr(spec['expirationSeconds']);
    return [
      nameOf(obj),
      ageOf(obj, now),
      str(spec['signerName']) || '<none>',
      str(spec['username']),
      expiration === undefined ? '<none>' : humanDuration(expiration * 1000),
      csrCondition(obj),
    ];
  },
);

// SetDefaults_FlowSchemaSpec: a zero matchingPrecedence is 1000.
const matchingPrecedence = (obj: KubeObject): number => int(rec(obj['spec'])['matchingPrecedence']) || 1000;

export const flowSchemas = printer(
  [
    nameColumn,
    column('PriorityLevel', 'string', doc('flowcontrol/v1.PriorityLevelConfigurationReference.name')),
    column('MatchingPrecedence', 'string', doc('flowcontrol/v1.FlowSchemaSpec.matchingPrecedence')),
    column('DistinguisherMethod', 'string', doc('flowcontrol/v1.FlowSchemaSpec.distinguisherMethod')),
    ageColumn,
    column('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const method = ptr(spec['distinguisherMethod']);
    const dangling = recs(rec(obj['status'])['conditions']).find((c) => c['type'] === 'Dangling');
    return [
      nameOf(obj),
      str(rec(spec['priorityLevelConfiguration'])['name']),
      matchingPrecedence(obj),
      method === undefined ? '<none>' : str(method['type']),
      ageOf(obj, now),
      dangling === undefined ? '?' : str(dangling['status']),
    ];
  },
  {
    // FlowSchemaSequence: by matching precedence, then by name.
    sortList: (objs) => [...objs].sort((a, b) => matchingPrecedence(a) - matchingPrecedence(b) || compareBytes(nameOf(a), nameOf(b))),
  },
);

export const priorityLevelConfigurations = printer(
  [
    nameColumn,
    column('Type', 'string', doc('flowcontrol/v1.PriorityLevelConfigurationSpec.type')),
    column('NominalConcurrencyShares', 'string', doc('flowcontrol/v1.LimitedPriorityLevelConfiguration.nominalConcurrencyShares')),
    column('Queues', 'string', doc('flowcontrol/v1.QueuingConfiguration.queues')),
    column('HandSize', 'string', doc('flowcontrol/v1.QueuingConfiguration.handSize')),
    column('QueueLengthLimit', 'string', doc('flowcontrol/v1.QueuingConfiguration.queueLengthLimit')),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    let ncs: string | number = '<none>';
    let queues: string | number = '<none>';
    let handSize: string | number = '<none>';
    let queueLengthLimit: string | number = '<none>';
    const limited = ptr(spec['limited']);
    if (limited !== undefined) {
      // SetDefaults_LimitedPriorityLevelConfiguration and SetDefaults_QueuingConfiguration.
      ncs = intPtr(limited['nominalConcurrencyShares']) ?? 30;
      const queuing = ptr(rec(limited['limitResponse'])['queuing']);
      if (queuing !== undefined) {
        queues = int(queuing['queues']) || 64;
        handSize = int(queuing['handSize']) || 8;
        queueLengthLimit = int(queuing['queueLengthLimit']) || 50;
      }
    }
    return [nameOf(obj), str(spec['type']), ncs, queues, handSize, queueLengthLimit, ageOf(obj, now)];
  },
);

/**
 * kube-aggregator's APIService convertor (pkg/registry/apiservice/etcd REST.ConvertToTable, rows
 * through meta/table MetaToTableRow), which always sends its columns.
 */
export const apiServices: TableConvertor = {
  ...printer(
    [
      nameColumn,
      column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
      column('Available', 'string', 'Whether this service is available.'),
      ageColumn,
    ],
    (obj, now) => {
      const spec = rec(obj['spec']);
      const service = ptr(spec['service']);
      const available = recs(rec(obj['status'])['conditions']).find((c) => c['type'] === 'Available');
      let status = 'Unknown';
      if (available !== undefined) {
        const s = str(available['status']);
        const reason = str(available['reason']);
        status = s === 'True' || reason.length === 0 ? s : `${s} (${reason})`;
      }
      return [nameOf(obj), service === undefined ? 'Local' : `${str(service['namespace'])}/${str(service['name'])}`, status, ageOf(obj, now)];
    },
  ),
  headersAlways: true,
};

export const clusterConvertors: Record<string, TableConvertor> = {
  'policy/poddisruptionbudgets': podDisruptionBudgets,
  'discovery.k8s.io/endpointslices': endpointSlices,
  'coordination.k8s.io/leases': leases,
  'scheduling.k8s.io/priorityclasses': priorityClasses,
  'node.k8s.io/runtimeclasses': runtimeClasses,
  'certificates.k8s.io/certificatesigningrequests': certificateSigningRequests,
  'flowcontrol.apiserver.k8s.io/flowschemas': flowSchemas,
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': priorityLevelConfigurations,
  'apiregistration.k8s.io/apiservices': apiServices,
};
