// Which /openapi/v3 documents exist and what each holds, computed from the resources the registry
// serves. A built-in group-version takes Kubernetes' own document from the generated tables, keeping
// only the paths of resources (and subresources, and verbs) that are served, so clients never see an
// operation Portico would answer with 404 or 405. Resources the tables do not describe (CRDs) get
// kube-apiserver's standard operations around the schema their descriptor brings.
import { isPlainObject, type JsonObject } from '@portico/api';
import {
  openapiDocuments,
  openapiMediaSets,
  openapiParameters,
  openapiSchemaNameForKind,
  type OpenAPIOperationEntry,
  type OpenAPIParameter,
  type OpenAPIPathEntry,
  type ResourceDescriptor,
} from '@portico/registry';
import type { DocumentModel, OperationModel, PathModel } from './model';
import { gvkJson, nodeRefs, refPrefix, schemaClosure } from './schemas';
import { actionAllowed, mediaTypesFor, synthesizePaths } from './synthesize';

/** "api/v1" for the core group, "apis/<group>/<version>" otherwise: the document's key under /openapi/v3. */
export function groupVersionDocumentPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function urlPrefix(group: string, version: string): string {
  return `/${groupVersionDocumentPath(group, version)}`;
}

export interface DocumentInputs {
  /** The served resources of the group-version (empty for api, apis, apis/<group> and version). */
  descriptors: readonly ResourceDescriptor[];
}

/**
 * The documents the served resources call for, in the order kube-apiserver lists them (sorted):
 * api, apis and version always; each served group-version; apis/<group> for served built-in groups.
 */
export function documentInputs(descs: readonly ResourceDescriptor[]): Map<string, DocumentInputs> {
  const out = new Map<string, ResourceDescriptor[]>();
  for (const p of ['api', 'apis', 'version']) if (openapiDocuments[p] !== undefined) out.set(p, []);
  for (const d of descs) {
    const gv = groupVersionDocumentPath(d.group, d.version);
    const entry = out.get(gv);
    if (entry === undefined) out.set(gv, [d]);
    else entry.push(d);
    const group = `apis/${d.group}`;
    if (d.group !== '' && openapiDocuments[group] !== undefined && !out.has(group)) out.set(group, []);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, descriptors]) => [p, { descriptors }]));
}

/** What a path of a group-version document is about: the group-version itself, or a resource (and subresource). */
export function pathTarget(path: string, prefix: string): { root: true } | { resource: string; subresource?: string } | undefined {
  if (!path.startsWith(prefix)) return undefined;
  let segs = path.slice(prefix.length).split('/').filter((s) => s !== '');
  if (segs.length === 0) return { root: true };
  if (segs[0] === 'watch') segs = segs.slice(1);
  if (segs[0] === 'namespaces' && segs[1] === '{namespace}' && segs.length > 2) segs = segs.slice(2);
  const resource = segs[0];
  if (resource === undefined) return undefined;
  const subresource = segs[2];
  return subresource === undefined ? { resource } : { resource, subresource };
}

function resolveParameters(keys: readonly string[] | undefined): OpenAPIParameter[] {
  return (keys ?? []).map((k) => {
    const p = openapiParameters[k];
    if (p === undefined) throw new Error(`openapiParameters has no ${k}`);
    return p;
  });
}

function media(key: string | undefined): readonly string[] | undefined {
  return key === undefined ? undefined : openapiMediaSets[key];
}

function fromTable(op: OpenAPIOperationEntry, docTags: readonly string[]): OperationModel {
  const model: OperationModel = {
    method: op.method,
    operationId: op.operationId,
    tags: op.tags ?? docTags,
    parameters: resolveParameters(op.parameters),
    responses: op.responses.map(([code, description, content, schema]) => {
      const mediaTypes = media(content);
      return {
        code,
        description,
        ...(mediaTypes === undefined ? {} : { mediaTypes }),
        ...(schema === undefined ? {} : { schema }),
      };
    }),
  };
  if (op.description !== undefined) model.description = op.description;
  if (op.action !== undefined) model.action = op.action;
  if (op.gvk !== undefined) model.gvk = op.gvk;
  if (op.requestBody !== undefined) {
    model.requestBody = { mediaTypes: media(op.requestBody.content) ?? ['*/*'], schema: op.requestBody.schema };
    if (op.requestBody.required !== undefined) model.requestBody.required = op.requestBody.required;
  }
  return model;
}

function pathFromTable(p: OpenAPIPathEntry, ops: readonly OpenAPIOperationEntry[], docTags: readonly string[]): PathModel {
  return { path: p.path, parameters: resolveParameters(p.parameters), operations: ops.map((o) => fromTable(o, docTags)) };
}

/**
 * The definition a descriptor brings for its list kind: the one whose x-kubernetes-group-version-kind
 * names it (a CRD's listKind need not be <kind>List), else `<schemaName>List`.
 */
function providedListName(d: ResourceDescriptor): string | undefined {
  const o = d.openapi;
  if (o === undefined) return undefined;
  for (const [name, json] of Object.entries(o.schemas)) {
    const gvks = json['x-kubernetes-group-version-kind'];
    const names = Array.isArray(gvks) ? gvks : [];
    if (names.some((g) => isPlainObject(g) && g['group'] === d.group && g['version'] === d.version && g['kind'] === d.listKind)) return name;
  }
  return `${o.schemaName}List`;
}

/** The definitions a descriptor brings, with its List and x-kubernetes-group-version-kind filled in when missing. */
function providedSchemas(d: ResourceDescriptor): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const o = d.openapi;
  if (o === undefined) return out;
  for (const [name, json] of Object.entries(o.schemas)) out.set(name, json);
  const kind = out.get(o.schemaName);
  if (kind !== undefined && kind['x-kubernetes-group-version-kind'] === undefined) {
    out.set(o.schemaName, { ...kind, 'x-kubernetes-group-version-kind': [gvkJson([d.group, d.version, d.kind])] });
  }
  const listName = providedListName(d) ?? `${o.schemaName}List`;
  if (!out.has(listName)) out.set(listName, listSchema(d, o.schemaName));
  return out;
}

/** apiextensions-apiserver's list definition for a custom resource. */
function listSchema(d: ResourceDescriptor, itemSchema: string): JsonObject {
  return {
    description: `${d.listKind} is a list of ${d.kind}`,
    required: ['items'],
    type: 'object',
    properties: {
      apiVersion: {
        description: 'APIVersion defines the versioned schema of this representation of an object.',
        type: 'string',
      },
      items: {
        description: `List of ${d.resource}.`,
        type: 'array',
        items: { $ref: `${refPrefix.v3}${itemSchema}` },
      },
      kind: {
        description: 'Kind is a string value representing the REST resource this object represents.',
        type: 'string',
      },
      metadata: {
        description: 'Standard list metadata.',
        allOf: [{ $ref: `${refPrefix.v3}io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta` }],
      },
    },
    'x-kubernetes-group-version-kind': [gvkJson([d.group, d.version, d.listKind])],
  };
}

/** The definition name of a subresource's kind (Scale, or the parent kind for status). */
function subresourceSchemaNames(d: ResourceDescriptor, kindSchema: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of d.subresources) {
    const same = s.kind.group === d.group && s.kind.version === d.version && s.kind.kind === d.kind;
    const name = same ? kindSchema : openapiSchemaNameForKind(s.kind.group, s.kind.version, s.kind.kind);
    if (name !== undefined) out.set(s.name, name);
  }
  return out;
}

/** Builds the model of one /openapi/v3 document. */
export function buildDocumentModel(docPath: string, inputs: DocumentInputs): DocumentModel {
  const table = openapiDocuments[docPath];
  const descs = inputs.descriptors;
  const paths: PathModel[] = [];
  const provided = new Map<string, JsonObject>();
  const covered = new Set<string>();

  if (descs.length === 0) {
    for (const p of table?.paths ?? []) paths.push(pathFromTable(p, p.operations, table?.tags ?? []));
  } else {
    const first = descs[0] as ResourceDescriptor;
    const prefix = urlPrefix(first.group, first.version);
    const byResource = new Map(descs.map((d) => [d.resource, d]));
    for (const p of table?.paths ?? []) {
      const target = pathTarget(p.path, prefix);
      if (target === undefined) continue;
      if ('root' in target) {
        paths.push(pathFromTable(p, p.operations, table?.tags ?? []));
        continue;
      }
      const d = byResource.get(target.resource);
      if (d === undefined || d.openapi !== undefined) continue;
      let verbs = d.verbs;
      if (target.subresource !== undefined) {
        const sub = d.subresources.find((s) => s.name === target.subresource);
        if (sub === undefined) continue;
        verbs = sub.verbs;
      }
      const ops = p.operations.filter((o) => actionAllowed(o.action, o.method, verbs));
      if (ops.length === 0) continue;
      covered.add(d.resource);
      paths.push(pathFromTable(p, ops, table?.tags ?? []));
    }
    for (const d of descs) {
      if (covered.has(d.resource)) continue;
      const custom = d.openapi !== undefined;
      const schema = d.openapi?.schemaName ?? openapiSchemaNameForKind(d.group, d.version, d.kind);
      if (schema === undefined) continue;
      for (const [name, json] of providedSchemas(d)) provided.set(name, json);
      const listSchemaName = custom ? (providedListName(d) ?? `${schema}List`) : (openapiSchemaNameForKind(d.group, d.version, d.listKind) ?? `${schema}List`);
      paths.push(
        ...synthesizePaths({
          d,
          prefix,
          schema,
          listSchema: listSchemaName,
          subresourceSchemas: subresourceSchemaNames(d, schema),
          media: mediaTypesFor(custom),
        }),
      );
    }
    paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  const roots: string[] = [];
  for (const p of paths) {
    for (const op of p.operations) {
      if (op.requestBody !== undefined) nodeRefs(op.requestBody.schema, roots);
      for (const r of op.responses) nodeRefs(r.schema, roots);
    }
  }
  // A kind's definition is part of its document even where no operation names it directly.
  for (const name of provided.keys()) roots.push(name);
  return { paths, schemas: schemaClosure(roots, provided) };
}
