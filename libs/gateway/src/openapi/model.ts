// The documents /openapi/v3/<path> and /openapi/v2 are rendered from: paths with their operations
// (parameters resolved, media types spelled out) and the definitions they reach. Built-in
// resources take theirs from the generated tables of Kubernetes' own documents; a descriptor with
// `openapi` (a CRD) brings its schema and gets the standard operations synthesized.
import type { JsonObject } from '@portico/api';
import type { OpenAPIParameter, SchemaGvk, SchemaNode } from '@portico/registry';

export type Method = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';

export interface OperationModel {
  method: Method;
  operationId: string;
  description?: string;
  tags: readonly string[];
  /** x-kubernetes-action */
  action?: string;
  /** x-kubernetes-group-version-kind (a single object on operations). */
  gvk?: SchemaGvk;
  parameters: readonly OpenAPIParameter[];
  requestBody?: { mediaTypes: readonly string[]; schema: SchemaNode; required?: boolean };
  responses: readonly { code: string; description: string; mediaTypes?: readonly string[]; schema?: SchemaNode }[];
}

export interface PathModel {
  path: string;
  parameters: readonly OpenAPIParameter[];
  operations: readonly OperationModel[];
}

/**
 * A definition in components.schemas: from the generated tables (`table`, rendered with the
 * `x-kubernetes-*` names restored), or OpenAPI v3 JSON a descriptor brought (`json`).
 */
export type SchemaSource = { table: SchemaNode } | { json: JsonObject };

export interface DocumentModel {
  paths: PathModel[];
  /** Every definition the paths reach, by name. */
  schemas: Map<string, SchemaSource>;
}
