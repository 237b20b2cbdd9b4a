import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './duration';

describe('parseGoDuration', () => {
  it.each([
    ['32s', 32_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['0', 0],
    ['1.5s', 1_500],
  ])('%s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));
  it.each(['', 's', '10', '10x', '1s2'])('rejects %j', (text) => expect(parseGoDuration(text)).toBeUndefined());
});
