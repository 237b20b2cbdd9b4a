// Service ClusterIP and NodePort allocation (k8s parity: pkg/registry/core/service/ipallocator and
// portallocator, with the IPAddress objects of KEP-1880, GA in 1.33). An allocated ClusterIP is an
// IPAddress object named by the IP, so two gateways can never hand out the same one: creating it is
// the compare-and-swap. Node ports live in one range allocation object updated by CAS. Both are
// released when the service goes or stops needing them.
import { randomInt } from 'node:crypto';
import { fieldErrors, isPlainObject, statusErrors, type KubeObject } from '@portico/api';
import type { CallContext, StorageServicePort } from '@portico/proto';
import { serviceAllocationNeeds } from '@portico/registry';
import { callService, throwIfStatus } from './port-status';

export interface ServiceAllocatorOptions {
  /** IPv4 CIDR of cluster IPs; kube-apiserver's default is 10.96.0.0/12. */
  serviceClusterIPRange: string;
  /** Inclusive; kube-apiserver's default is 30000-32767. */
  nodePortRange: { first: number; last: number };
}

export const defaultServiceAllocatorOptions: ServiceAllocatorOptions = {
  serviceClusterIPRange: '10.96.0.0/12',
  nodePortRange: { first: 30000, last: 32767 },
};

const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

const nodePortsRef = { group: '', resource: 'rangeallocations', namespace: '', name: 'servicenodeports' };

interface Spec {
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Array<{ nodePort?: number }>;
  healthCheckNodePort?: number;
}

function specOf(svc: KubeObject): Spec {
  return (isPlainObject(svc['spec']) ? svc['spec'] : {}) as Spec;
}

function allocatedPorts(svc: KubeObject | undefined): number[] {
  if (svc === undefined) return [];
  const spec = specOf(svc);
  const ports = (spec.ports ?? []).map((p) => p.nodePort ?? 0);
  if (typeof spec.healthCheckNodePort === 'number') ports.push(spec.healthCheckNodePort);
  return ports.filter((p) => p > 0);
}

export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;

  constructor(
    private readonly storage: StorageServicePort,
    private readonly o: ServiceAllocatorOptions = defaultServiceAllocatorOptions,
  ) {
    const [addr = '10.96.0.0', bits = '12'] = o.serviceClusterIPRange.split('/');
    this.size = 2 ** (32 - Number(bits));
    this.base = ipToInt(addr) - (ipToInt(addr) % this.size);
  }

  private inRange(ip: string): boolean {
    const n = ipToInt(ip);
    return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && n > this.base && n < this.base + this.size - 1;
  }

  /**
   * Fills in what the service needs (cluster IP, node ports) and reserves what it names. Returns a
   * function that gives back what was reserved, for when the write does not happen.
   */
  async allocate(svc: KubeObject, old: KubeObject | undefined, ctx: CallContext): Promise<() => Promise<void>> {
    const needs = serviceAllocationNeeds(svc);
    const spec = specOf(svc);
    const name = svc.metadata?.name ?? '';
    const namespace = svc.metadata?.namespace ?? '';
    const undo: Array<() => Promise<void>> = [];
    const rollback = async () => {
      for (const u of undo.reverse()) await u().catch(() => undefined);
    };
    try {
      const oldIP = old === undefined ? '' : (specOf(old).clusterIP ?? '');
      if (needs.clusterIP) {
        const ip = await this.allocateIP(undefined, namespace, name, ctx);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        undo.push(() => this.releaseIP(ip, ctx));
      } else if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None' && spec.clusterIP !== oldIP) {
        const ip = spec.clusterIP;
        if (!this.inRange(ip)) {
          throw statusErrors.invalid('', 'Service', name, [
            fieldErrors.invalid('spec.clusterIPs', [ip], `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.o.serviceClusterIPRange}`),
          ]);
        }
        await this.allocateIP(ip, namespace, name, ctx);
        undo.push(() => this.releaseIP(ip, ctx));
      }
      const wanted = allocatedPorts(svc).filter((p) => !allocatedPorts(old).includes(p));
      const missing = needs.nodePorts.length + (needs.healthCheckNodePort ? 1 : 0);
      if (wanted.length > 0 || missing > 0) {
        const fresh = await this.allocatePorts(wanted, missing, name, ctx);
        undo.push(() => this.releasePorts([...wanted, ...fresh], ctx));
        const ports = spec.ports ?? [];
        for (const i of needs.nodePorts) {
          const p = ports[i];
          if (p !== undefined) p.nodePort = fresh.shift() ?? 0;
        }
        if (needs.healthCheckNodePort) spec.healthCheckNodePort = fresh.shift() ?? 0;
      }
      svc['spec'] = spec as KubeObject['spec'];
      return rollback;
    } catch (e) {
      await rollback();
      throw e;
    }
  }

  /** Gives back what `old` held and `next` (undefined: the service is gone) no longer does. */
  async release(old: KubeObject, next: KubeObject | undefined, ctx: CallContext): Promise<void> {
    const oldIP = specOf(old).clusterIP ?? '';
    const nextIP = next === undefined ? '' : (specOf(next).clusterIP ?? '');
    if (oldIP !== '' && oldIP !== 'None' && oldIP !== nextIP) await this.releaseIP(oldIP, ctx);
    const gone = allocatedPorts(old).filter((p) => !allocatedPorts(next).includes(p));
    if (gone.length > 0) await this.releasePorts(gone, ctx);
  }

  private async allocateIP(ip: string | undefined, namespace: string, name: string, ctx: CallContext): Promise<string> {
    for (let attempt = 0; attempt < 64; attempt++) {
      // The first address is kept for the kubernetes service, as kube-apiserver does.
      const candidate = ip ?? intToIp(this.base + 2 + randomInt(Math.max(1, this.size - 3)));
      const object = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IPAddress',
        metadata: { name: candidate, labels: { 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io', 'ipaddress.kubernetes.io/ip-family': 'IPv4' } },
        spec: { parentRef: { group: '', resource: 'services', namespace, name } },
      };
      const res = await callService(
        'storage',
        this.storage.create({ ref: { group: 'networking.k8s.io', resource: 'ipaddresses', namespace: '', name: candidate }, object: Buffer.from(JSON.stringify(object)) }, ctx),
      );
      if (res.status === undefined) return candidate;
      if (res.status.reason !== 'AlreadyExists') throwIfStatus(res.status);
      if (ip !== undefined) {
        throw statusErrors.invalid('', 'Service', name, [
          fieldErrors.invalid('spec.clusterIPs', [ip], `failed to allocate IP ${ip}: provided IP is already allocated`),
        ]);
      }
    }
    throw statusErrors.internal('failed to allocate a serviceIP: range is full');
  }

  private async releaseIP(ip: string, ctx: CallContext): Promise<void> {
    await callService(
      'storage',
      this.storage.delete({ ref: { group: 'networking.k8s.io', resource: 'ipaddresses', namespace: '', name: ip }, preconditions: undefined, expectedResourceVersion: '' }, ctx),
    );
  }

  /** Reserves the named ports and `count` free ones; returns the free ones. */
  private async allocatePorts(named: number[], count: number, name: string, ctx: CallContext): Promise<number[]> {
    const { first, last } = this.o.nodePortRange;
    for (const p of named) {
      if (p < first || p > last) {
        throw statusErrors.invalid('', 'Service', name, [
          fieldErrors.invalid('spec.ports[0].nodePort', p, `provided port is not in the valid range. The range of valid ports is ${first}-${last}`),
        ]);
      }
    }
    return this.updateRange(ctx, (used) => {
      for (const p of named) {
        if (used.has(p)) {
          throw statusErrors.invalid('', 'Service', name, [fieldErrors.invalid('spec.ports[0].nodePort', p, 'provided port is already allocated')]);
        }
        used.add(p);
      }
      const fresh: number[] = [];
      for (let i = 0; i < count; i++) {
        const span = last - first + 1;
        if (used.size >= span) throw statusErrors.internal('failed to allocate a nodePort: range is full');
        let p = first + randomInt(span);
        while (used.has(p)) p = p === last ? first : p + 1;
        used.add(p);
        fresh.push(p);
      }
      return fresh;
    });
  }

  private async releasePorts(ports: number[], ctx: CallContext): Promise<void> {
    await this.updateRange(ctx, (used) => {
      for (const p of ports) used.delete(p);
      return [];
    });
  }

  /** Compare-and-swap on the node port range allocation, retried on conflict. */
  private async updateRange(ctx: CallContext, change: (used: Set<number>) => number[]): Promise<number[]> {
    for (let attempt = 0; attempt < 32; attempt++) {
      const got = await callService('storage', this.storage.get({ ref: nodePortsRef, resourceVersion: '' }, ctx));
      if (got.status !== undefined && got.status.code !== 404) throwIfStatus(got.status);
      const current = got.status === undefined ? (JSON.parse(got.object.toString('utf8')) as { allocated?: number[]; metadata?: { resourceVersion?: string } }) : undefined;
      const used = new Set(current?.allocated ?? []);
      const result = change(used);
      const object = Buffer.from(
        JSON.stringify({ apiVersion: 'v1', kind: 'RangeAllocation', metadata: { name: 'servicenodeports' }, range: `${this.o.nodePortRange.first}-${this.o.nodePortRange.last}`, allocated: [...used].sort((a, b) => a - b) }),
      );
      if (current === undefined) {
        const res = await callService('storage', this.storage.create({ ref: nodePortsRef, object }, ctx));
        if (res.status === undefined) return result;
        if (res.status.reason !== 'AlreadyExists') throwIfStatus(res.status);
        continue;
      }
      const res = await callService('storage', this.storage.update({ ref: nodePortsRef, object, expectedResourceVersion: current.metadata?.resourceVersion ?? '' }, ctx));
      throwIfStatus(res.status);
      if (res.succeeded) return result;
    }
    throw statusErrors.internal('failed to update the node port allocation: too many conflicts');
  }
}
