import { describe, expect, it } from 'vitest';
import { stringFormat } from './formats';

const check = (format: string, value: string): boolean => {
  const f = stringFormat(format);
  if (f === undefined) throw new Error(`no format ${format}`);
  return f(value);
};

// kube-openapi pkg/validation/strfmt (default.go, time.go, date.go) and the formats.go list of
// apiextensions-apiserver at 1.33.
describe('stringFormat', () => {
  it('knows the formats CRDs may use, under any dash spelling, and no others', () => {
    expect(stringFormat('date-time')).toBeDefined();
    expect(stringFormat('datetime')).toBeDefined();
    expect(stringFormat('int32')).toBeUndefined();
    expect(stringFormat('k8s-short-name')).toBeUndefined();
  });

  it('date-time: full date, "t", time with optional fraction and zone', () => {
    expect(check('date-time', '2024-01-02T03:04:05Z')).toBe(true);
    expect(check('date-time', '2024-01-02t03:04:05.123+01:00')).toBe(true);
    expect(check('date-time', '2024-01-02T03:04:05')).toBe(false);
    expect(check('date-time', '2024-01-02T24:00:00Z')).toBe(false);
    expect(check('date-time', '2024-13-02T03:04:05Z')).toBe(false);
  });

  it('date', () => {
    expect(check('date', '2024-02-29')).toBe(true);
    expect(check('date', '2023-02-29')).toBe(false);
    expect(check('date', '2024-2-01')).toBe(false);
  });

  it('ipv4 and cidr read leading zeros as ParseIPSloppy does', () => {
    expect(check('ipv4', '10.0.0.1')).toBe(true);
    expect(check('ipv4', '010.000.000.001')).toBe(true);
    expect(check('ipv4', '::ffff:10.0.0.1')).toBe(true);
    expect(check('ipv4', '10.0.0.256')).toBe(false);
    expect(check('ipv4', '::1')).toBe(false);
    expect(check('ipv6', '::1')).toBe(true);
    expect(check('ipv6', '10.0.0.1')).toBe(false);
    expect(check('cidr', '10.0.0.0/8')).toBe(true);
    expect(check('cidr', '010.0.0.0/8')).toBe(true);
    expect(check('cidr', 'fd00::/64')).toBe(true);
    expect(check('cidr', '10.0.0.0/33')).toBe(false);
  });

  it('uuid allows upper case and missing dashes', () => {
    expect(check('uuid', 'A987FBC9-4BED-3078-CF07-9141BA07C9F3')).toBe(true);
    expect(check('uuid', 'a987fbc94bed3078cf079141ba07c9f3')).toBe(true);
    expect(check('uuid4', 'a987fbc9-4bed-3078-cf07-9141ba07c9f3')).toBe(false);
    expect(check('uuid4', '713ae7e3-cb32-45f9-adcb-7c4fa86b90c1')).toBe(true);
  });

  it('byte, hostname, mac, hexcolor, rgbcolor, ssn, isbn, creditcard, bsonobjectid, duration, email, uri', () => {
    expect(check('byte', 'aGVsbG8=')).toBe(true);
    expect(check('byte', '')).toBe(false);
    expect(check('hostname', 'example.com')).toBe(true);
    expect(check('hostname', '-bad')).toBe(false);
    expect(check('mac', '00:00:5e:00:53:01')).toBe(true);
    expect(check('mac', '0000.5e00.5301')).toBe(true);
    expect(check('mac', '00:00:5e')).toBe(false);
    expect(check('hexcolor', '#ffF')).toBe(true);
    expect(check('rgbcolor', 'rgb(255, 0, 10)')).toBe(true);
    expect(check('rgbcolor', 'rgb(256,0,0)')).toBe(false);
    expect(check('ssn', '123-45-6789')).toBe(true);
    expect(check('isbn10', '0321751043')).toBe(true);
    expect(check('isbn13', '978-0321751041')).toBe(true);
    expect(check('isbn', '0321751044')).toBe(false);
    expect(check('creditcard', '4111 1111 1111 1111')).toBe(true);
    expect(check('creditcard', '4111 1111 1111 1112')).toBe(false);
    expect(check('bsonobjectid', '507f1f77bcf86cd799439011')).toBe(true);
    expect(check('duration', '1h30m')).toBe(true);
    expect(check('duration', '3 days')).toBe(true);
    expect(check('duration', 'soon')).toBe(false);
    expect(check('email', 'a@example.com')).toBe(true);
    expect(check('email', 'Someone <a@example.com>')).toBe(true);
    expect(check('email', 'nope')).toBe(false);
    expect(check('uri', 'https://example.com/x')).toBe(true);
    expect(check('uri', '/relative/path')).toBe(true);
    expect(check('uri', 'no scheme')).toBe(false);
  });
});
