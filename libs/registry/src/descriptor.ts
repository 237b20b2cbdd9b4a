// A resource is data: its names, scope, verbs and subresources, and the strategy that holds its
// per-kind policy. Handlers never switch on a resource name; every built-in type (and later every
// CRD) plugs in by adding a descriptor.
import type { FieldError, GroupResource, GroupVersionKind, KubeObject } from '@portico/api';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const allVerbs: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceDescriptor {
  /** "status", "scale", "finalize", "token", … */
  name: string;
  /** The kind a request to this subresource sends and receives. */
  kind: GroupVersionKind;
  verbs: Verb[];
}

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
  /** The propagation policy used when the client names none. */
  readonly defaultPropagationPolicy: 'Background' | 'Orphan' | 'Foreground';
  /** Sets the defaults kube-apiserver sets on decode (SetDefaults_*). Mutates. */
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
}

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
   * The field-selector labels this kind supports and their values for an object. metadata.name and
   * metadata.namespace are always included.
   */
  selectableFields(obj: KubeObject): Record<string, string>;
  strategy: RESTStrategy;
}
