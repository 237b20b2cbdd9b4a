// Go's formatting and parsing of the values Kubernetes' special types carry, so that a decoded
// protobuf object serializes to the very JSON kube-apiserver writes: RFC 3339 times
// (metav1.Time, MicroTime), time.Duration strings (metav1.Duration), Go's string conversion of
// invalid UTF-8, and shortest float formatting.

const secondsPerDay = 86400n;

/** The seconds/nanoseconds of Go's zero time.Time (January 1, year 1, UTC) as Unix time. */
export const goZeroTimeUnixSeconds = -62135596800n;

function pad(n: number | bigint, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm, in bigint). */
function civil(days: bigint): [bigint, number, number] {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const m = Number(mp < 10n ? mp + 3n : mp - 9n);
  const y = yoe + era * 400n + (m <= 2 ? 1n : 0n);
  return [y, m, d];
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && a < 0n !== b < 0n) ? q - 1n : q;
}

/** Go's t.UTC().Format(RFC3339) (fraction === undefined) or RFC3339Micro (6 digits). */
export function formatRFC3339(seconds: bigint, micros?: number): string {
  const days = floorDiv(seconds, secondsPerDay);
  const sod = Number(seconds - days * secondsPerDay);
  const [y, m, d] = civil(days);
  // Go's appendInt(year, 4): a minus sign, then at least four digits.
  const year = y < 0n ? `-${pad(-y, 4)}` : pad(y, 4);
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod % 3600) / 60);
  const ss = sod % 60;
  const frac = micros === undefined ? '' : `.${pad(micros, 6)}`;
  return `${year}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}${frac}Z`;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysFromCivil(y: bigint, m: number, d: number): bigint {
  const yy = m <= 2 ? y - 1n : y;
  const era = (yy >= 0n ? yy : yy - 399n) / 400n;
  const yoe = yy - era * 400n;
  const mp = BigInt(m > 2 ? m - 3 : m + 9);
  const doy = (153n * mp + 2n) / 5n + BigInt(d) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

/** Parses an RFC 3339 timestamp as Go's time.Parse(time.RFC3339, …) accepts it. */
export function parseRFC3339(s: string): { seconds: bigint; nanos: number } | undefined {
  const m = rfc3339.exec(s);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, fs, z, sign, ohs, oms] = m;
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const y = BigInt(ys as string);
  const leap = (y % 4n === 0n && y % 100n !== 0n) || y % 400n === 0n;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (day < 1 || day > monthDays) return undefined;
  let offset = 0;
  if (z === undefined) {
    const oh = Number(ohs);
    const om = Number(oms);
    if (oh > 23 || om > 59) return undefined;
    offset = (oh * 60 + om) * 60 * (sign === '-' ? -1 : 1);
  }
  const seconds = daysFromCivil(y, month, day) * secondsPerDay + BigInt(hour * 3600 + minute * 60 + second - offset);
  const nanos = fs === undefined ? 0 : Number(fs.padEnd(9, '0'));
  return { seconds, nanos };
}

// Longer unit names first: "ms" must not be read as "m".
const units: [string, bigint][] = [
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n],
  ['μs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3600_000_000_000n],
];

/** Go's time.Duration.String(). */
export function formatGoDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  // Go works on the unsigned magnitude, so math.MinInt64 formats correctly.
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let div: bigint;
    if (u < 1000n) return `${neg ? '-' : ''}${u}ns`;
    if (u < 1_000_000n) {
      unit = 'µs';
      div = 1000n;
    } else {
      unit = 'ms';
      div = 1_000_000n;
    }
    out = fraction(u, div) + unit;
  } else {
    const secs = fraction(u % 60_000_000_000n, 1_000_000_000n);
    u /= 60_000_000_000n;
    out = `${secs}s`;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** v/div with the fraction's trailing zeros (and a bare point) dropped, like Go's fmtFrac. */
function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${pad(rest, digits).replace(/0+$/, '')}`;
}

/** Go's time.ParseDuration; undefined when Go would return an error. */
export function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest) as RegExpExecArray;
    const intPart = m[1] ?? '';
    const fracPart = m[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) return undefined;
    rest = rest.slice(m[0].length);
    const unit = units.find(([u]) => rest.startsWith(u));
    if (unit === undefined) return undefined;
    rest = rest.slice(unit[0].length);
    const [, scale] = unit;
    let v = BigInt(intPart === '' ? '0' : intPart) * scale;
    if (fracPart !== undefined && fracPart !== '') {
      // Go scales the fraction in float64 (leadingFraction keeps at most 2^63 of it).
      const digits = fracPart.slice(0, 18);
      v += BigInt(Math.trunc(Number(digits) * (Number(scale) / 10 ** digits.length)));
    }
    total += v;
    if (total > 9223372036854775807n + (neg ? 1n : 0n)) return undefined;
  }
  return neg ? -total : total;
}

/** Below this length a loop of String.fromCharCode beats a call into Buffer's native decoding. */
const shortString = 16;

/**
 * Go's string(bytes) as encoding/json writes it: every byte that does not start a valid UTF-8
 * sequence becomes U+FFFD on its own (the WHATWG decoder would merge some of them).
 *
 * Protobuf bodies are mostly short ASCII strings (names, labels, enums), so those are decoded by
 * hand; longer ASCII as latin1 and valid UTF-8 by Buffer (both native, no TextDecoder call,
 * which is slow for short inputs). Pass a Buffer to save a Buffer view per non-short string.
 */
export function goString(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= shortString) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      if (c >= 0x80) return nonAscii(buf, start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return nonAscii(buf, start, end);
  }
  return latin1(asBuffer(buf), start, end);
}

/**
 * Buffer's native latin1Slice/utf8Slice: what toString(encoding, start, end) ends up calling,
 * without its argument handling and encoding dispatch (a few per cent of a decode). Not in
 * Node's typings, hence the check; toString where they are missing.
 */
interface NativeSlices {
  latin1Slice?: (this: Buffer, start: number, end: number) => string;
  utf8Slice?: (this: Buffer, start: number, end: number) => string;
}
const nativeSlices = Buffer.prototype as Buffer & NativeSlices;
const latin1Slice = nativeSlices.latin1Slice;
const utf8Slice = nativeSlices.utf8Slice;

function latin1(b: Buffer, start: number, end: number): string {
  return latin1Slice === undefined ? b.toString('latin1', start, end) : latin1Slice.call(b, start, end);
}

function utf8(b: Buffer, start: number, end: number): string {
  return utf8Slice === undefined ? b.toString('utf8', start, end) : utf8Slice.call(b, start, end);
}

/** A Buffer view of bytes (no copy); the decoder makes one per body so that strings decode without a view each. */
export function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

function nonAscii(buf: Uint8Array, start: number, end: number): string {
  // On valid UTF-8 Buffer's decoder and Go agree (a BOM is kept as U+FEFF by both); on invalid
  // input they replace differently, so only Go's rule (lossyUtf8) is used there.
  if (validUtf8(buf, start, end)) return utf8(asBuffer(buf), start, end);
  return lossyUtf8(buf.subarray(start, end));
}

/** Whether bytes are well-formed UTF-8 (Unicode Table 3-7: no overlongs, surrogates or > U+10FFFF). */
export function validUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= end) return false;
    const c1 = b[i + 1] as number;
    if (c1 < lo || c1 > hi) return false;
    for (let j = 2; j <= need; j++) {
      const cc = b[i + j] as number;
      if (cc < 0x80 || cc > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

function lossyUtf8(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      out += '\ufffd';
      i++;
      continue;
    }
    let ok = i + need < b.length;
    for (let j = 1; ok && j <= need; j++) {
      const cc = b[i + j];
      if (cc === undefined || (cc & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Go's encoding/json formatting of a float32 (shortest digits that round-trip in 32 bits). */
export function float32Json(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}
