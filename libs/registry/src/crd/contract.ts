// The seams between the parts of custom-resource support, so that each can be built and tested on
// its own (k8s parity: apiextensions-apiserver pkg/apiserver/schema for the structural schema,
// pruning and defaulting; pkg/apiserver/validation for OpenAPI value validation;
// apiserver/pkg/apis/cel + apiextensions-apiserver pkg/apiserver/schema/cel for
// x-kubernetes-validations; pkg/registry/customresource for the strategy).
import type { FieldError, JsonObject, KubeObject } from '@portico/api';

/**
 * One CRD version's openAPIV3Schema, compiled once when the CRD is (re)read, used for every
 * custom resource of that version. Paths in errors are field.Path strings rooted at the object
 * ("spec.replicas", "spec.items[0].name", "metadata.labels").
 */
export interface CompiledCustomResourceSchema {
  /**
   * Drops fields the schema does not declare, except under x-kubernetes-preserve-unknown-fields
   * (and apiVersion/kind/metadata of the root and of x-kubernetes-embedded-resource nodes, whose
   * metadata is pruned to ObjectMeta). Mutates. Returns the dropped fields as kube-apiserver
   * names them in strict-decoding errors: `spec.foo`, `spec.items[0].bar`.
   */
  prune(obj: KubeObject): string[];
  /**
   * Applies `default:` values (structuraldefaulting.Default: objects and array items, nulls
   * replaced by defaults where not nullable, nested defaults). Mutates. Runs on the request body
   * and on every object read from storage.
   */
  applyDefaults(obj: KubeObject): void;
  /**
   * OpenAPI value validation of a whole custom resource (types, enum, format, minimum/maximum,
   * lengths, pattern, items counts, required, nullable, uniqueItems, x-kubernetes-list-type
   * set/map duplicates, int-or-string, embedded resources' apiVersion/kind/metadata), every
   * failure as a field error with kube-apiserver's wording. Does not mutate.
   */
  validate(obj: KubeObject): FieldError[];
  /**
   * x-kubernetes-validations (CEL) over the object: `self`, plus `oldSelf` for transition rules
   * when `old` is given (update). Messages, messageExpression, reason, fieldPath as
   * kube-apiserver reports them; runtime cost limits enforced. Does not mutate.
   */
  validateCel(obj: KubeObject, old: KubeObject | undefined): FieldError[];
}

/** The CEL part, built by the CEL module from the same openAPIV3Schema. */
export interface CustomResourceCelValidator {
  validate(obj: KubeObject, old: KubeObject | undefined): FieldError[];
}

/** The CRD version a descriptor serves, as read from the CRD object (spec.versions[i]). */
export interface CustomResourceVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: JsonObject;
  subresources?: { status?: JsonObject; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }[];
  selectableFields?: { jsonPath: string }[];
}
