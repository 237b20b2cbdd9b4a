// Custom resources (issue 7 item 8): against `portico start`, `--connections` closed-loop clients
// for `--duration` seconds each create objects, one phase after another:
//   1. ConfigMaps (1 KiB of data), the built-in baseline;
//   2. custom resources of a CRD whose schema has no x-kubernetes-validations (1 KiB string and a
//      few small fields in spec), through the same Portico;
//   3. custom resources of a CRD with the same schema plus ten x-kubernetes-validations rules on spec.
// Reported as creates/s and their ratios (custom resource ÷ ConfigMap, with rules ÷ without), and
// the CEL cost per object: the CPU time (user + system, from /proc, over Portico's process tree)
// per created object with the rules minus without, and per rule; CPU time, unlike throughput, is
// not moved by whatever else the machine is running. Each phase is preceded by a short
// warm-up of the same requests, and measured in two halves, in the order A B C C B A. Nothing
// leaves loopback.
//
// Part of `npm run bench` (--benches crds).
import { readdirSync, readFileSync } from 'node:fs';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { KubeObject } from '@portico/api';
import { startPortico } from '@portico/e2e';
import { customResourceDescriptors } from '@portico/registry';
import { closedLoop, type HttpsLoadClient, httpsClient, type LoadPhase, type LoadSample, loadPhase } from './https-load';

export interface CrdPhase extends LoadPhase {
  /** CPU time (user + system) Portico's processes spent per created object, µs. */
  cpuUsPerObject: number;
}

export interface CrdReport {
  connections: number;
  durationSec: number;
  rules: number;
  configMap: CrdPhase;
  customResource: CrdPhase;
  customResourceWithRules: CrdPhase;
  /** Custom-resource creates/s ÷ ConfigMap creates/s. */
  customResourceVsConfigMap: number;
  /** Creates/s with the rules ÷ creates/s without. */
  rulesVsNone: number;
  /** Portico CPU time the rules add per object, µs (CPU per create with the rules − without). */
  celUsPerObject: number;
  /** The same, per rule. */
  celUsPerRule: number;
  /**
   * In process, without the noise of a loaded machine: the custom resource's strategy validation
   * (ObjectMeta, OpenAPI schema, CEL), µs per object without and with the rules.
   */
  validateUs: { plain: number; ruled: number };
}

const GROUP = 'bench.portico.dev';
const NS = 'default';
const VALUE = 'x'.repeat(1024);

/** Ten rules over the spec, of the kinds operators write: bounds, cross-field, string, list macros. */
const RULES = [
  { rule: 'self.replicas >= 0', message: 'replicas must not be negative' },
  { rule: 'self.replicas <= self.maxReplicas', message: 'replicas must not exceed maxReplicas' },
  { rule: 'self.name.size() > 0', message: 'name must not be empty' },
  { rule: "self.name.matches('^[a-z0-9-]+$')", message: 'name must be a DNS label' },
  { rule: "self.v.startsWith('x')", message: 'v must start with x' },
  { rule: 'self.tags.all(t, t.size() <= 32)', message: 'tags must be short' },
  { rule: 'self.tags.size() <= 8', message: 'at most 8 tags' },
  { rule: "!has(self.mode) || self.mode in ['a', 'b']", messageExpression: "'mode ' + self.mode + ' is not a or b'" },
  { rule: 'self.maxReplicas < 1000', message: 'maxReplicas must be below 1000' },
  { rule: "self.tags.exists(t, t == 'bench')", message: 'one tag must be bench' },
];

function crd(plural: string, kind: string, rules: readonly object[]): object {
  const spec: Record<string, unknown> = {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 63 },
      replicas: { type: 'integer' },
      maxReplicas: { type: 'integer' },
      v: { type: 'string', maxLength: 4096 },
      tags: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 32 } },
      mode: { type: 'string', maxLength: 8 },
    },
    ...(rules.length > 0 ? { 'x-kubernetes-validations': rules } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
  };
}

type Send = HttpsLoadClient['send'];

type Make = (n: number) => [string, string];

const configMap: Make = (n) => [`/api/v1/namespaces/${NS}/configmaps`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-crd-cm-${n}` }, data: { v: VALUE } })];
const customResource =
  (plural: string, kind: string): Make =>
  (n) => [
    `/apis/${GROUP}/v1/namespaces/${NS}/${plural}`,
    JSON.stringify({
      apiVersion: `${GROUP}/v1`,
      kind,
      metadata: { name: `bench-${plural}-${n}` },
      spec: { name: 'bench', replicas: 1, maxReplicas: 10, v: VALUE, tags: ['bench', 'a', 'b'], mode: 'a' },
    }),
  ];

interface Sample extends LoadSample {
  cpuSec: number;
}

/** CPU seconds (user + system) used so far by a process and its descendants, from /proc (USER_HZ = 100). */
function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(d);
      const ppid = Number(f[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      cpu.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    total += cpu.get(pid) ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** One closed-loop run of `make`'s requests, with the CPU time Portico's processes spent meanwhile. */
async function sample(send: Send, make: Make, connections: number, durationSec: number, counter: { n: number }, serverPid: number): Promise<Sample> {
  const cpuBefore = treeCpuSeconds(serverPid);
  const run = await closedLoop({ connections, durationSec, okCode: 201 }, async () => {
    const [path, body] = make(counter.n++);
    return (await send('POST', path, body)).code;
  });
  return { ...run, cpuSec: treeCpuSeconds(serverPid) - cpuBefore };
}

/** Several samples of one kind of request as one phase. */
function combine(label: string, samples: Sample[]): CrdPhase {
  const ok = samples.reduce((n, x) => n + x.ok, 0);
  const cpuSec = samples.reduce((n, x) => n + x.cpuSec, 0);
  return { ...loadPhase(label, samples), cpuUsPerObject: (cpuSec / ok) * 1e6 };
}

/** Creates the CRD, waits for Established and for its first object to be accepted (then deleted). */
async function install(send: Send, plural: string, kind: string, rules: readonly object[]): Promise<void> {
  const created = await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd(plural, kind, rules)));
  if (created.code !== 201) throw new Error(`creating the CRD ${plural}.${GROUP} answered ${created.code}: ${created.body.slice(0, 300)}`);
  const deadline = Date.now() + 30_000;
  let last = '';
  for (;;) {
    const [path, body] = customResource(plural, kind)(-1);
    const r = await send('POST', path, body).catch((e: unknown) => ({ code: 0, body: String(e) }));
    if (r.code === 201) {
      await send('DELETE', `${path}/bench-${plural}--1`);
      return;
    }
    last = `${r.code}: ${r.body.slice(0, 300)}`;
    if (Date.now() > deadline) throw new Error(`${plural}.${GROUP} not served within 30 s (last answer ${last})`);
    await new Promise((r2) => setTimeout(r2, 200));
  }
}

/** The median µs per call of `f` over 5 rounds of `n` calls. */
function medianUs(f: () => void, n: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  rounds.sort((a, b) => a - b);
  return rounds[2] ?? 0;
}

/** Strategy validation of one custom resource in process, with and without the rules. */
function validateInProcess(): { plain: number; ruled: number } {
  const strategyOf = (plural: string, kind: string, rules: readonly object[]) => {
    const def = { ...(crd(plural, kind, rules) as Record<string, unknown>), metadata: { name: `${plural}.${GROUP}`, uid: plural, resourceVersion: '1' } };
    const desc = customResourceDescriptors(def as KubeObject)[0];
    if (desc === undefined) throw new Error(`no descriptor for ${plural}`);
    return desc.strategy;
  };
  const obj = (plural: string, kind: string): KubeObject => {
    const [, body] = customResource(plural, kind)(0);
    const o = JSON.parse(body) as KubeObject;
    (o.metadata ??= {}).namespace = NS;
    return o;
  };
  const plain = strategyOf('plainwidgets', 'PlainWidget', []);
  const ruled = strategyOf('ruledwidgets', 'RuledWidget', RULES);
  const plainObj = obj('plainwidgets', 'PlainWidget');
  const ruledObj = obj('ruledwidgets', 'RuledWidget');
  if (plain.validate(plainObj).length > 0 || ruled.validate(ruledObj).length > 0) throw new Error('the bench objects do not validate');
  // Alternate, so that warming up favours neither.
  const p1 = medianUs(() => plain.validate(plainObj), 2_000);
  const r1 = medianUs(() => ruled.validate(ruledObj), 2_000);
  const p2 = medianUs(() => plain.validate(plainObj), 2_000);
  const r2 = medianUs(() => ruled.validate(ruledObj), 2_000);
  return { plain: Math.min(p1, p2), ruled: Math.min(r1, r2) };
}

export async function benchCrds(opts: { durationSec: number; connections: number }, say: (line: string) => void): Promise<CrdReport> {
  say(`bench: custom resources vs ConfigMaps, CEL rules (embedded, ${opts.connections} connections, ${opts.durationSec} s per phase)…`);
  const portico = await startPortico('embedded', { env: { PORTICO_LOG_LEVEL: 'warn' } });
  const { send, close } = httpsClient(portico.kubeconfigPath, { maxSockets: opts.connections });
  try {
    await install(send, 'plainwidgets', 'PlainWidget', []);
    await install(send, 'ruledwidgets', 'RuledWidget', RULES);
    // The rules must be in force, or the phase with them measures nothing.
    const [path, body] = customResource('ruledwidgets', 'RuledWidget')(-2);
    const violating = await send('POST', path, body.replace('"maxReplicas":10', '"maxReplicas":0'));
    if (violating.code !== 422) throw new Error(`a RuledWidget breaking a rule answered ${violating.code}, not 422: the CEL rules are not enforced (${violating.body.slice(0, 300)})`);
    const counter = { n: 0 };
    const warm = Math.min(3, opts.durationSec);
    const kinds: [string, Make][] = [
      ['create ConfigMap (1 KiB)', configMap],
      ['create custom resource, no CEL rules (1 KiB spec)', customResource('plainwidgets', 'PlainWidget')],
      [`create custom resource, ${RULES.length} CEL rules (1 KiB spec)`, customResource('ruledwidgets', 'RuledWidget')],
    ];
    for (const [, make] of kinds) await sample(send, make, opts.connections, warm, counter, portico.pid);
    // Each kind measured twice, half the duration each, in the order A B C C B A, so that a machine
    // getting busier or quieter during the run weighs on every kind alike.
    const half = Math.max(1, opts.durationSec / 2);
    const samples: Sample[][] = kinds.map(() => []);
    for (const i of [0, 1, 2, 2, 1, 0]) samples[i]?.push(await sample(send, kinds[i]?.[1] ?? configMap, opts.connections, half, counter, portico.pid));
    const [cm, plain, ruled] = kinds.map(([label], i) => combine(label, samples[i] ?? [])) as [CrdPhase, CrdPhase, CrdPhase];
    const celUsPerObject = ruled.cpuUsPerObject - plain.cpuUsPerObject;
    const validateUs = validateInProcess();
    return {
      connections: opts.connections,
      durationSec: opts.durationSec,
      rules: RULES.length,
      configMap: cm,
      customResource: plain,
      customResourceWithRules: ruled,
      customResourceVsConfigMap: plain.opsPerSec / cm.opsPerSec,
      rulesVsNone: ruled.opsPerSec / plain.opsPerSec,
      celUsPerObject,
      celUsPerRule: celUsPerObject / RULES.length,
      validateUs,
    };
  } finally {
    close();
    await portico.stop();
  }
}

export function crdsMarkdown(r: CrdReport, fmt: (n: number | undefined, digits?: number) => string): string[] {
  return [
    `Custom resources through \`portico start\` (${r.connections} closed-loop clients, ${r.durationSec} s each, every create a new object in one namespace):`,
    '',
    '| create | creates/s | p50 ms | p99 ms | failed | Portico CPU µs per create |',
    '|---|---:|---:|---:|---:|---:|',
    ...[r.configMap, r.customResource, r.customResourceWithRules].map(
      (p) => `| ${p.label} | ${fmt(p.opsPerSec)} | ${fmt(p.p50Ms, 1)} | ${fmt(p.p99Ms, 1)} | ${p.failed} | ${fmt(p.cpuUsPerObject)} |`,
    ),
    '',
    `Custom-resource creates/s ÷ ConfigMap creates/s = ${fmt(r.customResourceVsConfigMap, 3)}; with ${r.rules} CEL rules ÷ without = ${fmt(r.rulesVsNone, 3)}: ` +
      `the rules cost ${fmt(r.celUsPerObject, 0)} µs of Portico CPU per object (${fmt(r.celUsPerRule, 1)} µs per rule).`,
    '',
    `In process (the strategy's validation of one object: ObjectMeta, OpenAPI schema, CEL; median of 5 rounds of 2,000): ` +
      `${fmt(r.validateUs.plain, 1)} µs without rules, ${fmt(r.validateUs.ruled, 1)} µs with ${r.rules}: CEL costs ` +
      `${fmt(r.validateUs.ruled - r.validateUs.plain, 1)} µs per object (${fmt((r.validateUs.ruled - r.validateUs.plain) / r.rules, 2)} µs per rule); ` +
      `validation with rules ÷ without = ${fmt(r.validateUs.ruled / r.validateUs.plain, 2)}.`,
  ];
}
