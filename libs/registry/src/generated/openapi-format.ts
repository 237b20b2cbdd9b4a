// The shape of the tables tools/schema-gen compiles from Kubernetes' OpenAPI v3 documents
// (hand-written; the generator imports these types, so the two cannot drift).
//
// A SchemaNode is an OpenAPI v3 schema in a shorter spelling:
// - `ref` is the definition name (`io.k8s.api.core.v1.PodSpec`). Upstream writes a bare
//   `{"$ref": …}` when a ref has no siblings and `{"allOf":[{"$ref": …}], …siblings}` otherwise;
//   rebuild it the same way.
// - `description` is the first sentence of the upstream text.
// - The `x-kubernetes-*` extensions are camel-cased without the prefix (`patchMergeKey`,
//   `listType`, `listMapKeys`, `mapType`, `intOrString`, `preserveUnknownFields`,
//   `embeddedResource`, `unions`), and `x-kubernetes-group-version-kind` is `gvk`.
import type { JsonValue } from '@portico/api';

/** [group, version, kind]; group "" is the core group. */
export type SchemaGvk = readonly [group: string, version: string, kind: string];

export interface SchemaUnion {
  discriminator?: string;
  /** x-kubernetes-unions' `fields-to-discriminateBy`: field name → discriminator value. */
  fieldsToDiscriminateBy: Record<string, string>;
}

export interface SchemaNode {
  description?: string;
  type?: string;
  format?: string;
  ref?: string;
  items?: SchemaNode;
  properties?: Readonly<Record<string, SchemaNode>>;
  additionalProperties?: SchemaNode | boolean;
  required?: readonly string[];
  enum?: readonly JsonValue[];
  default?: JsonValue;
  oneOf?: readonly SchemaNode[];
  uniqueItems?: boolean;
  gvk?: readonly SchemaGvk[];
  patchMergeKey?: string;
  /** "merge", "retainKeys" or "merge,retainKeys". */
  patchStrategy?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: readonly string[];
  mapType?: 'atomic' | 'granular';
  intOrString?: boolean;
  preserveUnknownFields?: boolean;
  embeddedResource?: boolean;
  unions?: readonly SchemaUnion[];
}

export interface OpenAPIParameter {
  name: string;
  /** "path" | "query" */
  in: string;
  description?: string;
  required?: boolean;
  schema?: SchemaNode;
}

/**
 * [code ("200", "201", "202", "401"), description, content, schema]: content is a key into
 * openapiMediaSets, the response's media types, which all share `schema`.
 */
export type OpenAPIResponseEntry = readonly [code: string, description: string, content?: string, schema?: SchemaNode];

export interface OpenAPIOperationEntry {
  method: 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';
  operationId: string;
  description?: string;
  /** Absent when the operation has the document's `tags`. */
  tags?: readonly string[];
  /** x-kubernetes-action: get, list, watch, watchlist, post, put, patch, delete, deletecollection, connect */
  action?: string;
  gvk?: SchemaGvk;
  /** Keys into openapiParameters, in upstream order. */
  parameters?: readonly string[];
  requestBody?: { content: string; schema: SchemaNode; required?: boolean };
  responses: readonly OpenAPIResponseEntry[];
}

export interface OpenAPIPathEntry {
  path: string;
  /** Path-level parameters (keys into openapiParameters). */
  parameters?: readonly string[];
  operations: OpenAPIOperationEntry[];
}

/** What a group-version serves, read back from its paths (the kinds that exist where). */
export interface ResourceSummary {
  resource: string;
  kind: SchemaGvk;
  namespaced: boolean;
  /** Discovery verbs, sorted: create delete deletecollection get list patch update watch. */
  verbs: readonly string[];
  subresources?: readonly { name: string; kind?: SchemaGvk; verbs: readonly string[] }[];
}

/**
 * One /openapi/v3/<docPath> document. Its components.schemas are exactly the definitions
 * reachable from its paths (openapiDocumentSchemaNames computes them).
 */
export interface OpenAPIDocumentEntry {
  /** "apps/v1", "v1"; absent for "api", "apis", "apis/<group>" and "version". */
  groupVersion?: string;
  /** The tags of every operation that does not list its own. */
  tags?: readonly string[];
  paths: OpenAPIPathEntry[];
  resources?: ResourceSummary[];
}
