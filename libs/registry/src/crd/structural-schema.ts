// k8s parity: the structural-schema share of custom-resource handling in apiextensions-apiserver:
// the decoder's pruning (customresource_handler.go unstructuredSchemaCoercer), defaulting
// (unstructuredDefaulter), the strategy's schema checks (pkg/registry/customresource/strategy.go
// Validate, without TypeMeta, root ObjectMeta and CEL) and, at CRD creation,
// defaulting.ValidateDefaults.
import { FieldPath, aggregateFieldErrors, fieldErrors, isPlainObject, type FieldError, type JsonObject, type JsonValue, type KubeObject } from '@portico/api';
import type { CompiledCustomResourceSchema } from './contract';
import { applyStructuralDefaults } from './defaulting';
import { goBadValue } from './go-values';
import { pruneCustomResource, pruneUnknownFields } from './pruning';
import { asResourceRoot, deepCopyJson, toStructural, type StructuralSchema } from './structural';
import { validateEmbeddedResources, validateListSetsAndMaps } from './structural-validation';
import { compileValueValidator } from './value-validation';
import { jsonEqual } from '../patch/json';

/** Compiles one CRD version's openAPIV3Schema; the result is meant to be cached with the CRD. */
export function compileStructuralSchema(openAPIV3Schema: JsonObject): Pick<CompiledCustomResourceSchema, 'prune' | 'applyDefaults' | 'validate'> {
  const structural = toStructural(openAPIV3Schema);
  const values = compileValueValidator(openAPIV3Schema);
  const root = FieldPath.root('');
  return {
    prune: (obj: KubeObject) => pruneCustomResource(obj, structural),
    applyDefaults: (obj: KubeObject) => applyStructuralDefaults(obj, structural),
    validate: (obj: KubeObject) => [
      ...values.validate(obj),
      ...validateEmbeddedResources(root, obj, structural, false),
      ...validateListSetsAndMaps(root, structural, obj as Record<string, unknown>),
    ],
  };
}

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

type Segment = string | number;

/**
 * NewRootObjectFunc().WithTypeMeta(validation/v1 Validation) followed by Child/Index: the object
 * a metadata default ends up in, so that it can be checked as ObjectMeta.
 */
function surroundingObject(segments: readonly Segment[], value: unknown): Record<string, unknown> {
  let cur: unknown = value;
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i] as Segment;
    cur = typeof seg === 'number' ? [cur] : { [seg]: cur };
  }
  const obj: Record<string, unknown> = isPlainObject(cur) ? cur : {};
  obj['apiVersion'] = 'validation/v1';
  obj['kind'] = 'Validation';
  return obj;
}

/**
 * objectmeta.Coerce's type checks: apiVersion and kind of every embedded resource in the value
 * must be strings; the first failure is the only one reported.
 */
function coerceTypeMeta(path: FieldPath, value: unknown, s: StructuralSchema | undefined, isResourceRoot: boolean): FieldError | undefined {
  if (s === undefined) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const err = coerceTypeMeta(path.index(i), value[i], s.items, false);
      if (err !== undefined) return err;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  for (const k of Object.keys(value)) {
    if ((isResourceRoot || s.embeddedResource) && (k === 'apiVersion' || k === 'kind') && typeof value[k] !== 'string') {
      return fieldErrors.invalid(String(path.child(k)), goBadValue(value[k]), 'must be a string');
    }
    const prop = s.properties.get(k);
    const err =
      prop !== undefined
        ? coerceTypeMeta(path.child(k), value[k], prop, false)
        : s.additionalProperties !== undefined
          ? coerceTypeMeta(path.key(k), value[k], s.additionalProperties, false)
          : undefined;
    if (err !== undefined) return err;
  }
  return undefined;
}

function validateDefaults(
  pth: FieldPath,
  raw: JsonObject,
  s: StructuralSchema,
  rootSchema: StructuralSchema,
  segments: Segment[],
  insideMeta: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  if (s.embeddedResource) {
    insideMeta = false;
    segments = [];
    rootSchema = s;
  }
  if (s.default !== undefined) {
    const def: JsonValue = s.default;
    const defPath = pth.child('default');
    const values = compileValueValidator(raw);
    if (insideMeta) {
      const obj = surroundingObject(segments, deepCopyJson(def));
      const coerceErr = coerceTypeMeta(FieldPath.root(''), obj, rootSchema, true);
      const metaErrs = coerceErr !== undefined ? [coerceErr] : validateEmbeddedResources(FieldPath.root(''), obj, rootSchema, true);
      if (metaErrs.length > 0) {
        errs.push(fieldErrors.invalid(String(defPath), goBadValue(def), `must result in valid metadata: ${aggregateFieldErrors(metaErrs)}`));
      } else {
        errs.push(...values.validate(def, String(defPath)));
      }
    } else {
      const pruned = deepCopyJson(def);
      pruneUnknownFields(pruned, s, s.embeddedResource);
      if (!jsonEqual(pruned, def)) errs.push(fieldErrors.invalid(String(defPath), goBadValue(def), 'must not have unknown fields'));
      const coerceErr = coerceTypeMeta(defPath, def, s, s.embeddedResource);
      const metaErrs = coerceErr === undefined ? validateEmbeddedResources(defPath, def, s, s.embeddedResource) : [];
      if (coerceErr !== undefined) errs.push(coerceErr);
      else if (metaErrs.length > 0) errs.push(...metaErrs);
      else errs.push(...values.validate(def, String(defPath)));
    }
  }
  // additionalProperties is not followed: defaults are forbidden there.
  const items = raw['items'];
  if (s.items !== undefined && isPlainObject(items)) {
    errs.push(...validateDefaults(pth.child('items'), items as JsonObject, s.items, rootSchema, [...segments, 0], insideMeta));
  }
  const props = raw['properties'];
  if (isPlainObject(props)) {
    for (const k of Object.keys(props).sort()) {
      const sub = s.properties.get(k);
      const rawSub = props[k];
      if (sub === undefined || !isPlainObject(rawSub)) continue;
      const subInsideMeta = insideMeta || (s.embeddedResource && metaFields.has(k));
      errs.push(...validateDefaults(pth.child('properties').key(k), rawSub as JsonObject, sub, rootSchema, [...segments, k], subInsideMeta));
    }
  }
  return errs;
}

/**
 * defaulting.ValidateDefaults with requirePrunedDefaults (apiextensions.k8s.io/v1): each default
 * must survive pruning, make valid metadata where it sits in ObjectMeta, and pass the node's
 * OpenAPI validation. Errors name `<path>.properties[spec]...default`. CEL rules on defaults are
 * the CEL module's.
 */
export function validateSchemaDefaults(openAPIV3Schema: JsonObject, path: FieldPath): FieldError[] {
  const s = asResourceRoot(toStructural(openAPIV3Schema));
  return validateDefaults(path, openAPIV3Schema, s, s, [], false);
}
