// The text a resource.Quantity prints as (k8s parity: apimachinery pkg/api/resource quantity.go
// ParseQuantity + Quantity.String, amount.go, suffix.go). Printers show quantities the way Go
// re-serializes them: "1000m" prints "1", "2048Ki" prints "2Mi", "0.5Gi" prints "512Mi".

type Format = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

interface Quantity {
  /** value = unscaled * 10^-scale */
  unscaled: bigint;
  scale: number;
  format: Format;
  /** The input, kept when it already is the canonical form (Go's fast path keeps `s`). */
  text?: string;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const maxInt64 = 2n ** 63n - 1n;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface Parts {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString. */
function splitQuantity(str: string): Parts | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  let num = str.slice(pos, i);
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i] as string)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  for (i = pos; i < end; i++) if (!isDigit(str[i])) return undefined;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  const d = decimalSuffixes[s];
  if (d !== undefined) return { base: 10, exponent: d, format: 'DecimalSI' };
  const b = binarySuffixes[s];
  if (b !== undefined) return { base: 2, exponent: b, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?\d+$/.test(s.slice(1))) {
    return { base: 10, exponent: Number(s.slice(1)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** resource.ParseQuantity; undefined where Go returns an error. */
function parseQuantity(str: string): Quantity | undefined {
  if (str === '') return undefined;
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', text: str };
  const p = splitQuantity(str);
  if (p === undefined) return undefined;
  const suf = interpretSuffix(p.suffix);
  if (suf === undefined) return undefined;
  const { base, exponent } = suf;
  let format = suf.format;

  // The int64 fast path, which also decides whether Go keeps the input text.
  let precision = -1;
  let scale = 0;
  let mantissa = 1n;
  if (base === 10) {
    scale = exponent;
    precision = 18 - (p.num.length + p.denom.length);
  } else if (exponent >= 0 && p.denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - p.num.length - Math.trunc((exponent * 3) / 10) - 1;
  }
  if (precision >= 0) {
    scale -= p.denom.length;
    if (scale >= -9) {
      const shifted = p.num + p.denom;
      const v = BigInt(shifted);
      let result = v * mantissa;
      if (result <= maxInt64) {
        if (!p.positive) result = -result;
        const canonical = base === 2 ? (v & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return { unscaled: result, scale: -scale, format, ...(canonical ? { text: str } : {}) };
      }
    }
  }

  // inf.Dec path: exact decimal, rounded up to nano units.
  const dot = p.value.indexOf('.');
  const digits = (dot < 0 ? p.value : p.value.slice(0, dot) + p.value.slice(dot + 1)).replace(/^[+-]/, '');
  let unscaled = BigInt(digits === '' ? '0' : digits);
  let s = dot < 0 ? 0 : p.value.length - dot - 1;
  if (base === 10) s -= exponent;
  else unscaled *= 1n << BigInt(exponent);
  if (unscaled !== 0n && s > 9) {
    const f = 10n ** BigInt(s - 9);
    const q = unscaled / f;
    unscaled = unscaled % f === 0n ? q : q + 1n;
    s = 9;
  }
  if (format === 'BinarySI' && compare(unscaled, s, maxInt64, 0) > 0) {
    unscaled = maxInt64;
    s = 0;
  }
  if (format === 'BinarySI' && unscaled !== 0n && compare(unscaled, s, 1n, 0) < 0) format = 'DecimalSI';
  return { unscaled: p.positive ? unscaled : -unscaled, scale: s, format };
}

/** Compares a*10^-as with b*10^-bs. */
function compare(a: bigint, as: number, b: bigint, bs: number): number {
  const s = Math.max(as, bs);
  const x = a * 10n ** BigInt(s - as);
  const y = b * 10n ** BigInt(s - bs);
  return x < y ? -1 : x > y ? 1 : 0;
}

function removeFactors(v: bigint, base: bigint): [bigint, number] {
  let times = 0;
  const neg = v < 0n;
  let r = neg ? -v : v;
  while (r >= base && r % base === 0n) {
    r /= base;
    times++;
  }
  return [neg ? -r : r, times];
}

/** Quantity.String (CanonicalizeBytes). */
function quantityString(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  let integer: bigint | undefined;
  if (format === 'BinarySI') {
    if (compare(q.unscaled, q.scale, -1024n, 0) > 0 && compare(q.unscaled, q.scale, 1024n, 0) < 0) {
      format = 'DecimalSI';
    } else if (q.scale <= 0) {
      integer = q.unscaled * 10n ** BigInt(-q.scale);
    } else {
      const f = 10n ** BigInt(q.scale);
      if (q.unscaled % f === 0n) integer = q.unscaled / f;
      else format = 'DecimalSI';
    }
  }
  if (format === 'BinarySI' && integer !== undefined) {
    const [amount, times] = removeFactors(integer, 1024n);
    return `${amount}${binaryByExponent.get(times * 10) ?? ''}`;
  }
  const [mantissa, times] = removeFactors(q.unscaled, 10n);
  let amount = mantissa;
  let exponent = -q.scale + times;
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  const suffix = format === 'DecimalExponent' ? (exponent === 0 ? '' : `e${exponent}`) : (decimalByExponent.get(exponent) ?? '');
  return `${amount}${suffix}`;
}

/**
 * The printed form of a Quantity field: canonical when it parses, the text unchanged when it
 * does not (kube-apiserver would not have stored it), "0" when absent (Go's zero Quantity).
 */
export function formatQuantity(v: unknown): string {
  if (v === undefined || v === null) return '0';
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const q = parseQuantity(text);
  return q === undefined ? String(v) : quantityString(q);
}

/** Quantity pointers print "<nil>" when unset (Quantity.String on a nil *Quantity). */
export function formatQuantityPtr(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : formatQuantity(v);
}
