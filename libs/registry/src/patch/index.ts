// PATCH and server-side apply: the four patch engines, the field manager behind
// metadata.managedFields, and the per-request patch step the gateway runs in its update loop.
export { applyJsonPatch, decodeJsonPatch, jsonPatchMaxCopyBytes, maxJsonPatchOperations, parsePatchJson } from './json-patch';
export { applyMergePatch } from './merge-patch';
export { SchemaPatchMeta, applyStrategicMergePatch, strategicMergePatch, type PatchMeta, type PatchMetaLookup } from './strategic-merge-patch';
export { FieldSet, pathString, type Path, type PathElement } from './fieldpath';
export { TypeSchema } from './typed';
export {
  FieldManager,
  defaultResetFields,
  fieldManagerScope,
  ignoreManagedFieldsTimestamps,
  lastAppliedConfigAnnotation,
  managerOrUserAgent,
  markManagedFieldsRecorded,
  updateManagedFields,
  type FieldManagerScope,
} from './field-manager';
export { defaultMaxUpdateManagers } from './managed-fields';
export { dropUnknownFields, findUnknownFields, strictDecodingErrorText } from './unknown-fields';
export { internalUnknown, invalidPatchResult, unprocessable, unsupportedPatchType } from './errors';
export {
  applyPatchType,
  decodePatchBody,
  jsonPatchType,
  mergePatchType,
  patchObject,
  strategicMergePatchType,
  supportedPatchTypes,
  type DecodedPatch,
  type FieldValidation,
  type PatchContext,
  type PatchOutcome,
  type PatchType,
} from './patch-object';
