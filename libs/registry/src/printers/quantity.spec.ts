// The canonical text of resource.Quantity (cases after apimachinery quantity_test.go, v0.33.1).
import { describe, expect, it } from 'vitest';
import { formatQuantity, formatQuantityPtr } from './quantity';

describe('formatQuantity', () => {
  it.each([
    ['0', '0'],
    ['1', '1'],
    ['1Gi', '1Gi'],
    ['5Gi', '5Gi'],
    ['1024Mi', '1Gi'],
    ['2048Ki', '2Mi'],
    ['1536Mi', '1536Mi'],
    ['1025Ki', '1025Ki'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['100m', '100m'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['1.5', '1500m'],
    ['0.1n', '1n'],
    ['1000', '1k'],
    ['1100', '1100'],
    ['1000000', '1M'],
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['1e4', '10e3'],
    ['12e-3', '12e-3'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['100Ki', '100Ki'],
    ['-1', '-1'],
    ['-1000m', '-1'],
    ['-1Ki', '-1Ki'],
    ['9Ei', '9223372036854775807'],
    ['10G', '10G'],
    ['10000M', '10G'],
    ['1.0', '1'],
    ['0000', '0'],
    ['+1', '+1'],
    ['01', '01'],
  ])('%s prints %s', (input, want) => expect(formatQuantity(input)).toBe(want));

  it('reads JSON numbers, keeps unparsable text and prints a missing quantity as 0', () => {
    expect(formatQuantity(0.25)).toBe('250m');
    expect(formatQuantity(2048)).toBe('2048');
    expect(formatQuantity('12 parsecs')).toBe('12 parsecs');
    expect(formatQuantity(undefined)).toBe('0');
    expect(formatQuantityPtr(undefined)).toBe('<nil>');
  });
});
