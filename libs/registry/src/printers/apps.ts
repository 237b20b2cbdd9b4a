// Printers of apps/v1 (k8s parity: printers.go printDeployment, printReplicaSet, printStatefulSet,
// printDaemonSet, printControllerRevision).
import type { KubeObject } from '@portico/api';
import {
  ageColumn,
  ageOf,
  column,
  containersColumn,
  doc,
  formatLabelSelector,
  formatLabels,
  imagesColumn,
  int,
  intPtr,
  labelSelectorString,
  layoutContainerCells,
  metadata,
  nameColumn,
  nameOf,
  printer,
  rec,
  recs,
  str,
  templateContainers,
} from './helpers';
import type { TableConvertor } from './types';

// SetDefaults_* of apps/v1: an unset spec.replicas is 1.
const replicas = (spec: Record<string, unknown>): number => intPtr(spec['replicas']) ?? 1;

export const deployments = printer(
  [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', doc('extensions/v1beta1.DeploymentStatus.updatedReplicas')),
    column('Available', 'string', doc('extensions/v1beta1.DeploymentStatus.availableReplicas')),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', doc('extensions/v1beta1.DeploymentSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    return [
      nameOf(obj),
      `${int(status['readyReplicas'])}/${replicas(spec)}`,
      int(status['updatedReplicas']),
      int(status['availableReplicas']),
      ageOf(obj, now),
      ...layoutContainerCells(templateContainers(spec['template'])),
      labelSelectorString(spec['selector']) ?? '<invalid>',
    ];
  },
);

export const replicaSets = printer(
  [
    nameColumn,
    column('Desired', 'integer', doc('extensions/v1beta1.ReplicaSetSpec.replicas')),
    column('Current', 'integer', doc('extensions/v1beta1.ReplicaSetStatus.replicas')),
    column('Ready', 'integer', doc('extensions/v1beta1.ReplicaSetStatus.readyReplicas')),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', doc('extensions/v1beta1.ReplicaSetSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    return [
      nameOf(obj),
      replicas(spec),
      int(status['replicas']),
      int(status['readyReplicas']),
      ageOf(obj, now),
      ...layoutContainerCells(templateContainers(spec['template'])),
      formatLabelSelector(spec['selector']),
    ];
  },
);

export const statefulSets = printer(
  [nameColumn, column('Ready', 'string', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
  (obj, now) => {
    const spec = rec(obj['spec']);
    return [
      nameOf(obj),
      `${int(rec(obj['status'])['readyReplicas'])}/${replicas(spec)}`,
      ageOf(obj, now),
      ...layoutContainerCells(templateContainers(spec['template'])),
    ];
  },
);

export const daemonSets = printer(
  [
    nameColumn,
    column('Desired', 'integer', doc('extensions/v1beta1.DaemonSetStatus.desiredNumberScheduled')),
    column('Current', 'integer', doc('extensions/v1beta1.DaemonSetStatus.currentNumberScheduled')),
    column('Ready', 'integer', doc('extensions/v1beta1.DaemonSetStatus.numberReady')),
    column('Up-to-date', 'integer', doc('extensions/v1beta1.DaemonSetStatus.updatedNumberScheduled')),
    column('Available', 'integer', doc('extensions/v1beta1.DaemonSetStatus.numberAvailable')),
    column('Node Selector', 'string', doc('core/v1.PodSpec.nodeSelector')),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', doc('extensions/v1beta1.DaemonSetSpec.selector'), { priority: 1 }),
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    const status = rec(obj['status']);
    const podSpec = rec(rec(spec['template'])['spec']);
    return [
      nameOf(obj),
      int(status['desiredNumberScheduled']),
      int(status['currentNumberScheduled']),
      int(status['numberReady']),
      int(status['updatedNumberScheduled']),
      int(status['numberAvailable']),
      formatLabels(podSpec['nodeSelector']),
      ageOf(obj, now),
      ...layoutContainerCells(podSpec['containers']),
      formatLabelSelector(spec['selector']),
    ];
  },
);

/** schema.ParseGroupVersion's group (its error case fails the request, as the Go printer does). */
function groupOf(apiVersion: string): string {
  if (apiVersion === '' || apiVersion === '/') return '';
  const parts = apiVersion.split('/');
  if (parts.length > 2) throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
  return parts.length === 2 ? (parts[0] as string) : '';
}

/** The owner of an object as "kind.group/name" in lower case (GetControllerOf + formatResourceName). */
export function controllerName(obj: KubeObject): string {
  const ref = recs(metadata(obj)['ownerReferences']).find((r) => r['controller'] === true);
  if (ref === undefined) return '<none>';
  const group = groupOf(str(ref['apiVersion']));
  const kind = str(ref['kind']);
  const name = str(ref['name']);
  if (group === '' && kind === '') return name;
  return `${(group === '' ? kind : `${kind}.${group}`).toLowerCase()}/${name}`;
}

export const controllerRevisions = printer(
  [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', doc('apps/v1beta1.ControllerRevision.revision')),
    ageColumn,
  ],
  (obj, now) => [nameOf(obj), controllerName(obj), int(obj['revision']), ageOf(obj, now)],
);

export const appsConvertors: Record<string, TableConvertor> = {
  deployments,
  replicasets: replicaSets,
  statefulsets: statefulSets,
  daemonsets: daemonSets,
  controllerrevisions: controllerRevisions,
};
