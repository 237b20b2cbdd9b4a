// Mutating built-ins that default pods and claims:
// - ServiceAccount (kubernetes plugin/pkg/admission/serviceaccount): serviceAccountName defaults to
//   "default", the service account must exist, and the API credentials are mounted as the
//   kube-api-access-<suffix> projected volume unless automounting is turned off.
// - Priority (plugin/pkg/admission/priority): priority and preemptionPolicy from the PriorityClass.
// - DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds).
// - DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault).
import { randomBytes } from 'node:crypto';
import { isPlainObject, statusErrors, type KubeObject } from '@portico/api';
import type { StorageServicePort } from '@portico/proto';
import type { Attributes, MutationPlugin, Operation } from '../attributes';
import type { CachedLister } from '../cache/resource-cache';
import { ctxOf, getObject, isPod } from './cluster-state';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
const specOf = (o: KubeObject): Obj => {
  if (!isPlainObject(o['spec'])) o['spec'] = {};
  return o['spec'] as Obj;
};

const onCreate = (op: Operation): boolean => op === 'CREATE';

export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

/** kube's utilrand.String alphabet: no vowels or look-alikes. */
function randomSuffix(n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(n);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export class ServiceAccountAdmission implements MutationPlugin {
  readonly name = 'ServiceAccount';
  constructor(private readonly storage: StorageServicePort) {}

  handles = onCreate;

  async admit(a: Attributes): Promise<void> {
    if (!isPod(a) || a.object === undefined) return;
    const spec = specOf(a.object);
    // Mirror pods belong to the kubelet and get no service account.
    if (obj(a.object.metadata?.annotations)['kubernetes.io/config.mirror'] !== undefined) return;
    let name = typeof spec['serviceAccountName'] === 'string' && spec['serviceAccountName'] !== '' ? spec['serviceAccountName'] : '';
    if (name === '' && typeof spec['serviceAccount'] === 'string' && spec['serviceAccount'] !== '') name = spec['serviceAccount'];
    if (name === '') name = 'default';
    spec['serviceAccountName'] = name;
    spec['serviceAccount'] = name;
    const sa = await getObject(this.storage, '', 'serviceaccounts', a.namespace, name, ctxOf(a));
    // The default account comes from the gateway's controller a moment after the namespace; a pod
    // created in that moment is admitted rather than refused (kube-apiserver would refuse it).
    if (sa === undefined && name !== 'default') {
      throw statusErrors.forbidden({ group: '', resource: 'pods' }, a.name, `error looking up service account ${a.namespace}/${name}: serviceaccount "${name}" not found`);
    }
    if (spec['automountServiceAccountToken'] === false) return;
    if (spec['automountServiceAccountToken'] === undefined && sa !== undefined && sa['automountServiceAccountToken'] === false) return;
    const containers = [...arr(spec['initContainers']), ...arr(spec['containers'])];
    if (containers.some((c) => arr(c['volumeMounts']).some((m) => m['mountPath'] === serviceAccountMountPath))) return;
    const volumes = arr(spec['volumes']);
    let volumeName = volumes.find((v) => String(v['name'] ?? '').startsWith('kube-api-access-'))?.['name'] as string | undefined;
    if (volumeName === undefined) {
      volumeName = `kube-api-access-${randomSuffix(5)}`;
      spec['volumes'] = [
        ...volumes,
        {
          name: volumeName,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
            ],
          },
        },
      ];
    }
    for (const c of containers) {
      c['volumeMounts'] = [...arr(c['volumeMounts']), { name: volumeName, readOnly: true, mountPath: serviceAccountMountPath }];
    }
  }
}

const systemPriorityClasses: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export class PriorityAdmission implements MutationPlugin {
  readonly name = 'Priority';
  constructor(
    private readonly storage: StorageServicePort,
    private readonly lister: CachedLister,
  ) {}

  handles = onCreate;

  async admit(a: Attributes): Promise<void> {
    if (!isPod(a) || a.object === undefined) return;
    const spec = specOf(a.object);
    const className = typeof spec['priorityClassName'] === 'string' ? spec['priorityClassName'] : '';
    let value: number;
    let preemption: string | undefined;
    let name = className;
    if (className === '') {
      const classes = [...(await this.lister.list('scheduling.k8s.io', 'priorityclasses', '', ctxOf(a)))].filter((c) => c['globalDefault'] === true);
      // With several global defaults the lowest value wins.
      const chosen = classes.sort((x, y) => Number(x['value'] ?? 0) - Number(y['value'] ?? 0))[0];
      if (chosen === undefined) {
        value = 0;
      } else {
        value = Number(chosen['value'] ?? 0);
        preemption = chosen['preemptionPolicy'] as string | undefined;
        name = chosen.metadata?.name ?? '';
      }
    } else {
      const pc = await getObject(this.storage, 'scheduling.k8s.io', 'priorityclasses', '', className, ctxOf(a));
      if (pc !== undefined) {
        value = Number(pc['value'] ?? 0);
        preemption = pc['preemptionPolicy'] as string | undefined;
      } else if (systemPriorityClasses[className] !== undefined) {
        value = systemPriorityClasses[className];
      } else {
        throw statusErrors.forbidden({ group: '', resource: 'pods' }, a.name, `no PriorityClass with name ${className} was found`);
      }
    }
    preemption ??= 'PreemptLowerPriority';
    if (spec['priority'] !== undefined && spec['priority'] !== null && spec['priority'] !== value) {
      throw statusErrors.forbidden(
        { group: '', resource: 'pods' },
        a.name,
        `the integer value of priority (${String(spec['priority'])}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
      );
    }
    if (spec['preemptionPolicy'] !== undefined && spec['preemptionPolicy'] !== null && spec['preemptionPolicy'] !== preemption) {
      throw statusErrors.forbidden(
        { group: '', resource: 'pods' },
        a.name,
        `the string value of PreemptionPolicy (${String(spec['preemptionPolicy'])}) must not be provided in pod spec; priority admission controller computed ${preemption} from the given PriorityClass name`,
      );
    }
    if (name !== '') spec['priorityClassName'] = name;
    spec['priority'] = value;
    spec['preemptionPolicy'] = preemption;
  }
}

export class DefaultTolerationSeconds implements MutationPlugin {
  readonly name = 'DefaultTolerationSeconds';
  constructor(private readonly seconds = 300) {}

  handles = onCreate;

  async admit(a: Attributes): Promise<void> {
    if (!isPod(a) || a.object === undefined) return;
    const spec = specOf(a.object);
    const tolerations = arr(spec['tolerations']);
    const tolerates = (key: string) =>
      tolerations.some((t) => (t['key'] === key || t['key'] === undefined || t['key'] === '') && (t['effect'] === 'NoExecute' || t['effect'] === undefined || t['effect'] === ''));
    const added: Obj[] = [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerates(key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: this.seconds });
    }
    if (added.length > 0) spec['tolerations'] = [...tolerations, ...added];
  }
}

const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export class DefaultStorageClass implements MutationPlugin {
  readonly name = 'DefaultStorageClass';
  constructor(private readonly lister: CachedLister) {}

  handles = onCreate;

  async admit(a: Attributes): Promise<void> {
    if (a.group !== '' || a.resource !== 'persistentvolumeclaims' || a.subresource !== '' || a.object === undefined) return;
    const spec = specOf(a.object);
    // Only an absent class is defaulted: "" explicitly asks for no class.
    if (spec['storageClassName'] !== undefined && spec['storageClassName'] !== null) return;
    const classes = (await this.lister.list('storage.k8s.io', 'storageclasses', '', ctxOf(a))).filter((c) =>
      defaultClassAnnotations.some((k) => obj(c.metadata?.annotations)[k] === 'true'),
    );
    if (classes.length === 0) return;
    // The newest default wins; equal times fall back to the name.
    classes.sort((x, y) => {
      const tx = String(x.metadata?.creationTimestamp ?? '');
      const ty = String(y.metadata?.creationTimestamp ?? '');
      if (tx !== ty) return tx > ty ? -1 : 1;
      return String(x.metadata?.name ?? '') < String(y.metadata?.name ?? '') ? -1 : 1;
    });
    spec['storageClassName'] = classes[0]?.metadata?.name;
  }
}
