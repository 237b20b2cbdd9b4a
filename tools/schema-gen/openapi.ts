// Compiles Kubernetes' published OpenAPI v3 documents into Portico's compact schema and document
// tables (formats in libs/registry/src/generated/openapi-format.ts). Every key of the upstream
// schemas is either mapped or rejected, so nothing is dropped silently when the version is bumped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/ is no Nx project; the generator type-checks its output against the libs' table types
import type {
  OpenAPIDocumentEntry,
  OpenAPIOperationEntry,
  OpenAPIParameter,
  OpenAPIPathEntry,
  OpenAPIResponseEntry,
  ResourceSummary,
  SchemaGvk,
  SchemaNode,
  SchemaUnion,
} from '@portico/registry';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/ is no Nx project; the generator type-checks its output against the libs' table types
import type { JsonValue } from '@portico/api';
import { firstSentence } from './description';

type Json = JsonValue;
type JsonObj = { [k: string]: Json };

const refPrefix = '#/components/schemas/';

export interface OpenAPIInput {
  /** docPath ("api/v1", "apis/apps", "version") → parsed document */
  documents: Map<string, JsonObj>;
}

export function docPathOfFile(file: string): string {
  return file.replace(/_openapi\.json$/, '').split('__').join('/');
}

export function loadDocuments(dir: string, docPaths: readonly string[]): Map<string, JsonObj> {
  const out = new Map<string, JsonObj>();
  for (const p of docPaths) {
    const file = join(dir, `${p.split('/').join('__')}_openapi.json`);
    out.set(p, JSON.parse(readFileSync(file, 'utf8')) as JsonObj);
  }
  return out;
}

function isObj(v: Json | undefined): v is JsonObj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: Json | undefined, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what}: expected a string`);
  return v;
}

function strList(v: Json | undefined, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${what}: expected a string list`);
  return v as string[];
}

function gvkOf(v: Json | undefined, what: string): SchemaGvk {
  if (!isObj(v)) throw new Error(`${what}: expected a GVK object`);
  return [str(v['group'], what), str(v['version'], what), str(v['kind'], what)];
}

export function compileSchema(node: Json, where: string): SchemaNode {
  if (!isObj(node)) throw new Error(`${where}: schema is not an object`);
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    const at = `${where}.${k}`;
    switch (k) {
      case 'description':
        out.description = firstSentence(str(v, at));
        break;
      case 'type':
        out.type = str(v, at);
        break;
      case 'format':
        out.format = str(v, at);
        break;
      case '$ref': {
        const r = str(v, at);
        if (!r.startsWith(refPrefix)) throw new Error(`${at}: unexpected $ref ${r}`);
        out.ref = r.slice(refPrefix.length);
        break;
      }
      case 'allOf': {
        // v3 wraps a $ref in allOf whenever it has siblings; the rebuilder reverses this.
        if (!Array.isArray(v) || v.length !== 1 || !isObj(v[0]) || Object.keys(v[0]).join() !== '$ref') {
          throw new Error(`${at}: only allOf:[{$ref}] is supported`);
        }
        out.ref = str(v[0]['$ref'], at).slice(refPrefix.length);
        break;
      }
      case 'items':
        out.items = compileSchema(v, at);
        break;
      case 'properties': {
        if (!isObj(v)) throw new Error(`${at}: expected an object`);
        const props: Record<string, SchemaNode> = {};
        for (const [pk, pv] of Object.entries(v)) props[pk] = compileSchema(pv, `${at}.${pk}`);
        out.properties = props;
        break;
      }
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : compileSchema(v, at);
        break;
      case 'required':
        out.required = strList(v, at);
        break;
      case 'enum':
        if (!Array.isArray(v)) throw new Error(`${at}: expected a list`);
        out.enum = v;
        break;
      case 'default':
        out.default = v;
        break;
      case 'oneOf':
        if (!Array.isArray(v)) throw new Error(`${at}: expected a list`);
        out.oneOf = v.map((x, i) => compileSchema(x, `${at}[${i}]`));
        break;
      case 'uniqueItems':
        out.uniqueItems = v === true;
        break;
      case 'x-kubernetes-group-version-kind':
        if (!Array.isArray(v)) throw new Error(`${at}: expected a list`);
        out.gvk = v.map((x) => gvkOf(x, at));
        break;
      case 'x-kubernetes-patch-merge-key':
        out.patchMergeKey = str(v, at);
        break;
      case 'x-kubernetes-patch-strategy':
        out.patchStrategy = str(v, at);
        break;
      case 'x-kubernetes-list-type': {
        const t = str(v, at);
        if (t !== 'atomic' && t !== 'set' && t !== 'map') throw new Error(`${at}: unknown list type ${t}`);
        out.listType = t;
        break;
      }
      case 'x-kubernetes-list-map-keys':
        out.listMapKeys = strList(v, at);
        break;
      case 'x-kubernetes-map-type': {
        const t = str(v, at);
        if (t !== 'atomic' && t !== 'granular') throw new Error(`${at}: unknown map type ${t}`);
        out.mapType = t;
        break;
      }
      case 'x-kubernetes-int-or-string':
        out.intOrString = v === true;
        break;
      case 'x-kubernetes-preserve-unknown-fields':
        out.preserveUnknownFields = v === true;
        break;
      case 'x-kubernetes-embedded-resource':
        out.embeddedResource = v === true;
        break;
      case 'x-kubernetes-unions':
        if (!Array.isArray(v)) throw new Error(`${at}: expected a list`);
        out.unions = v.map((u, i): SchemaUnion => {
          if (!isObj(u)) throw new Error(`${at}[${i}]: expected an object`);
          const union: SchemaUnion = { fieldsToDiscriminateBy: {} };
          for (const [uk, uv] of Object.entries(u)) {
            if (uk === 'discriminator') union.discriminator = str(uv, `${at}[${i}]`);
            else if (uk === 'fields-to-discriminateBy' && isObj(uv)) {
              for (const [fk, fv] of Object.entries(uv)) union.fieldsToDiscriminateBy[fk] = str(fv, `${at}[${i}]`);
            } else throw new Error(`${at}[${i}]: unsupported union key ${uk}`);
          }
          return union;
        });
        break;
      default:
        throw new Error(`${at}: unsupported schema key (extend compileSchema and the format)`);
    }
  }
  return out;
}

export interface CompiledOpenAPI {
  schemas: Map<string, SchemaNode>;
  documents: Map<string, OpenAPIDocumentEntry>;
  parameters: Map<string, OpenAPIParameter>;
  mediaSets: Map<string, string[]>;
}

const knownMediaSets: [string, string[]][] = [
  ['object', ['application/cbor', 'application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml']],
  [
    'watchable',
    [
      'application/cbor',
      'application/cbor-seq',
      'application/json',
      'application/json;stream=watch',
      'application/vnd.kubernetes.protobuf',
      'application/vnd.kubernetes.protobuf;stream=watch',
      'application/yaml',
    ],
  ],
  ['any', ['*/*']],
  [
    'patch',
    [
      'application/apply-patch+cbor',
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ],
  ],
  ['json', ['application/json']],
  ['discovery', ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml']],
];

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

export function compileOpenAPI(documents: Map<string, JsonObj>, groupVersionOfDoc: (docPath: string) => string | undefined): CompiledOpenAPI {
  const schemas = new Map<string, SchemaNode>();
  const rawSchemas = new Map<string, string>();
  const parameters = new Map<string, OpenAPIParameter>();
  const parameterIds = new Map<string, string>();
  const mediaSets = new Map<string, string[]>();
  const mediaSetIds = new Map<string, string>();
  const docs = new Map<string, OpenAPIDocumentEntry>();

  const mediaSet = (types: string[]): string => {
    const key = types.join(',');
    let id = mediaSetIds.get(key);
    if (id === undefined) {
      id = knownMediaSets.find(([, t]) => t.join(',') === key)?.[0] ?? `set${mediaSets.size}`;
      if (mediaSets.has(id)) throw new Error(`media set id ${id} reused`);
      mediaSetIds.set(key, id);
      mediaSets.set(id, types);
    }
    return id;
  };

  const parameter = (p: Json, where: string): string => {
    if (!isObj(p)) throw new Error(`${where}: parameter is not an object`);
    const param: OpenAPIParameter = { name: str(p['name'], where), in: str(p['in'], where) };
    for (const [k, v] of Object.entries(p)) {
      if (k === 'name' || k === 'in') continue;
      if (k === 'description') param.description = firstSentence(str(v, where));
      else if (k === 'required') param.required = v === true;
      else if (k === 'schema') param.schema = compileSchema(v, `${where}.schema`);
      else throw new Error(`${where}: unsupported parameter key ${k}`);
    }
    const key = JSON.stringify(param);
    let id = parameterIds.get(key);
    if (id === undefined) {
      id = param.name;
      for (let n = 2; parameters.has(id); n++) id = `${param.name}~${n}`;
      parameterIds.set(key, id);
      parameters.set(id, param);
    }
    return id;
  };

  for (const [docPath, doc] of documents) {
    const components = doc['components'];
    const docSchemas = isObj(components) && isObj(components['schemas']) ? components['schemas'] : {};
    for (const [name, s] of Object.entries(docSchemas)) {
      const raw = JSON.stringify(s);
      const prev = rawSchemas.get(name);
      if (prev !== undefined) {
        if (prev !== raw) throw new Error(`definition ${name} differs between documents`);
        continue;
      }
      rawSchemas.set(name, raw);
      schemas.set(name, compileSchema(s, name));
    }

    const paths: OpenAPIPathEntry[] = [];
    const docPathsObj = doc['paths'];
    if (!isObj(docPathsObj)) throw new Error(`${docPath}: no paths`);
    for (const [path, item] of Object.entries(docPathsObj)) {
      if (!isObj(item)) throw new Error(`${docPath} ${path}: not an object`);
      const entry: OpenAPIPathEntry = { path, operations: [] };
      for (const [k, v] of Object.entries(item)) {
        if (k === 'parameters') {
          if (!Array.isArray(v)) throw new Error(`${path}: parameters not a list`);
          entry.parameters = v.map((p, i) => parameter(p, `${path}.parameters[${i}]`));
          continue;
        }
        if (!(methods as readonly string[]).includes(k)) throw new Error(`${path}: unsupported path item key ${k}`);
        entry.operations.push(compileOperation(k as OpenAPIOperationEntry['method'], v, `${docPath} ${k} ${path}`, parameter, mediaSet));
      }
      paths.push(entry);
    }
    // Every operation of a document normally carries the same tags; keep them once.
    const tagKeys = new Set(paths.flatMap((p) => p.operations.map((o) => JSON.stringify(o.tags ?? []))));
    const entry: OpenAPIDocumentEntry = { paths };
    if (tagKeys.size === 1) {
      const tags = JSON.parse([...tagKeys][0] as string) as string[];
      if (tags.length > 0) entry.tags = tags;
      for (const p of paths) for (const o of p.operations) delete o.tags;
    }
    const gv = groupVersionOfDoc(docPath);
    if (gv !== undefined) {
      entry.groupVersion = gv;
      entry.resources = summarizeResources(gv, paths);
    }
    docs.set(docPath, entry);
  }
  return { schemas, documents: docs, parameters, mediaSets };
}

function compileOperation(
  method: OpenAPIOperationEntry['method'],
  v: Json,
  where: string,
  parameter: (p: Json, where: string) => string,
  mediaSet: (types: string[]) => string,
): OpenAPIOperationEntry {
  if (!isObj(v)) throw new Error(`${where}: operation is not an object`);
  const responses: OpenAPIResponseEntry[] = [];
  const op: OpenAPIOperationEntry = { method, operationId: str(v['operationId'], where), responses };
  for (const [k, x] of Object.entries(v)) {
    switch (k) {
      case 'operationId':
        break;
      case 'description':
        op.description = str(x, where);
        break;
      case 'tags':
        op.tags = strList(x, where);
        break;
      case 'x-kubernetes-action':
        op.action = str(x, where);
        break;
      case 'x-kubernetes-group-version-kind':
        op.gvk = gvkOf(x, where);
        break;
      case 'parameters':
        if (!Array.isArray(x)) throw new Error(`${where}: parameters not a list`);
        op.parameters = x.map((p, i) => parameter(p, `${where}.parameters[${i}]`));
        break;
      case 'requestBody': {
        if (!isObj(x) || !isObj(x['content'])) throw new Error(`${where}: bad requestBody`);
        const { media, schema } = content(x['content'], `${where}.requestBody`, mediaSet);
        if (schema === undefined) throw new Error(`${where}: requestBody without schema`);
        op.requestBody = { content: media, schema };
        for (const rk of Object.keys(x)) {
          if (rk === 'required') op.requestBody.required = x[rk] === true;
          else if (rk !== 'content') throw new Error(`${where}: unsupported requestBody key ${rk}`);
        }
        break;
      }
      case 'responses': {
        if (!isObj(x)) throw new Error(`${where}: bad responses`);
        for (const [code, r] of Object.entries(x)) {
          if (!isObj(r)) throw new Error(`${where}: bad response ${code}`);
          const description = str(r['description'], `${where}.${code}`);
          let resp: OpenAPIResponseEntry = [code, description];
          for (const rk of Object.keys(r)) {
            if (rk === 'content') {
              const c = r['content'];
              if (!isObj(c)) throw new Error(`${where}: bad response content`);
              const { media, schema } = content(c, `${where}.${code}`, mediaSet);
              resp = schema === undefined ? [code, description, media] : [code, description, media, schema];
            } else if (rk !== 'description') throw new Error(`${where}: unsupported response key ${rk}`);
          }
          responses.push(resp);
        }
        break;
      }
      default:
        throw new Error(`${where}: unsupported operation key ${k}`);
    }
  }
  return op;
}

function content(c: JsonObj, where: string, mediaSet: (types: string[]) => string): { media: string; schema?: SchemaNode } {
  const types = Object.keys(c).sort();
  let raw: string | undefined;
  for (const t of types) {
    const m = c[t];
    if (!isObj(m)) throw new Error(`${where}: bad media type object`);
    for (const mk of Object.keys(m)) if (mk !== 'schema') throw new Error(`${where}: unsupported media type key ${mk}`);
    const s = JSON.stringify(m['schema'] ?? null);
    if (raw !== undefined && raw !== s) throw new Error(`${where}: media types have different schemas`);
    raw = s;
  }
  const first = types[0] === undefined ? undefined : (c[types[0]] as JsonObj)['schema'];
  return first === undefined ? { media: mediaSet(types) } : { media: mediaSet(types), schema: compileSchema(first, where) };
}

const actionVerbs: Record<string, string> = {
  get: 'get',
  list: 'list',
  watch: 'watch',
  watchlist: 'watch',
  post: 'create',
  put: 'update',
  patch: 'patch',
  delete: 'delete',
  deletecollection: 'deletecollection',
};
const connectVerbs: Record<string, string> = { get: 'get', post: 'create', put: 'update', patch: 'patch', delete: 'delete' };
const verbOrder = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * What kube-apiserver installed for a group-version, read back from its paths:
 * /apis/g/v[/watch][/namespaces/{namespace}]/resource[/{name}[/subresource[/{path}]]]
 */
export function summarizeResources(gv: string, paths: OpenAPIPathEntry[]): ResourceSummary[] {
  const prefix = gv.includes('/') ? `/apis/${gv}/` : `/api/${gv}/`;
  const byName = new Map<string, ResourceSummary & { verbSet: Set<string>; subs: Map<string, { kind?: SchemaGvk; verbSet: Set<string> }> }>();
  for (const p of paths) {
    if (!p.path.startsWith(prefix)) throw new Error(`${p.path}: not under ${prefix}`);
    let segs = p.path.slice(prefix.length).split('/').filter((s) => s !== '');
    if (segs.length === 0) continue;
    if (segs[0] === 'watch') segs = segs.slice(1);
    let namespaced = false;
    if (segs[0] === 'namespaces' && segs[1] === '{namespace}') {
      namespaced = true;
      segs = segs.slice(2);
    }
    const resource = segs[0] as string;
    const hasName = segs[1] === '{name}';
    const sub = hasName ? segs[2] : undefined;
    let r = byName.get(resource);
    for (const op of p.operations) {
      if (op.gvk === undefined || op.action === undefined) continue;
      if (r === undefined) {
        r = { resource, namespaced, kind: op.gvk, verbs: [], verbSet: new Set(), subs: new Map() };
        byName.set(resource, r);
      }
      if (namespaced) r.namespaced = true;
      if (sub === undefined) {
        const verb = actionVerbs[op.action];
        if (verb === undefined) throw new Error(`${p.path}: unexpected action ${op.action}`);
        r.verbSet.add(verb);
        if (op.action !== 'deletecollection' && op.action !== 'list' && op.action !== 'watchlist' && op.action !== 'watch') r.kind = op.gvk;
      } else {
        let s = r.subs.get(sub);
        if (s === undefined) {
          s = { verbSet: new Set() };
          r.subs.set(sub, s);
        }
        const verb = op.action === 'connect' ? connectVerbs[op.method] : actionVerbs[op.action];
        if (verb !== undefined) s.verbSet.add(verb);
        if (op.action !== 'connect') s.kind = op.gvk;
      }
    }
  }
  const out: ResourceSummary[] = [];
  for (const r of [...byName.values()].sort((a, b) => (a.resource < b.resource ? -1 : 1))) {
    const summary: ResourceSummary = {
      resource: r.resource,
      kind: r.kind,
      namespaced: r.namespaced,
      verbs: verbOrder.filter((v) => r.verbSet.has(v)),
    };
    if (r.subs.size > 0) {
      summary.subresources = [...r.subs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, s]) => {
          const e: NonNullable<ResourceSummary['subresources']>[number] = { name, verbs: verbOrder.filter((v) => s.verbSet.has(v)) };
          if (s.kind !== undefined) e.kind = s.kind;
          return e;
        });
    }
    out.push(summary);
  }
  return out;
}

/** Names reachable from a set of roots through refs. */
export function schemaClosure(schemas: Map<string, SchemaNode>, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const visit = (n: SchemaNode | boolean | undefined) => {
    if (n === undefined || typeof n === 'boolean') return;
    if (n.ref !== undefined) stack.push(n.ref);
    visit(n.items);
    visit(n.additionalProperties);
    for (const p of Object.values(n.properties ?? {})) visit(p);
    for (const o of n.oneOf ?? []) visit(o);
  };
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    visit(schemas.get(name));
  }
  return seen;
}
