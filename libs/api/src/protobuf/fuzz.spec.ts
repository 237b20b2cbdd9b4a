// Property tests: no input makes the decoder do anything but return an object or throw a 400,
// and whatever it decodes, the encoder writes back to bytes that decode to the same object.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../meta';
import { isStatusError } from '../status';
import { decodeProtobufObject, protobufMagic } from './decode';
import { encodeProtobufObject } from './encode';

const dir = join(__dirname, 'fixtures');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.pb'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(dir, f))));

function decodeOr400(body: Uint8Array): ReturnType<typeof decodeProtobufObject> | undefined {
  try {
    return decodeProtobufObject(body);
  } catch (e) {
    if (!isStatusError(e) || e.code !== 400) throw e;
    return undefined;
  }
}

/** encoding/json turns null into nil pointers and slices, which then vanish: compare without them. */
function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

function reencodes(decoded: NonNullable<ReturnType<typeof decodeOr400>>): void {
  let bytes: Uint8Array;
  try {
    bytes = encodeProtobufObject(decoded.object);
  } catch (e) {
    // Only values Go itself cannot read back (e.g. a year past 9999) may fail, and only as a Status.
    expect(isStatusError(e)).toBe(true);
    return;
  }
  expect(withoutNulls(decodeProtobufObject(bytes).object)).toEqual(withoutNulls(decoded.object));
}

const mutation = fc.record({
  fixture: fc.nat({ max: fixtures.length - 1 }),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 8 }),
  truncate: fc.option(fc.nat()),
});

describe('protobuf decoder under arbitrary input', () => {
  it('never fails other than with a 400 on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withMagic) => {
        const body = withMagic ? Uint8Array.from([...protobufMagic, ...bytes]) : bytes;
        const decoded = decodeOr400(body);
        if (decoded !== undefined) reencodes(decoded);
      }),
      { numRuns: 3000 },
    );
  });

  it('never fails other than with a 400 on mutated real objects, and re-encodes what it accepts', () => {
    fc.assert(
      fc.property(mutation, ({ fixture, edits, truncate }) => {
        const body = [...(fixtures[fixture] as Uint8Array)];
        for (const [at, byte, op] of edits) {
          // Keep the magic intact so the mutations reach the envelope and the object.
          const i = 4 + (at % Math.max(1, body.length - 4));
          if (op === 'set') body[i] = byte;
          else if (op === 'insert') body.splice(i, 0, byte);
          else body.splice(i, 1);
        }
        const cut = truncate === null ? body : body.slice(0, truncate % (body.length + 1));
        const decoded = decodeOr400(Uint8Array.from(cut));
        if (decoded !== undefined) reencodes(decoded);
      }),
      { numRuns: 3000 },
    );
  });

  it('terminates on deeply nested groups in unknown fields', () => {
    const groups = new Array<number>(50_000).fill((15 << 3) | 3);
    const raw = Uint8Array.from([...groups, ...new Array<number>(50_000).fill((15 << 3) | 4)]);
    const body = Uint8Array.from([...protobufMagic, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x09, ...Buffer.from('Namespace'), 0x12, ...varint(raw.length), ...raw]);
    expect(decodeProtobufObject(body).kind).toBe('Namespace');
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
