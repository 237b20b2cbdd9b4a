// k8s parity: apimachinery pkg/api/resource (quantity.go, amount.go, suffix.go): the parse
// grammar, the nano rounding on parse, the canonical serialization kube-apiserver writes back
// (`0.5` → `500m`, `1024Mi` → `1Gi`), comparison, and RoundUp as SetDefaults_ResourceList uses it.
// A value is kept exactly as a BigInt scaled by a power of ten, so nothing is lost to floats.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface Quantity {
  /** value = unscaled × 10^scale */
  unscaled: bigint;
  scale: number;
  format: QuantityFormat;
  /** The input text when Go keeps it verbatim (already canonical), as Quantity.s does. */
  original?: string;
}

export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** 2^63 − 1: BinarySI quantities are capped there, as Go caps them at maxAllowed. */
const maxInt64 = 2n ** 63n - 1n;

/** parseQuantityString: sign, integer digits, fraction digits and suffix, or undefined. */
function splitQuantity(str: string): { positive: boolean; num: string; denom: string; suffix: string } | undefined {
  let pos = 0;
  let positive = true;
  const end = str.length;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) {
    positive = str[pos] !== '-';
    pos++;
  }
  // integer digits (leading zeros stripped as Go does)
  let numStart = pos;
  let sawDigits = false;
  while (pos < end && str[pos] === '0') {
    pos++;
    sawDigits = true;
  }
  numStart = pos;
  while (pos < end && str[pos]! >= '0' && str[pos]! <= '9') pos++;
  let num = str.slice(numStart, pos);
  if (num === '') num = '0';
  if (pos > numStart) sawDigits = true;
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && str[pos]! >= '0' && str[pos]! <= '9') pos++;
    denom = str.slice(denomStart, pos);
    if (pos > denomStart) sawDigits = true;
  }
  if (!sawDigits) return undefined;
  const suffix = str.slice(pos);
  if (suffix.length > 0) {
    // The suffix is letters, optionally followed by a signed exponent: [eEinumkKMGTP]*[-+]?[0-9]*
    if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) return undefined;
  }
  return { positive, num, denom, suffix };
}

/** suffixer.interpret: base and exponent of a suffix. */
function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } | undefined {
  if (suffix in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[suffix] as number, format: 'DecimalSI' };
  if (suffix in binarySuffixes) return { base: 2, exponent: binarySuffixes[suffix] as number, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[-+]?[0-9]+$/.test(rest)) return undefined;
    const exponent = Number(rest);
    if (!Number.isSafeInteger(exponent)) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

/** Rounds unscaled×10^scale to `targetScale` away from zero (inf.RoundUp). */
function roundUpToScale(unscaled: bigint, scale: number, targetScale: number): { unscaled: bigint; scale: number } {
  if (scale >= targetScale) return { unscaled, scale };
  const div = pow10(targetScale - scale);
  let q = unscaled / div;
  if (q * div !== unscaled) q += unscaled < 0n ? -1n : 1n;
  return { unscaled: q, scale: targetScale };
}

/** resource.ParseQuantity: the quantity, or undefined for anything Go refuses. */
export function parseQuantity(input: string): Quantity | undefined {
  if (input.length === 0) return undefined;
  const parts = splitQuantity(input);
  if (parts === undefined) return undefined;
  const sfx = interpretSuffix(parts.suffix);
  if (sfx === undefined) return undefined;
  const { positive, num, denom } = parts;
  const digits = BigInt(num + denom);
  let unscaled: bigint;
  let scale: number;
  if (sfx.base === 10) {
    unscaled = digits;
    scale = sfx.exponent - denom.length;
  } else {
    unscaled = digits * 2n ** BigInt(sfx.exponent);
    scale = -denom.length;
  }
  if (!positive) unscaled = -unscaled;
  // Non-zero values are rounded up to a whole nano.
  if (unscaled !== 0n) ({ unscaled, scale } = roundUpToScale(unscaled, scale, -9));
  if (sfx.format === 'BinarySI') {
    const abs = unscaled < 0n ? -unscaled : unscaled;
    const limit = scale >= 0 ? maxInt64 / pow10(scale) : maxInt64 * pow10(-scale);
    if (abs > limit) {
      unscaled = unscaled < 0n ? -maxInt64 : maxInt64;
      scale = 0;
    }
  }
  const q: Quantity = { unscaled, scale, format: sfx.format };
  if (keepsOriginal(parts, sfx)) q.original = input;
  return q;
}

// Go keeps the input string when the int64 fast path finds it already canonical.
function keepsOriginal(parts: { num: string; denom: string }, sfx: { base: 10 | 2; exponent: number; format: QuantityFormat }): boolean {
  const shifted = parts.num + parts.denom;
  if (sfx.format === 'BinarySI') {
    if (parts.denom.length > 0 || sfx.exponent < 0) return false;
    const value = BigInt(shifted);
    return sfx.exponent % 10 === 0 && (value & 7n) !== 0n && value * 2n ** BigInt(sfx.exponent) <= maxInt64;
  }
  const scale = sfx.exponent - parts.denom.length;
  if (scale < -9 || shifted.length > 18) return false;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** Strips factors of ten into the scale, then lowers the scale to a multiple of three. */
function canonicalDecimal(unscaled: bigint, scale: number): { mantissa: bigint; exponent: number } {
  let m = unscaled;
  let e = scale;
  while (m !== 0n && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const r = ((e % 3) + 3) % 3;
  if (r !== 0) {
    m *= pow10(r);
    e -= r;
  }
  return { mantissa: m, exponent: e };
}

/** Quantity.String(): the canonical form kube-apiserver writes. */
export function formatQuantity(q: Quantity): string {
  if (q.original !== undefined) return q.original;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const abs = q.unscaled < 0n ? -q.unscaled : q.unscaled;
    const below1024 = q.scale >= 0 ? abs * pow10(q.scale) < 1024n : abs < 1024n * pow10(-q.scale);
    const integral = q.scale >= 0 || q.unscaled % pow10(-q.scale) === 0n;
    if (below1024 || !integral) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let v = q.scale >= 0 ? q.unscaled * pow10(q.scale) : q.unscaled / pow10(-q.scale);
    let exp = 0;
    while (exp < 60 && v !== 0n && v % 1024n === 0n) {
      v /= 1024n;
      exp += 10;
    }
    return `${v}${binaryByExponent.get(exp) ?? ''}`;
  }
  const { mantissa, exponent } = canonicalDecimal(q.unscaled, q.scale);
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const sfx = decimalByExponent.get(exponent);
  return sfx === undefined ? `${mantissa}e${exponent}` : `${mantissa}${sfx}`;
}

/** The canonical JSON text of a quantity value as decoded from JSON (a string or a number). */
export function canonicalQuantity(value: unknown): string | undefined {
  const text = typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return undefined;
  const q = parseQuantity(text);
  return q === undefined ? undefined : formatQuantity(q);
}

/** How encoding/json hands a number to Quantity.UnmarshalJSON: its literal text. */
function numberText(n: number): string {
  const s = String(n);
  return s.includes('e') ? s.replace('e+', 'e') : s;
}

/** A decoded quantity value, or undefined when it does not parse. */
export function quantityOf(value: unknown): Quantity | undefined {
  if (typeof value === 'number') return parseQuantity(numberText(value));
  if (typeof value === 'string') return parseQuantity(value.trim());
  return undefined;
}

/** Quantity.Cmp. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const scale = Math.min(a.scale, b.scale);
  const av = a.unscaled * pow10(a.scale - scale);
  const bv = b.unscaled * pow10(b.scale - scale);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

export const zeroQuantity: Quantity = { unscaled: 0n, scale: 0, format: 'DecimalSI' };

/** Quantity.RoundUp(scale): rounds away from zero to 10^scale; the format stays. */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  const r = roundUpToScale(q.unscaled, q.scale, scale);
  if (r.unscaled === q.unscaled && r.scale === q.scale) return q;
  return { unscaled: r.unscaled, scale: r.scale, format: q.format };
}

/** Quantity.Value(): rounded up to an integer (away from zero), clamped to int64. */
export function quantityValue(q: Quantity): bigint {
  const r = roundUpToScale(q.unscaled, q.scale, 0);
  return r.unscaled * pow10(r.scale);
}

/** Quantity.MilliValue(). */
export function quantityMilliValue(q: Quantity): bigint {
  const r = roundUpToScale(q.unscaled, q.scale, -3);
  return r.unscaled * pow10(r.scale + 3);
}

/** A quantity holding an integer, in DecimalSI (resource.NewQuantity). */
export function intQuantity(n: number | bigint): Quantity {
  return { unscaled: BigInt(n), scale: 0, format: 'DecimalSI' };
}

/** Sum of quantities, keeping the first one's format (Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const scale = Math.min(a.scale, b.scale);
  const sum = a.unscaled * pow10(a.scale - scale) + b.unscaled * pow10(b.scale - scale);
  return { unscaled: sum, scale, format: a.unscaled === 0n && a.original === undefined ? b.format : a.format };
}

/**
 * %#v of a resource.Quantity value, as field errors print one passed by value (its String method
 * has a pointer receiver, so the struct is printed): `resource.Quantity{i:resource.int64Amount{…},
 * d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2", Format:"DecimalSI"}`. Values Go keeps as
 * inf.Dec print a pointer address there; those are shown with the int64 form too.
 */
export function goQuantity(q: Quantity): string {
  return `resource.Quantity{i:resource.int64Amount{value:${q.unscaled}, scale:${q.scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${JSON.stringify(q.original ?? '')}, Format:${JSON.stringify(q.format)}}`;
}
