// Reads the Go struct declarations of an API package for what neither the OpenAPI documents nor
// the protobuf IDL carry: which protobuf field number is which JSON field (`json:"x"` beside
// `protobuf:"bytes,N,…"`), `omitempty`, `,inline` embedding, and whether the field is a pointer.
// Those decide how kube-apiserver turns a decoded protobuf message into JSON (encoding/json rules).
// The sources are gofmt-formatted generated-style declarations, so a line-based reader suffices;
// anything unexpected inside a struct is an error rather than a guess.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GoField {
  /** Go field name (for embedded fields, the type name). */
  goName: string;
  goType: string;
  embedded: boolean;
  /** JSON name; '' for `,inline`; '-' when the field is not serialized to JSON. */
  json: string;
  omitempty: boolean;
  inline: boolean;
  pointer: boolean;
  protoNumber?: number;
  protoName?: string;
}

export interface GoPackage {
  structs: Map<string, GoField[]>;
  /** Structs with lines this reader does not understand (not API types); an error if one is needed. */
  unreadable: Map<string, string>;
  /** `type X []T` / `type X map[K]V` and other non-struct named types: name → underlying type. */
  named: Map<string, string>;
}

export function readGoPackage(dir: string): GoPackage {
  const structs = new Map<string, GoField[]>();
  const unreadable = new Map<string, string>();
  const named = new Map<string, string>();
  const files = readdirSync(dir).filter(
    (f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && f !== 'generated.pb.go',
  );
  for (const f of files.sort()) {
    const lines = stripComments(readFileSync(join(dir, f), 'utf8')).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const st = /^type (\w+) struct \{\s*$/.exec(line);
      if (st) {
        const name = st[1] as string;
        const fields: GoField[] = [];
        for (i++; i < lines.length && lines[i] !== '}'; i++) {
          const fl = (lines[i] as string).replace(/\s+$/, '');
          if (fl.trim() === '') continue;
          const field = parseFieldLine(fl);
          if (field === undefined) unreadable.set(name, `${join(dir, f)}:${i + 1}: cannot read struct field: ${fl}`);
          else fields.push(field);
        }
        structs.set(name, fields);
        continue;
      }
      if (/^type (\w+) struct\{\}/.test(line)) {
        structs.set((/^type (\w+)/.exec(line) as RegExpExecArray)[1] as string, []);
        continue;
      }
      const nt = /^type (\w+) ((?:\[\]|map\[|\w+\.)\S+)\s*$/.exec(line);
      if (nt) named.set(nt[1] as string, nt[2] as string);
    }
  }
  return { structs, unreadable, named };
}

function parseFieldLine(line: string): GoField | undefined {
  // Named field: Name Type `tags`   |   Embedded: Type `tags`   |   Untagged: Name Type
  const named = /^\t(\w+)\s+([^\s`]+)\s*(?:`([^`]*)`)?\s*$/.exec(line);
  const embedded = /^\t(\*?[\w.]+)\s*(?:`([^`]*)`)?\s*$/.exec(line);
  let goName: string;
  let goType: string;
  let tags: string;
  let isEmbedded: boolean;
  if (named && !named[2]?.startsWith('`')) {
    goName = named[1] as string;
    goType = named[2] as string;
    tags = named[3] ?? '';
    isEmbedded = false;
  } else if (embedded) {
    goType = embedded[1] as string;
    goName = goType.replace(/^\*/, '').replace(/^.*\./, '');
    tags = embedded[2] ?? '';
    isEmbedded = true;
  } else {
    return undefined;
  }
  const tagMap = new Map<string, string>();
  for (const m of tags.matchAll(/(\w+):"([^"]*)"/g)) tagMap.set(m[1] as string, m[2] as string);
  const jsonTag = tagMap.get('json');
  const jsonParts = jsonTag === undefined ? [] : jsonTag.split(',');
  const inline = jsonParts.slice(1).includes('inline');
  let json = jsonParts[0] ?? '';
  if (jsonTag === undefined) json = isEmbedded ? '' : goName;
  const field: GoField = {
    goName,
    goType,
    embedded: isEmbedded,
    json: inline ? '' : json,
    omitempty: jsonParts.slice(1).includes('omitempty'),
    inline: inline || (isEmbedded && jsonTag === undefined),
    pointer: goType.startsWith('*'),
  };
  const pb = tagMap.get('protobuf');
  if (pb !== undefined && pb !== '-') {
    const parts = pb.split(',');
    field.protoNumber = Number(parts[1]);
    const nameOpt = parts.find((p) => p.startsWith('name='));
    if (nameOpt !== undefined) field.protoName = nameOpt.slice(5);
  }
  return field;
}

/** Go source without comments; newlines are kept so line numbers still match. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    const n = src[i + 1];
    if (c === '/' && n === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, '');
      i = stop;
    } else if (c === '"' || c === '`' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && c !== '`') j++;
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
