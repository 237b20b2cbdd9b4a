// Definitions as the documents spell them. The generated tables keep a short form (openapi-format.ts
// in @portico/registry): `ref` for $ref, the x-kubernetes-* extensions camel-cased. Here they are
// written back the way kube-openapi writes them: in v3 a ref with siblings becomes
// `{"allOf":[{"$ref":…}], …siblings}` and refs point at #/components/schemas/; in v2 the siblings sit
// beside the $ref and refs point at #/definitions/.
import { isPlainObject, type JsonObject, type JsonValue } from '@portico/api';
import { openapiSchemas, type SchemaGvk, type SchemaNode } from '@portico/registry';
import type { SchemaSource } from './model';

export type Dialect = 'v3' | 'v2';

export const refPrefix: Record<Dialect, string> = { v3: '#/components/schemas/', v2: '#/definitions/' };

export function gvkJson([group, version, kind]: SchemaGvk): JsonObject {
  return { group, kind, version };
}

/** Renders one schema node of the tables. */
export function renderNode(n: SchemaNode, dialect: Dialect): JsonObject {
  const out: JsonObject = {};
  if (n.description !== undefined) out['description'] = n.description;
  if (n.type !== undefined) out['type'] = n.type;
  if (n.format !== undefined) out['format'] = n.format;
  if (n.default !== undefined) out['default'] = n.default;
  if (n.enum !== undefined) out['enum'] = [...n.enum];
  if (n.items !== undefined) out['items'] = renderNode(n.items, dialect);
  if (n.properties !== undefined) {
    const props: JsonObject = {};
    for (const [k, v] of Object.entries(n.properties)) props[k] = renderNode(v, dialect);
    out['properties'] = props;
  }
  if (n.additionalProperties !== undefined) {
    out['additionalProperties'] = typeof n.additionalProperties === 'boolean' ? n.additionalProperties : renderNode(n.additionalProperties, dialect);
  }
  if (n.required !== undefined) out['required'] = [...n.required];
  if (n.oneOf !== undefined) out['oneOf'] = n.oneOf.map((o) => renderNode(o, dialect));
  if (n.uniqueItems !== undefined) out['uniqueItems'] = n.uniqueItems;
  if (n.gvk !== undefined) out['x-kubernetes-group-version-kind'] = n.gvk.map(gvkJson);
  if (n.embeddedResource !== undefined) out['x-kubernetes-embedded-resource'] = n.embeddedResource;
  if (n.intOrString !== undefined) out['x-kubernetes-int-or-string'] = n.intOrString;
  if (n.listMapKeys !== undefined) out['x-kubernetes-list-map-keys'] = [...n.listMapKeys];
  if (n.listType !== undefined) out['x-kubernetes-list-type'] = n.listType;
  if (n.mapType !== undefined) out['x-kubernetes-map-type'] = n.mapType;
  if (n.patchMergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = n.patchMergeKey;
  if (n.patchStrategy !== undefined) out['x-kubernetes-patch-strategy'] = n.patchStrategy;
  if (n.preserveUnknownFields !== undefined) out['x-kubernetes-preserve-unknown-fields'] = n.preserveUnknownFields;
  if (n.unions !== undefined) {
    out['x-kubernetes-unions'] = n.unions.map((u) => {
      const union: JsonObject = {};
      if (u.discriminator !== undefined) union['discriminator'] = u.discriminator;
      union['fields-to-discriminateBy'] = { ...u.fieldsToDiscriminateBy };
      return union;
    });
  }
  if (n.ref === undefined) return out;
  const ref = refPrefix[dialect] + n.ref;
  if (Object.keys(out).length === 0) return { $ref: ref };
  return dialect === 'v3' ? { allOf: [{ $ref: ref }], ...out } : { $ref: ref, ...out };
}

// The tables never change at run time: each definition is rendered once per dialect.
const rendered: Record<Dialect, Map<string, JsonObject>> = { v3: new Map(), v2: new Map() };

/** A definition of the tables, rendered (shared: callers must not mutate it). */
export function renderTableSchema(name: string, node: SchemaNode, dialect: Dialect): JsonObject {
  let r = rendered[dialect].get(name);
  if (r === undefined) {
    r = renderNode(node, dialect);
    rendered[dialect].set(name, r);
  }
  return r;
}

/** A definition a descriptor brought (v3 JSON), for `dialect`: refs re-pointed and allOf-wrapped refs unwrapped for v2. */
export function renderJsonSchema(json: JsonObject, dialect: Dialect): JsonObject {
  if (dialect === 'v3') return json;
  return toV2(json) as JsonObject;
}

function toV2(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(toV2);
  if (!isPlainObject(v)) return v;
  const o = v as JsonObject;
  const out: JsonObject = {};
  const allOf = o['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && isPlainObject(allOf[0]) && typeof (allOf[0] as JsonObject)['$ref'] === 'string') {
    out['$ref'] = toV2((allOf[0] as JsonObject)['$ref'] as string);
  }
  for (const [k, val] of Object.entries(o)) {
    if (k === 'allOf' && out['$ref'] !== undefined) continue;
    if (k === '$ref' && typeof val === 'string') out[k] = val.replace(refPrefix.v3, refPrefix.v2);
    else out[k] = toV2(val);
  }
  return out;
}

export function renderSchemaSource(name: string, s: SchemaSource, dialect: Dialect): JsonObject {
  return 'table' in s ? renderTableSchema(name, s.table, dialect) : renderJsonSchema(s.json, dialect);
}

/** Definition names a table node refers to. */
export function nodeRefs(n: SchemaNode | boolean | undefined, out: string[]): void {
  if (n === undefined || typeof n === 'boolean') return;
  if (n.ref !== undefined) out.push(n.ref);
  nodeRefs(n.items, out);
  nodeRefs(n.additionalProperties, out);
  for (const p of Object.values(n.properties ?? {})) nodeRefs(p, out);
  for (const o of n.oneOf ?? []) nodeRefs(o, out);
}

/** Definition names a v3 JSON schema refers to (#/components/schemas/<name>). */
export function jsonRefs(v: JsonValue | undefined, out: string[]): void {
  if (Array.isArray(v)) {
    for (const x of v) jsonRefs(x, out);
    return;
  }
  if (!isPlainObject(v)) return;
  for (const [k, val] of Object.entries(v as JsonObject)) {
    if (k === '$ref' && typeof val === 'string' && val.startsWith(refPrefix.v3)) out.push(val.slice(refPrefix.v3.length));
    else jsonRefs(val, out);
  }
}

/**
 * The definitions reachable from `roots`: those a descriptor brought (`provided`) first, else the
 * tables'. Names found in neither are left out (a dangling ref, as a broken CRD schema would give).
 */
export function schemaClosure(roots: Iterable<string>, provided: ReadonlyMap<string, JsonObject>): Map<string, SchemaSource> {
  const out = new Map<string, SchemaSource>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (out.has(name)) continue;
    const refs: string[] = [];
    const json = provided.get(name);
    if (json !== undefined) {
      out.set(name, { json });
      jsonRefs(json, refs);
    } else {
      const node = openapiSchemas[name];
      if (node === undefined) continue;
      out.set(name, { table: node });
      nodeRefs(node, refs);
    }
    stack.push(...refs);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
