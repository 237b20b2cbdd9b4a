// Expected values printed by Go 1.26's time package (see tools/schema-gen/README.md).
import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatRFC3339, goString, parseGoDuration, parseRFC3339, validUtf8 } from './go-values';

describe('time.Duration', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1000n, '1µs'],
    [1500n, '1.5µs'],
    [1000000n, '1ms'],
    [1500000n, '1.5ms'],
    [999999999n, '999.999999ms'],
    [1000000000n, '1s'],
    [1500000000n, '1.5s'],
    [90000000000n, '1m30s'],
    [3600000000000n, '1h0m0s'],
    [3723004005006n, '1h2m3.004005006s'],
    [-1500000000n, '-1.5s'],
    [9223372036854775807n, '2562047h47m16.854775807s'],
    [-9223372036854775808n, '-2562047h47m16.854775808s'],
    [360000000000000n, '100h0m0s'],
  ])('formats %s as %s and parses it back', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each([
    ['1h30m', 5400000000000n],
    ['1.5h', 5400000000000n],
    ['.5s', 500000000n],
    ['5.s', 5000000000n],
    ['-3m', -180000000000n],
    ['+2ms', 2000000n],
    ['1us', 1000n],
    ['1µs', 1000n],
    ['1μs', 1000n],
    ['0', 0n],
    ['100ns', 100n],
    ['2h45m30.5s', 9930500000000n],
    ['', undefined],
    ['1', undefined],
    ['h', undefined],
    ['1x', undefined],
    ['9999999999h', undefined],
    ['1.0000000001s', 1000000000n],
  ])('parses %j like time.ParseDuration', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });
});

describe('RFC 3339', () => {
  it.each([
    [0n, '1970-01-01T00:00:00Z'],
    [-1n, '1969-12-31T23:59:59Z'],
    [1714979289n, '2024-05-06T07:08:09Z'],
    [-62135596800n, '0001-01-01T00:00:00Z'],
    [253402300799n, '9999-12-31T23:59:59Z'],
    [253402300800n, '10000-01-01T00:00:00Z'],
    [-62135596801n, '0000-12-31T23:59:59Z'],
    [-62198755200n, '-0001-01-01T00:00:00Z'],
  ])('formats Unix %s as %s', (seconds, text) => {
    expect(formatRFC3339(seconds)).toBe(text);
  });

  it('formats microseconds with six digits', () => {
    expect(formatRFC3339(1714979289n, 5)).toBe('2024-05-06T07:08:09.000005Z');
  });

  it('parses offsets, fractions and rejects what time.Parse rejects', () => {
    expect(parseRFC3339('2024-05-06T09:08:09+02:00')).toEqual({ seconds: 1714979289n, nanos: 0 });
    expect(parseRFC3339('2024-05-06T07:08:09.5Z')).toEqual({ seconds: 1714979289n, nanos: 500000000 });
    expect(parseRFC3339('2024-02-29T00:00:00Z')).toBeDefined();
    expect(parseRFC3339('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(parseRFC3339('2024-05-06 07:08:09Z')).toBeUndefined();
    expect(parseRFC3339('2024-05-06T24:00:00Z')).toBeUndefined();
  });
});

describe('goString', () => {
  it('passes valid UTF-8 through and replaces each invalid byte', () => {
    const s = 'héllo ✓ 😀';
    const bytes = Buffer.from(s);
    expect(goString(bytes, 0, bytes.length)).toBe(s);
    const bad = Uint8Array.of(0xf0, 0x9f, 0x98, 0x41, 0xc0, 0xaf);
    expect(goString(bad, 0, bad.length)).toBe('\ufffd\ufffd\ufffdA\ufffd\ufffd');
  });

  // Short strings are decoded by hand, longer ones natively: both paths, from a Buffer or not,
  // from the middle of a larger body.
  it.each(['', 'a', 'sixteen-bytes-ok', 'seventeen-bytes-o', 'é', 'ünïcödé that is long enough', '😀', '\ufeffBOM kept', 'x\u0000\u007fy'])(
    'decodes %j from a slice of a body',
    (s) => {
      const bytes = Buffer.concat([Buffer.from('\u00ffprefix'), Buffer.from(s), Buffer.from('suffix\u00ff')]);
      const start = Buffer.byteLength('\u00ffprefix');
      const end = start + Buffer.byteLength(s);
      expect(goString(bytes, start, end)).toBe(s);
      expect(goString(Uint8Array.from(bytes), start, end)).toBe(s);
    },
  );

  it('replaces invalid bytes in long strings too', () => {
    const bad = Uint8Array.from([...Buffer.from('0123456789abcdef'), 0xe0, 0x80, 0x80, 0x41]);
    expect(goString(bad, 0, bad.length)).toBe('0123456789abcdef\ufffd\ufffd\ufffdA');
  });
});

describe('validUtf8', () => {
  it.each([
    [[0x41], true],
    [[0xc2, 0x80], true],
    [[0xc1, 0xbf], false], // overlong
    [[0xe0, 0xa0, 0x80], true],
    [[0xe0, 0x9f, 0xbf], false], // overlong
    [[0xed, 0x9f, 0xbf], true],
    [[0xed, 0xa0, 0x80], false], // surrogate
    [[0xf0, 0x90, 0x80, 0x80], true],
    [[0xf0, 0x8f, 0xbf, 0xbf], false], // overlong
    [[0xf4, 0x8f, 0xbf, 0xbf], true],
    [[0xf4, 0x90, 0x80, 0x80], false], // above U+10FFFF
    [[0xf5, 0x80, 0x80, 0x80], false],
    [[0xe2, 0x82], false], // truncated
    [[0x80], false], // lone continuation
  ])('%j → %s', (bytes, valid) => {
    const b = Uint8Array.from([0x20, ...bytes, 0x20]);
    expect(validUtf8(b, 1, b.length - 1)).toBe(valid);
    // Agrees with the WHATWG decoder's fatal mode.
    let whatwg = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      whatwg = false;
    }
    expect(whatwg).toBe(valid);
  });
});
