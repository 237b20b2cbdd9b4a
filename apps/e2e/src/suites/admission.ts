// Admission through the gateway, as a cluster user meets it: webhook servers written here the way a
// webhook author writes them (node:https, their own CA made with openssl), configured with
// admissionregistration.k8s.io/v1 objects; a ValidatingAdmissionPolicy; invalid CEL refused.
// Configuration reaches admission through storage and the event bus, so each check waits until
// the configuration it just wrote is in force (no timing assertions).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinaries, runKubectl } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeconfigCredentials, rawRequest, readKubeconfig, type RawResponse } from '../support/https';
import type { Portico } from '../support/portico';
import { eventually } from '../support/poll';
import { expectFailureStatus, uniqueSuffix } from '../support/status';
import { replyJson, startWebhookServer, webhookBase, webhookPki, type WebhookPki } from '../support/webhook-server';

interface AdmissionReview {
  apiVersion: string;
  request: { uid: string; operation: string; object: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | null };
}

/** The webhook server a user would write: one path per webhook. */
function startAdmissionWebhook(pki: WebhookPki, calls: Map<string, number>): Promise<Server> {
  const reply = (review: AdmissionReview, response: Record<string, unknown>) => ({
    apiVersion: review.apiVersion,
    kind: 'AdmissionReview',
    response: { uid: review.request.uid, ...response },
  });
  const jsonPatch = (ops: unknown[]) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
  const handlers: Record<string, (r: AdmissionReview) => unknown> = {
    '/validate': (r) =>
      r.request.object?.metadata?.labels?.['forbidden'] === 'true'
        ? reply(r, { allowed: false, status: { code: 403, message: 'forbidden=true is not allowed here' } })
        : reply(r, { allowed: true, warnings: ['checked by the e2e webhook'] }),
    '/mutate': (r) => {
      const labels = r.request.object?.metadata?.labels;
      const ops = labels === undefined ? [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }] : [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }];
      return reply(r, { allowed: true, ...jsonPatch(ops) });
    },
    '/count': (r) => {
      const n = Number(r.request.object?.metadata?.annotations?.['e2e/count'] ?? '0');
      const annotations = { ...(r.request.object?.metadata?.annotations ?? {}), 'e2e/count': String(n + 1) };
      return reply(r, { allowed: true, ...jsonPatch([{ op: 'add', path: '/metadata/annotations', value: annotations }]) });
    },
    '/v1beta1': (r) => ({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: r.request.uid, allowed: false, status: { message: `spoke ${r.apiVersion}` } } }),
  };
  return startWebhookServer(pki, (path, body, res) => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    if (path === '/slow') return; // never answers
    if (path === '/delay') {
      const review = JSON.parse(body.toString('utf8')) as AdmissionReview;
      setTimeout(() => replyJson(res, reply(review, { allowed: true })), 5_000);
      return;
    }
    const h = handlers[path];
    if (h === undefined) return void res.writeHead(404).end();
    replyJson(res, h(JSON.parse(body.toString('utf8')) as AdmissionReview));
  });
}

/** A webhook's denial keeps the webhook's status (its reason may be empty, and is then left out). */
function expectDenied(res: RawResponse, expected: { code: number; message: string }): void {
  expect(res.status).toBe(expected.code);
  expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure', code: expected.code, message: expected.message });
}

export function admissionSuite(current: () => Portico): void {
  describe('admission', () => {
    let creds: KubeconfigCredentials;
    let pki: WebhookPki;
    let server: Server;
    let base: string;
    const calls = new Map<string, number>();
    const suffix = uniqueSuffix();
    const ns = `adm-${suffix}`;
    const cleanup: string[] = [];

    const send = (method: string, path: string, body?: unknown, timeoutMs?: number): Promise<RawResponse> =>
      rawRequest(creds, { method, path, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    const create = async (path: string, body: unknown): Promise<RawResponse> => {
      const res = await send('POST', path, body);
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      return res;
    };
    const configMap = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: 'b' } });
    const cmPath = `/api/v1/namespaces/${ns}/configmaps`;
    const webhook = (name: string, path: string, over: Record<string, unknown> = {}) => ({
      name,
      clientConfig: { url: `${base}${path}`, caBundle: Buffer.from(pki.ca).toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      namespaceSelector: { matchLabels: { 'e2e-admission': suffix } },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...over,
    });
    const configure = async (kind: 'Validating' | 'Mutating', name: string, webhooks: object[]) => {
      const resource = `${kind.toLowerCase()}webhookconfigurations`;
      await create(`/apis/admissionregistration.k8s.io/v1/${resource}`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: `${kind}WebhookConfiguration`,
        metadata: { name },
        webhooks,
      });
      cleanup.push(`/apis/admissionregistration.k8s.io/v1/${resource}/${name}`);
    };
    const remove = async (path: string) => {
      await send('DELETE', path);
      cleanup.splice(cleanup.indexOf(path), 1);
    };

    beforeAll(async () => {
      creds = readKubeconfig(current().kubeconfigPath);
      pki = webhookPki('e2e-webhook');
      server = await startAdmissionWebhook(pki, calls);
      base = webhookBase(server);
      await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'e2e-admission': suffix } } });
    });

    afterAll(async () => {
      for (const p of [...cleanup]) await send('DELETE', p).catch(() => undefined);
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    });

    it('a validating webhook denies with its message, and its warnings reach the client', async () => {
      const name = `deny-${suffix}`;
      await configure('Validating', name, [webhook('deny.e2e.portico.dev', '/validate')]);
      const denied = await eventually('the webhook denies', async () => {
        const res = await send('POST', cmPath, configMap(`denied-${Date.now()}`, { forbidden: 'true' }));
        return res.status === 201 ? undefined : res;
      });
      expectDenied(denied, { code: 403, message: 'admission webhook "deny.e2e.portico.dev" denied the request: forbidden=true is not allowed here' });
      const ok = await create(cmPath, configMap('allowed'));
      expect(String(ok.headers['warning'])).toContain('checked by the e2e webhook');
      await remove(`/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${name}`);
    });

    it('kubectl shows the webhook denial and its warnings as against kube-apiserver', async () => {
      const name = `deny-kubectl-${suffix}`;
      await configure('Validating', name, [webhook('deny.e2e.portico.dev', '/validate')]);
      const bin = (await kubectlBinaries()).kubectl133;
      const kubectl = (argv: string[]) => runKubectl(bin, argv, { kubeconfig: current().kubeconfigPath, timeoutMs: 60_000 });
      const dir = mkdtempSync(join(tmpdir(), 'e2e-admission-kubectl-'));
      try {
        const file = join(dir, 'cm.yaml');
        writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubectl-denied\n  namespace: ${ns}\n  labels:\n    forbidden: "true"\n`);
        await eventually('the webhook denies kubectl', async () => {
          const r = await kubectl(['create', '-f', file]);
          return r.code !== 0 ? r : undefined;
        }).then((r) => expect(r.stderr).toContain('admission webhook "deny.e2e.portico.dev" denied the request: forbidden=true is not allowed here'));
        const ok = await kubectl(['create', 'configmap', 'kubectl-allowed', '-n', ns, '--from-literal=a=b']);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toBe('configmap/kubectl-allowed created\n');
        expect(ok.stderr).toContain('Warning: checked by the e2e webhook');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await remove(`/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${name}`);
      }
    });

    it('a mutating webhook patches the object', async () => {
      const name = `mutate-${suffix}`;
      await configure('Mutating', name, [webhook('mutate.e2e.portico.dev', '/mutate')]);
      const created = await eventually('the patch is applied', async () => {
        const res = await create(cmPath, configMap(`m-${Date.now()}`));
        return (res.json as { metadata: { labels?: Record<string, string> } }).metadata.labels?.['mutated'] === 'yes' ? res : undefined;
      });
      expect((created.json as { metadata: { labels: Record<string, string> } }).metadata.labels).toEqual({ mutated: 'yes' });
      await remove(`/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${name}`);
    });

    it('reinvokes an IfNeeded webhook after a later webhook changed the object', async () => {
      const a = `a-count-${suffix}`;
      const b = `b-mutate-${suffix}`;
      await configure('Mutating', a, [webhook('count.e2e.portico.dev', '/count', { reinvocationPolicy: 'IfNeeded' })]);
      await configure('Mutating', b, [webhook('mutate.e2e.portico.dev', '/mutate')]);
      const created = await eventually('both webhooks ran', async () => {
        const res = await create(cmPath, configMap(`r-${Date.now()}`));
        const meta = (res.json as { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }).metadata;
        return meta.labels?.['mutated'] === 'yes' && meta.annotations?.['e2e/count'] !== undefined ? meta : undefined;
      });
      expect(created.annotations?.['e2e/count']).toBe('2');
      await remove(`/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${a}`);
      await remove(`/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${b}`);
    });

    it('failurePolicy Fail refuses and Ignore admits when the webhook does not answer in time', async () => {
      const name = `slow-${suffix}`;
      await configure('Validating', name, [webhook('slow.e2e.portico.dev', '/slow', { timeoutSeconds: 1, failurePolicy: 'Fail', objectSelector: { matchLabels: { slow: 'yes' } } })]);
      const failed = await eventually('the slow webhook is called', async () => {
        const res = await send('POST', cmPath, configMap(`s-${Date.now()}`, { slow: 'yes' }));
        return res.status === 201 ? undefined : res;
      });
      expectFailureStatus(failed.json, {
        code: 500,
        reason: 'InternalError',
        message: `Internal error occurred: failed calling webhook "slow.e2e.portico.dev": failed to call webhook: Post "${base}/slow?timeout=1s": context deadline exceeded`,
      });
      // Objects the selector leaves out are not held up by the slow webhook.
      await create(cmPath, configMap(`fast-${Date.now()}`));
      await remove(`/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${name}`);
      const ignore = `slow-ignore-${suffix}`;
      await configure('Validating', ignore, [webhook('slow.e2e.portico.dev', '/slow', { timeoutSeconds: 1, failurePolicy: 'Ignore' })]);
      const before = calls.get('/slow') ?? 0;
      await eventually('the ignored webhook is called', async () => {
        const res = await create(cmPath, configMap(`i-${Date.now()}`, { slow: 'yes' }));
        return (calls.get('/slow') ?? 0) > before ? res : undefined;
      });
      await remove(`/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${ignore}`);
    });

    it('a slow webhook holds up only the requests it applies to', async () => {
      const name = `delay-${suffix}`;
      await configure('Validating', name, [webhook('delay.e2e.portico.dev', '/delay', { objectSelector: { matchLabels: { delay: 'yes' } } })]);
      await eventually('the delaying webhook is called', async () => {
        const before = calls.get('/delay') ?? 0;
        const res = await create(cmPath, configMap(`d-${Date.now()}`, { delay: 'yes' }));
        return (calls.get('/delay') ?? 0) > before ? res : undefined;
      });
      let slowDone = false;
      const slow = send('POST', cmPath, configMap(`slow-${Date.now()}`, { delay: 'yes' })).then((r) => {
        slowDone = true;
        return r;
      });
      await eventually('the slow request reached the webhook', async () => ((calls.get('/delay') ?? 0) >= 2 ? true : undefined));
      await create(cmPath, configMap(`quick-${Date.now()}`));
      expect(slowDone, 'the unrelated create waited for the slow webhook').toBe(false);
      expect((await slow).status).toBe(201);
      await remove(`/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${name}`);
    });

    it('speaks AdmissionReview v1beta1 to a webhook that accepts only v1beta1, and honours matchConditions', async () => {
      const name = `old-${suffix}`;
      await configure('Validating', name, [
        webhook('old.e2e.portico.dev', '/v1beta1', {
          admissionReviewVersions: ['v1beta1'],
          matchConditions: [{ name: 'only-old', expression: "has(object.metadata.labels) && 'old' in object.metadata.labels" }],
        }),
      ]);
      const denied = await eventually('the v1beta1 webhook denies', async () => {
        const res = await send('POST', cmPath, configMap(`o-${Date.now()}`, { old: 'yes' }));
        return res.status === 201 ? undefined : res;
      });
      expectDenied(denied, { code: 400, message: 'admission webhook "old.e2e.portico.dev" denied the request: spoke admission.k8s.io/v1beta1' });
      await create(cmPath, configMap(`n-${Date.now()}`));
      await remove(`/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${name}`);
    });

    it('a ValidatingAdmissionPolicy denies a Deployment with too many replicas', async () => {
      const policy = `replica-limit-${suffix}`;
      await create('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
          validations: [{ expression: 'object.spec.replicas <= 5', message: 'replicas must be no greater than 5' }],
        },
      });
      cleanup.push(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${policy}`);
      await create('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: `${policy}-binding` },
        spec: { policyName: policy, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'e2e-admission': suffix } } } },
      });
      cleanup.push(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${policy}-binding`);
      const deployment = (name: string, replicas: number) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
      });
      const denied = await eventually('the policy denies', async () => {
        const res = await send('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deployment(`big-${Date.now()}`, 10));
        return res.status === 201 ? undefined : res;
      });
      expectFailureStatus(denied.json, {
        code: 422,
        reason: 'Invalid',
        message: `ValidatingAdmissionPolicy '${policy}' with binding '${policy}-binding' denied request: replicas must be no greater than 5`,
      });
      await create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('small', 3));
    });

    it('ResourceQuota refuses the pod over quota and records usage in its status', async () => {
      const qns = `quota-${suffix}`;
      await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: qns } });
      cleanup.push(`/api/v1/namespaces/${qns}`);
      await create(`/api/v1/namespaces/${qns}/resourcequotas`, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pod-count' }, spec: { hard: { pods: '1' } } });
      const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
      await create(`/api/v1/namespaces/${qns}/pods`, pod('first'));
      const res = await send('POST', `/api/v1/namespaces/${qns}/pods`, pod('second'));
      expectFailureStatus(res.json, { code: 403, reason: 'Forbidden', message: 'pods "second" is forbidden: exceeded quota: pod-count, requested: pods=1, used: pods=1, limited: pods=1' });
      const quota = await send('GET', `/api/v1/namespaces/${qns}/resourcequotas/pod-count`);
      expect((quota.json as { status?: unknown }).status).toEqual({ hard: { pods: '1' }, used: { pods: '1' } });
    });

    it('PodSecurity restricted refuses a privileged pod', async () => {
      const pns = `pss-${suffix}`;
      await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: pns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
      cleanup.push(`/api/v1/namespaces/${pns}`);
      const privileged = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'priv' }, spec: { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] } };
      const res = await eventually('the namespace labels are in force', async () => {
        const r = await send('POST', `/api/v1/namespaces/${pns}/pods`, privileged);
        if (r.status === 201) await send('DELETE', `/api/v1/namespaces/${pns}/pods/priv`);
        return r.status === 201 ? undefined : r;
      });
      expectFailureStatus(res.json, {
        code: 403,
        reason: 'Forbidden',
        message:
          'pods "priv" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), privileged (container "app" must not set securityContext.privileged=true), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      });
    });

    it('every namespace gets a default ServiceAccount, and pods are defaulted to it', async () => {
      await eventually('the default ServiceAccount', async () => {
        const res = await send('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`);
        return res.status === 200 ? res : undefined;
      });
      const res = await create(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sa-default' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
      const spec = (res.json as { spec: { serviceAccountName?: string; tolerations?: unknown[]; volumes?: Array<{ name: string }> } }).spec;
      expect(spec.serviceAccountName).toBe('default');
      expect(spec.volumes?.[0]?.name).toMatch(/^kube-api-access-/);
      expect(spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    });

    it('refuses a policy whose CEL does not compile with 422', async () => {
      const res = await send('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: `bad-${suffix}` },
        spec: {
          matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] },
          validations: [{ expression: 'object.spec.replicas <=' }],
        },
      });
      const s = expectFailureStatus(res.json, { code: 422, reason: 'Invalid' });
      expect(s.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'spec.validations[0].expression' });
    });
  });
}
