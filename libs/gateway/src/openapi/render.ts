// Document models written out as OpenAPI v3 (one document per group-version, /openapi/v3/<path>)
// and as Swagger 2.0 (everything in one, /openapi/v2), in kube-openapi's shapes: v3 operations
// keep their parameters inline (kubectl's fieldValidation check only follows inline parameters),
// x-kubernetes-action and a single x-kubernetes-group-version-kind object on each operation.
import type { JsonObject } from '@portico/api';
import type { OpenAPIParameter } from '@portico/registry';
import type { DocumentModel, OperationModel } from './model';
import { gvkJson, renderNode, renderSchemaSource } from './schemas';

export const documentTitle = 'Kubernetes';

const bearerToken = { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' };

function parameterV3(p: OpenAPIParameter): JsonObject {
  const out: JsonObject = { name: p.name, in: p.in };
  if (p.description !== undefined) out['description'] = p.description;
  if (p.required !== undefined) out['required'] = p.required;
  if (p.schema !== undefined) out['schema'] = renderNode(p.schema, 'v3');
  return out;
}

function extensions(op: OperationModel, out: JsonObject): JsonObject {
  if (op.action !== undefined) out['x-kubernetes-action'] = op.action;
  if (op.gvk !== undefined) out['x-kubernetes-group-version-kind'] = gvkJson(op.gvk);
  return out;
}

function operationV3(op: OperationModel): JsonObject {
  const out: JsonObject = { tags: [...op.tags] };
  if (op.description !== undefined) out['description'] = op.description;
  out['operationId'] = op.operationId;
  if (op.parameters.length > 0) out['parameters'] = op.parameters.map(parameterV3);
  if (op.requestBody !== undefined) {
    const schema = renderNode(op.requestBody.schema, 'v3');
    const body: JsonObject = { content: Object.fromEntries(op.requestBody.mediaTypes.map((m) => [m, { schema }])) };
    if (op.requestBody.required !== undefined) body['required'] = op.requestBody.required;
    out['requestBody'] = body;
  }
  const responses: JsonObject = {};
  for (const r of op.responses) {
    const response: JsonObject = { description: r.description };
    if (r.mediaTypes !== undefined && r.schema !== undefined) {
      const schema = renderNode(r.schema, 'v3');
      response['content'] = Object.fromEntries(r.mediaTypes.map((m) => [m, { schema }]));
    }
    responses[r.code] = response;
  }
  out['responses'] = responses;
  return extensions(op, out);
}

/** One /openapi/v3/<path> document. */
export function renderV3(model: DocumentModel, version: string): JsonObject {
  const paths: JsonObject = {};
  for (const p of model.paths) {
    const item: JsonObject = {};
    for (const op of p.operations) item[op.method] = operationV3(op);
    if (p.parameters.length > 0) item['parameters'] = p.parameters.map(parameterV3);
    paths[p.path] = item;
  }
  const schemas: JsonObject = {};
  for (const [name, s] of model.schemas) schemas[name] = renderSchemaSource(name, s, 'v3');
  return {
    openapi: '3.0.0',
    info: { title: documentTitle, version },
    paths,
    components: { schemas, securitySchemes: { BearerToken: bearerToken } },
  };
}

/** A v2 non-body parameter carries its schema's type (and items) beside name and in. */
function parameterV2(p: OpenAPIParameter): JsonObject {
  const out: JsonObject = p.schema === undefined ? {} : { ...renderNode(p.schema, 'v2') };
  if (p.description !== undefined) out['description'] = p.description;
  out['name'] = p.name;
  out['in'] = p.in;
  if (p.required !== undefined) out['required'] = p.required;
  return out;
}

function operationV2(op: OperationModel): JsonObject {
  const out: JsonObject = {};
  if (op.description !== undefined) out['description'] = op.description;
  out['consumes'] = op.requestBody === undefined ? ['*/*'] : [...op.requestBody.mediaTypes];
  const produces = new Set<string>();
  for (const r of op.responses) for (const m of r.mediaTypes ?? []) produces.add(m);
  out['produces'] = [...produces];
  out['schemes'] = ['https'];
  out['tags'] = [...op.tags];
  out['operationId'] = op.operationId;
  const params = op.parameters.map(parameterV2);
  if (op.requestBody !== undefined) {
    const body: JsonObject = { name: 'body', in: 'body', schema: renderNode(op.requestBody.schema, 'v2') };
    if (op.requestBody.required !== undefined) body['required'] = op.requestBody.required;
    params.unshift(body);
  }
  if (params.length > 0) out['parameters'] = params;
  const responses: JsonObject = {};
  for (const r of op.responses) {
    const response: JsonObject = { description: r.description };
    if (r.schema !== undefined) response['schema'] = renderNode(r.schema, 'v2');
    responses[r.code] = response;
  }
  out['responses'] = responses;
  return extensions(op, out);
}

/** The single /openapi/v2 document: every document's paths and definitions together. */
export function renderV2(models: Iterable<DocumentModel>, version: string): JsonObject {
  const paths: [string, JsonObject][] = [];
  const definitions = new Map<string, JsonObject>();
  for (const model of models) {
    for (const p of model.paths) {
      const item: JsonObject = {};
      for (const op of p.operations) item[op.method] = operationV2(op);
      if (p.parameters.length > 0) item['parameters'] = p.parameters.map(parameterV2);
      paths.push([p.path, item]);
    }
    for (const [name, s] of model.schemas) if (!definitions.has(name)) definitions.set(name, renderSchemaSource(name, s, 'v2'));
  }
  const byName = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return {
    swagger: '2.0',
    info: { title: documentTitle, version },
    paths: Object.fromEntries(paths.sort(byName)),
    definitions: Object.fromEntries([...definitions].sort(byName)),
    securityDefinitions: { BearerToken: bearerToken },
    security: [{ BearerToken: [] }],
  };
}
