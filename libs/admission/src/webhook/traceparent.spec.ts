// The request's trace continues into the webhook: kube-apiserver sends traceparent, so does Portico.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import type { ListResponse, StorageServicePort } from '@portico/proto';
import { installTestTracing } from '@portico/telemetry';
import { expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';

it('sends the trace context to the webhook in a traceparent header', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-pki-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k', '-out', 'c', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  const cert = readFileSync(join(dir, 'c'), 'utf8');
  const key = readFileSync(join(dir, 'k'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  let seen: string | undefined;
  const server = createServer({ cert, key }, (req, res) => {
    seen = req.headers['traceparent'] as string | undefined;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const config = {
    metadata: { name: 'v' },
    webhooks: [
      {
        name: 'trace.example.com',
        clientConfig: { url, caBundle: Buffer.from(cert).toString('base64') },
        rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }],
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      },
    ],
  };
  const list = async (req: { ref?: { resource: string } }): Promise<ListResponse> => ({
    items: req.ref?.resource === 'validatingwebhookconfigurations' ? [Buffer.from(JSON.stringify(config))] : [],
    resourceVersion: '1',
    continue: '',
    status: undefined,
  });
  const unused = () => {
    throw new Error('unused');
  };
  const storage: StorageServicePort = { list, get: unused, create: unused, update: unused, delete: unused, currentRevision: unused, watchReplay: unused };
  const tracing = installTestTracing('admission-test');
  try {
    const admission = createAdmissionService({ storage });
    const traceId = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await admission.validate({
        uid: 'u',
        operation: 'CREATE',
        kind: { group: '', version: 'v1', kind: 'ConfigMap' },
        resource: { group: '', version: 'v1', resource: 'configmaps' },
        subResource: '',
        namespace: '',
        name: 'cm',
        object: Buffer.from('{"metadata":{"name":"cm"}}'),
        oldObject: Buffer.alloc(0),
        options: Buffer.alloc(0),
        dryRun: false,
        user: undefined,
      });
      span.end();
      return span.spanContext().traceId;
    });
    expect(seen).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
  } finally {
    await tracing.shutdown();
    server.closeAllConnections();
    server.close();
  }
});
