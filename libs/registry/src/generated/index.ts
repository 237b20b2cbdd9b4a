// Entry point of the tables tools/schema-gen compiles from Kubernetes' OpenAPI documents
// (openapi-schemas.ts, openapi-documents.ts are generated; this file and openapi-format.ts are not).
import { openapiDocuments } from './openapi-documents';
import type { SchemaNode } from './openapi-format';
import { openapiSchemas } from './openapi-schemas';

export * from './openapi-format';
export { openapiSchemas } from './openapi-schemas';
export { openapiDocuments, openapiKubernetesVersion, openapiMediaSets, openapiParameters } from './openapi-documents';

function collectRefs(n: SchemaNode | boolean | undefined, out: string[]): void {
  if (n === undefined || typeof n === 'boolean') return;
  if (n.ref !== undefined) out.push(n.ref);
  collectRefs(n.items, out);
  collectRefs(n.additionalProperties, out);
  for (const p of Object.values(n.properties ?? {})) collectRefs(p, out);
  for (const o of n.oneOf ?? []) collectRefs(o, out);
}

/** The definition names reachable from `roots` (the roots included), sorted. */
export function openapiSchemaClosure(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const refs: string[] = [];
    collectRefs(openapiSchemas[name], refs);
    stack.push(...refs);
  }
  return [...seen].sort();
}

/** components.schemas of /openapi/v3/<docPath>: the definitions its operations reach. */
export function openapiDocumentSchemaNames(docPath: string): string[] {
  const doc = openapiDocuments[docPath];
  if (doc === undefined) return [];
  const roots: string[] = [];
  for (const p of doc.paths) {
    for (const op of p.operations) {
      if (op.requestBody !== undefined) collectRefs(op.requestBody.schema, roots);
      for (const r of op.responses) collectRefs(r[3], roots);
    }
  }
  return openapiSchemaClosure(roots);
}

/** The definition that x-kubernetes-group-version-kind ties to a kind, if any. */
export function openapiSchemaNameForKind(group: string, version: string, kind: string): string | undefined {
  kindIndex ??= buildKindIndex();
  return kindIndex.get(`${group}/${version}/${kind}`);
}

let kindIndex: Map<string, string> | undefined;
function buildKindIndex(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [name, s] of Object.entries(openapiSchemas)) {
    for (const [g, v, k] of s.gvk ?? []) {
      const key = `${g}/${v}/${k}`;
      if (!m.has(key)) m.set(key, name);
    }
  }
  return m;
}
