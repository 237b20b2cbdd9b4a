// A parser for the subset of proto2 that go-to-protobuf emits in Kubernetes' generated.proto files:
// one package per file, top-level messages only, `optional`/`repeated` scalar or message fields
// and `map<k, v>` fields. Anything else is an error, so a future generator change cannot be
// silently misread.
import { readFileSync } from 'node:fs';

export interface ProtoField {
  name: string;
  number: number;
  label: 'optional' | 'repeated' | 'map';
  /** Scalar type name or fully qualified message name (no leading dot). For maps, the value type. */
  type: string;
  /** Map key type (scalar). */
  keyType?: string;
  packed?: boolean;
}

export interface ProtoMessage {
  /** Fully qualified, e.g. k8s.io.api.core.v1.Pod */
  fullName: string;
  name: string;
  fields: ProtoField[];
}

export interface ProtoFile {
  path: string;
  package: string;
  goPackage: string;
  messages: ProtoMessage[];
}

export const scalarTypes = new Set([
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

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

export function parseProtoFile(path: string): ProtoFile {
  const src = stripComments(readFileSync(path, 'utf8'));
  const tokens = src.match(/"[^"]*"|[A-Za-z_][\w.]*|\.[A-Za-z_][\w.]*|\d+|[{}<>=;,[\]]/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error(`${path}: unexpected end of file`);
    return t;
  };
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new Error(`${path}: expected ${t}, got ${got}`);
  };
  let pkg = '';
  let goPackage = '';
  const raw: { name: string; fields: ProtoField[] }[] = [];
  while (pos < tokens.length) {
    const t = next();
    if (t === 'syntax') {
      expect('=');
      const s = next();
      if (s !== '"proto2"') throw new Error(`${path}: unsupported syntax ${s}`);
      expect(';');
    } else if (t === 'package') {
      pkg = next();
      expect(';');
    } else if (t === 'import') {
      next();
      expect(';');
    } else if (t === 'option') {
      const name = next();
      expect('=');
      const value = next();
      expect(';');
      if (name === 'go_package') goPackage = value.slice(1, -1);
    } else if (t === 'message') {
      const name = next();
      expect('{');
      const fields: ProtoField[] = [];
      while (peek() !== '}') {
        const label = next();
        let field: ProtoField;
        if (label === 'map') {
          expect('<');
          const keyType = next();
          expect(',');
          const type = next();
          expect('>');
          const fname = next();
          expect('=');
          field = { name: fname, number: Number(next()), label: 'map', type, keyType };
        } else if (label === 'optional' || label === 'repeated') {
          const type = next();
          const fname = next();
          expect('=');
          field = { name: fname, number: Number(next()), label, type };
        } else {
          throw new Error(`${path}: message ${name}: unsupported construct "${label}"`);
        }
        if (peek() === '[') {
          next();
          for (;;) {
            const opt = next();
            expect('=');
            const v = next();
            if (opt === 'packed') field.packed = v === 'true';
            else throw new Error(`${path}: ${name}.${field.name}: unsupported field option ${opt}`);
            const sep = next();
            if (sep === ']') break;
            if (sep !== ',') throw new Error(`${path}: bad field options`);
          }
        }
        expect(';');
        if (!Number.isInteger(field.number) || field.number <= 0) throw new Error(`${path}: ${name}.${field.name}: bad field number`);
        fields.push(field);
      }
      expect('}');
      raw.push({ name, fields });
    } else {
      throw new Error(`${path}: unsupported top-level construct "${t}"`);
    }
  }
  if (pkg === '' || goPackage === '') throw new Error(`${path}: missing package or go_package`);
  const messages = raw.map((m) => ({
    fullName: `${pkg}.${m.name}`,
    name: m.name,
    fields: m.fields.map((f) => ({ ...f, type: qualify(f.type, pkg) })),
  }));
  return { path, package: pkg, goPackage, messages };
}

function qualify(type: string, pkg: string): string {
  if (scalarTypes.has(type)) return type;
  if (type.startsWith('.')) return type.slice(1);
  // go-to-protobuf writes same-package references unqualified and others fully qualified.
  return `${pkg}.${type}`;
}
