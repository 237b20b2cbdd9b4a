import type { AdmissionRequest } from '@portico/proto';
import type { KubeObject } from '@portico/api';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/**
 * admission.Attributes with the objects decoded once for all plugins. Mutating plugins change
 * `object` in place; the chain reports it back only when something changed.
 */
export interface Attributes {
  readonly request: AdmissionRequest;
  readonly operation: Operation;
  readonly namespace: string;
  readonly name: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly kind: string;
  object: KubeObject | undefined;
  readonly oldObject: KubeObject | undefined;
  readonly dryRun: boolean;
  readonly deadline: number | undefined;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

export interface MutationPlugin {
  readonly name: string;
  handles(op: Operation): boolean;
  /** Mutates attrs.object; throws a StatusError to deny. */
  admit(attrs: Attributes): Promise<void>;
}

export interface ValidationPlugin {
  readonly name: string;
  handles(op: Operation): boolean;
  /** Throws a StatusError to deny; must not mutate. */
  validate(attrs: Attributes): Promise<void>;
  /**
   * Whether validate could deny, warn or annotate for this request, asked after the mutating step
   * (see AdmissionChain.admit): false lets the caller skip the Validate call. It may answer true
   * when unsure, never false when validate would act; a plugin without it is always asked.
   * Only the operation, the resource, the namespace and cluster state may decide, not the object's
   * contents: the gateway's strategy changes the object between the two steps.
   */
  mayApply?(attrs: Attributes): Promise<boolean>;
}
