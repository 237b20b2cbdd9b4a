import type { IncomingMessage, ServerResponse } from 'node:http';
import { Decision, type AuthServicePort, type AuthorizeResponse } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { setContext } from '../request/context';
import { newRequestInfo } from '../request/request-info';
import { withAuthorization } from './with-authorization';

const user = { username: 'jane', uid: '', groups: ['system:authenticated'], extra: {} };

function request(): IncomingMessage {
  const req = {} as IncomingMessage;
  const path = '/api/v1/namespaces/default/configmaps';
  setContext(req, {
    auditId: 'a',
    receivedAt: Date.now(),
    url: new URL(`https://localhost${path}`),
    info: newRequestInfo('POST', path, new URLSearchParams()),
    deadline: Date.now() + 10_000,
    signal: new AbortController().signal,
    user,
    warnings: [],
    pretty: false,
    body: undefined,
  });
  return req;
}

/** An auth port whose Authorize answers when `release` is called, counting the calls. */
function slowAuthorizer(decision: Decision) {
  const state = { calls: 0, release: () => {} };
  const gate = new Promise<void>((r) => (state.release = r));
  const authorize = async (): Promise<AuthorizeResponse> => {
    state.calls++;
    await gate;
    return { decision, reason: decision === Decision.DECISION_ALLOW ? '' : 'no rule', evaluationError: '' };
  };
  return { port: { authorize } as unknown as AuthServicePort, state };
}

describe('withAuthorization', () => {
  it('makes one Authorize call for concurrent requests with the same attributes', async () => {
    const { port, state } = slowAuthorizer(Decision.DECISION_ALLOW);
    let served = 0;
    const handler = withAuthorization(async () => void served++, port);
    const all = Promise.all(Array.from({ length: 8 }, () => handler(request(), {} as ServerResponse)));
    await new Promise((r) => setTimeout(r, 10));
    state.release();
    await all;
    expect(state.calls).toBe(1);
    expect(served).toBe(8);
    // Cached afterwards.
    await handler(request(), {} as ServerResponse);
    expect(state.calls).toBe(1);
  });

  it('refuses every waiter of a shared denial with the Forbidden Status', async () => {
    const { port, state } = slowAuthorizer(Decision.DECISION_DENY);
    const handler = withAuthorization(async () => {}, port);
    const all = Promise.allSettled(Array.from({ length: 3 }, () => handler(request(), {} as ServerResponse)));
    state.release();
    const results = await all;
    expect(state.calls).toBe(1);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason?.status?.message)).toContain('User "jane" cannot create resource "configmaps"');
    }
  });
});
