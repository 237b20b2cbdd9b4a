// Printers of the core/v1 kinds (k8s parity: kubernetes pkg/printers/internalversion/printers.go
// printPod, printPodTemplate, printReplicationController, printService, printEndpoints, printNode,
// printEvent, printNamespace, printSecret, printServiceAccount, printConfigMap,
// printPersistentVolume(Claim), printResourceQuota, printComponentStatus).
import { compareBytes, type KubeObject } from '@portico/api';
import { eventsV1ToCore } from '../resources/events';
import { humanDuration, parseTime, translateTimestampSince } from './duration';
import {
  ageColumn,
  ageOf,
  annotations,
  arr,
  column,
  containersColumn,
  doc,
  formatLabels,
  imagesColumn,
  int,
  intPtr,
  isDeleting,
  joinHostPort,
  layoutContainerCells,
  mapLen,
  metadata,
  nameColumn,
  nameOf,
  printer,
  ptr,
  rec,
  recs,
  sortedSet,
  str,
  strPtr,
  stringMap,
  strings,
  templateContainers,
  type Obj,
} from './helpers';
import { formatQuantity } from './quantity';
import type { PrintedRow, TableCell, TableConvertor, TableRowCondition } from './types';

// ---- pods ---------------------------------------------------------------------------------

const podSuccessConditions: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const podFailedConditions: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** podutil.IsRestartableInitContainer: a sidecar (restartPolicy Always). */
const isRestartable = (c: Obj | undefined): boolean => c !== undefined && c['restartPolicy'] === 'Always';

/** The finishedAt of a container's last termination, -Infinity for none (Go's zero time sorts first). */
function lastTermination(status: Obj): number | undefined {
  const t = ptr(rec(status['lastState'])['terminated']);
  if (t === undefined) return undefined;
  return parseTime(t['finishedAt']) ?? Number.NEGATIVE_INFINITY;
}

function hasCondition(conditions: Obj[], type: string): boolean {
  return conditions.some((c) => c['type'] === type && c['status'] === 'True');
}

/** The first condition of a type decides (hasJobCondition, isPodInitializedConditionTrue). */
function firstConditionTrue(conditions: Obj[], type: string): boolean {
  const c = conditions.find((x) => x['type'] === type);
  return c !== undefined && c['status'] === 'True';
}

/** printPod: Ready, Status (with init containers, sidecars, terminating), Restarts and the wide columns. */
export function printPod(pod: KubeObject, now: Date): PrintedRow {
  const spec = rec(pod['spec']);
  const status = rec(pod['status']);
  const conditions = recs(status['conditions']);
  const initSpecs = recs(spec['initContainers']);
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = arr(spec['containers']).length;
  let readyContainers = 0;
  let lastRestartDate = Number.NEGATIVE_INFINITY;
  let lastRestartableInitContainerRestartDate = Number.NEGATIVE_INFINITY;

  const podPhase = str(status['phase']);
  let reason = podPhase;
  if (str(status['reason']) !== '') reason = str(status['reason']);
  for (const c of conditions) {
    if (c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const row: PrintedRow = { cells: [] };
  if (podPhase === 'Succeeded') row.conditions = podSuccessConditions;
  else if (podPhase === 'Failed') row.conditions = podFailedConditions;

  const initContainers = new Map<string, Obj>();
  for (const c of initSpecs) {
    initContainers.set(str(c['name']), c);
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = recs(status['initContainerStatuses']);
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] as Obj;
    const restartCount = int(container['restartCount']);
    restarts += restartCount;
    const finished = lastTermination(container);
    if (finished !== undefined && lastRestartDate < finished) lastRestartDate = finished;
    const sidecar = isRestartable(initContainers.get(str(container['name'])));
    if (sidecar) {
      restartableInitContainerRestarts += restartCount;
      if (finished !== undefined && lastRestartableInitContainerRestartDate < finished) lastRestartableInitContainerRestartDate = finished;
    }
    const state = rec(container['state']);
    const terminated = ptr(state['terminated']);
    const waiting = ptr(state['waiting']);
    if (terminated !== undefined && int(terminated['exitCode']) === 0) continue;
    if (sidecar && container['started'] === true) {
      if (container['ready'] === true) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      const r = str(terminated['reason']);
      if (r === '') {
        const signal = int(terminated['signal']);
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${int(terminated['exitCode'])}`;
      } else {
        reason = `Init:${r}`;
      }
    } else if (waiting !== undefined && str(waiting['reason']) !== '' && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${str(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || firstConditionTrue(conditions, 'Initialized')) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = recs(status['containerStatuses']);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] as Obj;
      restarts += int(container['restartCount']);
      const finished = lastTermination(container);
      if (finished !== undefined && lastRestartDate < finished) lastRestartDate = finished;
      const state = rec(container['state']);
      const terminated = ptr(state['terminated']);
      const waiting = ptr(state['waiting']);
      if (waiting !== undefined && str(waiting['reason']) !== '') {
        reason = str(waiting['reason']);
      } else if (terminated !== undefined && str(terminated['reason']) !== '') {
        reason = str(terminated['reason']);
      } else if (terminated !== undefined) {
        const signal = int(terminated['signal']);
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(terminated['exitCode'])}`;
      } else if (container['ready'] === true && ptr(state['running']) !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is not "Completed".
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (isDeleting(pod) && status['reason'] === 'NodeLost') reason = 'Unknown';
  else if (isDeleting(pod) && podPhase !== 'Failed' && podPhase !== 'Succeeded') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestartDate !== Number.NEGATIVE_INFINITY) {
    restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestartDate)} ago)`;
  }

  const podIP = str(rec(arr(status['podIPs'])[0])['ip']);
  const readinessGates = recs(spec['readinessGates']);
  let gates = '<none>';
  if (readinessGates.length > 0) {
    let trueConditions = 0;
    for (const gate of readinessGates) {
      const c = conditions.find((x) => x['type'] === gate['conditionType']);
      if (c !== undefined && c['status'] === 'True') trueConditions++;
    }
    gates = `${trueConditions}/${readinessGates.length}`;
  }
  row.cells = [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsText,
    ageOf(pod, now),
    podIP || '<none>',
    str(spec['nodeName']) || '<none>',
    str(status['nominatedNodeName']) || '<none>',
    gates,
  ];
  return row;
}

export const pods = printer(
  [
    nameColumn,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column('IP', 'string', doc('core/v1.PodStatus.podIP'), { priority: 1 }),
    column('Node', 'string', doc('core/v1.PodSpec.nodeName'), { priority: 1 }),
    column('Nominated Node', 'string', doc('core/v1.PodStatus.nominatedNodeName'), { priority: 1 }),
    column('Readiness Gates', 'string', doc('core/v1.PodSpec.readinessGates'), { priority: 1 }),
  ],
  printPod,
);

export const podTemplates = printer(
  [
    nameColumn,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  (obj) => {
    const template = rec(obj['template']);
    return [nameOf(obj), ...layoutContainerCells(templateContainers(template)), formatLabels(rec(template['metadata'])['labels'])];
  },
);

// ---- replication controllers ---------------------------------------------------------------

export const replicationControllers = printer(
  [
    nameColumn,
    column('Desired', 'integer', doc('core/v1.ReplicationControllerSpec.replicas')),
    column('Current', 'integer', doc('core/v1.ReplicationControllerStatus.replicas')),
    column('Ready', 'integer', doc('core/v1.ReplicationControllerStatus.readyReplicas')),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', doc('core/v1.ReplicationControllerSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    return [
      nameOf(obj),
      intPtr(spec['replicas']) ?? 1,
      int(status['replicas']),
      int(status['readyReplicas']),
      ageOf(obj, now),
      ...layoutContainerCells(templateContainers(spec['template'])),
      formatLabels(spec['selector']),
    ];
  },
);

// ---- services and endpoints ---------------------------------------------------------------

/** loadBalancerStatusStringer (wide: kube-apiserver never clips). */
export function loadBalancerIngress(status: unknown): string {
  const out: string[] = [];
  for (const ing of recs(rec(status)['ingress'])) {
    if (str(ing['ip']) !== '') out.push(str(ing['ip']));
    else if (str(ing['hostname']) !== '') out.push(str(ing['hostname']));
  }
  return sortedSet(out).join(',');
}

function serviceExternalIP(spec: Obj, status: Obj, type: string): string {
  const externalIPs = strings(spec['externalIPs']);
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lbIps = loadBalancerIngress(status['loadBalancer']);
      if (externalIPs.length > 0) return [...(lbIps.length > 0 ? lbIps.split(',') : []), ...externalIPs].join(',');
      return lbIps.length > 0 ? lbIps : '<pending>';
    }
    case 'ExternalName':
      return str(spec['externalName']);
    default:
      return '<unknown>';
  }
}

/** makePortString. */
function servicePorts(ports: unknown): string {
  return recs(ports)
    .map((p) => {
      const protocol = str(p['protocol']) || 'TCP';
      const nodePort = int(p['nodePort']);
      return nodePort > 0 ? `${int(p['port'])}:${nodePort}/${protocol}` : `${int(p['port'])}/${protocol}`;
    })
    .join(',');
}

export const services = printer(
  [
    nameColumn,
    column('Type', 'string', doc('core/v1.ServiceSpec.type')),
    column('Cluster-IP', 'string', doc('core/v1.ServiceSpec.clusterIP')),
    column('External-IP', 'string', doc('core/v1.ServiceSpec.externalIPs')),
    column('Port(s)', 'string', doc('core/v1.ServiceSpec.ports')),
    ageColumn,
    column('Selector', 'string', doc('core/v1.ServiceSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    // SetDefaults_Service: an unset type is ClusterIP.
    const type = strPtr(spec['type']) ?? 'ClusterIP';
    const clusterIPs = strings(spec['clusterIPs']);
    return [
      nameOf(obj),
      type,
      clusterIPs[0] ?? '<none>',
      serviceExternalIP(spec, rec(obj['status']), type),
      servicePorts(spec['ports']) || '<none>',
      ageOf(obj, now),
      formatLabels(spec['selector']),
    ];
  },
);

/** formatEndpoints (all ports): up to three addresses, then "+ N more...". */
export function formatEndpoints(subsets: unknown): string {
  const ss = recs(subsets);
  if (ss.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const subset of ss) {
    const addresses = recs(subset['addresses']);
    const ports = recs(subset['ports']);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a['ip']));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(a['ip']), int(port['port'])));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpoints = printer([nameColumn, column('Endpoints', 'string', doc('core/v1.Endpoints.subsets')), ageColumn], (obj, now) => [
  nameOf(obj),
  formatEndpoints(obj['subsets']),
  ageOf(obj, now),
]);

// ---- nodes ----------------------------------------------------------------------------------

/** findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values. */
function nodeRoles(labels: Record<string, string>): string[] {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role.length > 0) roles.push(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.push(v);
    }
  }
  return sortedSet(roles);
}

function nodeAddress(status: Obj, type: string): string {
  const a = recs(status['addresses']).find((x) => x['type'] === type);
  return a === undefined ? '<none>' : str(a['address']);
}

export const nodes = printer(
  [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', doc('core/v1.NodeSystemInfo.kubeletVersion')),
    column('Internal-IP', 'string', doc('core/v1.NodeStatus.addresses'), { priority: 1 }),
    column('External-IP', 'string', doc('core/v1.NodeStatus.addresses'), { priority: 1 }),
    column('OS-Image', 'string', doc('core/v1.NodeSystemInfo.osImage'), { priority: 1 }),
    column('Kernel-Version', 'string', doc('core/v1.NodeSystemInfo.kernelVersion'), { priority: 1 }),
    column('Container-Runtime', 'string', doc('core/v1.NodeSystemInfo.containerRuntimeVersion'), { priority: 1 }),
  ],
  (obj, now) => {
    const status = rec(obj['status']);
    // A later condition of the same type replaces an earlier one, as the Go map does.
    let ready: Obj | undefined;
    for (const c of recs(status['conditions'])) if (c['type'] === 'Ready') ready = c;
    const states: string[] = [];
    if (ready !== undefined) states.push(ready['status'] === 'True' ? 'Ready' : 'NotReady');
    if (states.length === 0) states.push('Unknown');
    if (rec(obj['spec'])['unschedulable'] === true) states.push('SchedulingDisabled');
    const roles = nodeRoles(stringMap(metadata(obj)['labels'])).join(',');
    const info = rec(status['nodeInfo']);
    return [
      nameOf(obj),
      states.join(','),
      roles || '<none>',
      ageOf(obj, now),
      str(info['kubeletVersion']),
      nodeAddress(status, 'InternalIP'),
      nodeAddress(status, 'ExternalIP'),
      str(info['osImage']) || '<unknown>',
      str(info['kernelVersion']) || '<unknown>',
      str(info['containerRuntimeVersion']) || '<unknown>',
    ];
  },
);

// ---- events ---------------------------------------------------------------------------------

/** The core/v1 form of an event of any served version. */
const coreEvent = (obj: KubeObject): KubeObject => (str(obj.apiVersion).startsWith('events.k8s.io/') ? eventsV1ToCore(obj) : obj);

/** printEvent on a core/v1 event (wide). */
export function printEvent(obj: KubeObject, now: Date): TableCell[] {
  let firstTimestamp = translateTimestampSince(obj['firstTimestamp'], now);
  if (parseTime(obj['firstTimestamp']) === undefined) firstTimestamp = translateTimestampSince(obj['eventTime'], now);
  let lastTimestamp = translateTimestampSince(obj['lastTimestamp'], now);
  if (parseTime(obj['lastTimestamp']) === undefined) lastTimestamp = firstTimestamp;
  let count = int(obj['count']);
  const series = ptr(obj['series']);
  if (series !== undefined) {
    lastTimestamp = translateTimestampSince(series['lastObservedTime'], now);
    count = int(series['count']);
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }
  const involved = rec(obj['involvedObject']);
  const kind = str(involved['kind']).toLowerCase();
  const target = str(involved['name']).length > 0 ? `${kind}/${str(involved['name'])}` : kind;
  const source = rec(obj['source']);
  const component = str(source['component']) || str(obj['reportingComponent']);
  const instance = str(source['host']) || str(obj['reportingInstance']);
  return [
    lastTimestamp,
    str(obj['type']),
    str(obj['reason']),
    target,
    str(involved['fieldPath']),
    instance.length === 0 ? component : `${component}, ${instance}`,
    str(obj['message']).trim(),
    firstTimestamp,
    count,
    nameOf(obj),
  ];
}

export const events = printer(
  [
    column('Last Seen', 'string', doc('core/v1.Event.lastTimestamp')),
    column('Type', 'string', doc('core/v1.Event.type')),
    column('Reason', 'string', doc('core/v1.Event.reason')),
    column('Object', 'string', doc('core/v1.Event.involvedObject')),
    column('Subobject', 'string', doc('core/v1.ObjectReference.fieldPath'), { priority: 1 }),
    column('Source', 'string', doc('core/v1.Event.source'), { priority: 1 }),
    column('Message', 'string', doc('core/v1.Event.message')),
    column('First Seen', 'string', doc('core/v1.Event.firstTimestamp'), { priority: 1 }),
    column('Count', 'string', doc('core/v1.Event.count'), { priority: 1 }),
    column('Name', 'string', doc('meta/v1.ObjectMeta.name'), { format: 'name', priority: 1 }),
  ],
  printEvent,
  { normalize: coreEvent },
);

// ---- namespaces, secrets, service accounts, config maps ------------------------------------

export const namespaces = printer([nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn], (obj, now) => [
  nameOf(obj),
  // SetDefaults_NamespaceStatus: an unset phase is Active.
  str(rec(obj['status'])['phase']) || 'Active',
  ageOf(obj, now),
]);

export const secrets = printer(
  [nameColumn, column('Type', 'string', doc('core/v1.Secret.type')), column('Data', 'string', doc('core/v1.Secret.data')), ageColumn],
  // SetDefaults_Secret: an unset type is Opaque.
  (obj, now) => [nameOf(obj), str(obj['type']) || 'Opaque', mapLen(obj['data']), ageOf(obj, now)],
);

export const serviceAccounts = printer([nameColumn, column('Secrets', 'string', doc('core/v1.ServiceAccount.secrets')), ageColumn], (obj, now) => [
  nameOf(obj),
  arr(obj['secrets']).length,
  ageOf(obj, now),
]);

export const configMaps = printer([nameColumn, column('Data', 'string', doc('core/v1.ConfigMap.data')), ageColumn], (obj, now) => [
  nameOf(obj),
  mapLen(obj['data']) + mapLen(obj['binaryData']),
  ageOf(obj, now),
]);

// ---- persistent volumes and claims ----------------------------------------------------------

/** helper.GetAccessModesAsString. */
function accessModes(modes: unknown): string {
  const set = new Set(strings(modes));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

export const persistentVolumes = printer(
  [
    nameColumn,
    column('Capacity', 'string', doc('core/v1.PersistentVolumeSpec.capacity')),
    column('Access Modes', 'string', doc('core/v1.PersistentVolumeSpec.accessModes')),
    column('Reclaim Policy', 'string', doc('core/v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy')),
    column('Status', 'string', doc('core/v1.PersistentVolumeStatus.phase')),
    column('Claim', 'string', doc('core/v1.PersistentVolumeSpec.claimRef')),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', doc('core/v1.PersistentVolumeStatus.reason')),
    ageColumn,
    column('VolumeMode', 'string', doc('core/v1.PersistentVolumeSpec.volumeMode'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    const claimRef = ptr(spec['claimRef']);
    const anns = annotations(obj);
    // SetDefaults_PersistentVolume: Retain, Pending and Filesystem when unset.
    const phase = isDeleting(obj) ? 'Terminating' : str(status['phase']) || 'Pending';
    return [
      nameOf(obj),
      formatQuantity(rec(spec['capacity'])['storage']),
      accessModes(spec['accessModes']),
      str(spec['persistentVolumeReclaimPolicy']) || 'Retain',
      phase,
      claimRef === undefined ? '' : `${str(claimRef['namespace'])}/${str(claimRef['name'])}`,
      betaStorageClassAnnotation in anns ? (anns[betaStorageClassAnnotation] as string) : str(spec['storageClassName']),
      strPtr(spec['volumeAttributesClassName']) ?? '<unset>',
      str(status['reason']),
      ageOf(obj, now),
      strPtr(spec['volumeMode']) ?? 'Filesystem',
    ];
  },
);

export const persistentVolumeClaims = printer(
  [
    nameColumn,
    column('Status', 'string', doc('core/v1.PersistentVolumeClaimStatus.phase')),
    column('Volume', 'string', doc('core/v1.PersistentVolumeClaimSpec.volumeName')),
    column('Capacity', 'string', doc('core/v1.PersistentVolumeClaimStatus.capacity')),
    column('Access Modes', 'string', doc('core/v1.PersistentVolumeClaimStatus.accessModes')),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    column('VolumeMode', 'string', doc('core/v1.PersistentVolumeClaimSpec.volumeMode'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    const anns = annotations(obj);
    const volumeName = str(spec['volumeName']);
    // SetDefaults_PersistentVolumeClaim: Pending and Filesystem when unset.
    const phase = isDeleting(obj) ? 'Terminating' : str(status['phase']) || 'Pending';
    let storageClass = '';
    if (betaStorageClassAnnotation in anns) storageClass = anns[betaStorageClassAnnotation] as string;
    else if (strPtr(spec['storageClassName']) !== undefined) storageClass = str(spec['storageClassName']);
    return [
      nameOf(obj),
      phase,
      volumeName,
      volumeName !== '' ? formatQuantity(rec(status['capacity'])['storage']) : '',
      volumeName !== '' ? accessModes(status['accessModes']) : '',
      storageClass,
      strPtr(spec['volumeAttributesClassName']) ?? '<unset>',
      ageOf(obj, now),
      strPtr(spec['volumeMode']) ?? 'Filesystem',
    ];
  },
);

// ---- resource quotas and component statuses -------------------------------------------------

export const resourceQuotas = printer(
  [
    nameColumn,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageColumn,
  ],
  (obj, now) => {
    const status = rec(obj['status']);
    const hard = rec(status['hard']);
    const used = rec(status['used']);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort(compareBytes)) {
      const pieces = resource.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${resource}: ${formatQuantity(used[resource])}/${formatQuantity(hard[resource])}`);
    }
    return [nameOf(obj), requests.join(', '), limits.join(', '), ageOf(obj, now)];
  },
);

export const componentStatuses = printer(
  [
    nameColumn,
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  (obj) => {
    let status = 'Unknown';
    let message = '';
    let error = '';
    const healthy = recs(obj['conditions']).find((c) => c['type'] === 'Healthy');
    if (healthy !== undefined) {
      status = healthy['status'] === 'True' ? 'Healthy' : 'Unhealthy';
      message = str(healthy['message']);
      error = str(healthy['error']);
    }
    return [nameOf(obj), status, message, error];
  },
);

export const coreConvertors: Record<string, TableConvertor> = {
  pods,
  podtemplates: podTemplates,
  replicationcontrollers: replicationControllers,
  services,
  endpoints,
  nodes,
  events,
  namespaces,
  secrets,
  serviceaccounts: serviceAccounts,
  configmaps: configMaps,
  persistentvolumes: persistentVolumes,
  persistentvolumeclaims: persistentVolumeClaims,
  resourcequotas: resourceQuotas,
  componentstatuses: componentStatuses,
};
