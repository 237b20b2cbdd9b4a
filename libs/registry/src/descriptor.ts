// A resource is data: its names, scope, verbs and subresources, and the strategy that holds its
// per-kind policy. Handlers never switch on a resource name; every built-in type (and later every
// CRD) plugs in by adding a descriptor.
import type { FieldError, GroupResource, GroupVersionKind, JsonObject, KubeObject } from '@portico/api';
import type { TableConvertor } from './printers/types';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const allVerbs: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceDescriptor {
  /** "status", "scale", "finalize", "token", … */
  name: string;
  /** The kind a request to this subresource sends and receives. */
  kind: GroupVersionKind;
  verbs: Verb[];
  /**
   * The update strategy of this subresource (k8s: the copied store with another UpdateStrategy,
   * e.g. namespaces/status keeps spec, namespaces/finalize keeps status). Absent for subresources
   * that are not a view of the stored object (serviceaccounts/token).
   */
  strategy?: RESTStrategy;
}

/** metav1.DeleteOptions as decoded from the query or the body. */
export interface DeleteOptions {
  gracePeriodSeconds?: number | null;
  preconditions?: { uid?: string | null; resourceVersion?: string | null } | null;
  /** Deprecated in favour of propagationPolicy; both at once is a 422. */
  orphanDependents?: boolean | null;
  propagationPolicy?: string | null;
  dryRun?: string[] | null;
  ignoreStoreReadErrorWithClusterBreakingPotential?: boolean | null;
}

/**
 * What DELETE does to an object, decided from the stored object and the options (see beforeDelete):
 * - `delete`: remove it from storage now and answer with finalizeDelete(desc, removed).
 * - `update`: write `object` (deletionTimestamp set, GC finalizers adjusted) and answer with it
 *   (202 when orphanDependents=false was sent); when `thenDelete`, remove it right after the write
 *   (a graceful deletion with a zero period) and answer as for `delete`.
 * - `pending`: a graceful deletion is already under way; write nothing and answer with
 *   finalizeDelete(desc, object).
 * - `wait`: write nothing and answer with `object` itself (a terminating namespace whose
 *   spec.finalizers are not done).
 */
export type DeletePlan =
  | { action: 'delete' }
  | { action: 'update'; object: KubeObject; thenDelete: boolean }
  | { action: 'pending'; object: KubeObject }
  | { action: 'wait'; object: KubeObject };

/**
 * Per-kind policy, in kube-apiserver's vocabulary (k8s.io/apiserver pkg/registry/rest create.go,
 * update.go, delete.go). Methods that take an object may mutate it only where the name says so
 * (prepare*, canonicalize, applyDefaults); validate* must not mutate.
 */
export interface RESTStrategy {
  /** Whether spec changes bump metadata.generation (kinds with a spec; ConfigMaps and Secrets do not). */
  readonly tracksGeneration: boolean;
  /** PUT of a missing object creates it. */
  readonly allowCreateOnUpdate: boolean;
  /** PUT without metadata.resourceVersion is allowed (last write wins). */
  readonly allowUnconditionalUpdate: boolean;
  /** DELETE answers with the deleted object instead of a Status (pods, serviceaccounts). */
  readonly returnDeletedObject: boolean;
  /**
   * rest.GarbageCollectionPolicy: DeleteDependents (the default: background unless the client or
   * the object's finalizers say otherwise), OrphanDependents (orphan by default), or Unsupported
   * (no GC finalizers are ever added, e.g. events).
   */
  readonly defaultGarbageCollectionPolicy: 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';
  /**
   * Decoder failures kube-apiserver reports for a body that is valid JSON but does not convert to
   * the typed object (Secret data that is not base64, a timestamp that does not parse). Returns the
   * error text; the gateway answers 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: <text>`.
   * Runs before applyDefaults.
   */
  decodeError?(obj: KubeObject): string | undefined;
  /**
   * Sets the defaults kube-apiserver sets on decode (SetDefaults_*, conversion from the versioned
   * type, the canonical JSON form of times and bytes). Mutates. Also applied to objects read from
   * storage, as kube-apiserver decodes them with defaulting.
   */
  applyDefaults(obj: KubeObject): void;
  /** Clears what a client may not set on create (e.g. status). Mutates. */
  prepareForCreate(obj: KubeObject): void;
  /** Keeps what a client may not change on update (e.g. status on the main endpoint). Mutates obj. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Kind-specific validation of a new object (object metadata included). */
  validate(obj: KubeObject): FieldError[];
  /** Kind-specific validation of an update (immutable fields included). */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** Warnings returned to the client as Warning headers. */
  warningsOnCreate(obj: KubeObject): string[];
  warningsOnUpdate(obj: KubeObject, old: KubeObject): string[];
  /** Normalizes the object just before it is stored. Mutates. */
  canonicalize(obj: KubeObject): void;
  /**
   * rest.RESTGracefulDeleteStrategy.CheckGracefulDelete: whether a delete of this object is
   * graceful; may set options.gracePeriodSeconds (mutates options). Absent: never graceful.
   */
  checkGracefulDelete?(obj: KubeObject, options: DeleteOptions): boolean;
  /**
   * Replaces the generic DELETE logic (k8s: a REST type that overrides Delete, as namespaces do).
   * Receives a copy of the stored object; `generic` is the store's own decision, for delegating.
   */
  customDelete?(obj: KubeObject, options: DeleteOptions, ctx: { now: Date; generic: () => DeletePlan }): DeletePlan;
  /**
   * An extra condition for deleting an object on update once its finalizers are gone (k8s:
   * Store.ShouldDeleteDuringUpdate; namespaces also wait for spec.finalizers).
   */
  shouldDeleteDuringUpdate?(obj: KubeObject): boolean;
}

/**
 * The OpenAPI v3 schema of a kind that Kubernetes' own documents do not describe (a CRD version).
 * Built-in kinds leave it out: their paths and schemas come from the generated tables.
 */
export interface DescriptorOpenAPI {
  /** The kind's name in components.schemas, e.g. `com.example.v1.Widget`. */
  schemaName: string;
  /**
   * The definitions the kind brings, keyed by components.schemas name (schemaName at least), in
   * OpenAPI v3 JSON: refs `#/components/schemas/<name>`, extensions spelled `x-kubernetes-*`.
   * Refs to built-in definitions (…meta.v1.ObjectMeta) are resolved from the generated tables; a
   * missing `<schemaName>List` and missing x-kubernetes-group-version-kind are filled in.
   */
  schemas: Readonly<Record<string, JsonObject>>;
}

/** The outcome of converting one field-selector label: the label selectableFields uses, or the 400 text. */
export type FieldLabelConversion = { label: string; value: string } | { error: string };

export interface ResourceDescriptor {
  group: string;
  version: string;
  /** Plural resource name, e.g. "configmaps". */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceDescriptor[];
  /**
   * Where the objects live in storage. Usually {group, resource}; resources served in two groups
   * (events in core and events.k8s.io) share one.
   */
  storage: GroupResource;
  /**
   * The field-selector labels this kind supports and their values for an object in storage form.
   * metadata.name (and metadata.namespace for namespaced kinds) are always included.
   */
  selectableFields(obj: KubeObject): Record<string, string>;
  /**
   * scheme.ConvertFieldLabel for this version: maps a label a client may send to the label
   * selectableFields produces, or gives the error text of the 400 (e.g. `field label not
   * supported: spec.foo`, or `"spec.foo" is not a known field selector: only "metadata.name",
   * "metadata.namespace"` for kinds without their own conversion).
   */
  convertFieldLabel(label: string, value: string): FieldLabelConversion;
  /**
   * Converts an object of this version to the form kept in storage, and back. Absent when the two
   * are the same (every resource except events.k8s.io/v1 events, stored as core/v1 Events). The
   * strategy works on the storage form; requests and responses use this version's form.
   */
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(obj: KubeObject): KubeObject;
  /** Objects expire this many seconds after their last write (events: 1 h, kube-apiserver's --event-ttl). */
  ttlSeconds?: number;
  /**
   * kube-aggregator's APIService priorities: groups by descending `group` (then by name), versions
   * within a group by descending `version` (then kube-aware version order). Built-ins use
   * kube-apiserver's table; a descriptor without one gets CRD defaults (1000, 100).
   */
  priority?: { group: number; version: number };
  /** The kind's OpenAPI schema when the generated tables have none (CRDs); see DescriptorOpenAPI. */
  openapi?: DescriptorOpenAPI;
  /** The Table printer when the built-in table has none (a CRD's additionalPrinterColumns). */
  tableConvertor?: TableConvertor;
  /** Set for resources a CustomResourceDefinition serves; see CustomResourceInfo. */
  customResource?: CustomResourceInfo;
  /**
   * Set for resources that store nothing and answer a create with a computed object (the review
   * APIs: TokenReview, SubjectAccessReview, …). They are listed in discovery and OpenAPI, as
   * kube-apiserver lists them, but Registry.all() leaves them out so that nothing that works on
   * stored objects (storage, watch, the namespace controller, GC) ever sees them; their storage,
   * strategy and field selectors are never used.
   */
  createOnly?: true;
  strategy: RESTStrategy;
}

/**
 * What the gateway needs to serve a custom resource beyond the generic descriptor: JSON and YAML
 * only (no protobuf, no strategic merge patch), the scale subresource's paths, and how objects
 * move between the served versions and the storage version.
 */
export interface CustomResourceInfo {
  /** The CRD's metadata.name (`<plural>.<group>`), for messages and the Terminating check. */
  crdName: string;
  /** The CRD's metadata.uid: descriptors of a deleted and re-created CRD are told apart by it. */
  crdUID: string;
  /** The version objects are stored in (the version with storage: true). */
  storageVersion: string;
  /** spec.versions[].subresources.scale, when the version has a scale subresource. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /**
   * spec.conversion. `None`: versions differ only in apiVersion (toStorage/fromStorage rewrite
   * it). `Webhook`: the gateway posts a ConversionReview to the client config.
   */
  conversion:
    | { strategy: 'None' }
    | {
        strategy: 'Webhook';
        clientConfig: { url?: string; caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
        conversionReviewVersions: string[];
      };
  /** The deprecation warning of a deprecated version (the default text when the CRD gives none). */
  deprecationWarning?: string;
}
