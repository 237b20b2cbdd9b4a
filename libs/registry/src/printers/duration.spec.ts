// Cases re-expressed from apimachinery pkg/util/duration/duration_test.go and the printers'
// TestTranslateTimestamp* (v0.33.1 / v1.33.1); durations in milliseconds.
import { describe, expect, it } from 'vitest';
import { humanDuration, parseTime, shortHumanDuration, translateTimestampSince, translateTimestampUntil } from './duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  it.each([
    [s, '1s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [70 * m, '70m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * 24 * h, '367d'],
    [(365 * 2 * 24 + 25) * h, '2y1d'],
    [(365 * 8 * 24 + 2) * h, '8y'],
  ])('%d ms is %s', (ms, want) => expect(humanDuration(ms)).toBe(want));

  it.each([
    [-2 * s, '<invalid>'],
    [-2 * s + 1, '0s'],
    [0, '0s'],
    [s - 1, '0s'],
    [2 * m - 1, '119s'],
    [2 * m, '2m'],
    [2 * m + s, '2m1s'],
    [10 * m - 1, '9m59s'],
    [10 * m, '10m'],
    [10 * m + s, '10m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + m, '3h1m'],
    [8 * h - 1, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 59 * m, '8h'],
    [2 * d - 1, '47h'],
    [2 * d, '2d'],
    [2 * d + h, '2d1h'],
    [8 * d - 1, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 23 * h, '8d'],
    [2 * y - 1, '729d'],
    [2 * y, '2y'],
    [2 * y + 23 * h + 59 * m, '2y'],
    [2 * y + d - 1, '2y'],
    [2 * y + d, '2y1d'],
    [3 * y, '3y'],
    [7 * y, '7y'],
    [8 * y - 1, '7y364d'],
    [8 * y, '8y'],
    [8 * y + 364 * d, '8y'],
    [9 * y, '9y'],
  ])('boundary %d ms is %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('shortHumanDuration', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-2 * s + 1, '0s'],
    [0, '0s'],
    [s - 1, '0s'],
    [s, '1s'],
    [2 * s - 1, '1s'],
    [m - 1, '59s'],
    [m, '1m'],
    [2 * m - 1, '1m'],
    [h - 1, '59m'],
    [h, '1h'],
    [2 * h - 1, '1h'],
    [d - 1, '23h'],
    [d, '1d'],
    [2 * d - 1, '1d'],
    [y - 1, '364d'],
    [y, '1y'],
    [2 * y - 1, '1y'],
    [2 * y, '2y'],
  ])('%d ms is %s', (ms, want) => expect(shortHumanDuration(ms)).toBe(want));
});

describe('timestamps', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('parses metav1.Time and MicroTime, and treats the zero time as unset', () => {
    expect(parseTime('2025-06-01T11:59:00Z')).toBe(now.getTime() - m);
    expect(parseTime('2025-06-01T11:59:00.250000Z')).toBe(now.getTime() - m + 250);
    expect(parseTime('2025-06-01T13:59:00+02:00')).toBe(now.getTime() - m);
    expect(parseTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseTime(null)).toBeUndefined();
    expect(parseTime(undefined)).toBeUndefined();
    expect(parseTime('yesterday')).toBeUndefined();
  });

  it('translates since and until, with <unknown> for unset times', () => {
    expect(translateTimestampSince('2025-06-01T11:55:00Z', now)).toBe('5m');
    expect(translateTimestampSince(null, now)).toBe('<unknown>');
    expect(translateTimestampSince('0001-01-01T00:00:00Z', now)).toBe('<unknown>');
    expect(translateTimestampUntil('2025-06-01T12:05:00Z', now)).toBe('5m');
    expect(translateTimestampUntil(undefined, now)).toBe('<unknown>');
    // Up to 2 s into the future is "now"; beyond, the age is invalid.
    expect(translateTimestampSince('2025-06-01T12:00:01Z', now)).toBe('0s');
    expect(translateTimestampSince('2025-06-01T12:00:05Z', now)).toBe('<invalid>');
  });
});
