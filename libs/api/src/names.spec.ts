import { describe, expect, it } from 'vitest';
import { generateName, maxGeneratedNameLength, randomString } from './names';

const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

describe('generateName', () => {
  it('appends five characters from the vowel-free alphabet', () => {
    const name = generateName('web-');
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('is deterministic with an injected source', () => {
    let i = 0;
    expect(generateName('x-', () => i++)).toBe('x-bcdfg');
    expect(randomString(3, (n) => n - 1)).toBe('999');
  });

  it('cuts the base to 58 bytes so the name fits a DNS label', () => {
    const base = 'a'.repeat(100);
    const name = generateName(base, () => 0);
    expect(maxGeneratedNameLength).toBe(58);
    expect(name).toBe(`${'a'.repeat(58)}bbbbb`);
    expect(name).toHaveLength(63);
  });

  it('keeps a short base whole', () => {
    expect(generateName('', () => alphabet.length - 1)).toBe('99999');
  });
});
