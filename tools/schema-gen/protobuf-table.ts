// Joins three views of each Kubernetes API type into one protobuf message table:
// - the protobuf IDL (generated.proto): field numbers and wire types;
// - the Go struct tags: the JSON name of each protobuf field, omitempty, inline, pointer-ness;
// - the OpenAPI definitions: the definition name, the GVKs, and a cross-check that every JSON
//   name the Go tags give is a property of the definition (and every property has a field).
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/ is no Nx project; the generator type-checks its output against the libs' table types
import type { FieldRow, MessageRow, SpecialKind } from '@portico/api';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/ is no Nx project; the generator type-checks its output against the libs' table types
import type { SchemaNode } from '@portico/registry';
import { extraKinds, perGroupVersionMetaKinds, specialMessages } from './config';
import { readGoPackage, type GoField, type GoPackage } from './go-structs';
import { parseProtoFile, scalarTypes, type ProtoFile, type ProtoMessage } from './proto-idl';

export interface ProtoPackageSource {
  /** Directory holding generated.proto and the Go sources. */
  dir: string;
}

export interface ProtobufTableResult {
  messages: Map<string, MessageRow>;
  /** Messages whose JSON names were checked against their OpenAPI definition. */
  crossChecked: number;
  warnings: string[];
}

export function openapiNameOf(goPackage: string, name: string): string {
  if (!goPackage.startsWith('k8s.io/')) throw new Error(`unexpected go package ${goPackage}`);
  return `io.k8s.${goPackage.slice('k8s.io/'.length).split('/').join('.')}.${name}`;
}

export function buildProtobufTable(
  sources: readonly ProtoPackageSource[],
  schemas: Map<string, SchemaNode>,
  servedGroupVersions: readonly string[],
): ProtobufTableResult {
  const warnings: string[] = [];
  let crossChecked = 0;
  const files: { file: ProtoFile; go: GoPackage }[] = sources.map((s) => ({
    file: parseProtoFile(join(s.dir, 'generated.proto')),
    go: readGoPackage(s.dir),
  }));
  const goByPackage = new Map(files.map(({ file, go }) => [file.goPackage, go]));
  const protoByName = new Map<string, { msg: ProtoMessage; file: ProtoFile; go: GoPackage }>();
  for (const { file, go } of files) for (const msg of file.messages) protoByName.set(msg.fullName, { msg, file, go });

  const served = new Set(servedGroupVersions);
  const apiVersionOf = (g: string, v: string) => (g === '' ? v : `${g}/${v}`);

  const messages = new Map<string, MessageRow>();
  for (const [fullName, { msg, file, go }] of protoByName) {
    const fields: FieldRow[] = [];
    const row: MessageRow = { fields };
    const openapi = openapiNameOf(file.goPackage, msg.name);
    const def = schemas.get(openapi);
    if (def !== undefined) row.openapi = openapi;
    let special = specialMessages[fullName] as SpecialKind | undefined;
    const named = go.named.get(msg.name);
    if (special === undefined && named !== undefined && named.startsWith('[]')) {
      const only = msg.fields[0];
      if (msg.fields.length !== 1 || only === undefined || only.label !== 'repeated' || only.number !== 1) {
        throw new Error(`${fullName}: Go slice type ${named} with an unexpected message shape`);
      }
      special = 'list';
    }
    if (special !== undefined) row.special = special;
    const struct = go.structs.get(msg.name) ?? aliasedStruct(named, goByPackage);
    // Types embedding TypeMeta write kind and apiVersion first in their JSON.
    if (struct?.some((g) => g.embedded && /(^|\.)TypeMeta$/.test(g.goType) && g.protoNumber === undefined)) row.typeMeta = true;
    if (special !== undefined) {
      // The codec implements these by hand; the table only needs numbers and wire types.
      fields.push(...msg.fields.map((f) => fieldRow(f.number, f.name, f, '', f.name)));
    } else {
      if (struct === undefined) throw new Error(`${fullName}: no Go struct ${msg.name} in ${file.goPackage}`);
      const bad = go.unreadable.get(msg.name);
      if (bad !== undefined) throw new Error(`${fullName}: ${bad}`);
      const byNumber = new Map<number, GoField>();
      for (const gf of struct) if (gf.protoNumber !== undefined) byNumber.set(gf.protoNumber, gf);
      for (const f of msg.fields) {
        if (!byNumber.has(f.number)) throw new Error(`${fullName}.${f.name} (${f.number}): no Go field carries this protobuf number`);
      }
      const protoByNumber = new Map(msg.fields.map((f) => [f.number, f]));
      for (const gf of struct) {
        if (gf.protoNumber === undefined) continue;
        const f = protoByNumber.get(gf.protoNumber);
        if (f === undefined) throw new Error(`${fullName}: Go field ${gf.goName} has protobuf number ${gf.protoNumber}, absent from the IDL`);
        if (gf.protoName !== undefined && gf.protoName !== f.name) {
          throw new Error(`${fullName}.${f.name}: Go tag names it ${gf.protoName}`);
        }
        let flags = '';
        if (gf.pointer) flags += 'p';
        if (gf.omitempty) flags += 'o';
        const json = gf.inline ? '' : gf.json;
        if (gf.inline && f.label !== 'optional') throw new Error(`${fullName}.${f.name}: inline field must be a message`);
        fields.push(fieldRow(f.number, json, f, flags, f.name));
      }
    }

    if (def !== undefined && special === undefined) {
      crossCheck(fullName, row, def, protoByName);
      crossChecked++;
    }
    const ordered: Omit<MessageRow, 'fields'> = {};
    if (row.openapi !== undefined) ordered.openapi = row.openapi;
    if (row.special !== undefined) ordered.special = row.special;
    if (row.typeMeta === true) ordered.typeMeta = true;
    messages.set(fullName, { ...ordered, fields });
  }

  // Every referenced message must be in the table.
  for (const [name, row] of messages) {
    for (const f of row.fields) {
      if (!scalarTypes.has(f[2]) && !messages.has(f[2])) throw new Error(`${name}.${f[4] ?? f[1]}: unknown message ${f[2]}`);
    }
  }

  // Kinds: the GVKs OpenAPI gives each definition, limited to the served group-versions, plus the
  // meta/v1 kinds every group-version registers and the few OpenAPI does not name.
  const kindsOf = new Map<string, Set<string>>();
  const addKind = (message: string, apiVersion: string, kind: string) => {
    if (!messages.has(message)) throw new Error(`kind ${apiVersion} ${kind}: no message ${message}`);
    let s = kindsOf.get(message);
    if (s === undefined) kindsOf.set(message, (s = new Set()));
    s.add(JSON.stringify(splitApiVersion(apiVersion, kind)));
  };
  const byOpenapi = new Map<string, string>();
  for (const [name, row] of messages) if (row.openapi !== undefined) byOpenapi.set(row.openapi, name);
  for (const [defName, def] of schemas) {
    const message = byOpenapi.get(defName);
    for (const [g, v, k] of def.gvk ?? []) {
      const av = apiVersionOf(g, v);
      if (!served.has(av)) continue;
      if (message === undefined) {
        warnings.push(`kind ${av} ${k} (${defName}) has no protobuf message`);
        continue;
      }
      addKind(message, av, k);
    }
  }
  for (const gv of served) {
    for (const k of perGroupVersionMetaKinds) addKind(`k8s.io.apimachinery.pkg.apis.meta.v1.${k}`, gv, k);
  }
  for (const [av, k, message] of extraKinds) addKind(message, av, k);
  // One message per kind: two messages claiming one apiVersion/kind would make decoding ambiguous.
  const claimed = new Map<string, string>();
  for (const [message, set] of kindsOf) {
    const row = messages.get(message) as MessageRow;
    const { fields, ...head } = row;
    messages.set(message, { ...head, gvk: [...set].sort().map((s) => JSON.parse(s) as [string, string, string]), fields });
    for (const s of set) {
      const prev = claimed.get(s);
      if (prev !== undefined && prev !== message) throw new Error(`kind ${s} claimed by ${prev} and ${message}`);
      claimed.set(s, message);
    }
  }
  return { messages: sortMap(messages), crossChecked, warnings };
}

// `type List metav1.List`: the struct is declared in another package.
const importAliases: Record<string, string> = {
  metav1: 'k8s.io/apimachinery/pkg/apis/meta/v1',
  runtime: 'k8s.io/apimachinery/pkg/runtime',
};
function aliasedStruct(named: string | undefined, goByPackage: Map<string, GoPackage>): GoField[] | undefined {
  const m = named === undefined ? null : /^(\w+)\.(\w+)$/.exec(named);
  if (!m) return undefined;
  const pkg = importAliases[m[1] as string];
  return pkg === undefined ? undefined : goByPackage.get(pkg)?.structs.get(m[2] as string);
}

function splitApiVersion(apiVersion: string, kind: string): [string, string, string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion, kind] : [apiVersion.slice(0, i), apiVersion.slice(i + 1), kind];
}

function fieldRow(number: number, json: string, f: ProtoMessage['fields'][number], flags: string, protoName: string): FieldRow {
  let fl = '';
  if (f.label === 'repeated') fl += 'r';
  if (f.label === 'map') {
    if (f.keyType !== 'string') throw new Error(`map field ${protoName}: key type ${f.keyType} is not supported`);
    fl += 'm';
  }
  fl += flags;
  if (f.packed === true) fl += 'k';
  return protoName === json ? [number, json, f.type, fl] : [number, json, f.type, fl, protoName];
}

/** JSON names a message contributes to its parent's JSON (inline fields flattened). */
function jsonNames(
  fullName: string,
  row: MessageRow,
  protoByName: Map<string, { msg: ProtoMessage; file: ProtoFile; go: GoPackage }>,
  depth = 0,
): string[] {
  if (depth > 4) throw new Error(`${fullName}: inline nesting too deep`);
  const out: string[] = [];
  for (const [, json, type] of row.fields) {
    if (json === '-') continue;
    if (json !== '') {
      out.push(json);
      continue;
    }
    const inner = protoByName.get(type);
    if (inner === undefined) throw new Error(`${fullName}: inline field of unknown type ${type}`);
    const struct = inner.go.structs.get(inner.msg.name);
    if (struct === undefined) throw new Error(`${fullName}: inline ${type} has no Go struct`);
    const innerRow: MessageRow = {
      fields: struct
        .filter((g) => g.protoNumber !== undefined)
        .map((g) => {
          const pf = inner.msg.fields.find((f) => f.number === g.protoNumber);
          return [g.protoNumber as number, g.inline ? '' : g.json, pf?.type ?? '', ''] as FieldRow;
        }),
    };
    out.push(...jsonNames(type, innerRow, protoByName, depth + 1));
  }
  return out;
}

function crossCheck(
  fullName: string,
  row: MessageRow,
  def: SchemaNode,
  protoByName: Map<string, { msg: ProtoMessage; file: ProtoFile; go: GoPackage }>,
): void {
  const props = new Set(Object.keys(def.properties ?? {}));
  const names = jsonNames(fullName, row, protoByName);
  for (const n of names) {
    if (!props.has(n)) throw new Error(`${fullName}: JSON field "${n}" is not a property of ${row.openapi}`);
  }
  const covered = new Set(names);
  for (const p of props) {
    if (p === 'apiVersion' || p === 'kind') continue;
    if (!covered.has(p)) throw new Error(`${fullName}: property "${p}" of ${row.openapi} has no protobuf field`);
  }
}

function sortMap<V>(m: Map<string, V>): Map<string, V> {
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
