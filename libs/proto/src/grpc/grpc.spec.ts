import { EventEmitter } from 'node:events';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AdmissionRequest,
  AdmitResponse,
  ConvertObjectsRequest,
  ConvertObjectsResponse,
  ValidateResponse,
} from '../generated/portico/admission/v1/admission';
import { Decision, type AuthenticateRequest, type AuthorizeRequest } from '../generated/portico/auth/v1/auth';
import type { ResourceRef } from '../generated/portico/common/v1/common';
import type {
  CreateRequest,
  DeleteRequest,
  GetRequest,
  ListRequest,
  UpdateRequest,
  WatchReplayRequest,
  WatchReplayResponse,
} from '../generated/portico/storage/v1/storage';
import type { AdmissionServicePort, AuthServicePort, CallContext, StorageServicePort } from '../ports';
import { createAdmissionClient } from './admission';
import { createAuthClient } from './auth';
import { GrpcTransportError } from './errors';
import { getPodsRequest } from '../testing/auth-requests';
import { startGrpcServer, type GrpcServerHandle } from './server';
import { createStorageClient, storageServiceHandlers } from './storage';

const keyOf = (ref: ResourceRef | undefined): string =>
  `/registry/${ref?.group || 'core'}/${ref?.resource}/${ref?.namespace ? `${ref.namespace}/` : ''}${ref?.name}`;

const notFound = (ref: ResourceRef | undefined) => ({
  code: 404,
  reason: 'NotFound',
  message: `${ref?.resource} "${ref?.name}" not found`,
});

/** An in-memory StorageServicePort; it records the CallContext of every call it receives. */
class FakeStorage implements StorageServicePort {
  readonly objects = new Map<string, Buffer>();
  revision = 0;
  contexts: CallContext[] = [];
  /** When set, get() waits for this before answering (or for the call to be cancelled). */
  hold?: Promise<void>;
  replay: WatchReplayResponse[] = [];
  produced = 0;
  replayEndedWith?: 'exhausted' | 'returned';

  async get(req: GetRequest, ctx?: CallContext) {
    this.contexts.push(ctx ?? {});
    if (this.hold) {
      const signal = ctx?.signal;
      await Promise.race([
        this.hold,
        new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
      ]);
    }
    const object = this.objects.get(keyOf(req.ref));
    return object ? { object, status: undefined } : { object: Buffer.alloc(0), status: notFound(req.ref) };
  }
  async list(req: ListRequest, ctx?: CallContext) {
    this.contexts.push(ctx ?? {});
    const prefix = keyOf({ ...req.ref!, name: '' });
    const items = [...this.objects].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    return { items, resourceVersion: String(this.revision), continue: '', remainingItemCount: undefined, status: undefined };
  }
  async create(req: CreateRequest, ctx?: CallContext) {
    this.contexts.push(ctx ?? {});
    if (req.ref?.name === 'boom') throw new Error('disk on fire');
    this.revision++;
    this.objects.set(keyOf(req.ref), req.object);
    return { object: req.object, status: undefined };
  }
  async update(req: UpdateRequest) {
    this.objects.set(keyOf(req.ref), req.object);
    return { succeeded: true, object: req.object, status: undefined };
  }
  async delete(req: DeleteRequest) {
    const object = this.objects.get(keyOf(req.ref)) ?? Buffer.alloc(0);
    this.objects.delete(keyOf(req.ref));
    return { succeeded: true, object, status: undefined };
  }
  async currentRevision(ctx?: CallContext) {
    this.contexts.push(ctx ?? {});
    return { resourceVersion: String(this.revision) };
  }
  async *watchReplay(req: WatchReplayRequest, ctx?: CallContext): AsyncGenerator<WatchReplayResponse> {
    this.contexts.push(ctx ?? {});
    if (req.resourceVersion === 'fail') throw new Error('replay broke');
    try {
      for (const message of this.replay) {
        this.produced++;
        yield message;
      }
      this.replayEndedWith = 'exhausted';
    } finally {
      this.replayEndedWith ??= 'returned';
    }
  }
}

const ref = (name: string): ResourceRef => ({ group: '', resource: 'configmaps', namespace: 'default', name });

const event = (rv: number, size = 16): WatchReplayResponse => ({
  event: { type: 'ADDED', resourceVersion: String(rv), object: Buffer.alloc(size, 'x'), prevObject: Buffer.alloc(0) },
  initialStateEndResourceVersion: '',
  caughtUpResourceVersion: '',
  status: undefined,
});

function abortedSignal(ctx: CallContext | undefined): Promise<unknown> {
  const signal = ctx?.signal;
  if (!signal) return Promise.reject(new Error('no signal in the server context'));
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('gRPC storage adapter', () => {
  let server: GrpcServerHandle | undefined;
  let client: ReturnType<typeof createStorageClient> | undefined;
  let fake: FakeStorage;

  async function start(): Promise<ReturnType<typeof createStorageClient>> {
    fake = new FakeStorage();
    server = await startGrpcServer('127.0.0.1:0', { storage: fake });
    client = createStorageClient(`127.0.0.1:${server.port}`);
    return client;
  }

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it('binds a free loopback port and reports it', async () => {
    await start();
    expect(server!.port).toBeGreaterThan(0);
    expect(server!.address).toBe(`127.0.0.1:${server!.port}`);
  });

  it('round-trips requests, object bytes and domain statuses', async () => {
    const storage = await start();
    const object = Buffer.from(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'a' } }));
    const created = await storage.create({ ref: ref('a'), object });
    expect(created.object.equals(object)).toBe(true);

    const got = await storage.get({ ref: ref('a'), resourceVersion: '' });
    expect(JSON.parse(got.object.toString())).toEqual({ kind: 'ConfigMap', metadata: { name: 'a' } });
    expect(got.status).toBeUndefined();

    // NotFound is an answer, not a failure: the promise resolves.
    const missing = await storage.get({ ref: ref('nope'), resourceVersion: '' });
    expect(missing.status).toEqual({ code: 404, reason: 'NotFound', message: 'configmaps "nope" not found', details: undefined });

    expect((await storage.currentRevision()).resourceVersion).toBe('1');
    const listed = await storage.list({
      ref: ref(''),
      resourceVersion: '',
      resourceVersionMatch: '',
      limit: '0',
      continue: '',
      labelSelector: '',
      fieldSelector: '',
    });
    expect(listed.items).toHaveLength(1);
    expect(listed.resourceVersion).toBe('1');
  });

  it('carries lists larger than the gRPC default message limit', async () => {
    const storage = await start();
    const big = Buffer.alloc(1024 * 1024, 'y');
    for (let i = 0; i < 6; i++) fake.objects.set(keyOf(ref(`big-${i}`)), big);
    const listed = await storage.list({
      ref: ref(''),
      resourceVersion: '',
      resourceVersionMatch: '',
      limit: '0',
      continue: '',
      labelSelector: '',
      fieldSelector: '',
    });
    expect(listed.items).toHaveLength(6);
  });

  it("gives the server the caller's deadline as ctx.deadline", async () => {
    const storage = await start();
    const deadline = Date.now() + 30_000;
    await storage.currentRevision({ deadline });
    const seen = fake.contexts[0]?.deadline;
    expect(seen).toBeDefined();
    // The wire carries a relative timeout, so the server's clock reading shifts it slightly.
    expect(Math.abs(seen! - deadline)).toBeLessThan(1_000);
  });

  it('applies a default deadline to unary calls without one', async () => {
    const storage = await start();
    await storage.currentRevision();
    expect(fake.contexts[0]?.deadline).toBeDefined();
  });

  it('cancels the server call when the caller aborts', async () => {
    const storage = await start();
    fake.hold = new Promise(() => undefined);
    const controller = new AbortController();
    const pending = storage.get({ ref: ref('a'), resourceVersion: '' }, { signal: controller.signal });
    await until(() => fake.contexts.length === 1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'GrpcTransportError', code: GrpcStatus.CANCELLED });
    const reason = await abortedSignal(fake.contexts[0]);
    expect(reason).toMatchObject({ name: 'AbortError' });
  });

  it('rejects without calling when the signal is already aborted', async () => {
    const storage = await start();
    const controller = new AbortController();
    controller.abort();
    await expect(storage.currentRevision({ signal: controller.signal })).rejects.toMatchObject({
      code: GrpcStatus.CANCELLED,
    });
    expect(fake.contexts).toHaveLength(0);
  });

  it('rejects with DEADLINE_EXCEEDED and aborts the server side when the deadline passes', async () => {
    const storage = await start();
    fake.hold = new Promise(() => undefined);
    const pending = storage.get({ ref: ref('a'), resourceVersion: '' }, { deadline: Date.now() + 200 });
    await expect(pending).rejects.toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    await until(() => fake.contexts.length === 1);
    await expect(abortedSignal(fake.contexts[0])).resolves.toMatchObject({ name: 'TimeoutError' });
  });

  it('turns an implementation failure into a rejected promise (a transport failure for the caller)', async () => {
    const storage = await start();
    const err = await storage.create({ ref: ref('boom'), object: Buffer.from('{}') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrpcTransportError);
    expect(err).toMatchObject({ code: GrpcStatus.INTERNAL, method: '/portico.storage.v1.StorageService/Create' });
    expect((err as Error).message).toContain('disk on fire');
  });

  it('rejects with UNAVAILABLE when nothing listens at the target', async () => {
    await start();
    const port = server!.port;
    await server!.close();
    server = undefined;
    const orphan = createStorageClient(`127.0.0.1:${port}`);
    try {
      await expect(orphan.currentRevision({ deadline: Date.now() + 5_000 })).rejects.toMatchObject({
        code: GrpcStatus.UNAVAILABLE,
      });
    } finally {
      await orphan.close();
    }
  });

  it('streams watchReplay messages in order and ends after the last one', async () => {
    const storage = await start();
    fake.replay = [event(1), event(2), event(3), { ...event(0), event: undefined, caughtUpResourceVersion: '3' }];
    const seen: WatchReplayResponse[] = [];
    for await (const message of storage.watchReplay({ ref: ref(''), resourceVersion: '0', sendInitialState: false })) {
      seen.push(message);
    }
    expect(seen.map((m) => m.event?.resourceVersion ?? `caught-up@${m.caughtUpResourceVersion}`)).toEqual([
      '1',
      '2',
      '3',
      'caught-up@3',
    ]);
    expect(fake.replayEndedWith).toBe('exhausted');
  });

  it('cancels the server stream when the consumer stops early', async () => {
    const storage = await start();
    fake.replay = Array.from({ length: 10_000 }, (_, i) => event(i + 1, 1024));
    for await (const message of storage.watchReplay({ ref: ref(''), resourceVersion: '0', sendInitialState: false })) {
      if (message.event?.resourceVersion === '2') break;
    }
    await abortedSignal(fake.contexts[0]);
    await until(() => fake.replayEndedWith !== undefined);
    expect(fake.replayEndedWith).toBe('returned');
    expect(fake.produced).toBeLessThan(10_000);
  });

  it("ends the stream with CANCELLED when the caller's signal fires mid-stream", async () => {
    const storage = await start();
    fake.replay = Array.from({ length: 10_000 }, (_, i) => event(i + 1, 1024));
    const controller = new AbortController();
    let received = 0;
    const consume = async () => {
      for await (const _ of storage.watchReplay(
        { ref: ref(''), resourceVersion: '0', sendInitialState: false },
        { signal: controller.signal },
      )) {
        if (++received === 3) controller.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: GrpcStatus.CANCELLED });
    await expect(abortedSignal(fake.contexts[0])).resolves.toMatchObject({ name: 'AbortError' });
  });

  it('surfaces a failing replay as a rejected iteration', async () => {
    const storage = await start();
    const consume = async () => {
      for await (const _ of storage.watchReplay({ ref: ref(''), resourceVersion: 'fail', sendInitialState: false })) {
        // nothing arrives
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: GrpcStatus.INTERNAL, name: 'GrpcTransportError' });
  });
});

describe('watchReplay server binding', () => {
  /** A stand-in for grpc-js's ServerWritableStream whose buffer is always full. */
  class FullCall extends EventEmitter {
    cancelled = false;
    request: WatchReplayRequest = { ref: ref(''), resourceVersion: '0', sendInitialState: false };
    written: WatchReplayResponse[] = [];
    ended = false;
    getDeadline(): number {
      return Infinity;
    }
    write(message: WatchReplayResponse): boolean {
      this.written.push(message);
      return false;
    }
    end(): void {
      this.ended = true;
    }
  }

  it("waits for 'drain' before pulling the next message", async () => {
    const fake = new FakeStorage();
    fake.replay = [event(1), event(2), event(3)];
    const call = new FullCall();
    const handler = storageServiceHandlers(fake).watchReplay;
    (handler as unknown as (c: FullCall) => void)(call);

    await until(() => call.written.length === 1);
    // Give the producer every chance to run ahead; it must not.
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(fake.produced).toBe(1);

    call.emit('drain');
    await until(() => call.written.length === 2);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(fake.produced).toBe(2);

    call.emit('drain');
    await until(() => call.written.length === 3);
    call.emit('drain');
    await until(() => call.ended);
    expect(fake.replayEndedWith).toBe('exhausted');
  });

  it('stops pulling and releases the producer when the call is cancelled while waiting', async () => {
    const fake = new FakeStorage();
    fake.replay = [event(1), event(2), event(3)];
    const call = new FullCall();
    (storageServiceHandlers(fake).watchReplay as unknown as (c: FullCall) => void)(call);
    await until(() => call.written.length === 1);
    call.cancelled = true;
    call.emit('cancelled');
    await until(() => fake.replayEndedWith !== undefined);
    expect(fake.replayEndedWith).toBe('returned');
    expect(call.written).toHaveLength(1);
    expect(call.ended).toBe(false);
  });
});

describe('gRPC auth and admission adapters', () => {
  const user = { username: 'alice', uid: '1', groups: ['dev'], extra: { scopes: { values: ['a', 'b'] } } };

  const auth: AuthServicePort = {
    async authenticate(req: AuthenticateRequest) {
      return req.bearerToken === 'good'
        ? { authenticated: true, user, audiences: req.audiences, status: undefined }
        : {
            authenticated: false,
            user: undefined,
            audiences: [],
            status: { code: 401, reason: 'Unauthorized', message: 'Unauthorized', details: undefined },
          };
    },
    async authorize(req: AuthorizeRequest) {
      return {
        decision: req.verb === 'get' ? Decision.DECISION_ALLOW : Decision.DECISION_NO_OPINION,
        reason: `${req.user?.username} ${req.verb}`,
        evaluationError: '',
      };
    },
    async issueServiceAccountToken(req) {
      return { token: `t-${req.serviceAccountName}`, expirationTimestamp: '2030-01-01T00:00:00Z', audiences: req.audiences, status: undefined };
    },
    async getServiceAccountIssuer() {
      return { issuer: 'https://issuer', jwks: Buffer.from('{"keys":[]}'), signingAlgs: ['ES256'] };
    },
    async rulesFor(req) {
      return { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }], nonResourceRules: [], incomplete: false, evaluationError: req.namespace };
    },
  };

  const admission: AdmissionServicePort = {
    async admit(req: AdmissionRequest): Promise<AdmitResponse> {
      const obj = JSON.parse(req.object.toString()) as { metadata: { labels?: Record<string, string> } };
      obj.metadata.labels = { ...obj.metadata.labels, admitted: 'true' };
      return {
        allowed: true,
        status: undefined,
        object: Buffer.from(JSON.stringify(obj)),
        warnings: ['w1'],
        auditAnnotations: { 'example.com/plugin': 'ran' },
      };
    },
    async validate(req: AdmissionRequest): Promise<ValidateResponse> {
      return {
        allowed: req.name !== 'forbidden',
        status:
          req.name === 'forbidden'
            ? { code: 403, reason: 'Forbidden', message: 'denied by policy', details: undefined }
            : undefined,
        warnings: [],
        auditAnnotations: {},
      };
    },
    async convertObjects(req: ConvertObjectsRequest, ctx?: CallContext): Promise<ConvertObjectsResponse> {
      conversionContexts.push(ctx);
      if (req.clientConfig?.url === '') {
        return { objects: [], status: { code: 500, reason: '', message: `conversion webhook for ${req.crdName} failed`, details: undefined } };
      }
      const objects = req.objects.map((b) => {
        const obj = JSON.parse(b.toString()) as Record<string, unknown>;
        return Buffer.from(JSON.stringify({ ...obj, apiVersion: req.desiredApiVersion }));
      });
      return { objects, status: undefined };
    },
  };
  const conversionContexts: (CallContext | undefined)[] = [];

  const admissionRequest = (name: string): AdmissionRequest => ({
    uid: 'u1',
    operation: 'CREATE',
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    resource: { group: '', version: 'v1', resource: 'configmaps' },
    subResource: '',
    namespace: 'default',
    name,
    object: Buffer.from(JSON.stringify({ metadata: { name } })),
    oldObject: Buffer.alloc(0),
    options: Buffer.alloc(0),
    dryRun: false,
    user,
  });

  it('serves auth and admission from one server and round-trips their messages', async () => {
    const server = await startGrpcServer('127.0.0.1:0', { auth, admission });
    const authClient = createAuthClient(`127.0.0.1:${server.port}`);
    const admissionClient = createAdmissionClient(`127.0.0.1:${server.port}`);
    try {
      const ok = await authClient.authenticate({ bearerToken: 'good', clientCertificateChain: [], audiences: ['api'] });
      expect(ok).toMatchObject({ authenticated: true, user, audiences: ['api'] });
      const denied = await authClient.authenticate({ bearerToken: 'bad', clientCertificateChain: [], audiences: [] });
      expect(denied.status?.code).toBe(401);
      const decision = await authClient.authorize(getPodsRequest(user));
      expect(decision).toEqual({ decision: Decision.DECISION_ALLOW, reason: 'alice get', evaluationError: '' });
      const token = await authClient.issueServiceAccountToken({
        namespace: 'ns',
        serviceAccountName: 'bot',
        serviceAccountUid: 'u1',
        audiences: ['a'],
        expirationSeconds: '600',
        boundObject: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u2' },
        legacySecretName: '',
      });
      expect(token).toMatchObject({ token: 't-bot', audiences: ['a'] });
      expect(await authClient.getServiceAccountIssuer()).toEqual({ issuer: 'https://issuer', jwks: Buffer.from('{"keys":[]}'), signingAlgs: ['ES256'] });
      const rules = await authClient.rulesFor({ user, namespace: 'ns' });
      expect(rules).toMatchObject({ resourceRules: [{ verbs: ['get'], resources: ['pods'] }], evaluationError: 'ns' });

      const admitted = await admissionClient.admit(admissionRequest('a'));
      expect(JSON.parse(admitted.object.toString())).toEqual({ metadata: { name: 'a', labels: { admitted: 'true' } } });
      expect(admitted.warnings).toEqual(['w1']);
      expect(admitted.auditAnnotations).toEqual({ 'example.com/plugin': 'ran' });
      const rejected = await admissionClient.validate(admissionRequest('forbidden'));
      expect(rejected).toMatchObject({ allowed: false, status: { code: 403, message: 'denied by policy' } });

      const deadline = Date.now() + 20_000;
      const converted = await admissionClient.convertObjects(
        {
          crdName: 'widgets.example.com',
          clientConfig: { url: 'https://hooks.example.com/convert', service: undefined, caBundle: 'Q0E=' },
          conversionReviewVersions: ['v1', 'v1beta1'],
          desiredApiVersion: 'example.com/v2',
          objects: [Buffer.from('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}')],
        },
        { deadline },
      );
      expect(converted.status).toBeUndefined();
      expect(converted.objects.map((b) => JSON.parse(b.toString()) as unknown)).toEqual([
        { apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name: 'w' } },
      ]);
      expect(Math.abs((conversionContexts[0]?.deadline ?? 0) - deadline)).toBeLessThan(1_000);
      const failed = await admissionClient.convertObjects({
        crdName: 'widgets.example.com',
        clientConfig: { url: '', service: { namespace: 'ns', name: 'hook', path: '/convert', port: 8443 }, caBundle: '' },
        conversionReviewVersions: ['v1'],
        desiredApiVersion: 'example.com/v2',
        objects: [],
      });
      expect(failed).toEqual({ objects: [], status: { code: 500, reason: '', message: 'conversion webhook for widgets.example.com failed', details: undefined } });
    } finally {
      await authClient.close();
      await admissionClient.close();
      await server.close();
    }
  });

  it('answers UNIMPLEMENTED for a service the server does not carry', async () => {
    const server = await startGrpcServer('127.0.0.1:0', { auth });
    const admissionClient = createAdmissionClient(`127.0.0.1:${server.port}`);
    try {
      await expect(admissionClient.admit(admissionRequest('a'))).rejects.toMatchObject({ code: GrpcStatus.UNIMPLEMENTED });
    } finally {
      await admissionClient.close();
      await server.close();
    }
  });

  it('refuses to start with nothing to serve', async () => {
    await expect(startGrpcServer('127.0.0.1:0', {})).rejects.toThrow('no service to serve');
  });
});
