// The common shape of kube-apiserver's built-in REST storage, for the kinds added from the
// generated tables: scope, verbs and subresources read from the Kubernetes 1.33 OpenAPI
// documents; decoding, declarative defaults and the Go JSON shape from the kind's schema; the
// status/spec split of kinds with a status subresource (PrepareForCreate resets status, the main
// endpoint keeps it, the status endpoint keeps spec); generation tracking for kinds with a spec.
// Each kind adds its own defaults, validation and quirks on top.
import {
  type FieldError,
  type GroupVersionKind,
  type KubeObject,
  type NameValidator,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '@portico/api';
import { validateCoreObjectMeta, validateCoreObjectMetaUpdate } from './core-validation';
import { defineResource, defineStrategy, fieldLabelConversion, metaOf, objectMetaFieldsSet } from './define';
import type { RESTStrategy, ResourceDescriptor, SubresourceDescriptor, Verb } from './descriptor';
import { openapiDocuments, openapiSchemas } from './generated';
import { applySchemaDefaults, schemaDecodeError, schemaNameForKind, zeroValueOf } from './validation/schema';

type Errs = FieldError[];

/** What a subresource is called with when it is not a view of the object (discovery's kind). */
const subresourceKinds: Record<string, GroupVersionKind> = {
  'pods/attach': { group: '', version: 'v1', kind: 'PodAttachOptions' },
  'pods/exec': { group: '', version: 'v1', kind: 'PodExecOptions' },
  'pods/portforward': { group: '', version: 'v1', kind: 'PodPortForwardOptions' },
  'pods/proxy': { group: '', version: 'v1', kind: 'PodProxyOptions' },
  'nodes/proxy': { group: '', version: 'v1', kind: 'NodeProxyOptions' },
  'services/proxy': { group: '', version: 'v1', kind: 'ServiceProxyOptions' },
};

export interface ServedResource {
  namespaced: boolean;
  verbs: Verb[];
  subresources: { name: string; kind: GroupVersionKind; verbs: Verb[] }[];
}

/** Scope, verbs and subresources of a resource as Kubernetes 1.33 serves it. */
export function servedResource(group: string, version: string, resource: string): ServedResource {
  const doc = openapiDocuments[group === '' ? `api/${version}` : `apis/${group}/${version}`];
  const r = doc?.resources?.find((x) => x.resource === resource);
  if (r === undefined) throw new Error(`${group}/${version} ${resource} is not in the Kubernetes 1.33 OpenAPI documents`);
  return {
    namespaced: r.namespaced,
    verbs: [...r.verbs] as Verb[],
    subresources: (r.subresources ?? []).map((sub) => {
      const kind = sub.kind ? { group: sub.kind[0], version: sub.kind[1], kind: sub.kind[2] } : subresourceKinds[`${resource}/${sub.name}`];
      return { name: sub.name, kind: kind ?? { group, version, kind: r.kind[2] }, verbs: [...sub.verbs] as Verb[] };
    }),
  };
}

export interface BuiltinKind {
  group: string;
  version: string;
  resource: string;
  kind: string;
  shortNames?: string[];
  categories?: string[];
  /** The OpenAPI definition; found from the group/version/kind unless given. */
  schema?: string;
  /** Kind-specific defaults, after the schema's (SetDefaults_<Kind>). Mutates. */
  defaults?(obj: KubeObject): void;
  /** Full create validation (metadata included; see coreMeta). */
  validate(obj: KubeObject): Errs;
  /** Full update validation (metadata update included; see coreMetaUpdate). */
  validateUpdate(obj: KubeObject, old: KubeObject): Errs;
  /** Extra PrepareForCreate, after the status reset. */
  prepareForCreate?(obj: KubeObject): void;
  /** Extra PrepareForUpdate, after status is carried over. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** The status subresource, when the kind has one. */
  status?: {
    /** PrepareForCreate resets status to its zero value (nodes keep what the kubelet sends). Default true. */
    resetOnCreate?: boolean;
    /** The status endpoint keeps labels, annotations, finalizers and owners (ResetObjectMetaForStatus). */
    resetMetadata?: boolean;
    /** Validation of a status update, metadata update included. Default: metadata only. */
    validateUpdate?(obj: KubeObject, old: KubeObject): Errs;
    /** Extra PrepareForUpdate of the status endpoint. */
    prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
    warningsOnUpdate?(obj: KubeObject, old: KubeObject): string[];
  };
  /** Strategies of other subresources that are views of the object (certificatesigningrequests/approval). */
  subresourceStrategies?: Record<string, RESTStrategy>;
  /** Whether spec changes bump metadata.generation (kinds whose strategy sets Generation = 1). */
  tracksGeneration?: boolean;
  /** Extra decode checks, after the schema's. */
  decodeError?(obj: KubeObject): string | undefined;
  /** Kind-specific selectable fields (metadata fields are added). */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** The field labels this kind's conversion accepts (metadata.name/namespace included by the caller). */
  fieldLabels?: readonly string[];
  fieldLabelAliases?: Readonly<Record<string, string>>;
  /** Everything else of RESTStrategy that differs from the generic store. */
  strategy?: Partial<RESTStrategy>;
  /** Descriptor fields that differ (storage shared between groups, conversions). */
  descriptor?: Partial<Pick<ResourceDescriptor, 'storage' | 'toStorage' | 'fromStorage'>>;
}

/** ValidateObjectMeta of core validation (the standard-finalizer rule included). */
export function coreMeta(obj: KubeObject, namespaced: boolean, nameFn: NameValidator = nameIsDNSSubdomain): Errs {
  return validateCoreObjectMeta(metaOf(obj), namespaced, nameFn);
}

export function coreMetaUpdate(obj: KubeObject, old: KubeObject): Errs {
  return validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old));
}

/** apimachinery's ValidateObjectMeta, without the core finalizer rule (some groups use it). */
export function genericMeta(obj: KubeObject, namespaced: boolean, nameFn: NameValidator = nameIsDNSSubdomain): Errs {
  return validateObjectMeta(metaOf(obj), { namespaced, nameValidator: nameFn });
}

export function genericMetaUpdate(obj: KubeObject, old: KubeObject): Errs {
  return validateObjectMetaUpdate(metaOf(obj), metaOf(old));
}

/** metav1.ResetObjectMetaForStatus: the status endpoint may not change these. */
export function resetObjectMetaForStatus(obj: KubeObject, old: KubeObject): void {
  const m = metaOf(obj);
  const o = metaOf(old);
  obj.metadata = m;
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    if (o[k] === undefined) delete m[k];
    else (m as Record<string, unknown>)[k] = structuredClone(o[k]);
  }
}

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

function statusSchemaOf(schema: string): string | undefined {
  return openapiSchemas[schema]?.properties?.status?.ref;
}

/** Builds the descriptor of a built-in kind. */
export function builtin(k: BuiltinKind): ResourceDescriptor {
  const served = servedResource(k.group, k.version, k.resource);
  const schema = k.schema ?? schemaNameForKind(k.group, k.version, k.kind);
  if (schema === undefined) throw new Error(`no OpenAPI schema for ${k.group}/${k.version} ${k.kind}`);
  const hasStatus = k.status !== undefined;
  const statusSchema = statusSchemaOf(schema);
  const hasSpec = openapiSchemas[schema]?.properties?.spec !== undefined;
  const resetStatus = (obj: KubeObject) => {
    obj.status = statusSchema === undefined ? {} : zeroValueOf(statusSchema);
  };

  const base: Partial<RESTStrategy> = {
    tracksGeneration: k.tracksGeneration ?? false,
    decodeError: (obj) => schemaDecodeError(obj, schema) ?? k.decodeError?.(obj),
    applyDefaults(obj) {
      applySchemaDefaults(obj, schema);
      k.defaults?.(obj);
    },
    validate: k.validate,
    ...k.strategy,
  };

  const strategy = defineStrategy({
    ...base,
    prepareForCreate(obj) {
      if (hasStatus && k.status?.resetOnCreate !== false) resetStatus(obj);
      k.prepareForCreate?.(obj);
    },
    prepareForUpdate(obj, old) {
      if (hasStatus) {
        if (old.status === undefined) delete obj.status;
        else obj.status = clone(old.status);
      }
      k.prepareForUpdate?.(obj, old);
    },
    validateUpdate: k.validateUpdate,
  });

  const subStrategies: Record<string, RESTStrategy> = { ...k.subresourceStrategies };
  if (hasStatus) {
    const st = k.status ?? {};
    subStrategies.status = defineStrategy({
      ...base,
      prepareForUpdate(obj, old) {
        if (hasSpec) {
          if (old.spec === undefined) delete obj.spec;
          else obj.spec = clone(old.spec);
        }
        if (st.resetMetadata) resetObjectMetaForStatus(obj, old);
        st.prepareForUpdate?.(obj, old);
      },
      validateUpdate: st.validateUpdate ?? coreMetaUpdate,
      warningsOnCreate: () => [],
      warningsOnUpdate: st.warningsOnUpdate ?? (() => []),
    });
  }

  const subresources: SubresourceDescriptor[] = served.subresources.map((sub) => {
    const s = subStrategies[sub.name];
    return s === undefined ? { ...sub } : { ...sub, strategy: s };
  });

  const namespaced = served.namespaced;
  const labels = [...(k.fieldLabels ?? []), ...(namespaced ? ['metadata.namespace', 'metadata.name'] : ['metadata.name'])];
  return defineResource({
    group: k.group,
    version: k.version,
    resource: k.resource,
    kind: k.kind,
    singular: k.kind.toLowerCase(),
    namespaced,
    shortNames: k.shortNames ?? [],
    categories: k.categories ?? [],
    verbs: served.verbs,
    subresources,
    ...(k.selectableFields ? { selectableFields: (obj: KubeObject) => ({ ...objectMetaFieldsSet(obj, namespaced), ...k.selectableFields?.(obj) }) } : {}),
    ...(k.fieldLabels ? { convertFieldLabel: fieldLabelConversion(labels, k.fieldLabelAliases) } : {}),
    ...k.descriptor,
    strategy,
  });
}
