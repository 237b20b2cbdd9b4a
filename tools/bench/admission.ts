// Admission's cost (issue 6 item 8): ConfigMap creates per second through `portico start` with no
// admission configuration, with one mutating and one validating webhook (a local HTTPS server with
// its own CA, as a user runs one), and with one ValidatingAdmissionPolicy, as ratios against the
// run without; and the latency each webhook call adds (p50 difference / 2 calls). Closed loop of
// `--connections` clients for `--duration` seconds per phase; nothing leaves loopback.
//
// Part of `npm run bench` (--benches admission); alone:
//   node --conditions=@portico/source --import tsx tools/bench/admission.ts [--duration 10 --connections 16]
// which writes .bench/admission-<time>.json and prints a markdown block.
import type { Server } from 'node:https';
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { replyJson, startPortico, startWebhookServer, webhookBase, webhookPki, type WebhookPki } from '@portico/e2e';
import { closedLoop, type HttpsLoadClient, httpsClient, type LoadPhase, loadPhase, runStandalone, standaloneArgs, until } from './https-load';

export type AdmissionPhase = LoadPhase;

/** One server for both webhooks: `/mutate` adds a label, anything else allows. */
function startWebhooks(pki: WebhookPki): Promise<Server> {
  const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }])).toString('base64');
  return startWebhookServer(pki, (path, body, res) => {
    const review = JSON.parse(body.toString('utf8')) as { request: { uid: string } };
    const mutate = path.startsWith('/mutate');
    replyJson(res, {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: review.request.uid, allowed: true, ...(mutate ? { patchType: 'JSONPatch', patch } : {}) },
    });
  });
}

type Send = HttpsLoadClient['json'];

async function measure(send: Send, label: string, path: string, connections: number, durationSec: number): Promise<AdmissionPhase> {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'b-' }, data: { v: 'x'.repeat(1024) } };
  return loadPhase(label, [await closedLoop({ connections, durationSec, okCode: 201 }, async () => (await send('POST', path, body)).status)]);
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
  const pki = webhookPki('bench-webhook');
  const server = await startWebhooks(pki);
  const client = httpsClient(portico.kubeconfigPath, { maxSockets: 256 });
  const send = client.json;
  try {
    const ns = 'bench-admission';
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { bench: 'admission' } } });
    await measure(send, 'warm-up', path, Math.min(4, connections), 2);
    say('bench: admission, no configuration…');
    const none = await measure(send, 'no admission configuration', path, connections, durationSec);

    const base = webhookBase(server);
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
    client.close();
    server.closeAllConnections();
    server.close();
    await portico.stop(5_000);
  }
}

if (require.main === module) {
  runStandalone('admission', (say) => benchAdmission(standaloneArgs({ durationSec: 10, connections: 16 }), say), admissionMarkdown, (r) => r.phases.every((p) => p.failed === 0));
}
