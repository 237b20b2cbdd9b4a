// k8s parity: kubernetes plugin/pkg/admission/limitranger. Admit fills in container requests and
// limits from the namespace's LimitRanges (type Container: defaultRequest, default) and notes what
// it set in the kubernetes.io/limit-ranger annotation; validate enforces min, max and
// maxLimitRequestRatio for Containers, Pods and PersistentVolumeClaims, with kube's messages.
import { isPlainObject, statusErrors, type KubeObject } from '@portico/api';
import type { Attributes, MutationPlugin, Operation, ValidationPlugin } from '../attributes';
import { Quantity } from '@portico/cel';
import type { CachedLister } from '../cache/resource-cache';
import { ctxOf, isPod } from './cluster-state';

type Obj = Record<string, unknown>;
type ResourceList = Record<string, string>;
const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
const rl = (v: unknown): ResourceList => obj(v) as ResourceList;

interface LimitItem {
  type: string;
  max: ResourceList;
  min: ResourceList;
  default: ResourceList;
  defaultRequest: ResourceList;
  maxLimitRequestRatio: ResourceList;
}

function itemsOf(ranges: readonly KubeObject[]): LimitItem[] {
  return ranges.flatMap((r) =>
    arr(obj(r['spec'])['limits']).map((l) => {
      // The LimitRange API's defaulting: default from max, defaultRequest from default, then min.
      const max = rl(l['max']);
      const min = rl(l['min']);
      const def = { ...(l['type'] === 'Container' ? max : {}), ...rl(l['default']) };
      const defReq = { ...(l['type'] === 'Container' ? { ...min, ...def } : {}), ...rl(l['defaultRequest']) };
      return { type: String(l['type'] ?? ''), max, min, default: def, defaultRequest: defReq, maxLimitRequestRatio: rl(l['maxLimitRequestRatio']) };
    }),
  );
}

async function limitRanges(lister: CachedLister, a: Attributes): Promise<LimitItem[]> {
  return itemsOf(await lister.list('', 'limitranges', a.namespace, ctxOf(a)));
}

const containersOf = (spec: Obj): Obj[] => [...arr(spec['initContainers']), ...arr(spec['containers'])];
const q = (s: string): Quantity => Quantity.parse(String(s));
const fmt = (s: string): string => String(s);

/** What validate checks: pod creates, and PVC creates and updates. */
function validatesLimits(a: Attributes): boolean {
  if (a.subresource !== '') return false;
  const pvc = a.group === '' && a.resource === 'persistentvolumeclaims';
  return pvc || (isPod(a) && a.operation !== 'UPDATE');
}

export class LimitRanger implements MutationPlugin, ValidationPlugin {
  readonly name = 'LimitRanger';
  constructor(private readonly lister: CachedLister) {}

  handles(op: Operation): boolean {
    return op === 'CREATE' || op === 'UPDATE';
  }

  async admit(a: Attributes): Promise<void> {
    if (a.operation !== 'CREATE' || !isPod(a) || a.object === undefined) return;
    const items = (await limitRanges(this.lister, a)).filter((i) => i.type === 'Container');
    if (items.length === 0) return;
    const spec = obj(a.object['spec']);
    const notes: string[] = [];
    for (const c of containersOf(spec)) {
      const resources = obj((c['resources'] ??= {}));
      const requests = { ...rl(resources['requests']) };
      const limits = { ...rl(resources['limits']) };
      const setReq: string[] = [];
      const setLim: string[] = [];
      for (const item of items) {
        for (const [k, v] of Object.entries(item.default)) {
          if (limits[k] === undefined) {
            limits[k] = v;
            setLim.push(k);
          }
        }
        for (const [k, v] of Object.entries(item.defaultRequest)) {
          if (requests[k] === undefined) {
            requests[k] = v;
            setReq.push(k);
          }
        }
      }
      if (setReq.length) resources['requests'] = requests;
      if (setLim.length) resources['limits'] = limits;
      const name = String(c['name'] ?? '');
      if (setReq.length) notes.push(`${[...new Set(setReq)].sort().join(', ')} request for container ${name}`);
      if (setLim.length) notes.push(`${[...new Set(setLim)].sort().join(', ')} limit for container ${name}`);
    }
    if (notes.length > 0) {
      const meta = (a.object.metadata ??= {});
      meta.annotations = { ...(meta.annotations ?? {}), 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
    }
  }

  async mayApply(a: Attributes): Promise<boolean> {
    return validatesLimits(a) && (await limitRanges(this.lister, a)).length > 0;
  }

  async validate(a: Attributes): Promise<void> {
    if (a.object === undefined || !validatesLimits(a)) return;
    const pvc = a.group === '' && a.resource === 'persistentvolumeclaims';
    const items = await limitRanges(this.lister, a);
    if (items.length === 0) return;
    const errs: string[] = [];
    const spec = obj(a.object['spec']);
    const check = (kind: string, item: LimitItem, requests: ResourceList, limits: ResourceList) => {
      for (const [k, min] of Object.entries(item.min)) {
        const req = requests[k];
        if (req === undefined) errs.push(`minimum ${k} usage per ${kind} is ${fmt(min)}.  No request is specified`);
        else if (q(req).compareTo(q(min)) < 0) errs.push(`minimum ${k} usage per ${kind} is ${fmt(min)}, but request is ${fmt(req)}`);
      }
      for (const [k, max] of Object.entries(item.max)) {
        const lim = kind === 'PersistentVolumeClaim' ? requests[k] : limits[k];
        if (lim === undefined) errs.push(`maximum ${k} usage per ${kind} is ${fmt(max)}.  No limit is specified`);
        else if (q(lim).compareTo(q(max)) > 0) errs.push(`maximum ${k} usage per ${kind} is ${fmt(max)}, but ${kind === 'PersistentVolumeClaim' ? 'request' : 'limit'} is ${fmt(lim)}`);
      }
      for (const [k, ratio] of Object.entries(item.maxLimitRequestRatio)) {
        const req = requests[k];
        const lim = limits[k];
        if (req === undefined || lim === undefined) continue;
        const r = q(lim).asApproximateFloat() / q(req).asApproximateFloat();
        if (r > q(ratio).asApproximateFloat()) errs.push(`${k} max limit to request ratio per ${kind} is ${fmt(ratio)}, but provided ratio is ${r.toFixed(6)}`);
      }
    };
    for (const item of items) {
      if (pvc && item.type === 'PersistentVolumeClaim') {
        const res = obj(spec['resources']);
        check('PersistentVolumeClaim', item, rl(res['requests']), rl(res['limits']));
      }
      if (!pvc && item.type === 'Container') {
        for (const c of containersOf(spec)) {
          const res = obj(c['resources']);
          check('Container', item, rl(res['requests']), rl(res['limits']));
        }
      }
      if (!pvc && item.type === 'Pod') {
        const sum = (kind: 'requests' | 'limits'): ResourceList => {
          const out: Record<string, Quantity> = {};
          for (const c of arr(spec['containers'])) {
            for (const [k, v] of Object.entries(rl(obj(c['resources'])[kind]))) out[k] = (out[k] ?? q('0')).add(q(v));
          }
          return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.format(k === 'memory' || k.includes('storage'))]));
        };
        check('Pod', item, sum('requests'), sum('limits'));
      }
    }
    if (errs.length === 0) return;
    throw statusErrors.forbidden({ group: a.group, resource: a.resource }, a.name, errs.length === 1 ? (errs[0] as string) : `[${errs.join(', ')}]`);
  }
}
