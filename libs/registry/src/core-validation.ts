// k8s parity: kubernetes pkg/apis/core/validation/validation.go, the wrappers every core kind uses
// around apimachinery's object-metadata checks (they add the standard-finalizer rule).
import {
  type FieldError,
  FieldPath,
  type NameValidator,
  type ObjectMeta,
  fieldErrors,
  fieldImmutableErrorMsg,
  validateFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '@portico/api';

/** "kubernetes" (namespaces), "orphan" and "foregroundDeletion" (garbage collection). */
export const standardFinalizers: ReadonlySet<string> = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** A finalizer without a domain prefix must be one of the standard ones. */
export function validateKubeFinalizerName(name: string, path: FieldPath | string): FieldError[] {
  if (name.split('/').length === 1 && !standardFinalizers.has(name)) {
    return [fieldErrors.invalid(String(path), name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/** validateFinalizerName of core validation: a qualified name and the standard-name rule. */
export function validateCoreFinalizerName(name: string, path: FieldPath | string): FieldError[] {
  return [...validateFinalizerName(name, String(path)), ...validateKubeFinalizerName(name, path)];
}

const finalizersOf = (meta: ObjectMeta | undefined): string[] => (Array.isArray(meta?.finalizers) ? (meta?.finalizers as string[]) : []);

/** core validation.ValidateObjectMeta. */
export function validateCoreObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  const errs = validateObjectMeta(meta, { namespaced, nameValidator, path: 'metadata' });
  finalizersOf(meta).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, FieldPath.root('metadata').child('finalizers').index(i))));
  return errs;
}

/** core validation.ValidateObjectMetaUpdate. */
export function validateCoreObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined): FieldError[] {
  const errs = validateObjectMetaUpdate(meta, old, { path: 'metadata' });
  finalizersOf(meta).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, FieldPath.root('metadata').child('finalizers').index(i))));
  return errs;
}

/** ValidateImmutableField with the comparison and the Go rendering of the new value supplied. */
export function immutableField(same: boolean, path: string, badValue: unknown): FieldError[] {
  return same ? [] : [fieldErrors.invalid(path, badValue, fieldImmutableErrorMsg)];
}

/** reflect.DeepEqual of decoded JSON: absent (nil) and empty differ for maps and slices, as in Go. */
export function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqualJson(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqualJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}
