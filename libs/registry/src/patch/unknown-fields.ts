// Fields a kind's schema does not declare, found the way kube-apiserver's strict decoder reports
// them (`unknown field "spec.containers[0].foo"`) and dropped the way its typed decoding drops
// them (fieldValidation=Ignore/Warn).
import { isObject, type JsonObject, type JsonValue } from './json';
import { schemaNameForKind } from './schema-lookup';
import { TypeSchema, type Atom, type TypeRef } from './typed';

const sharedSchema = new TypeSchema();

function pick(atom: Atom, v: JsonValue): Atom {
  if (Array.isArray(v) && atom.list !== undefined) return { list: atom.list };
  if (isObject(v) && atom.map !== undefined) return { map: atom.map };
  return {};
}

function walk(schema: TypeSchema, v: JsonValue, tr: TypeRef, path: string, out: string[], drop: boolean): void {
  const atom = schema.resolve(tr);
  if (atom === undefined) return;
  const a = pick(atom, v);
  if (a.map !== undefined && isObject(v)) {
    for (const key of Object.keys(v)) {
      const child = path === '' ? key : `${path}.${key}`;
      const ft = a.map.fields.get(key)?.type ?? a.map.elementType;
      if (ft === undefined) {
        out.push(child);
        if (drop) delete v[key];
        continue;
      }
      walk(schema, v[key] as JsonValue, ft, child, out, drop);
    }
  } else if (a.list !== undefined && Array.isArray(v)) {
    v.forEach((item, i) => walk(schema, item, (a.list as NonNullable<Atom['list']>).elementType, `${path}[${i}]`, out, drop));
  }
}

/** The undeclared fields of an object of the given kind, in document order. */
export function findUnknownFields(group: string, version: string, kind: string, obj: JsonObject, schema: TypeSchema = sharedSchema): string[] {
  const def = schemaNameForKind(group, version, kind);
  if (def === undefined) return [];
  const out: string[] = [];
  walk(schema, obj, { named: def }, '', out, false);
  return out;
}

/** Removes the undeclared fields (what decoding into the typed object does); returns their paths. */
export function dropUnknownFields(group: string, version: string, kind: string, obj: JsonObject, schema: TypeSchema = sharedSchema): string[] {
  const def = schemaNameForKind(group, version, kind);
  if (def === undefined) return [];
  const out: string[] = [];
  walk(schema, obj, { named: def }, '', out, true);
  return out;
}

/** runtime.NewStrictDecodingError(...).Error() for a list of unknown field paths. */
export function strictDecodingErrorText(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')}`;
}
