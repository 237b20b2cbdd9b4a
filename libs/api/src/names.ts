// k8s parity: apiserver pkg/storage/names/generate.go (SimpleNameGenerator) and apimachinery
// pkg/util/rand (the alphabet has no vowels and no look-alike digits, so no words and no 0/O).
import { randomInt } from 'node:crypto';

const maxNameLength = 63;
const randomLength = 5;
/** The longest generateName base kept before the random suffix. */
export const maxGeneratedNameLength = maxNameLength - randomLength;

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** A source of integers in [0, n); injectable so tests are deterministic. */
export type RandomInt = (n: number) => number;

/** utilrand.String: `n` characters from the alphabet above. */
export function randomString(n: number, rand: RandomInt = randomInt): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphanums[rand(alphanums.length)];
  return s;
}

/**
 * The name for a generateName: the base cut to 58 bytes, then 5 random characters. Go cuts bytes,
 * so a multi-byte character at the cut is split (and the name then fails validation, as in Go).
 */
export function generateName(base: string, rand: RandomInt = randomInt): string {
  const bytes = Buffer.from(base, 'utf8');
  const cut = bytes.length > maxGeneratedNameLength ? bytes.subarray(0, maxGeneratedNameLength).toString('utf8') : base;
  return cut + randomString(randomLength, rand);
}
