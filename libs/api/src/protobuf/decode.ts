// Decoding `application/vnd.kubernetes.protobuf` bodies into the JSON kube-apiserver would write
// for the same object. Two passes: the wire bytes are read into field values with Go's unmarshal
// semantics (last scalar wins, embedded messages merge, repeated fields append, packed or not),
// then rendered with encoding/json's rules taken from the Go struct tags (omitempty, pointers,
// inline embedding) and the special types' own marshallers.
import type { JsonObject, JsonValue } from '../meta';
import { decodeJson } from '../serialization';
import { isStatusError, statusErrors } from '../status';
import { asBuffer, float32Json, formatGoDuration, formatRFC3339, goString, goZeroTimeUnixSeconds } from './go-values';
import { protobufMessageForKind, type FieldInfo, type MessageInfo, type ProtoScalar } from './table';
import { int64Of, ProtoReader, ProtoWireError, uint64Of, WireType } from './wire';

/** "k8s\0": the prefix of every Kubernetes protobuf body. */
export const protobufMagic: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** Nesting of embedded messages a body may have; CRD schemas are the deepest real objects. */
export const maxProtobufDepth = 256;

/** 64-bit integers are numbers while within ±2^53 (exact) and bigints beyond. */
type Scalar = number | bigint | boolean | string | Uint8Array;

/**
 * A decoded message: each field's value at the field's slot (FieldInfo.slot), undefined when
 * absent (repeated: array; map: Map; message: MsgValue). An array by slot rather than a Map by
 * number: the decoder's hottest store and the renderer's hottest load.
 */
interface MsgValue {
  values: unknown[];
  /** Whether any occurrence had a non-empty payload (metav1.Time treats an empty one as zero). */
  nonEmpty: boolean;
}

/** Types whose Go Unmarshal replaces the value instead of merging into it. */
function replaces(info: MessageInfo): boolean {
  return info.special === 'time' || info.special === 'microTime' || info.special === 'quantity';
}

export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  object: JsonObject;
}

/**
 * What the endpoint expects (kube-apiserver's defaulting GVK): it fills an envelope's missing kind
 * or version, and a different kind or apiVersion is a 400. Leave apiVersion out where several are
 * acceptable (DeleteOptions may come as v1, meta.k8s.io/v1 or the endpoint's group-version).
 */
export interface ExpectedKind {
  /** "v1", "apps/v1" */
  apiVersion?: string;
  kind?: string;
}

class DecodeError extends Error {}

/**
 * Decodes a Kubernetes protobuf body (magic, runtime.Unknown envelope, object) into the object's
 * JSON form. Anything malformed, an unknown kind, or a kind other than `expected` → 400.
 */
export function decodeProtobufObject(body: Uint8Array, expected?: ExpectedKind): DecodedProtobufObject {
  const magic = protobufMagic;
  // Failures before the kind is known read as kube-apiserver's transformDecodeError words them.
  const unrecognized = (message: string) =>
    statusErrors.badRequest(
      expected?.kind === undefined ? message : `the object provided is unrecognized (must be of type ${expected.kind}): ${message} (${summarize(body)})`,
    );
  if (body.length === 0) throw unrecognized('empty data');
  if (body.length < magic.length || magic.some((b, i) => body[i] !== b)) {
    throw unrecognized(`provided data does not appear to be a protobuf message, expected prefix [${[...magic].join(' ')}]`);
  }
  if (body.length === magic.length) throw unrecognized('empty body');

  let apiVersion = '';
  let kind = '';
  let raw: [number, number] | undefined;
  try {
    const r = new ProtoReader(body, magic.length);
    while (!r.done) {
      const { field, wire } = r.tag();
      checkTag('Unknown', field, wire);
      if (field === 1 && wire === WireType.bytes) {
        const [s, e] = r.lengthDelimited();
        const tm = new ProtoReader(body, s, e);
        while (!tm.done) {
          const t = tm.tag();
          checkTag('TypeMeta', t.field, t.wire);
          if ((t.field === 1 || t.field === 2) && t.wire === WireType.bytes) {
            const [a, b] = tm.lengthDelimited();
            if (t.field === 1) apiVersion = goString(body, a, b);
            else kind = goString(body, a, b);
          } else if (t.field === 1 || t.field === 2) {
            throw new ProtoWireError(`proto: wrong wireType = ${t.wire} for field ${t.field === 1 ? 'APIVersion' : 'Kind'}`);
          } else tm.skip(t.wire);
        }
      } else if (field === 2 && wire === WireType.bytes) {
        raw = r.lengthDelimited();
      } else if ((field === 3 || field === 4) && wire === WireType.bytes) {
        r.lengthDelimited();
      } else if (field >= 1 && field <= 4) {
        throw new ProtoWireError(`proto: wrong wireType = ${wire} for field ${['TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][field - 1]}`);
      } else r.skip(wire);
    }
  } catch (e) {
    throw unrecognized(errorText(e));
  }

  // kube-apiserver fills a missing kind or version from the endpoint's (copyKindDefaults).
  if (kind === '' && expected?.kind !== undefined) kind = expected.kind;
  if (versionOf(apiVersion) === '' && expected?.apiVersion !== undefined && versionOf(expected.apiVersion) !== '') {
    apiVersion = expected.apiVersion;
  }
  if (kind === '') throw statusErrors.badRequest(`Object 'Kind' is missing in '${typeMetaString(apiVersion, kind)}'`);
  if (versionOf(apiVersion) === '') throw statusErrors.badRequest(`Object 'apiVersion' is missing in '${typeMetaString(apiVersion, kind)}'`);

  const info = protobufMessageForKind(apiVersion, kind);
  if (info === undefined) {
    throw statusErrors.badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  if (expected?.kind !== undefined && expected.kind !== kind) {
    throw statusErrors.badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${expected.kind}: the object's kind is ${kind}, not ${expected.kind}`);
  }
  if (expected?.apiVersion !== undefined && expected.apiVersion !== apiVersion) {
    throw statusErrors.badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected.apiVersion})`);
  }

  let object: JsonObject;
  try {
    const value = raw === undefined ? undefined : readMessage(new ProtoReader(asBuffer(body), raw[0], raw[1]), info, newMsg(info), 1);
    object = {};
    if (info.typeMeta) {
      object['kind'] = kind;
      object['apiVersion'] = apiVersion;
    }
    renderFieldsInto(object, info, value, 1);
  } catch (e) {
    if (isStatusError(e)) throw e;
    throw statusErrors.badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${expected?.kind ?? kind}: ${errorText(e)}`);
  }
  return { apiVersion, kind, object };
}

/**
 * Decodes one message (no magic, no envelope) of a kind into its JSON form; for embedded raw
 * protobuf such as list items. Errors as for decodeProtobufObject.
 */
export function decodeProtobufMessage(raw: Uint8Array, apiVersion: string, kind: string): JsonObject {
  const info = protobufMessageForKind(apiVersion, kind);
  if (info === undefined) throw statusErrors.badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
  try {
    const value = readMessage(new ProtoReader(asBuffer(raw)), info, newMsg(info), 1);
    const object: JsonObject = {};
    renderFieldsInto(object, info, value, 1);
    return object;
  } catch (e) {
    if (isStatusError(e)) throw e;
    throw statusErrors.badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${kind}: ${errorText(e)}`);
  }
}

/** apimachinery's summarizeData: the first 30 bytes, as text for JSON-looking data, else hex. */
function summarize(data: Uint8Array): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, 30);
  const text = data[0] === 0x7b ? Buffer.from(head).toString('utf8') : Buffer.from(head).toString('hex');
  return data.length > 30 ? `${text} ...` : text;
}

function versionOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? apiVersion : apiVersion.slice(i + 1);
}

function typeMetaString(apiVersion: string, kind: string): string {
  return `runtime.TypeMeta{APIVersion:"${apiVersion}", Kind:"${kind}"}`;
}

function errorText(e: unknown): string {
  if (e instanceof ProtoWireError || e instanceof DecodeError) return e.message;
  if (e instanceof RangeError) return 'object is too large or too deeply nested';
  return e instanceof Error ? e.message : String(e);
}

function checkTag(message: string, field: number, wire: number): void {
  if (wire === WireType.endGroup) throw new ProtoWireError(`proto: ${message}: wiretype end group for non-group`);
  if (field <= 0) throw new ProtoWireError(`proto: ${message}: illegal tag ${field} (wire type ${wire})`);
}

function newMsg(info: MessageInfo): MsgValue {
  return { values: new Array<unknown>(info.fields.length), nonEmpty: false };
}

// ---------------------------------------------------------------------------------------------
// Pass 1: wire → field values

// Module-local copies of imported bindings used per tag or per value: run from source (tsx,
// esbuild's CommonJS interop) every use of an imported binding is a getter call, which showed
// as several per cent of a decode.
const wireBytes = WireType.bytes;
const wireEndGroup = WireType.endGroup;
const decodeString = goString;

/**
 * Reads the message between r.pos and r.end. One reader serves the whole body: an embedded
 * message narrows r.end for its payload and restores it after.
 */
function readMessage(r: ProtoReader, info: MessageInfo, into: MsgValue, depth: number): MsgValue {
  if (depth > maxProtobufDepth) throw new DecodeError(`proto: exceeded max depth of ${maxProtobufDepth}`);
  const buf = r.buf;
  const end = r.end;
  if (end > r.pos) into.nonEmpty = true;
  const numbered = info.numbered;
  const values = into.values;
  while (r.pos < end) {
    const field = r.readTag();
    const wire = r.wire;
    // The message name only on error: it is a string slice, too dear for every tag.
    if (wire === wireEndGroup || field <= 0) checkTag(info.shortName, field, wire);
    const f = field < numbered.length ? numbered[field] : undefined;
    if (f === undefined) {
      r.skip(wire);
      continue;
    }
    const message = f.message;
    if (f.map) {
      if (wire !== wireBytes) throw wrongWire(f, wire);
      const s = r.delimited();
      let map = values[f.slot] as Map<string, unknown> | undefined;
      if (map === undefined) values[f.slot] = map = new Map();
      const stop = r.pos;
      r.pos = s;
      r.end = stop;
      readMapEntry(r, f, map, depth);
      r.pos = stop;
      r.end = end;
      continue;
    }
    if (message !== undefined) {
      if (wire !== wireBytes) throw wrongWire(f, wire);
      const s = r.delimited();
      const stop = r.pos;
      r.pos = s;
      r.end = stop;
      if (f.repeated) {
        let list = values[f.slot] as MsgValue[] | undefined;
        if (list === undefined) values[f.slot] = list = [];
        list.push(readMessage(r, message, newMsg(message), depth + 1));
      } else {
        let existing = values[f.slot] as MsgValue | undefined;
        if (existing === undefined || replaces(message)) existing = newMsg(message);
        values[f.slot] = readMessage(r, message, existing, depth + 1);
      }
      r.pos = stop;
      r.end = end;
      continue;
    }
    const scalar = f.scalar as ProtoScalar;
    if (f.repeated) {
      let list = values[f.slot] as Scalar[] | undefined;
      if (list === undefined) values[f.slot] = list = [];
      const expectedWire = f.wire;
      if (wire === wireBytes && expectedWire !== wireBytes) {
        // Packed: Go's generated code accepts both encodings for repeated numeric fields.
        const s = r.delimited();
        const stop = r.pos;
        r.pos = s;
        r.end = stop;
        while (r.pos < stop) list.push(readScalar(r, scalar, buf));
        r.end = end;
      } else {
        if (wire !== expectedWire) throw wrongWire(f, wire);
        list.push(readScalar(r, scalar, buf));
      }
      continue;
    }
    if (wire !== f.wire) throw wrongWire(f, wire);
    values[f.slot] = readScalar(r, scalar, buf);
  }
  return into;
}

/** Reads a map entry between r.pos and r.end (the caller restores both). */
function readMapEntry(r: ProtoReader, f: FieldInfo, map: Map<string, unknown>, depth: number): void {
  let key = '';
  let value: unknown;
  const end = r.end;
  while (r.pos < end) {
    const field = r.readTag();
    const wire = r.wire;
    if (wire === wireEndGroup || field <= 0) throw new ProtoWireError(`proto: illegal tag ${field} (wire type ${wire})`);
    if (field === 1) {
      if (wire !== wireBytes) throw wrongWire(f, wire);
      const s = r.delimited();
      key = decodeString(r.buf, s, r.pos);
    } else if (field === 2) {
      if (f.message !== undefined) {
        if (wire !== wireBytes) throw wrongWire(f, wire);
        const s = r.delimited();
        const stop = r.pos;
        r.pos = s;
        r.end = stop;
        value = readMessage(r, f.message, newMsg(f.message), depth + 1);
        r.pos = stop;
        r.end = end;
      } else {
        const scalar = f.scalar as ProtoScalar;
        // f.wire is the value type's (map fields are typed by their values).
        if (wire !== f.wire) throw wrongWire(f, wire);
        value = readScalar(r, scalar, r.buf);
      }
    } else {
      r.skip(wire);
    }
  }
  // Go starts each entry from the zero value ([]byte{} for bytes values).
  if (value === undefined) value = f.message !== undefined ? newMsg(f.message) : zeroScalar(f.scalar as ProtoScalar);
  map.set(key, value);
}

function wrongWire(f: FieldInfo, wire: number): ProtoWireError {
  return new ProtoWireError(`proto: wrong wireType = ${wire} for field ${f.protoName}`);
}

/** Scratch for the float conversions, instead of a DataView per value. */
const floatScratch = new DataView(new ArrayBuffer(8));

function readScalar(r: ProtoReader, s: ProtoScalar, buf: Uint8Array): Scalar {
  switch (s) {
    case 'string': {
      const a = r.delimited();
      return decodeString(buf, a, r.pos);
    }
    case 'bytes': {
      const a = r.delimited();
      // A copy, detached from the body (and a plain Uint8Array: Buffer#slice would be a view).
      return new Uint8Array(buf.subarray(a, r.pos));
    }
    case 'bool': {
      const lo = r.readVarint();
      return lo !== 0 || r.hi !== 0;
    }
    case 'int32':
      return r.readVarint() | 0;
    case 'uint32':
      return r.readVarint();
    case 'sint32': {
      const lo = r.readVarint();
      return (lo >>> 1) ^ -(lo & 1);
    }
    case 'int64':
      return r.int64();
    case 'uint64':
      return r.uint64();
    case 'sint64': {
      const u = r.uint64();
      if (typeof u === 'number') return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
      return (u >> 1n) ^ -(u & 1n);
    }
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.fixed32() | 0;
    case 'fixed64':
      return uint64Of(r.fixed64());
    case 'sfixed64':
      return int64Of(r.fixed64());
    case 'double': {
      const lo = r.fixed32();
      const hi = r.fixed32();
      floatScratch.setUint32(0, lo, true);
      floatScratch.setUint32(4, hi, true);
      return floatScratch.getFloat64(0, true);
    }
    case 'float': {
      floatScratch.setUint32(0, r.fixed32(), true);
      return floatScratch.getFloat32(0, true);
    }
  }
}

function zeroScalar(s: ProtoScalar): Scalar {
  switch (s) {
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'bool':
      return false;
    default:
      // 64-bit kinds too: they are numbers while small.
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Pass 2: field values → JSON, with encoding/json's rules

const omit = Symbol('omit');

function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  // A map key "__proto__" must become a property, not the prototype.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function renderFieldsInto(obj: JsonObject, info: MessageInfo, v: MsgValue | undefined, depth: number): void {
  const fields = info.fields;
  const values = v?.values;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as FieldInfo;
    if (f.json === '-') continue;
    const val = values === undefined ? undefined : values[f.slot];
    const present = val !== undefined;
    if (f.inline) {
      renderFieldsInto(obj, f.message as MessageInfo, val as MsgValue | undefined, depth + 1);
      continue;
    }
    const out = renderField(f, val, present, depth);
    // A plain store: field names come from the table and none is __proto__ (setKey is for map keys).
    if (out !== omit) obj[f.json] = out;
  }
}

function renderField(f: FieldInfo, val: unknown, present: boolean, depth: number): JsonValue | typeof omit {
  const nil = f.omitempty ? omit : null;
  if (f.map) {
    const map = val as Map<string, unknown> | undefined;
    if (map === undefined || map.size === 0) return nil;
    const out: JsonObject = {};
    // encoding/json sorts map keys (by bytes; UTF-16 order differs only beyond the BMP).
    const keys = [...map.keys()];
    if (keys.length > 1) keys.sort(compareGoStrings);
    const message = f.message;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = map.get(key);
      setKey(out, key, message !== undefined ? renderMessage(message, item as MsgValue, depth + 1) : scalarJson(f.scalar as ProtoScalar, item as Scalar));
    }
    return out;
  }
  if (f.repeated) {
    const list = val as unknown[] | undefined;
    if (list === undefined || list.length === 0) return nil;
    return f.message !== undefined ? renderMessages(f.message, list as MsgValue[], depth + 1) : renderScalars(f.scalar as ProtoScalar, list as Scalar[]);
  }
  if (f.message !== undefined) {
    if (!present) {
      // A nil pointer or nil named slice; a struct value is its zero value.
      if (f.pointer || f.message.special === 'list') return nil;
      return renderMessage(f.message, undefined, depth + 1);
    }
    return renderMessage(f.message, val as MsgValue, depth + 1);
  }
  const scalar = f.scalar as ProtoScalar;
  if (scalar === 'bytes') {
    // []byte is nil when absent; omitempty drops it when empty too.
    if (!present) return nil;
    if (f.omitempty && (val as Uint8Array).length === 0) return omit;
    return scalarJson(scalar, val as Scalar);
  }
  if (!present) {
    if (f.pointer) return nil;
    if (f.omitempty) return omit;
    return scalarJson(scalar, zeroScalar(scalar));
  }
  if (!f.pointer && f.omitempty && isZero(val as Scalar)) return omit;
  return scalarJson(scalar, val as Scalar);
}

// Loops rather than Array#map: a closure per rendered list showed in profiles.
function renderMessages(info: MessageInfo, list: readonly MsgValue[], depth: number): JsonValue[] {
  const out = new Array<JsonValue>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = renderMessage(info, list[i], depth);
  return out;
}

function renderScalars(s: ProtoScalar, list: readonly Scalar[]): JsonValue[] {
  const out = new Array<JsonValue>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = scalarJson(s, list[i] as Scalar);
  return out;
}

function isZero(s: Scalar): boolean {
  return s === 0 || s === 0n || s === false || s === '' || (s instanceof Uint8Array && s.length === 0);
}

export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 code unit order is code point order until a surrogate is involved, so most keys are
  // compared without splitting them into code points.
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0xd800 && cb < 0xd800) return ca - cb;
    return compareCodePoints(a, b);
  }
  return a.length - b.length;
}

function compareCodePoints(a: string, b: string): number {
  // Byte order of UTF-8 equals code point order; UTF-16 code unit order differs above U+FFFF.
  const ia = [...a];
  const ib = [...b];
  const n = Math.min(ia.length, ib.length);
  for (let i = 0; i < n; i++) {
    const ca = (ia[i] as string).codePointAt(0) as number;
    const cb = (ib[i] as string).codePointAt(0) as number;
    if (ca !== cb) return ca - cb;
  }
  return ia.length - ib.length;
}

function scalarJson(s: ProtoScalar, v: Scalar): JsonValue {
  switch (s) {
    case 'bytes':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'string':
    case 'bool':
      return v as string | boolean;
    case 'double':
    case 'float': {
      const n = v as number;
      if (!Number.isFinite(n)) throw new DecodeError(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
      return s === 'float' ? float32Json(n) : n;
    }
    default:
      // int64 values beyond 2^53 lose precision here, as in any JavaScript JSON.
      return typeof v === 'bigint' ? Number(v) : (v as number);
  }
}

function renderMessage(info: MessageInfo, v: MsgValue | undefined, depth: number): JsonValue {
  if (depth > maxProtobufDepth) throw new DecodeError(`proto: exceeded max depth of ${maxProtobufDepth}`);
  if (info.special !== undefined) return renderSpecial(info, v, depth);
  const obj: JsonObject = {};
  renderFieldsInto(obj, info, v, depth);
  return obj;
}

/** Field number n's value; only for the special types' few fields, so a Map lookup is fine. */
function get<T>(info: MessageInfo, v: MsgValue | undefined, n: number): T | undefined {
  const f = info.number.get(n);
  return v === undefined || f === undefined ? undefined : (v.values[f.slot] as T | undefined);
}

/** A 64-bit value as a bigint (the time and duration formatting work in bigint). */
function big(v: number | bigint | undefined): bigint {
  return v === undefined ? 0n : typeof v === 'bigint' ? v : BigInt(v);
}

function parseEmbeddedJson(raw: Uint8Array, what: string): JsonValue {
  return decodeJson(Buffer.from(raw.buffer, raw.byteOffset, raw.length), what) as JsonValue;
}

function renderSpecial(info: MessageInfo, v: MsgValue | undefined, depth: number): JsonValue {
  switch (info.special) {
    case 'time': {
      // Go drops the nanoseconds (metav1.Time has second precision); an empty message is the zero time.
      if (v === undefined || !v.nonEmpty) return null;
      const seconds = big(get<number | bigint>(info, v, 1));
      return seconds === goZeroTimeUnixSeconds ? null : formatRFC3339(seconds);
    }
    case 'microTime': {
      if (v === undefined || !v.nonEmpty) return null;
      let seconds = big(get<number | bigint>(info, v, 1));
      const nanos = get<number>(info, v, 2) ?? 0;
      let ns = nanos - (nanos % 1000);
      // time.Unix normalizes nanoseconds outside [0, 1e9).
      const carry = Math.floor(ns / 1e9);
      seconds += BigInt(carry);
      ns -= carry * 1e9;
      if (seconds === goZeroTimeUnixSeconds && ns === 0) return null;
      return formatRFC3339(seconds, ns / 1000);
    }
    case 'duration':
      return formatGoDuration(big(get<number | bigint>(info, v, 1)));
    case 'quantity': {
      const s = get<string>(info, v, 1);
      if (s === undefined) return '0';
      checkQuantity(s);
      return s;
    }
    case 'intOrString': {
      const type = big(get<number | bigint>(info, v, 1));
      if (type === 0n) return get<number>(info, v, 2) ?? 0;
      if (type === 1n) return get<string>(info, v, 3) ?? '';
      throw new DecodeError('impossible IntOrString.Type');
    }
    case 'rawExtension':
    case 'fieldsV1': {
      const raw = get<Uint8Array>(info, v, 1);
      if (raw === undefined || raw.length === 0) return null;
      return parseEmbeddedJson(raw, info.special === 'fieldsV1' ? 'managed fields' : 'embedded object');
    }
    case 'json': {
      const raw = get<Uint8Array>(info, v, 1);
      if (raw === undefined || raw.length === 0) return null;
      return parseEmbeddedJson(raw, 'embedded JSON');
    }
    case 'schemaOrArray': {
      const schemaInfo = info.number.get(1)?.message as MessageInfo;
      const list = get<MsgValue[]>(info, v, 2);
      if (list !== undefined && list.length > 0) return renderMessages(schemaInfo, list, depth + 1);
      const schema = get<MsgValue>(info, v, 1);
      return schema === undefined ? null : renderMessage(schemaInfo, schema, depth + 1);
    }
    case 'schemaOrBool': {
      const schemaInfo = info.number.get(2)?.message as MessageInfo;
      const schema = get<MsgValue>(info, v, 2);
      if (schema !== undefined) return renderMessage(schemaInfo, schema, depth + 1);
      return get<boolean>(info, v, 1) ?? false;
    }
    case 'schemaOrStringArray': {
      const schemaInfo = info.number.get(1)?.message as MessageInfo;
      const props = get<string[]>(info, v, 2);
      if (props !== undefined && props.length > 0) return props;
      const schema = get<MsgValue>(info, v, 1);
      return schema === undefined ? null : renderMessage(schemaInfo, schema, depth + 1);
    }
    case 'list': {
      const item = info.number.get(1) as FieldInfo;
      const list = get<Scalar[] | MsgValue[]>(info, v, 1) ?? [];
      return item.message !== undefined ? renderMessages(item.message, list as MsgValue[], depth + 1) : renderScalars(item.scalar as ProtoScalar, list as Scalar[]);
    }
    default:
      throw new DecodeError(`no decoder for ${info.name}`);
  }
}

// resource.ParseQuantity's grammar: sign, digits with at most one point, then a suffix that is
// binary SI (Ki…Ei), decimal SI (n u m "" k M G T P E) or a decimal exponent (e/E + integer).
const quantityFormat = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const quantityNumber = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const quantitySuffix = /^(?:|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)$/;

/**
 * Quantities already found valid. Objects repeat a few (100m, 128Mi, 1) many times, and the
 * check is three regular expressions; bounded so that a stream of distinct ones cannot grow it.
 */
const validQuantities = new Set<string>();
const maxValidQuantities = 1024;

export function checkQuantity(s: string): void {
  if (s === '0' || validQuantities.has(s)) return;
  parseQuantityShape(s);
  if (validQuantities.size >= maxValidQuantities) validQuantities.clear();
  validQuantities.add(s);
}

function parseQuantityShape(s: string): void {
  const m = quantityFormat.exec(s);
  if (!m) throw new DecodeError(`quantities must match the regular expression '${quantityFormat.source}'`);
  // The numeric part ends at the first character that is not a digit or point.
  const all = s.replace(/^[+-]/, '');
  const num = /^[0-9.]*/.exec(all)?.[0] ?? '';
  const suffix = all.slice(num.length);
  if (!quantityNumber.test(s.slice(0, s.length - suffix.length))) throw new DecodeError('unable to parse numeric part of quantity');
  if (!quantitySuffix.test(suffix)) throw new DecodeError("unable to parse quantity's suffix");
}
