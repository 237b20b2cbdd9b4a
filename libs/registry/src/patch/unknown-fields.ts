// Fields a kind's schema does not declare, found the way kube-apiserver's strict decoder reports
// them (`unknown field "spec.containers[0].foo"`) and dropped the way its typed decoding drops
// them (fieldValidation=Ignore/Warn). For custom resources the undeclared fields are the ones
// structural pruning drops.
import type { KubeObject } from '@portico/api';
import { customResourceSchema } from '../crd/custom-resource';
import type { ResourceDescriptor } from '../descriptor';
import { cloneJson, isObject, type JsonObject, type JsonValue } from './json';
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

type KindArgs = [group: string, version: string, kind: string, obj: JsonObject, schema?: TypeSchema];
type DescriptorArgs = [desc: ResourceDescriptor, obj: JsonObject, schema?: TypeSchema];

function unknownFields(args: KindArgs | DescriptorArgs, drop: boolean): string[] {
  if (typeof args[0] !== 'string') {
    const [desc, obj, schema] = args as DescriptorArgs;
    // A custom resource's decoder prunes what its structural schema does not declare, and names
    // the pruned fields in strict decoding errors.
    const compiled = customResourceSchema(desc);
    if (compiled !== undefined) return compiled.prune((drop ? obj : cloneJson(obj)) as KubeObject).sort();
    return unknownFields([desc.group, desc.version, desc.kind, obj, schema], drop);
  }
  const [group, version, kind, obj, schema = sharedSchema] = args as KindArgs;
  const def = schemaNameForKind(group, version, kind);
  if (def === undefined) return [];
  const out: string[] = [];
  walk(schema, obj, { named: def }, '', out, drop);
  return out;
}

/** The undeclared fields of an object of the given kind (or descriptor), in document order. */
export function findUnknownFields(desc: ResourceDescriptor, obj: JsonObject, schema?: TypeSchema): string[];
export function findUnknownFields(group: string, version: string, kind: string, obj: JsonObject, schema?: TypeSchema): string[];
export function findUnknownFields(...args: KindArgs | DescriptorArgs): string[] {
  return unknownFields(args, false);
}

/** Removes the undeclared fields (what decoding into the typed object does); returns their paths. */
export function dropUnknownFields(desc: ResourceDescriptor, obj: JsonObject, schema?: TypeSchema): string[];
export function dropUnknownFields(group: string, version: string, kind: string, obj: JsonObject, schema?: TypeSchema): string[];
export function dropUnknownFields(...args: KindArgs | DescriptorArgs): string[] {
  return unknownFields(args, true);
}

/** runtime.NewStrictDecodingError(...).Error() for a list of unknown field paths. */
export function strictDecodingErrorText(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')}`;
}
