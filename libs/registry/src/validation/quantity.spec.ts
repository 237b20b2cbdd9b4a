import { describe, expect, it } from 'vitest';
import { canonicalQuantity, compareQuantities, parseQuantity, quantityMilliValue, quantityOf, quantityValue, roundUpQuantity, formatQuantity } from './quantity';

// Expected strings are what apimachinery's resource.MustParse(x).String() gives (quantity_test.go).
describe('quantities', () => {
  it('writes the canonical form kube-apiserver stores', () => {
    const cases: [string, string][] = [
      ['0.5', '500m'],
      ['1024Mi', '1Gi'],
      ['1000m', '1'],
      ['1.5Gi', '1536Mi'],
      ['100M', '100M'],
      ['1e3', '1e3'],
      ['0', '0'],
      ['-0.1', '-100m'],
      ['1.1m', '1100u'],
      ['0.0000000001', '1n'],
      ['12e6', '12e6'],
      ['128974848', '128974848'],
      ['129e6', '129e6'],
      ['123Mi', '123Mi'],
      // Already canonical digits keep their text, sign included (Quantity.s).
      ['+1', '+1'],
      ['100k', '100k'],
    ];
    for (const [input, want] of cases) expect([input, canonicalQuantity(input)]).toEqual([input, want]);
  });

  it('rejects what the grammar does not accept', () => {
    for (const bad of ['', 'abc', '1.2.3', '1Qi', '--1', '1 Mi', 'Mi', '.']) expect([bad, parseQuantity(bad)]).toEqual([bad, undefined]);
  });

  it('accepts JSON numbers as Go does', () => {
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity(0.25)).toBe('250m');
  });

  it('compares, rounds and converts', () => {
    const q = (s: string) => quantityOf(s)!;
    expect(compareQuantities(q('1'), q('1000m'))).toBe(0);
    expect(compareQuantities(q('1Gi'), q('1G'))).toBe(1);
    expect(compareQuantities(q('500m'), q('1'))).toBe(-1);
    expect(quantityValue(q('1.5'))).toBe(2n);
    expect(quantityMilliValue(q('1.5'))).toBe(1500n);
    expect(formatQuantity(roundUpQuantity(q('1.0001m'), -3))).toBe('2m');
  });
});
