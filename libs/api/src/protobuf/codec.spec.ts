// Hand-built wire cases: Go unmarshal semantics, special types, and every malformed-input path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../meta';
import { isStatusError } from '../status';
import { decodeProtobufMessage, decodeProtobufObject, protobufMagic } from './decode';
import { encodeProtobufObject, encodeProtobufMessage } from './encode';
import { protobufKinds, protobufMessage, protobufMessageForKind, type MessageInfo } from './table';
import { ProtoWriter, WireType } from './wire';

const dir = join(__dirname, 'fixtures');
const json = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as JsonObject;

type Part = [field: number, wire: number, value: number | bigint | string | Uint8Array];

/** Serializes fields in the given order (tests control order, duplicates and wire types). */
function msg(...parts: Part[]): Uint8Array {
  const w = new ProtoWriter();
  for (const [field, wire, value] of parts) {
    w.tag(field, wire);
    if (wire === WireType.varint) w.varint64(BigInt(value as number | bigint));
    else if (wire === WireType.bytes) w.bytes(typeof value === 'string' ? Buffer.from(value, 'utf8') : (value as Uint8Array));
    else if (wire === WireType.fixed32) w.fixed32(value as number);
    else if (wire === WireType.fixed64) {
      w.fixed32(Number(BigInt(value as number) & 0xffffffffn));
      w.fixed32(Number(BigInt(value as number) >> 32n));
    }
  }
  return w.finishBytes();
}

const b = WireType.bytes;
const v = WireType.varint;

function envelope(apiVersion: string, kind: string, raw?: Uint8Array): Uint8Array {
  const parts: Part[] = [[1, b, msg([1, b, apiVersion], [2, b, kind])]];
  if (raw !== undefined) parts.push([2, b, raw]);
  parts.push([3, b, ''], [4, b, '']);
  return Uint8Array.from([...protobufMagic, ...msg(...parts)]);
}

function num(message: string, jsonName: string): number {
  const f = (protobufMessage(message) as MessageInfo).json.get(jsonName);
  if (f === undefined) throw new Error(`${message}.${jsonName}?`);
  return f.number;
}

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isStatusError(e)).toBe(true);
    if (!isStatusError(e)) throw e;
    expect(e.code).toBe(400);
    expect(e.reason).toBe('BadRequest');
    return e.message;
  }
  throw new Error('expected a 400');
}

const core = 'k8s.io.api.core.v1';
const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

describe('decodeProtobufObject', () => {
  it('decodes an empty raw as the zero object', () => {
    expect(decodeProtobufObject(envelope('v1', 'Namespace')).object).toEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const cm = encodeProtobufMessage(json('configmap'), 'v1', 'ConfigMap');
    const group = Uint8Array.from([(103 << 3) | 3, 0x08, 0x01, (5 << 3) | 3, (5 << 3) | 4, (103 << 3) | 4]);
    const extra = msg([100, v, 7], [101, WireType.fixed64, 1], [102, b, 'x'], [104, WireType.fixed32, 9]);
    const raw = Uint8Array.from([...extra, ...cm, ...group]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).object).toEqual(json('configmap'));
  });

  it('merges repeated occurrences of a message field and keeps the last scalar', () => {
    const raw = msg([1, b, msg([1, b, 'first'], [3, b, 'ns'])], [1, b, msg([1, b, 'second'])]);
    const obj = decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).object;
    expect(obj['metadata']).toEqual({ name: 'second', namespace: 'ns', creationTimestamp: null });
  });

  it('accepts packed and unpacked repeated scalars alike', () => {
    const sc = num(`${core}.PodSpec`, 'securityContext');
    const groups = num(`${core}.PodSecurityContext`, 'supplementalGroups');
    const spec = num(`${core}.Pod`, 'spec');
    const packed = new ProtoWriter();
    for (const g of [1000, 2000, 3000]) packed.uvarint(g);
    const viaPacked = msg([spec, b, msg([sc, b, msg([groups, b, packed.finishBytes()])])]);
    const viaUnpacked = msg([spec, b, msg([sc, b, msg([groups, v, 1000], [groups, v, 2000], [groups, v, 3000])])]);
    const get = (raw: Uint8Array) =>
      ((decodeProtobufObject(envelope('v1', 'Pod', raw)).object['spec'] as JsonObject)['securityContext'] as JsonObject)['supplementalGroups'];
    expect(get(viaPacked)).toEqual([1000, 2000, 3000]);
    expect(get(viaUnpacked)).toEqual([1000, 2000, 3000]);
  });

  it('reads int64 values as JSON numbers and negative int32 from 10-byte varints', () => {
    const raw = msg([num(`${'k8s.io.api.scheduling.v1'}.PriorityClass`, 'value'), v, -7n]);
    expect(decodeProtobufObject(envelope('scheduling.k8s.io/v1', 'PriorityClass', raw)).object['value']).toBe(-7);
    const gen = msg([1, b, msg([7, v, 2n ** 40n])]);
    expect((decodeProtobufObject(envelope('v1', 'ConfigMap', gen)).object['metadata'] as JsonObject)['generation']).toBe(2 ** 40);
  });

  // The decoder reads 64-bit varints as numbers while within ±2^53 and as bigints beyond: both
  // sides of each boundary, and a JSON number exactly as Number(bigint) rounds it.
  it('reads int64 values exactly on both sides of ±2^53 and at the extremes', () => {
    const generation = (n: bigint) =>
      (decodeProtobufObject(envelope('v1', 'ConfigMap', msg([1, b, msg([7, v, n])]))).object['metadata'] as JsonObject)['generation'];
    // omitempty: zero is left out, whichever way it was read.
    expect(generation(0n)).toBeUndefined();
    for (const n of [1n, 127n, 128n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n]) {
      expect(generation(n)).toBe(Number(n));
      expect(generation(-n)).toBe(Number(-n));
    }
    expect(generation(-(2n ** 63n))).toBe(-(2 ** 63));
    // 2^64 - 1 on the wire is int64 -1.
    expect(generation(2n ** 64n - 1n)).toBe(-1);
  });

  it('reads negative and extreme int32 values from 10-byte varints', () => {
    const replicas = (n: bigint) =>
      (decodeProtobufObject(envelope('apps/v1', 'Deployment', msg([2, b, msg([1, v, n])]))).object['spec'] as JsonObject)['replicas'];
    for (const n of [-1n, -128n, -(2n ** 31n), 2n ** 31n - 1n, 0n, 300n]) expect(replicas(n)).toBe(Number(n));
    // Go's int32(x) keeps the low 32 bits of a wider value.
    expect(replicas(2n ** 32n + 5n)).toBe(5);
  });

  it('reads times from int64 seconds, negative ones included', () => {
    const created = (seconds: bigint) =>
      (decodeProtobufObject(envelope('v1', 'ConfigMap', msg([1, b, msg([8, b, msg([1, v, seconds])])]))).object['metadata'] as JsonObject)[
        'creationTimestamp'
      ];
    expect(created(0n)).toBe('1970-01-01T00:00:00Z');
    expect(created(-1n)).toBe('1969-12-31T23:59:59Z');
    expect(created(1700000000n)).toBe('2023-11-14T22:13:20Z');
    expect(created(-62135596800n)).toBeNull();
    expect(created(253402300799n)).toBe('9999-12-31T23:59:59Z');
  });

  it('appends packed runs of multi-byte and negative varints to unpacked values', () => {
    const sc = num(`${core}.PodSpec`, 'securityContext');
    const groups = num(`${core}.PodSecurityContext`, 'supplementalGroups');
    const spec = num(`${core}.Pod`, 'spec');
    const packed = new ProtoWriter();
    for (const g of [0n, 300n, 2n ** 40n, -1n, 2n ** 60n]) packed.varint64(g);
    const raw = msg([spec, b, msg([sc, b, msg([groups, v, 7], [groups, b, packed.finishBytes()], [groups, v, 8])])]);
    const pod = decodeProtobufObject(envelope('v1', 'Pod', raw)).object;
    expect(((pod['spec'] as JsonObject)['securityContext'] as JsonObject)['supplementalGroups']).toEqual([7, 0, 300, 2 ** 40, -1, 2 ** 60, 8]);
    // A packed run cut short is a 400, not a partial list.
    const cut = packed.finishBytes().subarray(0, 4);
    expect(badRequest(() => decodeProtobufObject(envelope('v1', 'Pod', msg([spec, b, msg([sc, b, msg([groups, b, cut])])]))))).toContain('unexpected EOF');
  });

  it('decodes short and long strings, ASCII or not, as Go does', () => {
    const data = num(`${core}.ConfigMap`, 'data');
    const values = [
      '',
      'a',
      'x'.repeat(16),
      'y'.repeat(17),
      'é',
      'naïve café',
      '日本語のラベルの値はとても長いです',
      '😀 emoji past the BMP and longer than sixteen bytes 😀',
      '\ufeffstarts with a BOM, which Go keeps',
      'ends with a BOM\ufeff',
      '\u0000\u007f control characters',
    ];
    const raw = msg(...values.map((s, i): Part => [data, b, msg([1, b, `k${String(i).padStart(2, '0')}`], [2, b, s])]));
    const out = decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).object['data'] as JsonObject;
    expect(Object.values(out)).toEqual(values);
    // Invalid UTF-8 past the short-string length still goes byte by byte.
    const long = Uint8Array.from([...Buffer.from('a long prefix of ascii '), 0xf0, 0x9f, 0x98, 0x41, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]);
    const bad = msg([data, b, msg([1, b, 'k'], [2, b, long])]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', bad)).object['data']).toEqual({
      k: 'a long prefix of ascii \ufffd\ufffd\ufffdA\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd',
    });
  });

  it('sorts map keys by code point, as Go sorts UTF-8 bytes', () => {
    const raw = msg(...['😀', '\uffff', 'ab', 'a', '', 'Z', '\ud7ff'].map((k): Part => [1, b, msg([11, b, msg([1, b, k], [2, b, 'v'])])]));
    const labels = (decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).object['metadata'] as JsonObject)['labels'] as JsonObject;
    expect(Object.keys(labels)).toEqual(['', 'Z', 'a', 'ab', '\ud7ff', '\uffff', '😀']);
  });

  it('turns bytes into base64 and a map entry without a value into the zero value', () => {
    const data = num(`${core}.Secret`, 'data');
    const raw = msg([data, b, msg([1, b, 'k'], [2, b, Uint8Array.of(0, 255)])], [data, b, msg([1, b, 'novalue'])]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw)).object['data']).toEqual({ k: 'AP8=', novalue: '' });
  });

  it('keeps a __proto__ map key as data', () => {
    const raw = msg([1, b, msg([11, b, msg([1, b, '__proto__'], [2, b, 'x'])])]);
    const labels = (decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).object['metadata'] as JsonObject)['labels'] as JsonObject;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(['__proto__']);
    expect(JSON.stringify(labels)).toBe('{"__proto__":"x"}');
  });

  it('replaces invalid UTF-8 byte by byte, as Go does', () => {
    const data = num(`${core}.ConfigMap`, 'data');
    const raw = msg([data, b, msg([1, b, 'k'], [2, b, Uint8Array.of(0x61, 0xff, 0xe2, 0x82, 0x62, 0xed, 0xa0, 0x80)])]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).object['data']).toEqual({ k: 'a\ufffd\ufffd\ufffdb\ufffd\ufffd\ufffd' });
  });

  describe('metav1.Time and MicroTime', () => {
    const ct = (ts: Uint8Array) => {
      const obj = decodeProtobufObject(envelope('v1', 'ConfigMap', msg([1, b, msg([8, b, ts])]))).object;
      return (obj['metadata'] as JsonObject)['creationTimestamp'];
    };
    it('drops nanoseconds and formats RFC 3339 in UTC', () => {
      expect(ct(msg([1, v, 1714979289], [2, v, 987654321]))).toBe('2024-05-06T07:08:09Z');
      expect(ct(msg([1, v, 0]))).toBe('1970-01-01T00:00:00Z');
      expect(ct(msg([1, v, -1]))).toBe('1969-12-31T23:59:59Z');
    });
    it('reads an empty message and the zero time as null', () => {
      expect(ct(new Uint8Array(0))).toBeNull();
      expect(ct(msg([1, v, -62135596800n]))).toBeNull();
    });
    it('truncates MicroTime to microseconds and normalizes negative nanoseconds', () => {
      const spec = num('k8s.io.api.coordination.v1.Lease', 'spec');
      const acquire = num('k8s.io.api.coordination.v1.LeaseSpec', 'acquireTime');
      const at = (ts: Uint8Array) =>
        (decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', msg([spec, b, msg([acquire, b, ts])]))).object['spec'] as JsonObject)['acquireTime'];
      expect(at(msg([1, v, 1714979289], [2, v, 123456789]))).toBe('2024-05-06T07:08:09.123456Z');
      expect(at(msg([1, v, 1714979289], [2, v, -1500n]))).toBe('2024-05-06T07:08:08.999999Z');
      expect(at(msg([1, v, -62135596800n], [2, v, 999]))).toBeNull();
    });
  });

  describe('special types', () => {
    const port = (ios: Uint8Array) => {
      // Service.spec.ports[0].targetPort
      const sp = msg([num(`${core}.ServicePort`, 'targetPort'), b, ios]);
      const spec = msg([num(`${core}.ServiceSpec`, 'ports'), b, sp]);
      const obj = decodeProtobufObject(envelope('v1', 'Service', msg([num(`${core}.Service`, 'spec'), b, spec]))).object;
      return (((obj['spec'] as JsonObject)['ports'] as JsonValue[])[0] as JsonObject)['targetPort'];
    };
    it('renders IntOrString as a number or a string', () => {
      expect(port(msg([1, v, 0], [2, v, 8080], [3, b, '']))).toBe(8080);
      expect(port(msg([1, v, 1], [2, v, 0], [3, b, 'http']))).toBe('http');
      expect(port(new Uint8Array(0))).toBe(0);
      expect(badRequest(() => port(msg([1, v, 2])))).toContain('impossible IntOrString.Type');
    });

    it('checks quantities with ParseQuantity’s grammar', () => {
      const limits = (q: string) => {
        const rr = msg([num(`${core}.ResourceRequirements`, 'limits'), b, msg([1, b, 'cpu'], [2, b, msg([1, b, q])])]);
        const c = msg([1, b, 'c'], [num(`${core}.Container`, 'resources'), b, rr]);
        const spec = msg([num(`${core}.PodSpec`, 'containers'), b, c]);
        return decodeProtobufObject(envelope('v1', 'Pod', msg([2, b, spec]))).object;
      };
      for (const good of ['1', '1500m', '1.5', '64Mi', '1e3', '-2', '0', '.5k']) expect(() => limits(good)).not.toThrow();
      expect(badRequest(() => limits(''))).toContain('quantities must match the regular expression');
      expect(badRequest(() => limits('abc'))).toContain('quantities must match the regular expression');
      expect(badRequest(() => limits('1.2.3'))).toContain('unable to parse numeric part of quantity');
      expect(badRequest(() => limits('1Qi'))).toContain('quantities must match');
      expect(badRequest(() => limits('1iK'))).toContain("unable to parse quantity's suffix");
      // Valid quantities are remembered (bounded): a second look, or many distinct ones, change
      // nothing about what is accepted.
      for (const good of ['1500m', '64Mi']) expect((limits(good)['spec'] as JsonObject)['containers']).toBeDefined();
      for (let i = 0; i < 1500; i++) expect(() => limits(`${i}Mi`)).not.toThrow();
      expect(badRequest(() => limits('1.2.3'))).toContain('unable to parse numeric part of quantity');
      expect(badRequest(() => limits('1iK'))).toContain("unable to parse quantity's suffix");
    });

    it('embeds RawExtension JSON and rejects raw bytes that are not JSON', () => {
      const cr = (raw: Uint8Array) =>
        decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', msg([num('k8s.io.api.apps.v1.ControllerRevision', 'data'), b, msg([1, b, raw])]))).object;
      expect(cr(Buffer.from(' {"a": [1, 2]} '))['data']).toEqual({ a: [1, 2] });
      expect(badRequest(() => cr(Uint8Array.of(0x0a, 0x01)))).toContain('json parse error');
    });

    it('renders metav1.Duration like Go (no served kind carries one; checked through the table)', () => {
      // Duration is in the table for completeness; exercised by go-values.spec.ts.
      expect(protobufMessage(`${meta}.Duration`)?.special).toBe('duration');
    });
  });

  describe('rejects malformed input with a 400', () => {
    it('on empty bodies, wrong magic and a bare magic', () => {
      expect(badRequest(() => decodeProtobufObject(new Uint8Array(0)))).toBe('empty data');
      expect(badRequest(() => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}')))).toBe(
        'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
      );
      expect(badRequest(() => decodeProtobufObject(protobufMagic))).toBe('empty body');
      expect(badRequest(() => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}'), { apiVersion: 'v1', kind: 'Namespace' }))).toBe(
        'the object provided is unrecognized (must be of type Namespace): provided data does not appear to be a protobuf message, ' +
          'expected prefix [107 56 115 0] ({"kind":"Namespace"})',
      );
    });

    it('on truncation anywhere (or decodes a prefix that is itself complete)', () => {
      for (const name of ['deployment', 'crd', 'secret']) {
        const full = new Uint8Array(readFileSync(join(dir, `${name}.pb`)));
        for (let n = 0; n < full.length; n++) {
          try {
            decodeProtobufObject(full.subarray(0, n));
          } catch (e) {
            expect(isStatusError(e) && e.code === 400).toBe(true);
          }
        }
      }
    });

    it('on wire-level errors', () => {
      const cm = (raw: Uint8Array) => decodeProtobufObject(envelope('v1', 'ConfigMap', raw));
      expect(badRequest(() => cm(msg([1, v, 5])))).toContain('proto: wrong wireType = 0 for field metadata');
      expect(badRequest(() => cm(Uint8Array.of(0x00, 0x00)))).toContain('illegal tag 0');
      expect(badRequest(() => cm(Uint8Array.of(0x0c)))).toContain('wiretype end group for non-group');
      expect(badRequest(() => cm(Uint8Array.of(0x0a, 0x05, 0x0a)))).toContain('unexpected EOF');
      expect(badRequest(() => cm(Uint8Array.of(0x20, ...new Array<number>(10).fill(0xff), 0x01)))).toContain('integer overflow');
      expect(badRequest(() => cm(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)))).toContain(
        'negative length',
      );
      expect(badRequest(() => cm(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f)))).toContain('unexpected EOF');
      expect(badRequest(() => cm(Uint8Array.of(0xfb, 0x07)))).toContain('unexpected EOF');
    });

    it('on nesting deeper than the limit', () => {
      let schema: JsonObject = { type: 'string' };
      for (let i = 0; i < 300; i++) schema = { not: schema };
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'deep.example.com' },
        spec: { group: 'example.com', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
      };
      expect(badRequest(() => decodeProtobufObject(encodeProtobufObject(crd)))).toContain('exceeded max depth');
    });

    it('on unknown kinds and on kinds other than expected', () => {
      expect(badRequest(() => decodeProtobufObject(envelope('v1', 'Widget')))).toContain('no kind "Widget" is registered for version "v1"');
      expect(badRequest(() => decodeProtobufObject(envelope('v1beta1', 'Namespace')))).toContain('no kind "Namespace" is registered');
      const ns = envelope('v1', 'Namespace');
      expect(badRequest(() => decodeProtobufObject(ns, { apiVersion: 'v1', kind: 'ConfigMap' }))).toContain(
        'Namespace in version "v1" cannot be handled as a ConfigMap',
      );
      expect(badRequest(() => decodeProtobufObject(envelope('apps/v1', 'DeleteOptions'), { apiVersion: 'v1', kind: 'DeleteOptions' }))).toBe(
        'the API version in the data (apps/v1) does not match the expected API version (v1)',
      );
      expect(badRequest(() => decodeProtobufObject(envelope('', '')))).toContain("Object 'Kind' is missing");
    });

    it('takes a missing kind or version from the expected one, like kube-apiserver’s defaulting', () => {
      const d = decodeProtobufObject(envelope('', '', msg([1, b, msg([1, b, 'x'])])), { apiVersion: 'v1', kind: 'ConfigMap' });
      expect(d.kind).toBe('ConfigMap');
      expect(d.apiVersion).toBe('v1');
      expect(d.object['metadata']).toEqual({ name: 'x', creationTimestamp: null });
    });
  });
});

describe('encodeProtobufObject', () => {
  it('fails with a 500 on objects it cannot represent', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isStatusError(e) ? e.code : -1;
      }
      return 0;
    };
    expect(code(() => encodeProtobufObject({ kind: 'ConfigMap' }))).toBe(500);
    expect(code(() => encodeProtobufObject({ apiVersion: 'example.com/v1', kind: 'Widget' }))).toBe(500);
    expect(code(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', data: 'x' }))).toBe(500);
    expect(code(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generation: 1.5 } }))).toBe(500);
  });

  it('writes unset struct fields with their zero values and omits nil pointers', () => {
    // kubectl create namespace: the full envelope of kubernetes-api-wire.md §1.
    const bytes = encodeProtobufObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a00320038004200' + '12001a020a00' + '1a002200',
    );
  });

  // The writer copies ASCII straight into its buffer and encodes other strings natively.
  it('writes strings as Go does: UTF-8, lone surrogates as U+FFFD, any length', () => {
    for (const s of ['', 'plain', 'é', '日本語', '😀', 'x\ud800y', '\udc00', 'a'.repeat(127), 'a'.repeat(128), 'é'.repeat(64), 'z'.repeat(20000)]) {
      const bytes = encodeProtobufMessage({ metadata: { name: s } }, 'v1', 'ConfigMap');
      const name = Buffer.from(s, 'utf8');
      // ObjectMeta.name (1) as Buffer.from(s) would write it, inside ConfigMap.metadata.
      expect(Buffer.from(bytes).indexOf(Buffer.from(msg([1, b, name])))).toBeGreaterThan(0);
      const back = decodeProtobufMessage(bytes, 'v1', 'ConfigMap');
      expect((back['metadata'] as JsonObject)['name'] ?? '').toBe(name.toString('utf8'));
    }
  });

  it('writes negative integers as 10-byte varints and int64 exactly beyond 2^53', () => {
    const dep = (replicas: number, grace: number) =>
      encodeProtobufMessage({ spec: { replicas, template: { spec: { terminationGracePeriodSeconds: grace } } } }, 'apps/v1', 'Deployment');
    const hex = Buffer.from(dep(-1, 1)).toString('hex');
    // DeploymentSpec.replicas (1, varint): int32 -1 as uint64(int64(-1)).
    expect(hex).toContain('08ffffffffffffffffff01');
    for (const n of [-1, -(2 ** 31), 2 ** 31 - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 + 2, -(2 ** 60), 2 ** 62]) {
      const w = new ProtoWriter();
      w.varint64(BigInt(n));
      const expected = Buffer.from(w.finishBytes()).toString('hex');
      // PodSpec.terminationGracePeriodSeconds is field 4 (tag 0x20).
      expect(Buffer.from(dep(1, n)).toString('hex')).toContain(`20${expected}`);
      const back = decodeProtobufMessage(dep(1, n), 'apps/v1', 'Deployment');
      expect((((back['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['terminationGracePeriodSeconds']).toBe(n);
    }
  });

  it('patches lengths of one, two and three bytes around large embedded messages', () => {
    for (const count of [1, 20, 2000]) {
      const env = Array.from({ length: count }, (_, i) => ({ name: `E${i}`, value: 'v'.repeat(i % 50) }));
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', env }] } };
      const back = decodeProtobufObject(encodeProtobufObject(pod)).object;
      const containers = (back['spec'] as JsonObject)['containers'] as JsonObject[];
      expect(containers[0]?.['env']).toEqual(env.map((e) => (e.value === '' ? { name: e.name } : e)));
    }
  });

  it('accepts JSON numbers for quantities and null for nil fields', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', deletionTimestamp: null, labels: null },
      spec: { hard: { pods: 10 } },
    };
    expect((decodeProtobufObject(encodeProtobufObject(obj)).object['spec'] as JsonObject)['hard']).toEqual({ pods: '10' });
  });
});

describe('the message table', () => {
  it('knows every served kind and the meta kinds of each group-version', () => {
    const kinds = new Set(protobufKinds().map((k) => `${k.apiVersion} ${k.kind}`));
    for (const k of [
      'v1 Pod',
      'v1 Status',
      'v1 APIResourceList',
      'apps/v1 Deployment',
      'apps/v1 DeleteOptions',
      'autoscaling/v1 Scale',
      'policy/v1 Eviction',
      'authentication.k8s.io/v1 TokenRequest',
      'authorization.k8s.io/v1 SelfSubjectAccessReview',
      'apiextensions.k8s.io/v1 CustomResourceDefinition',
      'meta.k8s.io/v1 PartialObjectMetadataList',
      'meta.k8s.io/v1 DeleteOptions',
      'apidiscovery.k8s.io/v2 APIGroupDiscoveryList',
    ]) {
      expect(kinds.has(k), k).toBe(true);
    }
    expect(kinds.has('apps/v1beta1 Deployment')).toBe(false);
  });

  it('maps proto field names to JSON names', () => {
    const props = protobufMessage('k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps') as MessageInfo;
    const byProto = new Map(props.fields.map((f) => [f.protoName, f.json]));
    expect(byProto.get('ref')).toBe('$ref');
    expect(byProto.get('schema')).toBe('$schema');
    expect(byProto.get('xKubernetesPreserveUnknownFields')).toBe('x-kubernetes-preserve-unknown-fields');
    expect(byProto.get('default')).toBe('default');
    expect(protobufMessageForKind('apps/v1', 'Deployment')?.openapi).toBe('io.k8s.api.apps.v1.Deployment');
    const volume = protobufMessage(`${core}.Volume`) as MessageInfo;
    expect(volume.fields.find((f) => f.protoName === 'volumeSource')?.inline).toBe(true);
  });
});
