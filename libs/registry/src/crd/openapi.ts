// The OpenAPI v3 definitions of one served version of a CRD, as kube-apiserver publishes them
// under /openapi/v3/apis/<group>/<version> (k8s parity: apiextensions-apiserver
// pkg/controller/openapi/builder BuildOpenAPIV3 with the v3 options: value validations and
// nullable kept, the structural schema unfolded, TypeMeta and the ObjectMeta ref added, embedded
// resources given apiVersion/kind/metadata).
import type { JsonObject, JsonValue, KubeObject } from '@portico/api';
import type { DescriptorOpenAPI } from '../descriptor';
import type { SchemaNode } from '../generated/openapi-format';
import { type Obj, isObj, obj, objs, s, strs } from '../validation/common';

const refPrefix = '#/components/schemas/';
const objectMetaRef = `${refPrefix}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;
const listMetaRef = `${refPrefix}io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta`;
const openapiV3Types = new Set(['array', 'boolean', 'integer', 'number', 'object', 'string']);

// metav1.TypeMeta's and PartialObjectMetadata(List)'s field docs, as the builder copies them.
const typeMetaApiVersion: JsonObject = {
  description:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  type: 'string',
};
const typeMetaKind: JsonObject = {
  description:
    'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
  type: 'string',
};
const embeddedApiVersionDoc =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const embeddedKindDoc =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const objectMetadataDoc = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const listMetadataDoc = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

// A ref with siblings is written as allOf around the ref, as kube-apiserver's v3 documents do.
const metadataProperty = (): JsonObject => ({ description: objectMetadataDoc, allOf: [{ $ref: objectMetaRef }] });

/** gvkToModelName: the group reversed, then version and kind (`com.example.stable.v1.CronTab`). */
export function customResourceSchemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

// What a structural schema keeps of a JSON schema (Generic, ValueValidation, Extensions); the
// rest (example, externalDocs, id, $schema, definitions, …) is not published.
const kept = new Set([
  'description',
  'type',
  'title',
  'default',
  'nullable',
  'format',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

const intOrStringAnyOf = (): JsonValue[] => [{ type: 'integer' }, { type: 'string' }];

function isIntOrStringAnyOf(anyOf: unknown): boolean {
  const a = objs(anyOf);
  return a.length === 2 && s(a[0]?.type) === 'integer' && s(a[1]?.type) === 'string' && Object.keys(a[0] ?? {}).length === 1 && Object.keys(a[1] ?? {}).length === 1;
}

/** A schema as structural ToKubeOpenAPI writes it after Unfold; `embedded` handling included. */
function publish(schema: Obj): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) if (kept.has(k) && v !== undefined) out[k] = v as JsonValue;
  if (isObj(schema.properties)) {
    const props: JsonObject = {};
    for (const [k, v] of Object.entries(schema.properties)) if (isObj(v)) props[k] = publish(v);
    out.properties = props;
  }
  if (isObj(schema.items)) out.items = publish(schema.items);
  if (isObj(schema.additionalProperties)) out.additionalProperties = publish(schema.additionalProperties);
  else if (typeof schema.additionalProperties === 'boolean') out.additionalProperties = schema.additionalProperties;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(schema[key])) out[key] = objs(schema[key]).map(publish);
  if (isObj(schema.not)) out.not = publish(schema.not);

  // Unfold: int-or-string says what it accepts in value-validation terms.
  if (schema['x-kubernetes-int-or-string'] === true) {
    const allOf = objs(schema.allOf);
    const firstAllOfIsPattern = allOf.length > 0 && isIntOrStringAnyOf(allOf[0]?.anyOf);
    if (!isIntOrStringAnyOf(schema.anyOf) && !firstAllOfIsPattern) {
      if (!Array.isArray(schema.anyOf)) out.anyOf = intOrStringAnyOf();
      else out.allOf = [{ anyOf: intOrStringAnyOf() }, ...objs(schema.allOf).map(publish)];
    }
  }

  if (schema['x-kubernetes-embedded-resource'] === true) {
    const props = obj(out.properties);
    props.apiVersion = { ...typeMetaApiVersion, description: embeddedApiVersionDoc };
    props.kind = { ...typeMetaKind, description: embeddedKindDoc };
    props.metadata = metadataProperty();
    out.properties = props as JsonObject;
    const required = Array.isArray(out.required) ? (out.required as string[]) : [];
    out.required = [...required, ...['kind', 'apiVersion'].filter((k) => !required.includes(k))];
  }
  return out;
}

/** SchemaHasInvalidTypes: a type outside the OpenAPI v3 set anywhere in the schema. */
function hasInvalidTypes(schema: unknown): boolean {
  if (!isObj(schema)) return false;
  if (typeof schema.type === 'string' && schema.type !== '' && !openapiV3Types.has(schema.type)) return true;
  const children: unknown[] = [schema.items, schema.additionalProperties, schema.not, ...Object.values(obj(schema.properties)), ...objs(schema.allOf), ...objs(schema.anyOf), ...objs(schema.oneOf)];
  return children.some(hasInvalidTypes);
}

/** The served version's schema (spec.versions[].schema.openAPIV3Schema), if any. */
function versionSchema(crd: KubeObject, version: string): Obj | undefined {
  const v = objs(obj(crd.spec).versions).find((x) => s(x.name) === version);
  const schema = obj(obj(v?.schema).openAPIV3Schema);
  return v !== undefined && isObj(obj(v.schema).openAPIV3Schema) ? schema : undefined;
}

/** BuildOpenAPIV3's two definitions (kind and list) for one version of a CRD. */
export function customResourceOpenAPI(crd: KubeObject, version: string): DescriptorOpenAPI {
  const spec = obj(crd.spec);
  const names = obj(spec.names);
  const group = s(spec.group);
  const kind = s(names.kind);
  const listKind = s(names.listKind) !== '' ? s(names.listKind) : `${kind}List`;
  const plural = s(names.plural);
  const schemaName = customResourceSchemaName(group, version, kind);
  const listName = customResourceSchemaName(group, version, listKind);

  const source = versionSchema(crd, version);
  let kindSchema: JsonObject;
  if (source === undefined || hasInvalidTypes(source)) {
    // Without a schema only the type is published: properties would make kubectl assume
    // additionalProperties=false.
    kindSchema = { type: 'object' };
  } else {
    kindSchema = publish(source);
    const props = obj(kindSchema.properties);
    props.metadata = metadataProperty();
    props.apiVersion = { ...typeMetaApiVersion };
    props.kind = { ...typeMetaKind };
    kindSchema.properties = props as JsonObject;
  }
  kindSchema['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  const selectable = objs(objs(spec.versions).find((x) => s(x.name) === version)?.selectableFields);
  if (selectable.length > 0) {
    kindSchema['x-kubernetes-selectable-fields'] = selectable.map((f) => ({ fieldPath: s(f.jsonPath).replace(/^\./, '') }));
  }

  const listSchema: JsonObject = {
    description: `${listKind} is a list of ${kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { ...typeMetaApiVersion },
      items: {
        description: `List of ${plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: { $ref: `${refPrefix}${schemaName}` },
      },
      kind: { ...typeMetaKind },
      metadata: { description: listMetadataDoc, allOf: [{ $ref: listMetaRef }] },
    },
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version }],
  };
  if (selectable.length > 0) listSchema['x-kubernetes-selectable-fields'] = selectable.map((f) => ({ fieldPath: s(f.jsonPath).replace(/^\./, '') }));

  return { schemaName, schemas: { [schemaName]: kindSchema, [listName]: listSchema } };
}

// ---------------------------------------------------------------------------------------------
// The generated tables' spelling, for the typed views (server-side apply) of custom resources

function schemaNode(json: unknown): SchemaNode {
  const j = obj(json);
  // {allOf: [{$ref}], description} is how a ref with siblings is written.
  const allOf = objs(j.allOf);
  const refText = typeof j.$ref === 'string' ? j.$ref : allOf.length === 1 && typeof allOf[0]?.$ref === 'string' ? allOf[0].$ref : undefined;
  const n: { -readonly [K in keyof SchemaNode]: SchemaNode[K] } = {};
  if (typeof j.description === 'string') n.description = j.description;
  if (refText !== undefined) {
    n.ref = refText.startsWith(refPrefix) ? refText.slice(refPrefix.length) : refText;
    return n;
  }
  if (typeof j.type === 'string') n.type = j.type;
  if (typeof j.format === 'string') n.format = j.format;
  if (isObj(j.items)) n.items = schemaNode(j.items);
  if (isObj(j.properties)) n.properties = Object.fromEntries(Object.entries(j.properties).map(([k, v]) => [k, schemaNode(v)]));
  if (isObj(j.additionalProperties)) n.additionalProperties = schemaNode(j.additionalProperties);
  else if (typeof j.additionalProperties === 'boolean') n.additionalProperties = j.additionalProperties;
  if (Array.isArray(j.required)) n.required = strs(j.required);
  if (Array.isArray(j.enum)) n.enum = j.enum as JsonValue[];
  if (j.default !== undefined) n.default = j.default as JsonValue;
  const listType = j['x-kubernetes-list-type'];
  if (listType === 'atomic' || listType === 'set' || listType === 'map') n.listType = listType;
  if (Array.isArray(j['x-kubernetes-list-map-keys'])) n.listMapKeys = strs(j['x-kubernetes-list-map-keys']);
  const mapType = j['x-kubernetes-map-type'];
  if (mapType === 'atomic' || mapType === 'granular') n.mapType = mapType;
  if (j['x-kubernetes-int-or-string'] === true) n.intOrString = true;
  if (j['x-kubernetes-preserve-unknown-fields'] === true) n.preserveUnknownFields = true;
  if (j['x-kubernetes-embedded-resource'] === true) n.embeddedResource = true;
  const gvk = objs(j['x-kubernetes-group-version-kind']);
  if (gvk.length > 0) n.gvk = gvk.map((g) => [s(g.group), s(g.version), s(g.kind)] as const);
  return n;
}

/** A descriptor's OpenAPI definitions as SchemaNodes, keyed by definition name. */
export function schemaNodesOf(openapi: DescriptorOpenAPI): Record<string, SchemaNode> {
  return Object.fromEntries(Object.entries(openapi.schemas).map(([name, json]) => [name, schemaNode(json)]));
}
