import { expect } from 'vitest';

/** The metav1.Status fields the suites look at. */
export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  metadata?: Record<string, unknown>;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** Asserts a failure Status as kube-apiserver writes it, and returns it for further checks. */
export function expectFailureStatus(body: unknown, expected: { code: number; reason: string; message?: string }): StatusBody {
  expect(body, 'response body is not JSON').toBeTypeOf('object');
  const s = body as StatusBody;
  expect(s).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: expected.code, reason: expected.reason });
  expect(s.metadata).toEqual({});
  if (expected.message !== undefined) expect(s.message).toBe(expected.message);
  else expect(typeof s.message).toBe('string');
  return s;
}

/** A lowercase suffix that keeps names unique across suites sharing one etcd. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
