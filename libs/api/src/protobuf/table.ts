// The shape of the protobuf message table that tools/schema-gen compiles from Kubernetes'
// generated.proto files, the Go struct tags of the same types, and the OpenAPI definitions
// (generated/messages.ts), and the indexes the codec builds over it once.
import { protobufMessages } from './generated/messages';

export type ProtoScalar =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

/**
 * Messages whose Go types marshal themselves, so their JSON form is not their fields:
 * - time / microTime: metav1.Time (RFC 3339, seconds) and MicroTime (6 fractional digits); zero → null
 * - duration: metav1.Duration, Go's time.Duration.String()
 * - quantity: resource.Quantity, its string form
 * - intOrString: a JSON number or string
 * - rawExtension / json / fieldsV1: raw bytes holding embedded JSON
 * - schemaOrArray / schemaOrBool / schemaOrStringArray: apiextensions JSONSchemaPropsOr*
 * - list: a named Go slice (metav1.Verbs, ExtraValue) wrapped in a message; JSON is the array
 */
export type SpecialKind =
  | 'time'
  | 'microTime'
  | 'duration'
  | 'quantity'
  | 'intOrString'
  | 'rawExtension'
  | 'json'
  | 'fieldsV1'
  | 'schemaOrArray'
  | 'schemaOrBool'
  | 'schemaOrStringArray'
  | 'list';

/**
 * One field: [number, jsonName, type, flags] plus the proto field name when it differs from the
 * JSON name. `type` is a ProtoScalar or a message's full proto name (for maps: the value type;
 * keys are strings). jsonName "" marks a Go `,inline` field (its fields appear in the parent's
 * JSON), "-" a field Go never writes to JSON. Flags: r repeated, m map, p Go pointer (absent =
 * nil), o omitempty, k packed.
 */
export type FieldRow = readonly [number: number, jsonName: string, type: string, flags: string, protoName?: string];

export interface MessageRow {
  /** The OpenAPI definition name, when the type has one. */
  openapi?: string;
  /** The [group, version, kind]s the type is registered as in the served group-versions. */
  gvk?: readonly (readonly [string, string, string])[];
  special?: SpecialKind;
  /** The Go type embeds TypeMeta: its JSON starts with kind and apiVersion. */
  typeMeta?: boolean;
  /** In Go declaration order, the order encoding/json writes them. */
  fields: readonly FieldRow[];
}

export interface FieldInfo {
  number: number;
  json: string;
  protoName: string;
  type: string;
  /** The message, when the field holds one. */
  message?: MessageInfo;
  scalar?: ProtoScalar;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  omitempty: boolean;
  inline: boolean;
  packed: boolean;
  /** Position in the message's `fields`: where the decoder keeps this field's value. */
  slot: number;
  /** The wire type of one value (unpacked), so the decoder does not work it out per tag. */
  wire: number;
}

export interface MessageInfo {
  name: string;
  openapi?: string;
  special?: SpecialKind;
  typeMeta: boolean;
  /** Go declaration order. */
  fields: FieldInfo[];
  /** Field-number order, the order Go's generated marshallers write. */
  byNumber: FieldInfo[];
  number: Map<number, FieldInfo>;
  json: Map<string, FieldInfo>;
  /** Fields indexed by number (holes undefined): the decoder's per-tag lookup, cheaper than `number`. */
  numbered: (FieldInfo | undefined)[];
  /** The name without its package, as Go's unmarshal errors say it. */
  shortName: string;
}

const scalars = new Set<string>([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

/** Message fields and maps (their entries) are length-delimited, like strings and bytes. */
function wireTypeOf(type: string): number {
  switch (type) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return 1;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return 5;
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
    case 'sint32':
    case 'sint64':
    case 'bool':
      return 0;
    default:
      return 2;
  }
}

let index: { messages: Map<string, MessageInfo>; kinds: Map<string, MessageInfo> } | undefined;

function build() {
  const messages = new Map<string, MessageInfo>();
  const rows = protobufMessages as Readonly<Record<string, MessageRow>>;
  for (const [name, row] of Object.entries(rows)) {
    const info: MessageInfo = {
      name,
      typeMeta: row.typeMeta === true,
      fields: [],
      byNumber: [],
      number: new Map(),
      json: new Map(),
      numbered: [],
      shortName: name.slice(name.lastIndexOf('.') + 1),
    };
    if (row.openapi !== undefined) info.openapi = row.openapi;
    if (row.special !== undefined) info.special = row.special;
    messages.set(name, info);
  }
  const kinds = new Map<string, MessageInfo>();
  for (const [name, row] of Object.entries(rows)) {
    const info = messages.get(name) as MessageInfo;
    for (const [number, json, type, flags, protoName] of row.fields) {
      const f: FieldInfo = {
        number,
        json,
        protoName: protoName ?? json,
        type,
        repeated: flags.includes('r'),
        map: flags.includes('m'),
        pointer: flags.includes('p'),
        omitempty: flags.includes('o'),
        inline: json === '',
        packed: flags.includes('k'),
        slot: info.fields.length,
        wire: wireTypeOf(type),
      };
      // The decoder stores field values under their JSON names with plain assignments.
      if (json === '__proto__') throw new Error(`protobuf table: ${name}.${f.protoName} has the JSON name __proto__`);
      if (scalars.has(type)) f.scalar = type as ProtoScalar;
      else {
        const m = messages.get(type);
        if (m === undefined) throw new Error(`protobuf table: ${name}.${f.protoName} refers to unknown message ${type}`);
        f.message = m;
      }
      info.fields.push(f);
      info.number.set(number, f);
      if (json !== '' && json !== '-') info.json.set(json, f);
    }
    info.byNumber = [...info.fields].sort((a, b) => a.number - b.number);
    // Field numbers of the Kubernetes types are small (below 50), so the array stays short.
    const top = info.byNumber.at(-1)?.number ?? 0;
    info.numbered = new Array<FieldInfo | undefined>(top + 1).fill(undefined);
    for (const f of info.fields) info.numbered[f.number] = f;
    for (const [group, version, kind] of row.gvk ?? []) {
      kinds.set(kindKey(group === '' ? version : `${group}/${version}`, kind), info);
    }
  }
  return { messages, kinds };
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

function tables() {
  index ??= build();
  return index;
}

/** The message a kind is encoded as, for the served group-versions. */
export function protobufMessageForKind(apiVersion: string, kind: string): MessageInfo | undefined {
  return tables().kinds.get(kindKey(apiVersion, kind));
}

export function protobufMessage(name: string): MessageInfo | undefined {
  return tables().messages.get(name);
}

/** Every apiVersion/kind the codec can decode and encode. */
export function protobufKinds(): { apiVersion: string; kind: string }[] {
  return [...tables().kinds.keys()].map((k) => {
    const [apiVersion, kind] = k.split('\u0000') as [string, string];
    return { apiVersion, kind };
  });
}
