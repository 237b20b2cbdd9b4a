// The protobuf wire format at the level Kubernetes' gogo-generated code uses it. Every read is
// bounds-checked and every error is a ProtoWireError carrying Go's message, so a malformed body
// becomes a 400 and never a crash, a hang or an out-of-bounds read.

export class ProtoWireError extends Error {
  override readonly name = 'ProtoWireError';
}

export const WireType = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

const unexpectedEOF = 'unexpected EOF';

export class ProtoReader {
  pos: number;
  /** Mutable so that one reader can descend into embedded messages without an allocation each. */
  end: number;
  /** The high 32 bits of the last `readVarint`. */
  hi = 0;
  /** The wire type of the last `readTag`. */
  wire = 0;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * A varint's low 32 bits, unsigned; the high 32 go to `this.hi`. No tuple per call: the
   * decoder reads one varint per tag, length and number, so the allocation showed in profiles.
   */
  readVarint(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        this.hi = 0;
        return b;
      }
    }
    return this.slowVarint();
  }

  private slowVarint(): number {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) throw new ProtoWireError('proto: integer overflow');
      if (this.pos >= this.end) throw new ProtoWireError(unexpectedEOF);
      const b = this.buf[this.pos++] as number;
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else if (shift < 64) hi |= bits << (shift - 32);
      if (b < 0x80) break;
    }
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  /** A varint as [low 32 bits, high 32 bits], both unsigned. Go: at most 10 bytes. */
  varint(): [number, number] {
    const lo = this.readVarint();
    return [lo, this.hi];
  }

  /** A varint that must fit a JS number exactly (tags, lengths). */
  uvarint(): number {
    const lo = this.readVarint();
    const hi = this.hi;
    if (hi > 0x1fffff) return Number.MAX_SAFE_INTEGER + 1;
    return hi * 0x100000000 + lo;
  }

  /** The field number of the next tag (Go's int32(wire >> 3)); its wire type goes to `this.wire`. */
  readTag(): number {
    const lo = this.readVarint();
    // Go keeps the tag in a uint64 and takes int32(wire >> 3): bits above 35 are dropped.
    this.wire = lo & 7;
    return ((lo >>> 3) | (this.hi << 29)) | 0;
  }

  tag(): { field: number; wire: number } {
    const field = this.readTag();
    return { field, wire: this.wire };
  }

  /**
   * Skips a length-delimited payload and returns where it starts; it ends at `this.pos` after
   * the call. The tuple-free form of `lengthDelimited`.
   */
  delimited(): number {
    const lo = this.readVarint();
    const hi = this.hi;
    // Go converts the length to int: 2^63 and above is negative.
    if (hi >= 0x80000000) throw new ProtoWireError('proto: negative length found during unmarshaling');
    const start = this.pos;
    const stop = start + (hi * 0x100000000 + lo);
    if (stop > this.end) throw new ProtoWireError(unexpectedEOF);
    this.pos = stop;
    return start;
  }

  /** The bounds of a length-delimited payload; advances past it. */
  lengthDelimited(): [number, number] {
    const start = this.delimited();
    return [start, this.pos];
  }

  /**
   * An int64 varint as a number when it is within ±2^53 (exact), else as a bigint, so that
   * the common small values cost no BigInt arithmetic.
   */
  int64(): number | bigint {
    const lo = this.readVarint();
    const hi = this.hi;
    if (hi < 0x200000) return hi * 0x100000000 + lo;
    // Negative values down to -2^53: hi is the two's complement high word.
    if (hi >= 0xffe00000) return (hi - 0x100000000) * 0x100000000 + lo;
    return int64Of([lo, hi]);
  }

  /** A uint64 varint as a number below 2^53, else a bigint. */
  uint64(): number | bigint {
    const lo = this.readVarint();
    const hi = this.hi;
    if (hi < 0x200000) return hi * 0x100000000 + lo;
    return uint64Of([lo, hi]);
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtoWireError(unexpectedEOF);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)) >>> 0;
  }

  fixed64(): [number, number] {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return [lo, hi];
  }

  /** Skips one field's value (Go's skipGenerated), groups included. */
  skip(wire: number): void {
    let depth = 0;
    for (;;) {
      switch (wire) {
        case WireType.varint:
          this.readVarint();
          break;
        case WireType.fixed64:
          if (this.pos + 8 > this.end) throw new ProtoWireError(unexpectedEOF);
          this.pos += 8;
          break;
        case WireType.bytes:
          this.delimited();
          break;
        case WireType.startGroup:
          depth++;
          break;
        case WireType.endGroup:
          if (depth === 0) throw new ProtoWireError('proto: unexpected end of group');
          depth--;
          break;
        case WireType.fixed32:
          if (this.pos + 4 > this.end) throw new ProtoWireError(unexpectedEOF);
          this.pos += 4;
          break;
        default:
          throw new ProtoWireError(`proto: illegal wireType ${wire}`);
      }
      if (depth === 0) return;
      if (this.pos >= this.end) throw new ProtoWireError(unexpectedEOF);
      this.readTag();
      wire = this.wire;
    }
  }
}

/** Signed 64-bit value of a varint, as a bigint. */
export function int64Of([lo, hi]: [number, number]): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

export function uint64Of([lo, hi]: [number, number]): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Bytes a varint of a non-negative integer below 2^53 takes. */
function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** A growable buffer written front to back. */
export class ProtoWriter {
  // A Buffer so that strings are written into it natively, without a Buffer per string.
  private buf: Buffer = Buffer.allocUnsafe(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  get length(): number {
    return this.len;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** A non-negative integer below 2^53. */
  uvarint(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    let len = this.len;
    // Bit operations while the value fits 31 bits (tags, lengths, most numbers), division beyond.
    while (n > 0x7fffffff) {
      buf[len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    while (n >= 0x80) {
      buf[len++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[len++] = n;
    this.len = len;
  }

  /** A 64-bit value given as its low and high 32 bits, unsigned. */
  private varintParts(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let len = this.len;
    while (hi !== 0 || lo >= 0x80) {
      buf[len++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[len++] = lo;
    this.len = len;
  }

  /** Any 64-bit value (negative numbers as two's complement, 10 bytes, like Go's uint64(x)). */
  varint64(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.varintParts(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  /** int32/int64/bool/enum values as Go writes them: uint64(int64(x)). */
  varintInt(n: number): void {
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER) this.uvarint(n);
    else if (n < 0 && n >= Number.MIN_SAFE_INTEGER) {
      // Two's complement without a BigInt: hi is the (negative) high word, lo the low word.
      const hi = Math.floor(n / 0x100000000);
      this.varintParts(n - hi * 0x100000000, hi >>> 0);
    } else this.varint64(BigInt(n));
  }

  tag(field: number, wire: number): void {
    this.uvarint(field * 8 + wire);
  }

  bytes(data: Uint8Array): void {
    this.uvarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** A string as length-delimited UTF-8, written straight into the buffer. */
  string(s: string): void {
    const n = s.length;
    // ASCII (most Kubernetes strings) is as many bytes as characters: copy the codes under a
    // length prefix for n bytes; on the first other character start over with the real length.
    if (n < 0x80) {
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.len;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + 1 + i] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.len = start + 1 + n;
        return;
      }
    }
    const size = Buffer.byteLength(s, 'utf8');
    this.uvarint(size);
    this.ensure(size);
    this.len += this.buf.write(s, this.len, size, 'utf8');
  }

  fixed32(n: number): void {
    this.ensure(4);
    for (let i = 0; i < 4; i++) {
      this.buf[this.len++] = n & 0xff;
      n >>>= 8;
    }
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** Starts a length-delimited field whose length is patched by `finish`. */
  fork(): number {
    // One byte for the length: most embedded messages are shorter than 128 bytes, and only
    // longer ones move their payload on finish.
    this.ensure(1);
    const at = this.len;
    this.len += 1;
    return at;
  }

  finish(at: number): void {
    const payloadStart = at + 1;
    const payloadLen = this.len - payloadStart;
    if (payloadLen < 0x80) {
      this.buf[at] = payloadLen;
      return;
    }
    const extra = uvarintSize(payloadLen) - 1;
    this.ensure(extra);
    const buf = this.buf;
    buf.copyWithin(payloadStart + extra, payloadStart, this.len);
    this.len += extra;
    let n = payloadLen;
    let p = at;
    while (n >= 0x80) {
      buf[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[p] = n;
  }

  finishBytes(): Uint8Array {
    // A copy in a plain Uint8Array of its own (Buffer#slice would be a view of the scratch).
    return new Uint8Array(this.buf.subarray(0, this.len));
  }
}
