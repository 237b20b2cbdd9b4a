import { describe, expect, it } from 'vitest';
import { formatResourceVersion, parseResourceVersion, resourceVersionFieldError } from './resource-version';
import { isStatusError } from './status';

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e.status;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('parseResourceVersion', () => {
  it('reads "" and "0" as 0', () => {
    expect(parseResourceVersion('')).toBe(0);
    expect(parseResourceVersion('0')).toBe(0);
  });

  it('reads decimals, leading zeros included (as strconv.ParseUint does)', () => {
    expect(parseResourceVersion('12345')).toBe(12345);
    expect(parseResourceVersion('007')).toBe(7);
    expect(parseResourceVersion(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts the rest of the uint64 range as a revision larger than any real one', () => {
    expect(parseResourceVersion('18446744073709551615')).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
  });

  it('rejects anything else with the 400 kube-apiserver returns', () => {
    const s = statusOf(() => parseResourceVersion('abc'));
    expect(s.code).toBe(400);
    expect(s.reason).toBe('BadRequest');
    expect(s.message).toBe('invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax');
    for (const bad of ['-1', '+1', '1.5', ' 1', '0x10', '1_000', '1e3']) {
      expect(statusOf(() => parseResourceVersion(bad)).message).toContain('invalid syntax');
    }
    expect(statusOf(() => parseResourceVersion('18446744073709551616')).message).toBe(
      'invalid resource version: resourceVersion: Invalid value: "18446744073709551616": strconv.ParseUint: parsing "18446744073709551616": value out of range',
    );
  });

  it('offers the field error for callers that answer 422 (watch)', () => {
    expect(resourceVersionFieldError('12')).toBeUndefined();
    expect(resourceVersionFieldError('x')).toMatchObject({ type: 'FieldValueInvalid', field: 'resourceVersion', badValue: 'x' });
  });

  it('formats revisions as decimals', () => {
    expect(formatResourceVersion(42)).toBe('42');
  });
});
