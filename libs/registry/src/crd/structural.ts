// k8s parity: apiextensions-apiserver pkg/apiserver/schema/structural.go and convert.go. The
// walkers (pruning, defaulting, list-type and embedded-resource checks) only need the structural
// skeleton of an openAPIV3Schema; value validation works on the raw schema instead.
import { isPlainObject, type JsonObject, type JsonValue } from '@portico/api';

export interface StructuralSchema {
  type: string;
  nullable: boolean;
  properties: Map<string, StructuralSchema>;
  additionalProperties?: StructuralSchema;
  /** `additionalProperties: true`: any key is allowed, but what is under it has no schema (pruned). */
  additionalPropertiesWithoutSchema: boolean;
  items?: StructuralSchema;
  default?: JsonValue;
  preserveUnknownFields: boolean;
  embeddedResource: boolean;
  intOrString: boolean;
  listType?: string;
  listMapKeys: string[];
}

/** NewStructural: the skeleton of a schema node; value validations and junctors are not followed. */
export function toStructural(schema: JsonObject): StructuralSchema {
  const node: StructuralSchema = {
    type: typeof schema['type'] === 'string' ? schema['type'] : '',
    nullable: schema['nullable'] === true,
    properties: new Map(),
    additionalPropertiesWithoutSchema: schema['additionalProperties'] === true,
    preserveUnknownFields: schema['x-kubernetes-preserve-unknown-fields'] === true,
    embeddedResource: schema['x-kubernetes-embedded-resource'] === true,
    intOrString: schema['x-kubernetes-int-or-string'] === true,
    listMapKeys: Array.isArray(schema['x-kubernetes-list-map-keys'])
      ? schema['x-kubernetes-list-map-keys'].filter((k): k is string => typeof k === 'string')
      : [],
  };
  // default: null is no default (Default.Object == nil in Go).
  const def = schema['default'];
  if (def !== undefined && def !== null) node.default = def;
  const listType = schema['x-kubernetes-list-type'];
  if (typeof listType === 'string') node.listType = listType;
  const props = schema['properties'];
  if (isPlainObject(props)) {
    for (const key of Object.keys(props)) {
      const sub = props[key];
      if (isPlainObject(sub)) node.properties.set(key, toStructural(sub as JsonObject));
    }
  }
  const additional = schema['additionalProperties'];
  if (isPlainObject(additional)) node.additionalProperties = toStructural(additional as JsonObject);
  const items = schema['items'];
  if (isPlainObject(items)) node.items = toStructural(items as JsonObject);
  return node;
}

/** The schema of a field of an object node: its property, else additionalProperties. */
export function fieldSchema(s: StructuralSchema | undefined, key: string): StructuralSchema | undefined {
  if (s === undefined) return undefined;
  return s.properties.get(key) ?? s.additionalProperties;
}

/** runtime.DeepCopyJSONValue. */
export function deepCopyJson<T extends JsonValue | unknown>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x: unknown) => deepCopyJson(x)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = deepCopyJson(x);
  return out as T;
}

/** The root is always treated as an embedded resource (isResourceRoot in kube's walkers). */
export function asResourceRoot(s: StructuralSchema): StructuralSchema {
  return s.embeddedResource ? s : { ...s, embeddedResource: true };
}
