// k8s parity: k8s.io/pod-security-admission (policy checks, admission, the namespace labels). The
// Pod Security Standards levels privileged, baseline and restricted, chosen per namespace by the
// labels pod-security.kubernetes.io/{enforce,audit,warn}[-version]. Enforce refuses pods; warn and
// audit report on pods and on the workloads that carry pod templates. Checks run in kube's check
// ID order, so the violation text lists them as kube-apiserver does.
import { isPlainObject, statusErrors, type KubeObject } from '@portico/api';
import type { CallContext, StorageServicePort } from '@portico/proto';
import type { Attributes, Operation, ValidationPlugin } from '../attributes';
import { ctxOf, listObjects } from './cluster-state';

type Level = 'privileged' | 'baseline' | 'restricted';
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
const quote = (xs: readonly string[]): string => xs.map((x) => JSON.stringify(x)).join(', ');
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

interface Violation {
  reason: string;
  detail: string;
}

interface Named {
  name: string;
  sc: Obj;
  c: Obj;
}

function containersOf(spec: Obj): Named[] {
  return [...arr(spec['initContainers']), ...arr(spec['containers']), ...arr(spec['ephemeralContainers'])].map((c) => ({
    name: String(c['name'] ?? ''),
    sc: obj(c['securityContext']),
    c,
  }));
}

const containerList = (names: readonly string[]): string => `${plural(names.length, 'container', 'containers')} ${quote(names)}`;

const baselineCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const allowedSeLinuxTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const restrictedVolumeTypes = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

type Check = (spec: Obj, cs: Named[]) => Violation | undefined;

const checks: Array<{ id: string; level: Level; overrides?: string; run: Check }> = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    run: (_s, cs) => {
      const bad = cs.filter((c) => c.sc['allowPrivilegeEscalation'] !== false).map((c) => c.name);
      return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
    },
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    run: (s, cs) => {
      const bad: string[] = [];
      const badType = (p: unknown) => isPlainObject(p) && p['type'] !== undefined && p['type'] !== 'RuntimeDefault' && p['type'] !== 'Localhost';
      if (badType(obj(s['securityContext'])['appArmorProfile'])) bad.push(String(obj(obj(s['securityContext'])['appArmorProfile'])['type']));
      for (const c of cs) if (badType(c.sc['appArmorProfile'])) bad.push(String(obj(c.sc['appArmorProfile'])['type']));
      return bad.length ? { reason: plural(bad.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'), detail: quote([...new Set(bad)]) } : undefined;
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    run: (_s, cs) => {
      const bad: string[] = [];
      const caps = new Set<string>();
      for (const c of cs) {
        const added = (obj(c.sc['capabilities'])['add'] as unknown[] | undefined) ?? [];
        const forbidden = added.map(String).filter((x) => !baselineCapabilities.has(x));
        if (forbidden.length) {
          bad.push(c.name);
          forbidden.forEach((x) => caps.add(x));
        }
      }
      return bad.length ? { reason: 'non-default capabilities', detail: `${containerList(bad)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add` } : undefined;
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    overrides: 'capabilities_baseline',
    run: (_s, cs) => {
      const noDrop: string[] = [];
      const badAdd: string[] = [];
      const caps = new Set<string>();
      for (const c of cs) {
        const cap = obj(c.sc['capabilities']);
        const drop = ((cap['drop'] as unknown[] | undefined) ?? []).map(String);
        if (!drop.includes('ALL')) noDrop.push(c.name);
        const forbidden = ((cap['add'] as unknown[] | undefined) ?? []).map(String).filter((x) => x !== 'NET_BIND_SERVICE');
        if (forbidden.length) {
          badAdd.push(c.name);
          forbidden.forEach((x) => caps.add(x));
        }
      }
      const details: string[] = [];
      if (noDrop.length) details.push(`${containerList(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (badAdd.length) details.push(`${containerList(badAdd)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`);
      return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    run: (s) => {
      const set = ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => s[k] === true).map((k) => `${k}=true`);
      return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    run: (s) => {
      const bad = arr(s['volumes']).filter((v) => v['hostPath'] !== undefined).map((v) => String(v['name'] ?? ''));
      return bad.length ? { reason: 'hostPath volumes', detail: `${plural(bad.length, 'volume', 'volumes')} ${quote(bad)}` } : undefined;
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    run: (_s, cs) => {
      const bad: string[] = [];
      const ports: string[] = [];
      for (const c of cs) {
        const hp = arr(c.c['ports']).map((p) => p['hostPort']).filter((p) => typeof p === 'number' && p !== 0).map(String);
        if (hp.length) {
          bad.push(c.name);
          ports.push(...hp);
        }
      }
      if (!bad.length) return undefined;
      const verb = bad.length === 1 ? 'uses' : 'use';
      return { reason: 'hostPort', detail: `${containerList(bad)} ${verb} ${plural(ports.length, 'hostPort', 'hostPorts')} ${ports.join(', ')}` };
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    run: (_s, cs) => {
      const bad = cs.filter((c) => c.sc['privileged'] === true).map((c) => c.name);
      return bad.length ? { reason: 'privileged', detail: `${containerList(bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    run: (_s, cs) => {
      const bad = cs.filter((c) => c.sc['procMount'] !== undefined && c.sc['procMount'] !== 'Default').map((c) => c.name);
      return bad.length ? { reason: 'procMount', detail: `${containerList(bad)} must not set securityContext.procMount to ${quote([...new Set(cs.filter((c) => bad.includes(c.name)).map((c) => String(c.sc['procMount'])))])}` } : undefined;
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    overrides: 'hostPathVolumes',
    run: (s) => {
      const bad: Array<[string, string]> = [];
      for (const v of arr(s['volumes'])) {
        const type = Object.keys(v).find((k) => k !== 'name');
        if (type !== undefined && !restrictedVolumeTypes.has(type)) bad.push([String(v['name'] ?? ''), type]);
      }
      if (!bad.length) return undefined;
      const types = [...new Set(bad.map(([, t]) => t))];
      return {
        reason: 'restricted volume types',
        detail: `${plural(bad.length, 'volume', 'volumes')} ${quote(bad.map(([n]) => n))} ${bad.length === 1 ? 'uses' : 'use'} ${plural(types.length, 'restricted volume type', 'restricted volume types')} ${quote(types)}`,
      };
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    run: (s, cs) => {
      const podSc = obj(s['securityContext']);
      const details: string[] = [];
      if (podSc['runAsNonRoot'] === false) details.push('pod must not set securityContext.runAsNonRoot=false');
      const explicitFalse = cs.filter((c) => c.sc['runAsNonRoot'] === false).map((c) => c.name);
      if (explicitFalse.length) details.push(`${containerList(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
      if (podSc['runAsNonRoot'] !== true) {
        const unset = cs.filter((c) => c.sc['runAsNonRoot'] === undefined).map((c) => c.name);
        if (unset.length && podSc['runAsNonRoot'] !== false) details.push(`pod or ${containerList(unset)} must set securityContext.runAsNonRoot=true`);
      }
      return details.length ? { reason: 'runAsNonRoot != true', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    run: (s, cs) => {
      const details: string[] = [];
      if (obj(s['securityContext'])['runAsUser'] === 0) details.push('pod must not set runAsUser=0');
      const bad = cs.filter((c) => c.sc['runAsUser'] === 0).map((c) => c.name);
      if (bad.length) details.push(`${containerList(bad)} must not set runAsUser=0`);
      return details.length ? { reason: 'runAsUser=0', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    run: (s, cs) => {
      const bad = (o: unknown) => isPlainObject(o) && (!allowedSeLinuxTypes.has(String(o['type'] ?? '')) || o['user'] !== undefined || o['role'] !== undefined);
      const details: string[] = [];
      if (bad(obj(s['securityContext'])['seLinuxOptions'])) details.push('pod set forbidden securityContext.seLinuxOptions');
      const cb = cs.filter((c) => bad(c.sc['seLinuxOptions'])).map((c) => c.name);
      if (cb.length) details.push(`${containerList(cb)} set forbidden securityContext.seLinuxOptions`);
      return details.length ? { reason: 'seLinuxOptions', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    run: (s, cs) => {
      const unconfined = (p: unknown) => isPlainObject(p) && p['type'] === 'Unconfined';
      const details: string[] = [];
      if (unconfined(obj(s['securityContext'])['seccompProfile'])) details.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
      const bad = cs.filter((c) => unconfined(c.sc['seccompProfile'])).map((c) => c.name);
      if (bad.length) details.push(`${containerList(bad)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      return details.length ? { reason: 'seccompProfile', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: 'seccompProfile_baseline',
    run: (s, cs) => {
      const valid = (p: unknown) => isPlainObject(p) && (p['type'] === 'RuntimeDefault' || p['type'] === 'Localhost');
      const podProfile = obj(s['securityContext'])['seccompProfile'];
      const details: string[] = [];
      if (isPlainObject(podProfile) && !valid(podProfile)) details.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(String(podProfile['type']))}`);
      const explicitBad = cs.filter((c) => isPlainObject(c.sc['seccompProfile']) && !valid(c.sc['seccompProfile'])).map((c) => c.name);
      if (explicitBad.length) details.push(`${containerList(explicitBad)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      if (!valid(podProfile)) {
        const unset = cs.filter((c) => c.sc['seccompProfile'] === undefined).map((c) => c.name);
        if (unset.length) details.push(`pod or ${containerList(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
      }
      return details.length ? { reason: 'seccompProfile', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    run: (s) => {
      const bad = arr(obj(s['securityContext'])['sysctls']).map((x) => String(x['name'] ?? '')).filter((n) => !safeSysctls.has(n));
      return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
    },
  },
];

/** The violations of a pod spec at a level, in kube's order, as `reason (detail)` strings. */
export function podSecurityViolations(level: Level, spec: Obj): string[] {
  return violations(level, spec).map((v) => `${v.reason} (${v.detail})`);
}

function violations(level: Level, spec: Obj): Violation[] {
  if (level === 'privileged') return [];
  const active = checks.filter((c) => level === 'restricted' || c.level === 'baseline');
  const overridden = new Set(active.map((c) => c.overrides).filter((x): x is string => x !== undefined));
  const cs = containersOf(spec);
  const out: Violation[] = [];
  for (const c of active) {
    if (overridden.has(c.id)) continue;
    const v = c.run(spec, cs);
    if (v !== undefined) out.push(v);
  }
  return out;
}

const strictness: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

const labelPrefix = 'pod-security.kubernetes.io/';
const levels = new Set<Level>(['privileged', 'baseline', 'restricted']);

interface ModePolicy {
  level: Level;
  version: string;
}

function policyFor(labels: Record<string, string>, mode: 'enforce' | 'audit' | 'warn'): ModePolicy | undefined {
  const raw = labels[`${labelPrefix}${mode}`];
  if (raw === undefined) return undefined;
  // An unknown level is treated as the most restrictive one, as kube does.
  const level: Level = levels.has(raw as Level) ? (raw as Level) : 'restricted';
  return { level, version: labels[`${labelPrefix}${mode}-version`] ?? 'latest' };
}

/** Where a workload keeps its pod template spec. */
function templateSpec(a: Attributes, o: KubeObject): Obj | undefined {
  const spec = obj(o['spec']);
  if (a.group === '' && a.resource === 'podtemplates') return obj(obj(o['template'])['spec']);
  if (a.group === '' && a.resource === 'replicationcontrollers') return obj(obj(spec['template'])['spec']);
  if (a.group === 'apps' && ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(a.resource)) return obj(obj(spec['template'])['spec']);
  if (a.group === 'batch' && a.resource === 'jobs') return obj(obj(spec['template'])['spec']);
  if (a.group === 'batch' && a.resource === 'cronjobs') return obj(obj(obj(obj(spec['jobTemplate'])['spec'])['template'])['spec']);
  return undefined;
}

export class PodSecurity implements ValidationPlugin {
  readonly name = 'PodSecurity';
  constructor(
    private readonly namespaceObject: (name: string, ctx: CallContext) => Promise<KubeObject | undefined>,
    private readonly storage?: StorageServicePort,
  ) {}

  handles(op: Operation): boolean {
    return op === 'CREATE' || op === 'UPDATE';
  }

  /** Namespace updates, pods, and the workloads templateSpec knows: the requests validate looks at. */
  async mayApply(a: Attributes): Promise<boolean> {
    if (a.group === '' && a.resource === 'namespaces' && a.subresource === '' && a.operation === 'UPDATE') return true;
    if (a.namespace === '' || a.object === undefined) return false;
    if (a.group === '' && a.resource === 'pods') return a.subresource === '' || a.subresource === 'ephemeralcontainers';
    return a.subresource === '' && templateSpec(a, a.object) !== undefined;
  }

  async validate(a: Attributes): Promise<void> {
    if (a.group === '' && a.resource === 'namespaces' && a.subresource === '' && a.operation === 'UPDATE') return this.namespaceChanged(a);
    if (a.namespace === '' || a.object === undefined) return;
    const isPod = a.group === '' && a.resource === 'pods';
    if (isPod && a.subresource !== '' && a.subresource !== 'ephemeralcontainers') return;
    if (!isPod && a.subresource !== '') return;
    let spec: Obj | undefined;
    if (isPod) {
      spec = obj(a.object['spec']);
      // Metadata-only updates of a pod are never refused.
      if (a.operation === 'UPDATE' && a.oldObject !== undefined && JSON.stringify(a.oldObject['spec']) === JSON.stringify(a.object['spec'])) return;
    } else {
      spec = templateSpec(a, a.object);
      if (spec === undefined) return;
      if (a.operation === 'UPDATE' && a.oldObject !== undefined && JSON.stringify(templateSpec(a, a.oldObject)) === JSON.stringify(spec)) return;
    }
    const ns = await this.namespaceObject(a.namespace, ctxOf(a));
    const labels = (ns?.metadata?.labels ?? {}) as Record<string, string>;
    const enforce = policyFor(labels, 'enforce');
    const audit = policyFor(labels, 'audit');
    const warn = policyFor(labels, 'warn');
    const text = (p: ModePolicy, v: string[]) => `PodSecurity "${p.level}:${p.version}": ${v.join(', ')}`;
    if (enforce !== undefined) {
      a.auditAnnotations[`${labelPrefix}enforce-policy`] = `${enforce.level}:${enforce.version}`;
      if (isPod) {
        const v = podSecurityViolations(enforce.level, spec);
        if (v.length > 0) throw statusErrors.forbidden({ group: a.group, resource: a.resource }, a.name, `violates ${text(enforce, v)}`);
      }
    }
    if (audit !== undefined) {
      const v = podSecurityViolations(audit.level, spec);
      if (v.length > 0) a.auditAnnotations[`${labelPrefix}audit-violations`] = `would violate ${text(audit, v)}`;
    }
    if (warn !== undefined) {
      const v = podSecurityViolations(warn.level, spec);
      // Workloads are warned about whatever enforce says: their pods would be refused later.
      if (v.length > 0) a.warnings.push(`would violate ${text(warn, v)}`);
    } else if (!isPod && enforce !== undefined) {
      const v = podSecurityViolations(enforce.level, spec);
      if (v.length > 0) a.warnings.push(`would violate ${text(enforce, v)}`);
    }
  }

  /** A stricter enforce level warns about the namespace's existing pods that would violate it. */
  private async namespaceChanged(a: Attributes): Promise<void> {
    if (this.storage === undefined || a.object === undefined) return;
    const next = policyFor((a.object.metadata?.labels ?? {}) as Record<string, string>, 'enforce');
    const prev = policyFor((a.oldObject?.metadata?.labels ?? {}) as Record<string, string>, 'enforce');
    if (next === undefined || next.level === 'privileged') return;
    if (prev !== undefined && strictness[prev.level] >= strictness[next.level] && prev.version === next.version) return;
    const pods = (await listObjects(this.storage, '', 'pods', a.name, ctxOf(a))).items;
    const lines: string[] = [];
    for (const pod of pods) {
      const v = violations(next.level, obj(pod['spec']));
      if (v.length > 0) lines.push(`${pod.metadata?.name ?? ''}: ${[...new Set(v.map((x) => x.reason))].join(', ')}`);
    }
    if (lines.length === 0) return;
    a.warnings.push(`existing pods in namespace ${JSON.stringify(a.name)} violate the new PodSecurity enforce level "${next.level}:${next.version}"`, ...lines);
  }
}
