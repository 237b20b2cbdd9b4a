import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { impersonationRequests } from './with-impersonation';

const req = (headers: Array<[string, string]>) => ({ rawHeaders: headers.flat(), headers: {} }) as unknown as IncomingMessage;

describe('impersonation headers', () => {
  it('reads the user (or service account), repeated groups, extra keys and uid', () => {
    expect(
      impersonationRequests(
        req([
          ['Impersonate-User', 'system:serviceaccount:team:bot'],
          ['Impersonate-Group', 'a'],
          ['impersonate-group', 'b'],
          ['Impersonate-Extra-Scopes%2Fx', 'view'],
          ['Impersonate-Extra-scopes%2Fx', 'edit'],
          ['Impersonate-Uid', 'u1'],
        ]),
      ),
    ).toEqual([
      { kind: 'ServiceAccount', namespace: 'team', name: 'bot', fieldPath: '' },
      { kind: 'Group', namespace: '', name: 'a', fieldPath: '' },
      { kind: 'Group', namespace: '', name: 'b', fieldPath: '' },
      { kind: 'UserExtra', namespace: '', name: 'view', fieldPath: 'scopes/x' },
      { kind: 'UserExtra', namespace: '', name: 'edit', fieldPath: 'scopes/x' },
      { kind: 'UID', namespace: '', name: 'u1', fieldPath: '' },
    ]);
    expect(impersonationRequests(req([['Impersonate-User', 'jane']]))).toEqual([{ kind: 'User', namespace: '', name: 'jane', fieldPath: '' }]);
    expect(impersonationRequests(req([['Accept', 'x']]))).toEqual([]);
  });

  it('refuses groups without a user with kube-apiserver’s message', () => {
    expect(() => impersonationRequests(req([['Impersonate-Group', 'x']]))).toThrow('requested [{Group  x    }] without impersonating a user');
  });
});
