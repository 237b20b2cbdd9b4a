// The request's trace continues into the webhook: kube-apiserver sends traceparent, so does Portico.
import { trace } from '@opentelemetry/api';
import type { ListResponse, StorageServicePort } from '@portico/proto';
import { installTestTracing } from '@portico/telemetry';
import { expect, it } from 'vitest';
import { createAdmissionService } from '../admission-service';
import { makeTestPki, startTestWebhookServer } from '../testing/webhook-server';

it('sends the trace context to the webhook in a traceparent header', async () => {
  const pki = makeTestPki('trace-webhook', []);
  let seen: string | undefined;
  const server = await startTestWebhookServer<{ request: { uid: string } }>(pki, {
    '/': (review, headers) => {
      seen = headers['traceparent'] as string | undefined;
      return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } };
    },
  });
  const url = `https://127.0.0.1:${server.port}/`;
  const config = {
    metadata: { name: 'v' },
    webhooks: [
      {
        name: 'trace.example.com',
        clientConfig: { url, caBundle: Buffer.from(pki.ca).toString('base64') },
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
    await server.close();
  }
});
