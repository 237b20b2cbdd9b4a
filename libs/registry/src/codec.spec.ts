import { describe, expect, it } from 'vitest';
import {
  decodeGoBase64,
  decodeTimeField,
  formatGoTime,
  formatMicroTimestamp,
  formatTimestamp,
  goJsonSyntaxError,
  goUnmarshalObjectError,
  parseGoTime,
} from './codec';

const decode = (s: string) => {
  const r = decodeGoBase64(s);
  return 'bytes' in r ? r.bytes.toString('utf8') : r.error;
};

describe('decodeGoBase64', () => {
  it('decodes padded base64, skipping CR and LF', () => {
    expect(decode('')).toBe('');
    expect(decode('YWJj')).toBe('abc');
    expect(decode('YWJjZA==')).toBe('abcd');
    expect(decode('YWJjZGU=')).toBe('abcde');
    expect(decode('YWJj\r\nZA==\n')).toBe('abcd');
  });

  it.each([
    ['abc', 0],
    ['YQ', 0],
    ['YWJjZ', 4],
    ['ab!d', 2],
    ['a===', 1],
    ['ab=', 3],
    ['ab=x', 2],
    ['abc=x', 4],
    ['YWJj=', 4],
    ['YW-j', 2],
  ])('reports %j as Go does (byte %i)', (input, offset) => {
    expect(decode(input)).toBe(`illegal base64 data at input byte ${offset}`);
  });

  it('counts bytes, not characters', () => {
    expect(decode('YWé=')).toBe('illegal base64 data at input byte 2');
  });
});

describe('JSON checks', () => {
  const syntax = (s: string) => goJsonSyntaxError(Buffer.from(s));
  it('accepts valid JSON', () => {
    for (const ok of ['{}', ' {"a": [1, -2.5e+3, true, false, null, "x\\u00e9\\n"]} ', '"s"', '0', 'null']) expect(syntax(ok)).toBeUndefined();
  });

  it.each([
    ['', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['[', 'unexpected end of JSON input'],
    ['"abc', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{"a":}', "invalid character '}' looking for beginning of value"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{1}', "invalid character '1' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['-a', "invalid character 'a' in numeric literal"],
    ['1.a', "invalid character 'a' after decimal point in numeric literal"],
    ['1ea', "invalid character 'a' in exponent of numeric literal"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
  ])('%j: %s', (input, message) => {
    expect(syntax(input)).toBe(message);
  });

  it('wants an object (or null) for map[string]interface{}', () => {
    expect(goUnmarshalObjectError(Buffer.from('{"auths":{}}'))).toBeUndefined();
    expect(goUnmarshalObjectError(Buffer.from('null'))).toBeUndefined();
    expect(goUnmarshalObjectError(Buffer.from('[1]'))).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
    expect(goUnmarshalObjectError(Buffer.from('"s"'))).toBe('json: cannot unmarshal string into Go value of type map[string]interface {}');
    expect(goUnmarshalObjectError(Buffer.from('1'))).toBe('json: cannot unmarshal number into Go value of type map[string]interface {}');
    expect(goUnmarshalObjectError(Buffer.from('true'))).toBe('json: cannot unmarshal bool into Go value of type map[string]interface {}');
    expect(goUnmarshalObjectError(Buffer.from('{'))).toBe('unexpected end of JSON input');
  });
});

describe('times', () => {
  const parse = (v: string, micro = false) => {
    const t = parseGoTime(v, micro);
    return 'error' in t ? t.error : formatGoTime(t, micro);
  };

  it('normalizes RFC 3339 to UTC with second or microsecond precision', () => {
    expect(parse('2024-01-02T03:04:05Z')).toBe('2024-01-02T03:04:05Z');
    expect(parse('2024-01-02T03:04:05.999999999+02:00')).toBe('2024-01-02T01:04:05Z');
    expect(parse('2024-01-01T00:30:00-01:00')).toBe('2024-01-01T01:30:00Z');
    expect(parse('2024-01-02T3:04:05Z')).toBe('2024-01-02T03:04:05Z');
    expect(parse('2024-01-02T03:04:05.123456Z', true)).toBe('2024-01-02T03:04:05.123456Z');
    expect(parse('2024-01-01T01:00:00.000001+01:00', true)).toBe('2024-01-01T00:00:00.000001Z');
    expect(parse('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00Z');
    expect(parse('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00Z');
  });

  it.each([
    ['x', false, 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'],
    ['', false, 'parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"'],
    ['2024-13-01T00:00:00Z', false, 'parsing time "2024-13-01T00:00:00Z": month out of range'],
    ['2023-02-29T00:00:00Z', false, 'parsing time "2023-02-29T00:00:00Z": day out of range'],
    ['2024-01-01T24:00:00Z', false, 'parsing time "2024-01-01T24:00:00Z": hour out of range'],
    ['2024-01-01T00:60:00Z', false, 'parsing time "2024-01-01T00:60:00Z": minute out of range'],
    ['2024-01-01 00:00:00Z', false, 'parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"'],
    ['2024-1-01T00:00:00Z', false, 'parsing time "2024-1-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T00:00:00Z" as "01"'],
    ['2024-01-01T00:00:00', false, 'parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['2024-01-01T00:00:00+0100', false, 'parsing time "2024-01-01T00:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00"'],
    ['2024-01-01T00:00:00Zjunk', false, 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"'],
    ['2024-01-01T00:00:00Z', true, 'parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"'],
    ['2024-01-01T00:00:00.000Z', true, 'parsing time "2024-01-01T00:00:00.000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".000Z" as ".000000"'],
    ['2024-01-01T00:00:00.0000000Z', true, 'parsing time "2024-01-01T00:00:00.0000000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "0Z" as "Z07:00"'],
    ['2024-01-01T00:00:00Zé', false, 'parsing time "2024-01-01T00:00:00Z\\xc3\\xa9": extra text: "\\xc3\\xa9"'],
  ])('%j (micro=%s): %s', (input, micro, message) => {
    expect(parse(input, micro)).toBe(message);
  });

  it('formats Dates', () => {
    const d = new Date('2024-05-06T07:08:09.987Z');
    expect(formatTimestamp(d)).toBe('2024-05-06T07:08:09Z');
    expect(formatMicroTimestamp(d)).toBe('2024-05-06T07:08:09.987000Z');
  });

  it('decodes a time field, with Go\'s type error for non-strings', () => {
    expect(decodeTimeField(null, false, 'Event', 'firstTimestamp')).toEqual({ value: null });
    expect(decodeTimeField('2024-01-01T00:00:00.5Z', false, 'Event', 'firstTimestamp')).toEqual({ value: '2024-01-01T00:00:00Z' });
    expect(decodeTimeField(5, true, 'LeaseSpec', 'spec.renewTime')).toEqual({
      error: 'json: cannot unmarshal number into Go struct field LeaseSpec.spec.renewTime of type string',
    });
  });
});
