// Admission's cost (issue 6 item 8): ConfigMap creates per second through `portico start` with no
// admission configuration, with one mutating and one validating webhook (a local HTTPS server with
// its own CA, as a user runs one), and with one ValidatingAdmissionPolicy, as ratios against the
// run without; and the latency each webhook call adds (p50 difference / 2 calls). Closed loop of
// `--connections` clients for `--duration` seconds per phase; nothing leaves loopback.
//
// Part of `npm run bench` (--benches admission); alone:
//   node --conditions=@portico/source --import tsx tools/bench/admission.ts [--duration 10 --connections 16]
// which writes .bench/admission-<time>.json and prints a markdown block.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { type KubeconfigCredentials, readKubeconfig, startPortico, WORKSPACE_ROOT } from '@portico/e2e';

export interface AdmissionPhase {
  label: string;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

function args(): { durationSec: number; connections: number } {
  const out = { durationSec: 10, connections: 16 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--duration') out.durationSec = Number(argv[++i]);
    else if (argv[i] === '--connections') out.connections = Number(argv[++i]);
  }
  return out;
}

function webhookPki(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-pki-'));
  try {
    const run = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=bench-webhook-ca');
    run('req', '-new', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=webhook');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    run('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '2', '-extfile', 'san.ext');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function startWebhooks(pki: { cert: string; key: string }): Promise<Server> {
  const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }])).toString('base64');
  const server = createServer({ cert: pki.cert, key: pki.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
      const mutate = (req.url ?? '').startsWith('/mutate');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, allowed: true, ...(mutate ? { patchType: 'JSONPatch', patch } : {}) },
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function client(creds: KubeconfigCredentials) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(creds.server);
  return (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
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
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = text;
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(data);
    });
}

type Send = ReturnType<typeof client>;

async function measure(send: Send, label: string, path: string, connections: number, durationSec: number): Promise<AdmissionPhase> {
  const latencies: number[] = [];
  let failed = 0;
  const end = Date.now() + durationSec * 1000;
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'b-' }, data: { v: 'x'.repeat(1024) } };
  const worker = async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      const res = await send('POST', path, body).catch(() => ({ status: 0, json: undefined }));
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (res.status !== 201) failed++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
  return { label, opsPerSec: (latencies.length - failed) / elapsed, p50Ms: pct(50), p99Ms: pct(99), failed };
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface AdmissionReport {
  settings: { durationSec: number; connections: number };
  phases: AdmissionPhase[];
  ratios: { webhooksVsNone: number; policyVsNone: number };
  addedLatencyPerWebhookCallMs: number;
}

export function admissionMarkdown(r: AdmissionReport): string[] {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const none = r.phases[0]?.opsPerSec ?? NaN;
  return [
    `Admission (\`portico start\`, ${r.settings.connections} clients, ${r.settings.durationSec} s per phase, ConfigMap creates of 1 KiB; the webhook server runs on the same machine):`,
    '',
    '| phase | creates/s | p50 ms | p99 ms | failed | ÷ none |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.phases.map((p) => `| ${p.label} | ${f(p.opsPerSec)} | ${f(p.p50Ms, 1)} | ${f(p.p99Ms, 1)} | ${p.failed} | ${f(p.opsPerSec / none, 2)} |`),
    '',
    `Added latency per webhook call (p50 difference / 2 calls): ${f(r.addedLatencyPerWebhookCallMs, 2)} ms.`,
  ];
}

/** Every phase on one embedded Portico; the report's ratios are against the first phase. */
export async function benchAdmission(settings: { durationSec: number; connections: number }, say: (line: string) => void = () => {}): Promise<AdmissionReport> {
  const { durationSec, connections } = settings;
  const portico = await startPortico('embedded', { env: { PORTICO_LOG_LEVEL: 'warn' } });
  const pki = webhookPki();
  const server = await startWebhooks(pki);
  try {
    const send = client(readKubeconfig(portico.kubeconfigPath));
    const ns = 'bench-admission';
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { bench: 'admission' } } });
    await measure(send, 'warm-up', path, Math.min(4, connections), 2);
    say('bench: admission, no configuration…');
    const none = await measure(send, 'no admission configuration', path, connections, durationSec);

    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hook = (name: string, p: string) => ({
      name,
      clientConfig: { url: `${base}${p}`, caBundle: Buffer.from(pki.ca).toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      namespaceSelector: { matchLabels: { bench: 'admission' } },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    });
    const ar = '/apis/admissionregistration.k8s.io/v1';
    await send('POST', `${ar}/mutatingwebhookconfigurations`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'bench-mutate' }, webhooks: [hook('mutate.bench.portico.dev', '/mutate')] });
    await send('POST', `${ar}/validatingwebhookconfigurations`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'bench-validate' }, webhooks: [hook('validate.bench.portico.dev', '/validate')] });
    const labelled = async () => {
      const r = await send('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'probe-' } });
      return (r.json as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.['mutated'] === 'yes';
    };
    await until('the webhooks are in force', labelled);
    say('bench: admission, two webhooks…');
    const webhooks = await measure(send, 'one mutating + one validating webhook', path, connections, durationSec);
    await send('DELETE', `${ar}/mutatingwebhookconfigurations/bench-mutate`);
    await send('DELETE', `${ar}/validatingwebhookconfigurations/bench-validate`);
    await until('the webhooks are gone', async () => !(await labelled()));

    await send('POST', `${ar}/validatingadmissionpolicies`, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'bench-policy' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
        validations: [{ expression: '!has(object.data) || size(object.data) <= 4', message: 'at most 4 keys' }],
      },
    });
    await send('POST', `${ar}/validatingadmissionpolicybindings`, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'bench-policy' },
      spec: { policyName: 'bench-policy', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { bench: 'admission' } } } },
    });
    await until('the policy is in force', async () => {
      const r = await send('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'probe-' }, data: { a: '1', b: '2', c: '3', d: '4', e: '5' } });
      return r.status === 422;
    });
    say('bench: admission, one ValidatingAdmissionPolicy…');
    const policy = await measure(send, 'one ValidatingAdmissionPolicy', path, connections, durationSec);
    await send('DELETE', `${ar}/validatingadmissionpolicybindings/bench-policy`);
    await until('the policy is gone', async () => {
      const r = await send('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'probe-' }, data: { a: '1', b: '2', c: '3', d: '4', e: '5' } });
      return r.status === 201;
    });
    // The namespace now holds every object the phases created: the same run without configuration
    // again shows how much of a difference is the growing data set rather than admission.
    const noneAgain = await measure(send, 'no admission configuration, again', path, connections, durationSec);

    return {
      settings,
      phases: [none, webhooks, policy, noneAgain],
      ratios: { webhooksVsNone: webhooks.opsPerSec / none.opsPerSec, policyVsNone: policy.opsPerSec / none.opsPerSec },
      addedLatencyPerWebhookCallMs: (webhooks.p50Ms - none.p50Ms) / 2,
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await portico.stop(5_000);
  }
}

async function main(): Promise<number> {
  const report = await benchAdmission(args(), (line) => process.stdout.write(`${line}\n`));
  const date = new Date().toISOString();
  const dir = join(WORKSPACE_ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version };
  writeFileSync(join(dir, `admission-${date.replace(/[:.]/g, '-')}.json`), JSON.stringify({ date, machine, ...report }, null, 2));
  process.stdout.write(`${admissionMarkdown(report).join('\n')}\n`);
  return report.phases.every((p) => p.failed === 0) ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench admission: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
