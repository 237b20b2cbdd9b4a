// Walking the generated OpenAPI tables alongside a document: refs resolved, the per-field patch
// metadata (x-kubernetes-patch-strategy / -merge-key) read off the property that names the field.
import { openapiSchemaNameForKind, openapiSchemas, type SchemaNode } from '../generated';

/** Follows refs until a node with a body; the referencing node's own extensions are not merged in. */
export function resolveNode(node: SchemaNode | undefined, defs: Readonly<Record<string, SchemaNode>> = openapiSchemas): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n?.ref !== undefined && i < 64; i++) n = defs[n.ref];
  return n;
}

/** io.k8s.api.core.v1.PodSpec → PodSpec (the Go type name errors print). */
export function shortDefinitionName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

/** The definition name of a kind in the generated tables; undefined for kinds without a schema (custom resources). */
export function schemaNameForKind(group: string, version: string, kind: string): string | undefined {
  return openapiSchemaNameForKind(group, version, kind);
}
