import { describe, expect, it } from 'vitest';
import { bearerToken } from './with-authentication';

describe('bearer token extraction', () => {
  it('reads the Authorization header as kube-apiserver does', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('  Bearer abc  ')).toBe('abc');
    // The second field is the token, whatever follows (so the request fails as that token).
    expect(bearerToken('Bearer a b')).toBe('a');
    // Not a bearer credential: the request goes on without one.
    expect(bearerToken('Bearer  abc')).toBe('');
    expect(bearerToken('Bearer')).toBe('');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBe('');
    expect(bearerToken(undefined)).toBe('');
  });
});
