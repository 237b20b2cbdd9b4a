// The operations kube-apiserver's endpoint installer documents for a resource, built from its
// descriptor alone: for kinds whose paths are not in the generated tables (CRDs, which bring their
// schema in `descriptor.openapi`, as apiextensions-apiserver's openapi builder does). Custom
// resources are served in JSON and YAML only and take no strategic merge patch, so their media types
// say so: kubectl then falls back to a JSON merge patch for them.
import { openapiMediaSets, openapiParameters, type OpenAPIParameter, type ResourceDescriptor, type SchemaGvk, type SchemaNode, type Verb } from '@portico/registry';
import type { Method, OperationModel, PathModel } from './model';

const metaV1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const statusSchema = `${metaV1}.Status`;
export const deleteOptionsSchema = `${metaV1}.DeleteOptions`;
export const patchSchema = `${metaV1}.Patch`;

/** Media types of an operation family, for built-in kinds and for custom resources. */
interface MediaTypes {
  object: readonly string[];
  watchable: readonly string[];
  patch: readonly string[];
}

const builtinMedia: MediaTypes = {
  object: openapiMediaSets['object'] ?? ['application/json'],
  watchable: openapiMediaSets['watchable'] ?? ['application/json'],
  patch: openapiMediaSets['patch'] ?? ['application/json-patch+json', 'application/merge-patch+json'],
};

const customResourceMedia: MediaTypes = {
  object: ['application/json', 'application/yaml'],
  watchable: ['application/json', 'application/json;stream=watch', 'application/yaml'],
  patch: ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'],
};

const anyMedia = ['*/*'];

function param(key: string): OpenAPIParameter {
  const p = openapiParameters[key];
  if (p === undefined) throw new Error(`openapiParameters has no ${key}`);
  return p;
}

const listParams = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const deleteCollectionParams = [
  'continue',
  'dryRun',
  'fieldSelector',
  'gracePeriodSeconds',
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'labelSelector',
  'limit',
  'orphanDependents',
  'propagationPolicy',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
];
const deleteParams = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const writeParams = ['dryRun', 'fieldManager', 'fieldValidation'];
const patchParams = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The tag and operation-ID word of a group: "stable.example.com" → "stableExampleCom", "" → "core". */
export function groupIdentifier(group: string): string {
  if (group === '') return 'core';
  const words = group.split(/[.-]/).filter((w) => w !== '');
  return words.map((w, i) => (i === 0 ? w : upperFirst(w))).join('');
}

const ref = (name: string): SchemaNode => ({ ref: name });

interface Target {
  d: ResourceDescriptor;
  prefix: string;
  /** The kind's definition name. */
  schema: string;
  listSchema: string;
  /** Definition names of subresource kinds, by subresource name. */
  subresourceSchemas: ReadonlyMap<string, string>;
  media: MediaTypes;
}

/**
 * The paths of one resource: the collection, the object, its status and scale subresources, and
 * for namespaced kinds the list across namespaces, each with the operations its verbs allow.
 */
export function synthesizePaths(t: Target): PathModel[] {
  const { d, media } = t;
  const gvk: SchemaGvk = [d.group, d.version, d.kind];
  const id = `${upperFirst(groupIdentifier(d.group))}${upperFirst(d.version)}`;
  const tags = [`${groupIdentifier(d.group)}_${d.version}`];
  const scoped = d.namespaced ? `Namespaced${d.kind}` : d.kind;
  const can = (v: Verb, verbs: readonly Verb[] = d.verbs) => verbs.includes(v);
  const nameParam: OpenAPIParameter = {
    name: 'name',
    in: 'path',
    description: `name of the ${d.kind}`,
    required: true,
    schema: { type: 'string', uniqueItems: true },
  };
  const scope = d.namespaced ? [param('namespace')] : [];
  const collectionPath = `${t.prefix}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
  const objectResponses = (codes: readonly [string, string][], schema = t.schema) =>
    codes.map(([code, description]) => ({ code, description, mediaTypes: media.object, schema: ref(schema) }));
  const unauthorized = { code: '401', description: 'Unauthorized' };
  const op = (o: Omit<OperationModel, 'tags' | 'gvk'> & { gvk?: SchemaGvk }): OperationModel => ({ tags, gvk, ...o });

  const paths: PathModel[] = [];
  const collectionOps: OperationModel[] = [];
  if (can('deletecollection')) {
    collectionOps.push(
      op({
        method: 'delete',
        operationId: `delete${id}Collection${scoped}`,
        description: `delete collection of ${d.kind}`,
        action: 'deletecollection',
        parameters: deleteCollectionParams.map(param),
        requestBody: { mediaTypes: anyMedia, schema: ref(deleteOptionsSchema) },
        responses: [...objectResponses([['200', 'OK']], statusSchema), unauthorized],
      }),
    );
  }
  if (can('list')) {
    collectionOps.push(
      op({
        method: 'get',
        operationId: `list${id}${scoped}`,
        description: `list or watch objects of kind ${d.kind}`,
        action: 'list',
        parameters: listParams.map(param),
        responses: [{ code: '200', description: 'OK', mediaTypes: media.watchable, schema: ref(t.listSchema) }, unauthorized],
      }),
    );
  }
  if (can('create')) {
    collectionOps.push(
      op({
        method: 'post',
        operationId: `create${id}${scoped}`,
        description: `create a ${d.kind}`,
        action: 'post',
        parameters: writeParams.map(param),
        requestBody: { mediaTypes: anyMedia, schema: ref(t.schema), required: true },
        responses: [
          ...objectResponses([
            ['200', 'OK'],
            ['201', 'Created'],
            ['202', 'Accepted'],
          ]),
          unauthorized,
        ],
      }),
    );
  }
  if (collectionOps.length > 0) paths.push({ path: collectionPath, parameters: [...scope, param('pretty')], operations: collectionOps });

  const objectPathOps = (suffix: string, verbs: readonly Verb[], schema: string, what: string, subGvk: SchemaGvk): OperationModel[] => {
    const ops: OperationModel[] = [];
    const word = `${scoped}${suffix}`;
    if (suffix === '' && can('delete', verbs)) {
      ops.push(
        op({
          method: 'delete',
          operationId: `delete${id}${word}`,
          description: `delete ${what}`,
          action: 'delete',
          parameters: deleteParams.map(param),
          requestBody: { mediaTypes: anyMedia, schema: ref(deleteOptionsSchema) },
          responses: [
            ...objectResponses(
              [
                ['200', 'OK'],
                ['202', 'Accepted'],
              ],
              statusSchema,
            ),
            unauthorized,
          ],
        }),
      );
    }
    if (can('get', verbs)) {
      ops.push(
        op({
          method: 'get',
          operationId: `read${id}${word}`,
          description: `read ${suffix === '' ? 'the specified' : `${suffix.toLowerCase()} of the specified`} ${d.kind}`,
          action: 'get',
          gvk: subGvk,
          parameters: [],
          responses: [...objectResponses([['200', 'OK']], schema), unauthorized],
        }),
      );
    }
    if (can('patch', verbs)) {
      ops.push(
        op({
          method: 'patch',
          operationId: `patch${id}${word}`,
          description: `partially update ${suffix === '' ? 'the specified' : `${suffix.toLowerCase()} of the specified`} ${d.kind}`,
          action: 'patch',
          gvk: subGvk,
          parameters: patchParams.map(param),
          requestBody: { mediaTypes: media.patch, schema: ref(patchSchema), required: true },
          responses: [
            ...objectResponses(
              [
                ['200', 'OK'],
                ['201', 'Created'],
              ],
              schema,
            ),
            unauthorized,
          ],
        }),
      );
    }
    if (can('update', verbs)) {
      ops.push(
        op({
          method: 'put',
          operationId: `replace${id}${word}`,
          description: `replace ${suffix === '' ? 'the specified' : `${suffix.toLowerCase()} of the specified`} ${d.kind}`,
          action: 'put',
          gvk: subGvk,
          parameters: writeParams.map(param),
          requestBody: { mediaTypes: anyMedia, schema: ref(schema), required: true },
          responses: [
            ...objectResponses(
              [
                ['200', 'OK'],
                ['201', 'Created'],
              ],
              schema,
            ),
            unauthorized,
          ],
        }),
      );
    }
    return ops;
  };

  const objectOps = objectPathOps('', d.verbs, t.schema, `a ${d.kind}`, gvk);
  const objectPath = `${collectionPath}/{name}`;
  if (objectOps.length > 0) paths.push({ path: objectPath, parameters: [nameParam, ...scope, param('pretty')], operations: objectOps });

  for (const s of d.subresources) {
    if (s.name !== 'status' && s.name !== 'scale') continue;
    const schema = t.subresourceSchemas.get(s.name);
    if (schema === undefined) continue;
    const ops = objectPathOps(upperFirst(s.name), s.verbs, schema, '', [s.kind.group, s.kind.version, s.kind.kind]);
    if (ops.length > 0) paths.push({ path: `${objectPath}/${s.name}`, parameters: [nameParam, ...scope, param('pretty')], operations: ops });
  }

  if (d.namespaced && can('list')) {
    paths.push({
      path: `${t.prefix}/${d.resource}`,
      parameters: [...listParams.slice(0, 5), 'pretty', ...listParams.slice(5)].map(param),
      operations: [
        op({
          method: 'get',
          operationId: `list${id}${d.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${d.kind}`,
          action: 'list',
          parameters: [],
          responses: [{ code: '200', description: 'OK', mediaTypes: media.watchable, schema: ref(t.listSchema) }, unauthorized],
        }),
      ],
    });
  }
  return paths;
}

export function mediaTypesFor(customResource: boolean): MediaTypes {
  return customResource ? customResourceMedia : builtinMedia;
}

/** Whether an operation's x-kubernetes-action is allowed by the verbs served (connect goes by its HTTP method). */
export function actionAllowed(action: string | undefined, method: Method, verbs: readonly Verb[]): boolean {
  const verb: Verb | undefined =
    action === 'get' ? 'get'
    : action === 'list' ? 'list'
    : action === 'watch' || action === 'watchlist' ? 'watch'
    : action === 'post' ? 'create'
    : action === 'put' ? 'update'
    : action === 'patch' ? 'patch'
    : action === 'delete' ? 'delete'
    : action === 'deletecollection' ? 'deletecollection'
    : action === 'connect' ? connectVerb(method)
    : undefined;
  return verb === undefined || verbs.includes(verb);
}

function connectVerb(method: Method): Verb {
  switch (method) {
    case 'post':
      return 'create';
    case 'put':
      return 'update';
    case 'patch':
      return 'patch';
    case 'delete':
      return 'delete';
    default:
      return 'get';
  }
}
