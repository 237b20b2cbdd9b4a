import { describe, expect, it } from 'vitest';
import {
  aggregateFieldErrors,
  fieldErrorBody,
  fieldErrorString,
  fieldErrors,
  formatBadValue,
  goQuote,
  goStringMap,
  goStringSlice,
  goStruct,
  goTime,
} from './field-errors';

describe('Go value rendering', () => {
  it('quotes strings like strconv.Quote', () => {
    expect(goQuote('plain')).toBe('"plain"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('tab\there\nnl')).toBe('"tab\\there\\nnl"');
    expect(goQuote('\u0000\u007f')).toBe('"\\x00\\x7f"');
    expect(goQuote('héllo ✓ 😀')).toBe('"héllo ✓ 😀"');
    expect(goQuote('\u00a0\u200b')).toBe('"\\u00a0\\u200b"');
  });

  it('prints slices, maps, structs and times as %#v does', () => {
    expect(goStringSlice(['a', 'b']).text).toBe('[]string{"a", "b"}');
    expect(goStringSlice([]).text).toBe('[]string{}');
    expect(goStringSlice(null).text).toBe('[]string(nil)');
    expect(goStringMap({ b: '2', a: '1' }).text).toBe('map[string]string{"a":"1", "b":"2"}');
    expect(goStruct('core.EventSource', [['Component', 'c'], ['Host', '']]).text).toBe('core.EventSource{Component:"c", Host:""}');
    expect(goTime('2024-01-02T03:04:05Z').text).toBe('2024-01-02 03:04:05 +0000 UTC');
    expect(goTime('2024-01-02T03:04:05.120000Z').text).toBe('2024-01-02 03:04:05.12 +0000 UTC');
    expect(goTime('2024-01-01T01:00:00+02:00').text).toBe('2023-12-31 23:00:00 +0000 UTC');
    expect(goTime(null).text).toBe('0001-01-01 00:00:00 +0000 UTC');
  });

  it('renders bad values', () => {
    expect(formatBadValue('x')).toBe('"x"');
    expect(formatBadValue(3)).toBe('3');
    expect(formatBadValue(true)).toBe('true');
    expect(formatBadValue(null)).toBe('null');
    expect(formatBadValue(goStringSlice(['a']))).toBe('[]string{"a"}');
  });
});

describe('field errors', () => {
  it('formats bodies like field.Error.ErrorBody', () => {
    expect(fieldErrorBody(fieldErrors.required('a'))).toBe('Required value');
    expect(fieldErrorBody(fieldErrors.required('a', 'why'))).toBe('Required value: why');
    expect(fieldErrorBody(fieldErrors.invalid('a', 'v', 'bad'))).toBe('Invalid value: "v": bad');
    expect(fieldErrorBody(fieldErrors.forbidden('a', 'no'))).toBe('Forbidden: no');
    expect(fieldErrorBody(fieldErrors.notSupported('a', 'x', ['y', 'z']))).toBe('Unsupported value: "x": supported values: "y", "z"');
    expect(fieldErrorBody(fieldErrors.tooLong('a', 10))).toBe('Too long: may not be more than 10 bytes');
    expect(fieldErrorBody(fieldErrors.tooMany('a', 5, 4))).toBe('Too many: 5: must have at most 4 items');
    expect(fieldErrorBody(fieldErrors.tooMany('a', -1, 4))).toBe('Too many: must have at most 4 items');
    expect(fieldErrorBody(fieldErrors.duplicate('a', 'x'))).toBe('Duplicate value: "x"');
  });

  it('prefixes the field even when it is empty, as Go does', () => {
    expect(fieldErrorString(fieldErrors.required('metadata.name'))).toBe('metadata.name: Required value');
    expect(fieldErrorString(fieldErrors.required(''))).toBe(': Required value');
  });

  it('aggregates like ErrorList.ToAggregate', () => {
    const a = fieldErrors.required('a');
    const b = fieldErrors.required('b');
    expect(aggregateFieldErrors([a])).toBe('a: Required value');
    expect(aggregateFieldErrors([a, b, a])).toBe('[a: Required value, b: Required value]');
    expect(aggregateFieldErrors([a, a])).toBe('a: Required value');
  });
});
