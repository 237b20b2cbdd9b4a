// The gateway's auth client over two replicas (issue 5 item 4): when one dies — here its
// connections are reset, as the kernel does for a SIGKILLed process — a call it had in flight and
// calls made right after are answered by the other replica, within the call's deadline.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Decision, type AuthorizeRequest } from '../generated/portico/auth/v1/auth';
import type { AuthServicePort } from '../ports';
import { createAuthClient } from './auth';
import { getPodsRequest } from '../testing/auth-requests';
import { startGrpcServer, type GrpcServerHandle } from './server';

/** A TCP relay in front of a replica; crash() resets every connection and stops listening. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  crash(): void {
    this.server.close();
    for (const s of this.sockets) s.resetAndDestroy();
  }
}

/** A replica that names itself in every decision, and can hold authorize calls unanswered. */
function replica(name: string, held: { count: number; hold: boolean }): AuthServicePort {
  return {
    async authenticate() {
      return { authenticated: true, user: { username: name, uid: '', groups: [], extra: {} }, audiences: [], status: undefined };
    },
    async authorize(_req: AuthorizeRequest) {
      if (held.hold) {
        held.count++;
        await new Promise<never>(() => undefined);
      }
      return { decision: Decision.DECISION_ALLOW, reason: name, evaluationError: '' };
    },
    async issueServiceAccountToken() {
      return { token: name, expirationTimestamp: '', audiences: [], status: undefined };
    },
    async getServiceAccountIssuer() {
      return { issuer: name, jwks: Buffer.from('{}'), signingAlgs: [] };
    },
    async rulesFor() {
      return { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: name };
    },
  };
}

const attrs = getPodsRequest({ username: 'u', uid: '', groups: [], extra: {} });

describe('auth client over two replicas', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function twoReplicas() {
    const heldA = { count: 0, hold: false };
    const a = await startGrpcServer('127.0.0.1:0', { auth: replica('a', heldA) }, { shutdownGraceMs: 0 });
    const b = await startGrpcServer('127.0.0.1:0', { auth: replica('b', { count: 0, hold: false }) }, { shutdownGraceMs: 0 });
    const relay = new Relay(a.port);
    const client = createAuthClient(`ipv4:127.0.0.1:${await relay.listen()},${b.address}`);
    cleanup.push(
      () => client.close(),
      () => relay.crash(),
      ...[a, b].map((s: GrpcServerHandle) => () => s.close()),
    );
    // Round robin over both: warm until each replica has answered.
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add((await client.authorize(attrs)).reason);
    expect([...seen].sort()).toEqual(['a', 'b']);
    return { heldA, relay, client };
  }

  it('a call in flight on a replica that dies is answered by the other one', async () => {
    const { heldA, relay, client } = await twoReplicas();
    heldA.hold = true;
    // Two calls: round robin sends one of them to replica a, which holds it.
    const calls = [client.authorize(attrs, { deadline: Date.now() + 10_000 }), client.authorize(attrs, { deadline: Date.now() + 10_000 })];
    for (let i = 0; i < 100 && heldA.count === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(heldA.count).toBe(1);
    relay.crash();
    expect((await Promise.all(calls)).map((r) => r.reason)).toEqual(['b', 'b']);
  });

  it('every call right after a replica dies succeeds, the first one included', async () => {
    const { relay, client } = await twoReplicas();
    relay.crash();
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push((await client.authorize(attrs, { deadline: Date.now() + 10_000 })).reason);
    // Concurrent ones too: none may be picked for the dead replica and fail.
    answers.push(...(await Promise.all(Array.from({ length: 10 }, () => client.authenticate({ bearerToken: 't', clientCertificateChain: [], audiences: [] })))).map((r) => r.user?.username ?? ''));
    expect(answers).toEqual(Array.from({ length: 20 }, () => 'b'));
  });
});
