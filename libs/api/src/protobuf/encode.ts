// Encoding JSON objects into Kubernetes protobuf, byte for byte as kube-apiserver's Go types
// marshal them: fields in number order, every non-pointer field written even when zero,
// pointers and nil slices/maps omitted, map entries sorted by key, repeated scalars unpacked
// (proto2), negative int32s as 10-byte varints.
import type { JsonObject, JsonValue } from '../meta';
import { statusErrors } from '../status';
import { compareGoStrings, protobufMagic } from './decode';
import { goZeroTimeUnixSeconds, parseGoDuration, parseRFC3339 } from './go-values';
import { protobufMessageForKind, type FieldInfo, type MessageInfo, type ProtoScalar } from './table';
import { ProtoWriter, WireType } from './wire';

class EncodeError extends Error {}

// Module-local copies of the wire types: run from source (tsx), each use of an imported binding
// is a getter call, and these are used per field.
const wireVarint = WireType.varint;
const wireBytes = WireType.bytes;

/** Encodes an object (with apiVersion and kind) as a protobuf body: magic + runtime.Unknown envelope. */
export function encodeProtobufObject(obj: JsonObject): Uint8Array {
  const { apiVersion, kind, info } = kindOf(obj);
  return envelope(apiVersion, kind, (w) => writeMessage(w, info, obj, 1));
}

/**
 * The object's own message, without magic or envelope: what a list embeds per item. Lets a
 * caller encode each stored object once and reuse it in lists (encodeProtobufList).
 */
export function encodeProtobufMessage(obj: JsonObject, apiVersion?: string, kind?: string): Uint8Array {
  const k = kindOf(obj, apiVersion, kind);
  const w = new ProtoWriter();
  guard(k.kind, () => writeMessage(w, k.info, obj, 1));
  return w.finishBytes();
}

export interface ProtobufList {
  apiVersion: string;
  /** The list kind, e.g. ConfigMapList. */
  kind: string;
  metadata?: JsonObject;
  /** Items as JSON objects, or as their encodeProtobufMessage bytes. */
  items: readonly (JsonObject | Uint8Array)[];
}

/** A list response body: the envelope around the <Kind>List message. */
export function encodeProtobufList(list: ProtobufList): Uint8Array {
  const info = protobufMessageForKind(list.apiVersion, list.kind);
  if (info === undefined) throw statusErrors.internal(`no protobuf message for ${list.apiVersion} ${list.kind}`);
  const metaField = info.json.get('metadata');
  const itemsField = info.json.get('items');
  if (metaField?.message === undefined || itemsField?.message === undefined || !itemsField.repeated) {
    throw statusErrors.internal(`${list.kind} is not a list kind`);
  }
  return envelope(list.apiVersion, list.kind, (w) => {
    // ListMeta (1) then items (2), as the generated marshaller orders them.
    for (const f of info.byNumber) {
      if (f === metaField) {
        w.tag(f.number, wireBytes);
        const at = w.fork();
        writeMessage(w, f.message as MessageInfo, list.metadata ?? {}, 2);
        w.finish(at);
      } else if (f === itemsField) {
        for (const item of list.items) {
          w.tag(f.number, wireBytes);
          if (item instanceof Uint8Array) w.bytes(item);
          else {
            const at = w.fork();
            writeMessage(w, f.message as MessageInfo, item, 2);
            w.finish(at);
          }
        }
      } else {
        writeField(w, f, undefined, 2);
      }
    }
  });
}

/**
 * One frame of a protobuf watch stream: a 4-byte big-endian length, then a metav1.WatchEvent
 * whose object is the enveloped object (encodeProtobufObject's bytes).
 */
export function encodeProtobufWatchEvent(type: string, object: Uint8Array): Uint8Array {
  const w = new ProtoWriter();
  w.tag(1, wireBytes);
  w.string(type);
  w.tag(2, wireBytes);
  const at = w.fork();
  w.tag(1, wireBytes);
  w.bytes(object);
  w.finish(at);
  const event = w.finishBytes();
  const frame = new Uint8Array(4 + event.length);
  new DataView(frame.buffer).setUint32(0, event.length, false);
  frame.set(event, 4);
  return frame;
}

function kindOf(obj: JsonObject, apiVersion?: string, kind?: string): { apiVersion: string; kind: string; info: MessageInfo } {
  const av = apiVersion ?? obj['apiVersion'];
  const k = kind ?? obj['kind'];
  if (typeof av !== 'string' || typeof k !== 'string' || av === '' || k === '') {
    throw statusErrors.internal('cannot encode an object without apiVersion and kind as protobuf');
  }
  const info = protobufMessageForKind(av, k);
  if (info === undefined) throw statusErrors.internal(`no protobuf message for ${av} ${k}`);
  return { apiVersion: av, kind: k, info };
}

function guard(kind: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof EncodeError) throw statusErrors.internal(`cannot encode ${kind} as protobuf: ${e.message}`);
    throw e;
  }
}

function envelope(apiVersion: string, kind: string, body: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter();
  w.raw(protobufMagic);
  // runtime.Unknown: typeMeta (1), raw (2), contentEncoding (3), contentType (4), all written.
  w.tag(1, wireBytes);
  const tm = w.fork();
  w.tag(1, wireBytes);
  w.string(apiVersion);
  w.tag(2, wireBytes);
  w.string(kind);
  w.finish(tm);
  w.tag(2, wireBytes);
  const raw = w.fork();
  guard(kind, () => body(w));
  w.finish(raw);
  w.tag(3, wireBytes);
  w.uvarint(0);
  w.tag(4, wireBytes);
  w.uvarint(0);
  return w.finishBytes();
}

const maxDepth = 1000;

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function writeMessage(w: ProtoWriter, info: MessageInfo, v: JsonValue | undefined, depth: number): void {
  if (depth > maxDepth) throw new EncodeError('object is nested too deeply');
  if (info.special !== undefined) {
    writeSpecial(w, info, v ?? null, depth);
    return;
  }
  if (v !== undefined && v !== null && !isObject(v)) throw new EncodeError(`${info.name}: expected an object`);
  const obj = v ?? undefined;
  for (const f of info.byNumber) {
    if (f.inline) {
      // The embedded struct's fields live in this same JSON object.
      w.tag(f.number, wireBytes);
      const at = w.fork();
      writeMessage(w, f.message as MessageInfo, obj ?? {}, depth + 1);
      w.finish(at);
      continue;
    }
    if (f.json === '-') continue;
    writeField(w, f, obj?.[f.json], depth);
  }
}

function writeField(w: ProtoWriter, f: FieldInfo, v: JsonValue | undefined, depth: number): void {
  const isNull = v === undefined || v === null;
  if (f.map) {
    if (isNull) return;
    if (!isObject(v)) throw new EncodeError(`${f.json}: expected an object`);
    for (const key of Object.keys(v).sort(compareGoStrings)) {
      const item = v[key] as JsonValue;
      w.tag(f.number, wireBytes);
      const at = w.fork();
      w.tag(1, wireBytes);
      w.string(key);
      if (f.message !== undefined) {
        w.tag(2, wireBytes);
        const m = w.fork();
        writeMessage(w, f.message, item, depth + 1);
        w.finish(m);
      } else if (!(f.scalar === 'bytes' && item === null)) {
        writeScalar(w, 2, f.wire, f.scalar as ProtoScalar, item, f.json);
      }
      w.finish(at);
    }
    return;
  }
  if (f.repeated) {
    if (isNull) return;
    if (!Array.isArray(v)) throw new EncodeError(`${f.json}: expected an array`);
    if (f.message !== undefined) {
      for (const item of v) {
        w.tag(f.number, wireBytes);
        const at = w.fork();
        writeMessage(w, f.message, item, depth + 1);
        w.finish(at);
      }
    } else if (f.packed && f.scalar !== 'string' && f.scalar !== 'bytes') {
      if (v.length === 0) return;
      w.tag(f.number, wireBytes);
      const at = w.fork();
      for (const item of v) writeScalarValue(w, f.scalar as ProtoScalar, item, f.json);
      w.finish(at);
    } else {
      for (const item of v) writeScalar(w, f.number, f.wire, f.scalar as ProtoScalar, item, f.json);
    }
    return;
  }
  if (f.message !== undefined) {
    // Nil pointers and nil named slices (metav1.Verbs) are not written; struct values always are.
    if (isNull && (f.pointer || f.message.special === 'list')) return;
    w.tag(f.number, wireBytes);
    const at = w.fork();
    writeMessage(w, f.message, v, depth + 1);
    w.finish(at);
    return;
  }
  const scalar = f.scalar as ProtoScalar;
  if (isNull && (f.pointer || scalar === 'bytes')) return;
  writeScalar(w, f.number, f.wire, scalar, v ?? null, f.json);
}

/** A tagged scalar; `wire` is the field's precomputed FieldInfo.wire (a map field's is its values'). */
function writeScalar(w: ProtoWriter, field: number, wire: number, s: ProtoScalar, v: JsonValue | undefined, name: string): void {
  w.tag(field, wire);
  writeScalarValue(w, s, v ?? null, name);
}

function integer(v: JsonValue, name: string, min: number, max: number): number {
  if (v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new EncodeError(`${name}: ${JSON.stringify(v)} is not a valid integer`);
  return v;
}

function writeScalarValue(w: ProtoWriter, s: ProtoScalar, v: JsonValue, name: string): void {
  switch (s) {
    case 'string':
      if (v !== null && typeof v !== 'string') throw new EncodeError(`${name}: expected a string`);
      w.string(v ?? '');
      return;
    case 'bytes':
      if (v !== null && typeof v !== 'string') throw new EncodeError(`${name}: expected a base64 string`);
      w.bytes(Buffer.from(v ?? '', 'base64'));
      return;
    case 'bool':
      if (v !== null && typeof v !== 'boolean') throw new EncodeError(`${name}: expected a boolean`);
      w.byte(v === true ? 1 : 0);
      return;
    case 'int32':
      w.varintInt(integer(v, name, -0x80000000, 0x7fffffff));
      return;
    case 'uint32':
      w.varintInt(integer(v, name, 0, 0xffffffff));
      return;
    case 'int64':
    case 'uint64':
      // Safe integers without a BigInt; beyond 2^53 the same bigint path as before.
      w.varintInt(integer(v, name, -(2 ** 63), 2 ** 64));
      return;
    case 'sint32': {
      const n = integer(v, name, -0x80000000, 0x7fffffff);
      w.uvarint(((n << 1) ^ (n >> 31)) >>> 0);
      return;
    }
    case 'sint64': {
      const n = BigInt(integer(v, name, -(2 ** 63), 2 ** 63));
      w.varint64((n << 1n) ^ (n >> 63n));
      return;
    }
    case 'fixed32':
    case 'sfixed32':
      w.fixed32(integer(v, name, -0x80000000, 0xffffffff) >>> 0);
      return;
    case 'fixed64':
    case 'sfixed64': {
      const n = BigInt.asUintN(64, BigInt(integer(v, name, -(2 ** 63), 2 ** 64)));
      w.fixed32(Number(n & 0xffffffffn));
      w.fixed32(Number(n >> 32n));
      return;
    }
    case 'double':
    case 'float': {
      if (v !== null && typeof v !== 'number') throw new EncodeError(`${name}: expected a number`);
      const dv = new DataView(new ArrayBuffer(8));
      if (s === 'double') {
        dv.setFloat64(0, v ?? 0, true);
        w.fixed32(dv.getUint32(0, true));
        w.fixed32(dv.getUint32(4, true));
      } else {
        dv.setFloat32(0, v ?? 0, true);
        w.fixed32(dv.getUint32(0, true));
      }
      return;
    }
  }
}

function jsonBytes(v: JsonValue): Uint8Array {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

function writeSpecial(w: ProtoWriter, info: MessageInfo, v: JsonValue, depth: number): void {
  switch (info.special) {
    case 'time':
    case 'microTime': {
      if (v === null) return;
      if (typeof v !== 'string') throw new EncodeError(`${info.name}: expected a timestamp string`);
      const t = parseRFC3339(v);
      if (t === undefined) throw new EncodeError(`${info.name}: ${JSON.stringify(v)} is not an RFC 3339 time`);
      // Go writes nothing for the zero time.
      if (t.seconds === goZeroTimeUnixSeconds && (info.special === 'time' || t.nanos === 0)) return;
      // metav1.Time keeps whole seconds only; MicroTime keeps the fraction.
      w.tag(1, wireVarint);
      w.varint64(t.seconds);
      w.tag(2, wireVarint);
      w.varintInt(info.special === 'time' ? 0 : t.nanos);
      return;
    }
    case 'duration': {
      let ns = 0n;
      if (v !== null) {
        const d = typeof v === 'string' ? parseGoDuration(v) : undefined;
        if (d === undefined) throw new EncodeError(`${info.name}: ${JSON.stringify(v)} is not a duration`);
        ns = d;
      }
      w.tag(1, wireVarint);
      w.varint64(ns);
      return;
    }
    case 'quantity': {
      if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw new EncodeError(`${info.name}: expected a quantity`);
      w.tag(1, wireBytes);
      w.string(v === null ? '0' : String(v));
      return;
    }
    case 'intOrString': {
      const isString = typeof v === 'string';
      if (v !== null && !isString && typeof v !== 'number') throw new EncodeError(`${info.name}: expected an integer or a string`);
      w.tag(1, wireVarint);
      w.uvarint(isString ? 1 : 0);
      w.tag(2, wireVarint);
      w.varintInt(isString || v === null ? 0 : integer(v, 'intVal', -0x80000000, 0x7fffffff));
      w.tag(3, wireBytes);
      w.string(isString ? v : '');
      return;
    }
    case 'rawExtension':
    case 'json':
    case 'fieldsV1':
      if (v === null) return;
      w.tag(1, wireBytes);
      w.bytes(jsonBytes(v));
      return;
    case 'schemaOrArray': {
      const schema = info.number.get(1)?.message as MessageInfo;
      if (Array.isArray(v)) {
        for (const item of v) writeEmbedded(w, 2, schema, item, depth);
      } else if (v !== null) writeEmbedded(w, 1, schema, v, depth);
      return;
    }
    case 'schemaOrBool': {
      const schema = info.number.get(2)?.message as MessageInfo;
      w.tag(1, wireVarint);
      w.byte(v === false || v === null ? 0 : 1);
      if (isObject(v)) writeEmbedded(w, 2, schema, v, depth);
      return;
    }
    case 'schemaOrStringArray': {
      const schema = info.number.get(1)?.message as MessageInfo;
      if (Array.isArray(v)) {
        for (const item of v) writeScalar(w, 2, wireBytes, 'string', item, 'property');
      } else if (v !== null) writeEmbedded(w, 1, schema, v, depth);
      return;
    }
    case 'list': {
      const item = info.number.get(1) as FieldInfo;
      if (v === null) return;
      if (!Array.isArray(v)) throw new EncodeError(`${info.name}: expected an array`);
      for (const x of v) {
        if (item.message !== undefined) writeEmbedded(w, 1, item.message, x, depth);
        else writeScalar(w, 1, item.wire, item.scalar as ProtoScalar, x, 'items');
      }
      return;
    }
    default:
      throw new EncodeError(`no encoder for ${info.name}`);
  }
}

function writeEmbedded(w: ProtoWriter, field: number, info: MessageInfo, v: JsonValue, depth: number): void {
  w.tag(field, wireBytes);
  const at = w.fork();
  writeMessage(w, info, v, depth + 1);
  w.finish(at);
}
