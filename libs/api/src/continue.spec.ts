import { describe, expect, it } from 'vitest';
import {
  ContinueTokenError,
  cleanPath,
  continueErrors,
  decodeContinue,
  decodeContinueParam,
  encodeContinue,
} from './continue';
import { isStatusError } from './status';

const prefix = '/registry/core/configmaps/';
const token = (json: string) => Buffer.from(json).toString('base64url');

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContinueTokenError) return e.message;
    throw e;
  }
  throw new Error('expected a ContinueTokenError');
}

describe('encodeContinue', () => {
  it('produces kube-apiserver tokens: unpadded base64url JSON with the key relative to the prefix', () => {
    const t = encodeContinue(`${prefix}default/foo\u0000`, prefix, 42);
    expect(t).not.toMatch(/[=+/]/);
    expect(Buffer.from(t, 'base64url').toString()).toBe('{"v":"meta.k8s.io/v1","rv":42,"start":"default/foo\\u0000"}');
  });

  it('escapes HTML characters as Go encoding/json does', () => {
    const t = encodeContinue(`${prefix}a<b>&c`, prefix, 1);
    expect(Buffer.from(t, 'base64url').toString()).toBe('{"v":"meta.k8s.io/v1","rv":1,"start":"a\\u003cb\\u003e\\u0026c"}');
  });

  it('refuses keys outside the prefix', () => {
    expect(() => encodeContinue('/registry/core/secrets/a', prefix, 1)).toThrow('the key and key prefix do not match');
  });

  it('round-trips, including rv -1 (continue at the latest revision)', () => {
    for (const rv of [1, 99, -1]) {
      expect(decodeContinue(encodeContinue(`${prefix}ns/x\u0000`, prefix, rv), prefix)).toEqual({
        startKey: `${prefix}ns/x\u0000`,
        resourceVersion: rv,
      });
    }
  });
});

describe('decodeContinue', () => {
  it('accepts a token whose start has a leading slash', () => {
    expect(decodeContinue(token('{"v":"meta.k8s.io/v1","rv":5,"start":"/ns/a"}'), prefix).startKey).toBe(`${prefix}ns/a`);
  });

  it('rejects bad base64 with the offset Go reports', () => {
    expect(errorOf(() => decodeContinue('abc$', prefix))).toBe('continue key is not valid: illegal base64 data at input byte 3');
    expect(errorOf(() => decodeContinue('YWJj=', prefix))).toBe('continue key is not valid: illegal base64 data at input byte 4');
    expect(errorOf(() => decodeContinue('YWJjZ', prefix))).toBe('continue key is not valid: illegal base64 data at input byte 4');
  });

  it('rejects bad JSON', () => {
    expect(errorOf(() => decodeContinue(token('nope'), prefix))).toMatch(/^continue key is not valid: /);
    expect(errorOf(() => decodeContinue(token('[1]'), prefix))).toMatch(/^continue key is not valid: json: cannot unmarshal array/);
    expect(errorOf(() => decodeContinue(token('{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}'), prefix))).toBe(
      'continue key is not valid: json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64',
    );
  });

  it('checks the version, the revision and the start key', () => {
    expect(errorOf(() => decodeContinue(token('{"v":"v2","rv":1,"start":"a"}'), prefix))).toBe(`${continueErrors.unrecognizedEncodedVersion} v2`);
    expect(errorOf(() => decodeContinue(token('{"v":"meta.k8s.io/v1","start":"a"}'), prefix))).toBe(continueErrors.invalidStartRV);
    expect(errorOf(() => decodeContinue(token('{"v":"meta.k8s.io/v1","rv":3}'), prefix))).toBe(continueErrors.emptyStartKey);
  });

  it('matches field names case-insensitively, as encoding/json does', () => {
    expect(decodeContinue(token('{"V":"meta.k8s.io/v1","RV":3,"Start":"a"}'), prefix)).toEqual({ startKey: `${prefix}a`, resourceVersion: 3 });
  });

  it('refuses start keys that would escape the prefix', () => {
    for (const start of ['../secrets/x', 'a/../../b', 'a//b', 'a/./b', 'a/']) {
      expect(errorOf(() => decodeContinue(token(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start })), prefix))).toBe(
        `continue key is not valid: ${start}`,
      );
    }
  });

  it('becomes a 400 for request handling', () => {
    try {
      decodeContinueParam('%%%', prefix);
      throw new Error('no error');
    } catch (e) {
      expect(isStatusError(e)).toBe(true);
      if (!isStatusError(e)) return;
      expect(e.status.code).toBe(400);
      expect(e.status.message).toBe('invalid continue token: continue key is not valid: illegal base64 data at input byte 0');
    }
  });
});

describe('cleanPath (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['/a/b/', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/../a', '/a'],
    ['a/../..', '..'],
    ['/a\u0000', '/a\u0000'],
  ])('%j → %j', (input, want) => {
    expect(cleanPath(input)).toBe(want);
  });
});
