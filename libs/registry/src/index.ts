export * from './descriptor';
export { defaultFieldLabelConversion, defineResource, defineStrategy, fieldLabelConversion, objectMetaFieldsSet } from './define';
export * from './codec';
export * from './core-validation';
export * from './metadata';
export * from './registry';
export * from './resources/namespaces';
export * from './resources/configmaps';
export * from './resources/secrets';
export * from './resources/serviceaccounts';
export * from './resources/events';
export * from './resources/leases';
export * from './generated';
export * from './printers';
export * from './patch';
export { builtin, coreMeta, coreMetaUpdate, genericMeta, genericMetaUpdate, resetObjectMetaForStatus, servedResource } from './builtin';
export type { BuiltinKind, ServedResource } from './builtin';
export {
  type Quantity,
  type QuantityFormat,
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity as formatCanonicalQuantity,
  parseQuantity,
  quantityFormatError,
  quantityMilliValue,
  quantityOf,
  quantityValue,
} from './validation/quantity';
export { applySchemaDefaults, checkAgainstSchema, schemaDecodeError, schemaNameForKind, zeroValueOf } from './validation/schema';
export { cronParseStandardError } from './validation/cron';
export { defaultPod, defaultPodSpec, podQOSClass, validatePodSpec, validatePodTemplateSpec } from './validation/pod-spec';
export * from './resources/pods';
export * from './resources/services';
export * from './resources/core-objects';
export * from './resources/apps';
export * from './resources/batch';
export * from './resources/autoscaling';
export * from './resources/networking';
export * from './resources/rbac';
export * from './resources/storage';
export * from './resources/cluster';
export * from './resources/admissionregistration';
export * from './resources/apiextensions';
export * from './resources/flowcontrol';
export {
  compileCustomResourceSchema,
  customResourceDescriptors,
  customResourceSchema,
  customResourceVerbs,
  defaultDeprecationWarning,
  terminatingCustomResourceVerbs,
} from './crd/custom-resource';
export { defaultPrinterColumns, printerColumnsTableConvertor, type PrinterColumn } from './crd/printer-columns';
export { customResourceOpenAPI, customResourceSchemaName, schemaNodesOf } from './crd/openapi';
export type { CompiledCustomResourceSchema, CustomResourceCelValidator, CustomResourceVersion } from './crd/contract';
