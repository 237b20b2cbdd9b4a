// Custom resources (issue 7 item 8): against `portico start`, `--connections` closed-loop clients
// for `--duration` seconds each create objects, one phase after another:
//   1. ConfigMaps (1 KiB of data), the built-in baseline;
//   2. custom resources of a CRD whose schema has no x-kubernetes-validations (1 KiB string and a
//      few small fields in spec), through the same Portico;
//   3. custom resources of the same CRD but with RULES x-kubernetes-validations rules on spec.
// Reported as creates/s and their ratios (custom resource ÷ ConfigMap, with rules ÷ without), and
// the CEL cost per object: the extra server time per create that the rules add, from throughput
// (1/rate with rules − 1/rate without; Portico serves on one event loop, so under a saturating
// load that is the time each object takes), and per rule. Each phase is preceded by a short
// warm-up of the same requests. Nothing leaves loopback.
//
// Part of `npm run bench` (--benches crds).
import { Agent, request } from 'node:https';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type KubeconfigCredentials, readKubeconfig, startPortico } from '@portico/e2e';

export interface CrdPhase {
  label: string;
  opsPerSec: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code (0: transport error). */
  codes: Record<string, number>;
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
  /** Server time the rules add per object, µs (1/rate with − 1/rate without). */
  celUsPerObject: number;
  /** The same, per rule. */
  celUsPerRule: number;
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

type Send = (method: string, path: string, body?: string) => Promise<{ code: number; body: string }>;

function client(creds: KubeconfigCredentials, connections: number): { send: Send; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(creds.server);
  const send: Send = (method, path, body) =>
    new Promise((resolve) => {
      const data = body === undefined ? undefined : Buffer.from(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          ca: creds.ca,
          cert: creds.cert,
          key: creds.key,
          servername: 'localhost',
          headers: { accept: 'application/json', ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ code: 0, body: '' }));
      req.end(data);
    });
  return { send, close: () => agent.destroy() };
}

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

async function phase(send: Send, label: string, make: Make, connections: number, durationSec: number, counter: { n: number }): Promise<CrdPhase> {
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  const end = Date.now() + durationSec * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const [path, body] = make(counter.n++);
      const t = process.hrtime.bigint();
      const { code } = await send('POST', path, body);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      codes[code] = (codes[code] ?? 0) + 1;
      if (code === 201) ok++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
  return { label, opsPerSec: ok / elapsed, ok, failed: latencies.length - ok, p50Ms: pct(50), p99Ms: pct(99), codes };
}

/** Creates the CRD, waits for Established and for its first object to be accepted (then deleted). */
async function install(send: Send, plural: string, kind: string, rules: readonly object[]): Promise<void> {
  const created = await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd(plural, kind, rules)));
  if (created.code !== 201) throw new Error(`creating the CRD ${plural}.${GROUP} answered ${created.code}: ${created.body.slice(0, 300)}`);
  const deadline = Date.now() + 30_000;
  let last = '';
  for (;;) {
    const [path, body] = customResource(plural, kind)(-1);
    const r = await send('POST', path, body);
    if (r.code === 201) {
      await send('DELETE', `${path}/bench-${plural}--1`);
      return;
    }
    last = `${r.code}: ${r.body.slice(0, 300)}`;
    if (Date.now() > deadline) throw new Error(`${plural}.${GROUP} not served within 30 s (last answer ${last})`);
    await new Promise((r2) => setTimeout(r2, 200));
  }
}

export async function benchCrds(opts: { durationSec: number; connections: number }, say: (line: string) => void): Promise<CrdReport> {
  say(`bench: custom resources vs ConfigMaps, CEL rules (embedded, ${opts.connections} connections, ${opts.durationSec} s per phase)…`);
  const portico = await startPortico('embedded', { env: { PORTICO_LOG_LEVEL: 'warn' } });
  const { send, close } = client(readKubeconfig(portico.kubeconfigPath), opts.connections);
  try {
    await install(send, 'plainwidgets', 'PlainWidget', []);
    await install(send, 'ruledwidgets', 'RuledWidget', RULES);
    // The rules must be in force, or the phase with them measures nothing.
    const [path, body] = customResource('ruledwidgets', 'RuledWidget')(-2);
    const violating = await send('POST', path, body.replace('"maxReplicas":10', '"maxReplicas":0'));
    if (violating.code !== 422) throw new Error(`a RuledWidget breaking a rule answered ${violating.code}, not 422: the CEL rules are not enforced (${violating.body.slice(0, 300)})`);
    const counter = { n: 0 };
    const warm = Math.min(3, opts.durationSec);
    const run = async (label: string, make: Make): Promise<CrdPhase> => {
      await phase(send, 'warm-up', make, opts.connections, warm, counter);
      return phase(send, label, make, opts.connections, opts.durationSec, counter);
    };
    const cm = await run('create ConfigMap (1 KiB)', configMap);
    const plain = await run('create custom resource, no CEL rules (1 KiB spec)', customResource('plainwidgets', 'PlainWidget'));
    const ruled = await run(`create custom resource, ${RULES.length} CEL rules (1 KiB spec)`, customResource('ruledwidgets', 'RuledWidget'));
    const celUsPerObject = (1 / ruled.opsPerSec - 1 / plain.opsPerSec) * 1e6;
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
    '| create | creates/s | p50 ms | p99 ms | failed |',
    '|---|---:|---:|---:|---:|',
    ...[r.configMap, r.customResource, r.customResourceWithRules].map((p) => `| ${p.label} | ${fmt(p.opsPerSec)} | ${fmt(p.p50Ms, 1)} | ${fmt(p.p99Ms, 1)} | ${p.failed} |`),
    '',
    `Custom-resource creates/s ÷ ConfigMap creates/s = ${fmt(r.customResourceVsConfigMap, 3)}; with ${r.rules} CEL rules ÷ without = ${fmt(r.rulesVsNone, 3)}: ` +
      `the rules cost ${fmt(r.celUsPerObject, 0)} µs of server time per object (${fmt(r.celUsPerRule, 1)} µs per rule).`,
  ];
}
