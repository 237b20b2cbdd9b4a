import { describe, expect, it } from 'vitest';
import { isStatusError } from '@portico/api';
import { parseDeleteOptions, parseListOptions, parseWriteOptions } from './options';

const q = (s: string) => new URLSearchParams(s);
const statusOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return e.status;
  }
  return undefined;
};

describe('list options', () => {
  it('parses the query', () => {
    expect(parseListOptions(q('limit=2&continue=abc&labelSelector=a%3Db'))).toMatchObject({ limit: 2, continue: 'abc', labelSelector: 'a=b' });
  });

  it.each([
    ['resourceVersionMatch=NotOlderThan', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['resourceVersion=0&resourceVersionMatch=Exact', 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    ['sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
  ])('%s is invalid', (query, cause) => {
    const s = statusOf(() => parseListOptions(q(query)));
    expect(s?.code).toBe(422);
    expect(s?.message).toBe(`ListOptions.meta.k8s.io "" is invalid: ${cause}`);
  });
});

describe('write options', () => {
  it('defaults fieldValidation to Strict and recognizes dryRun=All', () => {
    expect(parseWriteOptions(q('dryRun=All&fieldManager=kubectl'), 'CreateOptions')).toEqual({
      dryRun: true,
      fieldManager: 'kubectl',
      fieldValidation: 'Strict',
    });
  });
  it('refuses unknown dryRun and fieldValidation values', () => {
    expect(statusOf(() => parseWriteOptions(q('dryRun=Some'), 'CreateOptions'))?.code).toBe(422);
    expect(statusOf(() => parseWriteOptions(q('fieldValidation=Loose'), 'UpdateOptions'))?.code).toBe(422);
  });
});

describe('delete options', () => {
  it('merges the body over the query', () => {
    const body = Buffer.from(JSON.stringify({ propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } }));
    expect(parseDeleteOptions(q('gracePeriodSeconds=5&propagationPolicy=Background'), body)).toEqual({
      gracePeriodSeconds: 5,
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u1' },
    });
  });
  it('refuses malformed bodies', () => {
    expect(statusOf(() => parseDeleteOptions(q(''), Buffer.from('{')))?.code).toBe(400);
  });
});
