import { describe, expect, it } from 'vitest';
import { formatBadValue } from '@portico/api';
import { goBadValue, goFloat, goInterfaceValue, isGoInt64 } from './go-values';

// Expected texts are what Go's fmt prints (fmt.Sprintf("%v", float64(x)), "%#v" of interface{}).
describe('goFloat', () => {
  it('switches to exponent form from 1e+06 and below 1e-04, as strconv does for the shortest %v', () => {
    expect(goFloat(0)).toBe('0');
    expect(goFloat(1.5)).toBe('1.5');
    expect(goFloat(123456)).toBe('123456');
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(1234567)).toBe('1.234567e+06');
    expect(goFloat(0.0001)).toBe('0.0001');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(-2.5e-7)).toBe('-2.5e-07');
    expect(goFloat(1e21)).toBe('1e+21');
    expect(goFloat(1e300)).toBe('1e+300');
  });
});

describe('goInterfaceValue / goBadValue', () => {
  it('prints maps and slices with %#v, keys sorted', () => {
    expect(goInterfaceValue({ b: [1, 'x'], a: null, c: true })).toBe('map[string]interface {}{"a":interface {}(nil), "b":[]interface {}{1, "x"}, "c":true}');
  });

  it('keeps scalars for field.Error to print, with float64 text where it differs', () => {
    expect(formatBadValue(goBadValue(3))).toBe('3');
    expect(formatBadValue(goBadValue(0.5))).toBe('0.5');
    expect(formatBadValue(goBadValue(1e-7))).toBe('1e-07');
    expect(formatBadValue(goBadValue('s'))).toBe('"s"');
    expect(formatBadValue(goBadValue([1]))).toBe('[]interface {}{1}');
  });

  it('tells an int64 from a float64 the way the unstructured decoder would', () => {
    expect(isGoInt64(42)).toBe(true);
    expect(isGoInt64(1.5)).toBe(false);
    expect(isGoInt64(2 ** 63)).toBe(false);
  });
});
