// k8s parity: apiextensions.k8s.io/v1 CustomResourceDefinition (+status), storage and validation
// only (serving the custom resources is another issue): k8s.io/apiextensions-apiserver
// pkg/apis/apiextensions/v1/defaults.go, pkg/apis/apiextensions/validation/validation.go,
// pkg/apiserver/schema/validation.go (structural invariants) and
// pkg/registry/customresourcedefinition/strategy.go.
//
// Validation runs on the internal form, so error paths follow it: when every version carries the
// same schema (or subresources, or printer columns) the internal type holds it once at
// spec.validation (spec.subresources, spec.additionalPrinterColumns), and errors name those
// paths, as kube-apiserver's do. Conversion settings are at spec.conversion.webhookClientConfig
// and spec.conversion.conversionReviewVersions. What is checked of the OpenAPI schemas: the
// structural invariants users hit (types, items, metadata, additionalProperties), the
// list/map-type extensions, the unsupported keywords, defaults against the schema and the CEL
// rules (compiled, with their cost); selectable-field paths are not checked.
import {
  type FieldError,
  FieldPath,
  type JsonObject,
  type KubeObject,
  compareBytes,
  fieldErrorString,
  fieldErrors,
  goStringSlice,
  isDNS1035Label,
  isDNS1123Subdomain,
  nameIsDNSSubdomain,
  validateObjectMeta,
} from '@portico/api';
import { builtin, genericMetaUpdate } from '../builtin';
import type { DeleteOptions, DeletePlan } from '../descriptor';
import { deepEqualJson } from '../core-validation';
import { validateCelRulesOfSchema } from '../crd/cel-validation';
import { validateSchemaDefaults } from '../crd/structural-schema';
import { metaOf } from '../define';
import { type Obj, goApprox, has, isObj, obj, objs, s, setDefault, sortedKeys, strs } from '../validation/common';
import { validateWebhookService, validateWebhookURL } from './admissionregistration';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');
const openapiV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const printerColumnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const acceptedConversionReviewVersions = ['v1', 'v1beta1'];

// ---------------------------------------------------------------------------------------------
// Defaults (SetDefaults_CustomResourceDefinition / _Spec / _ServiceReference)

function defaultCRD(crd: KubeObject): void {
  const spec = obj(crd.spec);
  const names = obj(spec.names);
  if (isObj(crd.spec) && isObj(spec.names)) {
    if (s(names.singular) === '') names.singular = s(names.kind).toLowerCase();
    if (s(names.listKind) === '' && s(names.kind) !== '') names.listKind = `${s(names.kind)}List`;
  }
  if (isObj(crd.spec)) setDefault(spec, 'conversion', { strategy: 'None' });
  const svc = obj(obj(obj(spec.conversion).webhook).clientConfig).service;
  if (isObj(svc)) setDefault(svc, 'port', 443);
  const status = obj(crd.status);
  if (strs(status.storedVersions).length === 0) {
    const storage = objs(spec.versions).find((v) => v.storage === true);
    if (storage !== undefined && isObj(crd.status)) status.storedVersions = [s(storage.name)];
  }
}

// ---------------------------------------------------------------------------------------------
// The internal layout of per-version fields

interface InternalLayout {
  /** The schema, subresources and columns when every version has the same (spec.validation …). */
  validation?: Obj;
  subresources?: Obj;
  columns?: Obj[];
  /** Per version, what remains there. */
  perVersion: { schema?: Obj; subresources?: Obj; columns?: Obj[] }[];
}

function internalLayout(spec: Obj): InternalLayout {
  const versions = objs(spec.versions);
  const same = (key: string) => versions.length > 0 && versions.every((v) => deepEqualJson(v[key] ?? null, versions[0]?.[key] ?? null));
  const schemaSame = same('schema');
  const subSame = same('subresources');
  const colsSame = versions.length > 0 && versions.every((v) => deepEqualJson(objs(v.additionalPrinterColumns), objs(versions[0]?.additionalPrinterColumns)));
  const first = versions[0] ?? {};
  return {
    ...(schemaSame && isObj(first.schema) ? { validation: first.schema } : {}),
    ...(subSame && isObj(first.subresources) ? { subresources: first.subresources } : {}),
    ...(colsSame && objs(first.additionalPrinterColumns).length > 0 ? { columns: objs(first.additionalPrinterColumns) } : {}),
    perVersion: versions.map((v) => ({
      ...(!schemaSame && isObj(v.schema) ? { schema: v.schema } : {}),
      ...(!subSame && isObj(v.subresources) ? { subresources: v.subresources } : {}),
      ...(!colsSame && objs(v.additionalPrinterColumns).length > 0 ? { columns: objs(v.additionalPrinterColumns) } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAPI schemas

type Level = 'root' | 'item' | 'field';

/** structuralschema.validateStructuralInvariants, for the parts a JSON schema shows directly. */
function structuralInvariants(schema: Obj, lvl: Level, p: FieldPath): Errs {
  const errs: Errs = [];
  const type = s(schema.type);
  const items = isObj(schema.items) ? schema.items : undefined;
  if (type === 'array' && items === undefined) errs.push(fieldErrors.required(String(p.child('items')), 'must be specified'));
  if (items !== undefined) errs.push(...structuralInvariants(items, 'item', p.child('items')));
  const props = obj(schema.properties);
  for (const k of sortedKeys(props)) errs.push(...structuralInvariants(obj(props[k]), 'field', p.child('properties').key(k)));
  if (has(schema.additionalProperties)) {
    if (lvl === 'root') errs.push(fieldErrors.forbidden(String(p.child('additionalProperties')), 'must not be used at the root'));
    if (isObj(schema.additionalProperties)) errs.push(...structuralInvariants(schema.additionalProperties, 'field', p.child('additionalProperties')));
  }
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) errs.push(fieldErrors.invalid(String(p.child('x-kubernetes-preserve-unknown-fields')), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(fieldErrors.invalid(String(p.child('x-kubernetes-embedded-resource')), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (embedded && type !== 'object') {
    if (type === '') errs.push(fieldErrors.required(String(p.child('type')), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(fieldErrors.invalid(String(p.child('type')), type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !intOrString && !preserve) {
    const detail = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[lvl];
    errs.push(fieldErrors.required(String(p.child('type')), detail));
  }
  if (embedded && has(schema.additionalProperties)) errs.push(fieldErrors.forbidden(String(p.child('additionalProperties')), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && type !== '' && type !== 'object') errs.push(fieldErrors.invalid(String(p.child('type')), type, 'must be object at the root'));
  const checkMetadata = lvl === 'root' || embedded;
  for (const k of ['kind', 'apiVersion']) {
    if (isObj(props[k]) && checkMetadata && s(props[k].type) !== 'string') {
      errs.push(fieldErrors.invalid(String(p.child('properties').key(k).child('type')), s(props[k].type), 'must be string'));
    }
  }
  if (isObj(props.metadata)) {
    const md = props.metadata;
    const mp = p.child('properties').key('metadata');
    if (checkMetadata && s(md.type) !== 'object') errs.push(fieldErrors.invalid(String(mp.child('type')), s(md.type), 'must be object'));
    if (lvl === 'root') {
      const rest: Obj = { ...md };
      delete rest.type;
      delete rest.default;
      const mprops = obj(rest.properties);
      const keys = Object.keys(mprops);
      if (keys.length > 0 && keys.every((k) => k === 'name' || k === 'generateName')) delete rest.properties;
      if (Object.keys(rest).some((k) => k !== 'description')) {
        errs.push(fieldErrors.forbidden(String(mp), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
      }
    }
  }
  if (embedded && !preserve && Object.keys(props).length === 0) {
    errs.push(fieldErrors.required(String(p.child('properties')), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** ValidateCustomResourceDefinitionOpenAPISchema's schema errors (the CEL rules are compiled by validateSchema). */
function openAPISchemaErrors(schema: unknown, p: FieldPath, requireValidPropertyType: boolean): Errs {
  if (!isObj(schema)) return [];
  const errs: Errs = [];
  const type = s(schema.type);
  if (requireValidPropertyType && type !== '' && !openapiV3Types.includes(type)) errs.push(fieldErrors.notSupported(String(p.child('type')), type, openapiV3Types));
  if (s(schema.id) !== '') errs.push(fieldErrors.forbidden(String(p.child('id')), 'id is not supported'));
  if (has(schema.additionalItems)) errs.push(fieldErrors.forbidden(String(p.child('additionalItems')), 'additionalItems is not supported'));
  if (Object.keys(obj(schema.patternProperties)).length > 0) errs.push(fieldErrors.forbidden(String(p.child('patternProperties')), 'patternProperties is not supported'));
  if (Object.keys(obj(schema.definitions)).length > 0) errs.push(fieldErrors.forbidden(String(p.child('definitions')), 'definitions is not supported'));
  if (has(schema.dependencies)) errs.push(fieldErrors.forbidden(String(p.child('dependencies')), 'dependencies is not supported'));
  if (has(schema.$ref)) errs.push(fieldErrors.forbidden(String(p.child('$ref')), '$ref is not supported'));
  if (type === 'null') errs.push(fieldErrors.forbidden(String(p.child('type')), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(schema.items)) errs.push(fieldErrors.forbidden(String(p.child('items')), 'items must be a schema object and not an array'));
  if (schema.uniqueItems === true) errs.push(fieldErrors.forbidden(String(p.child('uniqueItems')), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const props = obj(schema.properties);
  if (has(schema.additionalProperties)) {
    if (Object.keys(props).length > 0 && (schema.additionalProperties === false || isObj(schema.additionalProperties))) {
      errs.push(fieldErrors.forbidden(String(p.child('additionalProperties')), 'additionalProperties and properties are mutual exclusive'));
    }
    errs.push(...openAPISchemaErrors(schema.additionalProperties, p.child('additionalProperties'), requireValidPropertyType));
  }
  for (const k of sortedKeys(props)) errs.push(...openAPISchemaErrors(props[k], p.child('properties').key(k), requireValidPropertyType));
  errs.push(...openAPISchemaErrors(schema.not, p.child('not'), requireValidPropertyType));
  for (const key of ['allOf', 'oneOf', 'anyOf']) objs(schema[key]).forEach((x, i) => errs.push(...openAPISchemaErrors(x, p.child(key).index(i), requireValidPropertyType)));
  if (isObj(schema.items)) errs.push(...openAPISchemaErrors(schema.items, p.child('items'), requireValidPropertyType));
  if (schema['x-kubernetes-preserve-unknown-fields'] === false) errs.push(fieldErrors.invalid(String(p.child('x-kubernetes-preserve-unknown-fields')), false, 'must be true or undefined'));
  const mapType = schema['x-kubernetes-map-type'];
  if (has(mapType) && type !== 'object') {
    if (type === '') errs.push(fieldErrors.required(String(p.child('type')), 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(fieldErrors.invalid(String(p.child('type')), type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (has(mapType) && mapType !== 'atomic' && mapType !== 'granular') errs.push(fieldErrors.notSupported(String(p.child('x-kubernetes-map-type')), s(mapType), ['atomic', 'granular']));
  const listType = schema['x-kubernetes-list-type'];
  if (has(listType) && type !== 'array') {
    if (type === '') errs.push(fieldErrors.required(String(p.child('type')), 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(fieldErrors.invalid(String(p.child('type')), type, 'must be array if x-kubernetes-list-type is specified'));
  }
  if (has(listType) && !['atomic', 'set', 'map'].includes(s(listType))) errs.push(fieldErrors.notSupported(String(p.child('x-kubernetes-list-type')), s(listType), ['atomic', 'set', 'map']));
  const mapKeys = strs(schema['x-kubernetes-list-map-keys']);
  if (mapKeys.length > 0) {
    if (!has(listType)) errs.push(fieldErrors.required(String(p.child('x-kubernetes-list-type')), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(fieldErrors.invalid(String(p.child('x-kubernetes-list-type')), s(listType), 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(fieldErrors.required(String(p.child('x-kubernetes-list-map-keys')), 'must not be empty if x-kubernetes-list-type is map'));
    if (!has(schema.items)) errs.push(fieldErrors.required(String(p.child('items')), 'must have a schema if x-kubernetes-list-type is map'));
    if (isObj(schema.items) && s(schema.items.type) !== 'object') {
      errs.push(fieldErrors.invalid(String(p.child('items').child('type')), s(schema.items.type), "must be object if parent array's x-kubernetes-list-type is map"));
    }
  }
  objs(schema['x-kubernetes-validations']).forEach((rule, i) => {
    if (s(rule.rule).trim() === '') errs.push(fieldErrors.required(String(p.child('x-kubernetes-validations').index(i).child('rule')), 'rule is not specified'));
  });
  return errs;
}

function validateSchema(validation: Obj, statusEnabled: boolean, requireValidPropertyType: boolean, p: FieldPath): Errs {
  const schema = validation.openAPIV3Schema;
  if (!isObj(schema)) return [];
  const sp = p.child('openAPIV3Schema');
  const errs: Errs = [];
  if (statusEnabled && has(schema.type) && s(schema.type) !== 'object') {
    errs.push(fieldErrors.invalid(String(p.child('openAPIV3Schema.type')), s(schema.type), 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
  }
  if (schema.nullable === true) errs.push(fieldErrors.forbidden(String(p.child('openAPIV3Schema.nullable')), 'nullable cannot be true at the root'));
  const structural = structuralInvariants(schema, 'root', sp).sort((a, b) => compareBytes(fieldErrorString(a), fieldErrorString(b)));
  errs.push(...structural);
  // Defaults are checked against a structural schema only, and rules compiled only against a
  // schema without errors (validation.go's celContext is nil otherwise).
  const defaults = structural.length === 0 ? validateSchemaDefaults(schema as JsonObject, sp) : [];
  errs.push(...defaults);
  const schemaErrs = openAPISchemaErrors(schema, sp, requireValidPropertyType);
  errs.push(...schemaErrs);
  if (structural.length === 0 && defaults.length === 0 && schemaErrs.length === 0) errs.push(...validateCelRulesOfSchema(schema as JsonObject, sp));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Spec

function validateSimpleJSONPath(v: string, p: FieldPath): Errs {
  if (v === '') return [fieldErrors.invalid(String(p), v, 'must not be empty')];
  if (!v.startsWith('.')) return [fieldErrors.invalid(String(p), v, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: Obj | undefined, p: FieldPath): Errs {
  if (sub === undefined || !isObj(sub.scale)) return [];
  const scale = sub.scale;
  const errs: Errs = [];
  const check = (key: string, prefix: string, what: string) => {
    const v = s(scale[key]);
    const kp = p.child(`scale.${key}`);
    if (v === '') errs.push(fieldErrors.required(String(kp)));
    else {
      const e = validateSimpleJSONPath(v, kp);
      if (e.length > 0) errs.push(...e);
      else if (!v.startsWith(prefix)) errs.push(fieldErrors.invalid(String(kp), v, `should be a json path under ${what}`));
    }
  };
  check('specReplicasPath', '.spec.', '.spec');
  check('statusReplicasPath', '.status.', '.status');
  const lsp = s(scale.labelSelectorPath);
  if (lsp !== '') {
    const kp = p.child('scale.labelSelectorPath');
    const e = validateSimpleJSONPath(lsp, kp);
    if (e.length > 0) errs.push(...e);
    else if (!lsp.startsWith('.spec.') && !lsp.startsWith('.status.')) errs.push(fieldErrors.invalid(String(kp), lsp, 'should be a json path under either .spec or .status'));
  }
  return errs;
}

function validateColumn(col: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  if (s(col.name) === '') errs.push(fieldErrors.required(String(p.child('name'))));
  const type = s(col.type);
  if (type === '') errs.push(fieldErrors.required(String(p.child('type')), `must be one of ${printerColumnTypes.join(',')}`));
  else if (!printerColumnTypes.includes(type)) errs.push(fieldErrors.invalid(String(p.child('type')), type, `must be one of ${printerColumnTypes.join(',')}`));
  const format = s(col.format);
  if (format !== '' && !printerColumnFormats.includes(format)) errs.push(fieldErrors.invalid(String(p.child('format')), format, `must be one of ${printerColumnFormats.join(',')}`));
  const jsonPath = s(col.jsonPath);
  if (jsonPath === '') errs.push(fieldErrors.required(String(p.child('JSONPath'))));
  else errs.push(...validateSimpleJSONPath(jsonPath, p.child('JSONPath')));
  return errs;
}

function validateDeprecationWarning(v: Obj): string[] {
  const deprecated = v.deprecated === true;
  const warning = v.deprecationWarning;
  if (!deprecated && typeof warning === 'string') return ['can only be set for deprecated versions'];
  if (typeof warning !== 'string') return [];
  const out: string[] = [];
  if (Buffer.byteLength(warning) > 256) out.push('must be <= 256 characters long');
  if (warning.length === 0) out.push('must not be an empty string');
  let i = 0;
  for (const ch of warning) {
    // unicode.IsPrint fails first for control characters too.
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      out.push(`must only contain printable UTF-8 characters; non-printable character found at index ${i}`);
      break;
    }
    i += Buffer.byteLength(ch);
  }
  return out;
}

/** ValidateCustomResourceDefinitionNames. */
function validateNames(names: Obj, p: FieldPath): Errs {
  const errs: Errs = [];
  const plural = s(names.plural);
  const singular = s(names.singular);
  const kind = s(names.kind);
  const listKind = s(names.listKind);
  if (plural !== '' && isDNS1035Label(plural).length > 0) errs.push(fieldErrors.invalid(String(p.child('plural')), plural, isDNS1035Label(plural).join(',')));
  if (singular !== '' && isDNS1035Label(singular).length > 0) errs.push(fieldErrors.invalid(String(p.child('singular')), singular, isDNS1035Label(singular).join(',')));
  for (const [k, v] of [
    ['kind', kind],
    ['listKind', listKind],
  ] as const) {
    const e = isDNS1035Label(v.toLowerCase());
    if (v !== '' && e.length > 0) errs.push(fieldErrors.invalid(String(p.child(k)), v, `may have mixed case, but should otherwise match: ${e.join(',')}`));
  }
  strs(names.shortNames).forEach((sn, i) => {
    const e = isDNS1035Label(sn);
    if (e.length > 0) errs.push(fieldErrors.invalid(String(p.child('shortNames').index(i)), sn, e.join(',')));
  });
  if (kind !== '' && kind === listKind) errs.push(fieldErrors.invalid(String(p.child('listKind')), listKind, 'kind and listKind may not be the same'));
  strs(names.categories).forEach((c, i) => {
    const e = isDNS1035Label(c);
    if (e.length > 0) errs.push(fieldErrors.invalid(String(p.child('categories').index(i)), c, e.join(',')));
  });
  return errs;
}

const hasStatus = (sub: unknown) => isObj(sub) && has(sub.status);

function schemaHas(schema: unknown, pred: (s: Obj) => boolean): boolean {
  if (!isObj(schema)) return false;
  if (pred(schema)) return true;
  const children: unknown[] = [schema.items, schema.additionalProperties, schema.not, ...Object.values(obj(schema.properties)), ...objs(schema.allOf), ...objs(schema.oneOf), ...objs(schema.anyOf)];
  return children.some((c) => schemaHas(c, pred));
}

interface CRDOptions {
  requireOpenAPISchema: boolean;
  requireValidPropertyType: boolean;
  requireRecognizedConversionReviewVersion: boolean;
}

function validateConversionReviewVersions(versions: string[], requireRecognized: boolean, p: FieldPath): Errs {
  if (versions.length === 0) return [fieldErrors.required(String(p))];
  const errs: Errs = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErrors.invalid(String(p.index(i)), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldErrors.invalid(String(p.index(i)), v, m));
    if (acceptedConversionReviewVersions.includes(v)) accepted = true;
  });
  if (requireRecognized && !accepted) errs.push(fieldErrors.invalid(String(p), goStringSlice(versions), `must include at least one of ${acceptedConversionReviewVersions.join(', ')}`));
  return errs;
}

function validateConversion(conversion: unknown, requireRecognized: boolean, p: FieldPath): Errs {
  if (!isObj(conversion)) return [];
  const errs: Errs = [];
  const strategy = s(conversion.strategy);
  if (strategy === '') errs.push(fieldErrors.required(String(p.child('strategy'))));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(fieldErrors.notSupported(String(p.child('strategy')), strategy, ['None', 'Webhook']));
  const webhook = isObj(conversion.webhook) ? conversion.webhook : undefined;
  const cc = webhook !== undefined && isObj(webhook.clientConfig) ? webhook.clientConfig : undefined;
  const reviewVersions = strs(webhook?.conversionReviewVersions);
  const ccp = p.child('webhookClientConfig');
  if (strategy === 'Webhook') {
    if (cc === undefined) errs.push(fieldErrors.required(String(ccp), 'required when strategy is set to Webhook'));
    else if (has(cc.url) === has(cc.service)) errs.push(fieldErrors.required(String(ccp), 'exactly one of url or service is required'));
    else if (has(cc.url)) errs.push(...validateWebhookURL(ccp.child('url'), s(cc.url), true));
    else errs.push(...validateWebhookService(ccp.child('service'), obj(cc.service)));
    errs.push(...validateConversionReviewVersions(reviewVersions, requireRecognized, p.child('conversionReviewVersions')));
  } else {
    if (cc !== undefined) errs.push(fieldErrors.forbidden(String(ccp), 'should not be set when strategy is not set to Webhook'));
    if (reviewVersions.length > 0) errs.push(fieldErrors.forbidden(String(p.child('conversionReviewVersions')), 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateSpec(spec: Obj, opts: CRDOptions): Errs {
  const errs: Errs = [];
  const p = specPath;
  const group = s(spec.group);
  if (group === '') errs.push(fieldErrors.required(String(p.child('group'))));
  else if (isDNS1123Subdomain(group).length > 0) errs.push(fieldErrors.invalid(String(p.child('group')), group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(fieldErrors.invalid(String(p.child('group')), group, 'should be a domain with at least one dot'));
  const scope = s(spec.scope);
  if (scope === '') errs.push(fieldErrors.required(String(p.child('scope'))));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldErrors.notSupported(String(p.child('scope')), scope, ['Cluster', 'Namespaced']));

  const versions = objs(spec.versions);
  const layout = internalLayout(spec);
  const preserveUnknown = spec.preserveUnknownFields === true;
  const topHasSchema = isObj(layout.validation?.openAPIV3Schema);
  if (opts.requireOpenAPISchema) {
    if (!topHasSchema) {
      versions.forEach((v, i) => {
        if (!isObj(obj(v.schema).openAPIV3Schema)) errs.push(fieldErrors.required(String(p.child('versions').index(i).child('schema').child('openAPIV3Schema')), 'schemas are required'));
      });
    }
  } else if (!preserveUnknown && !topHasSchema) {
    versions.forEach((v, i) => {
      if (v.served === true && !isObj(obj(v.schema).openAPIV3Schema)) {
        errs.push(fieldErrors.required(String(p.child('versions').index(i).child('schema').child('openAPIV3Schema')), 'because otherwise all fields are pruned'));
      }
    });
  }
  const anySchemaHasDefaults = versions.some((v) => schemaHas(obj(v.schema).openAPIV3Schema, (x) => x.default !== undefined));
  if (anySchemaHasDefaults && preserveUnknown) errs.push(fieldErrors.invalid(String(p.child('preserveUnknownFields')), true, 'must be false in order to use defaults in the schema'));

  let storageCount = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const vp = p.child('versions').index(i);
    const name = s(v.name);
    if (v.storage === true) storageCount++;
    if (seen.has(name)) unique = false;
    else seen.add(name);
    const e = isDNS1035Label(name);
    if (e.length > 0) errs.push(fieldErrors.invalid(String(vp.child('name')), name, e.join(',')));
    for (const m of validateDeprecationWarning(v)) errs.push(fieldErrors.invalid(String(vp.child('deprecationWarning')), v.deprecationWarning as string, m));
    const own = layout.perVersion[i] ?? {};
    const statusEnabled = hasStatus(own.subresources ?? layout.subresources);
    if (own.schema !== undefined) errs.push(...validateSchema(own.schema, statusEnabled, opts.requireValidPropertyType, vp.child('schema')));
    errs.push(...validateSubresources(own.subresources, vp.child('subresources')));
    (own.columns ?? []).forEach((c, j) => errs.push(...validateColumn(c, vp.child('additionalPrinterColumns').index(j))));
  });
  const goVersions = goApprox('[]apiextensions.CustomResourceDefinitionVersion', versions);
  if (!unique) errs.push(fieldErrors.invalid(String(p.child('versions')), goVersions, 'must contain unique version names'));
  if (storageCount !== 1) errs.push(fieldErrors.invalid(String(p.child('versions')), goVersions, 'must have exactly one version marked as storage version'));
  if (versions.length > 0) {
    // The internal spec.version is versions[0].name.
    const first = s(versions[0]?.name);
    const e = isDNS1035Label(first);
    if (first !== '' && e.length > 0) errs.push(fieldErrors.invalid(String(p.child('version')), first, e.join(',')));
  }

  const names = obj(spec.names);
  const np = p.child('names');
  for (const k of ['plural', 'singular', 'kind', 'listKind']) if (s(names[k]) === '') errs.push(fieldErrors.required(String(np.child(k))));
  errs.push(...validateNames(names, np));
  const anyStatus = hasStatus(layout.subresources) || layout.perVersion.some((v) => hasStatus(v.subresources));
  if (layout.validation !== undefined) errs.push(...validateSchema(layout.validation, anyStatus, opts.requireValidPropertyType, p.child('validation')));
  errs.push(...validateSubresources(layout.subresources, p.child('subresources')));
  (layout.columns ?? []).forEach((c, j) => errs.push(...validateColumn(c, p.child('additionalPrinterColumns').index(j))));

  const conversion = spec.conversion;
  if (isObj(conversion) && s(conversion.strategy) !== 'None' && preserveUnknown) {
    errs.push(fieldErrors.invalid(String(p.child('conversion').child('strategy')), s(conversion.strategy), 'must be None if spec.preserveUnknownFields is true'));
  }
  errs.push(...validateConversion(conversion, opts.requireRecognizedConversionReviewVersion, p.child('conversion')));
  return errs;
}

function validateStoredVersions(crd: KubeObject): Errs {
  const stored = strs(obj(crd.status).storedVersions);
  const p = FieldPath.root('status').child('storedVersions');
  if (stored.length === 0) return [fieldErrors.invalid(String(p), goStringSlice(Array.isArray(obj(crd.status).storedVersions) ? stored : null), 'must have at least one stored version')];
  const errs: Errs = [];
  const remaining = new Map<string, number>();
  stored.forEach((v, i) => remaining.set(v, i));
  for (const v of objs(obj(crd.spec).versions)) {
    const name = s(v.name);
    const ok = remaining.has(name);
    if (v.storage === true && !ok) errs.push(fieldErrors.invalid(String(p), goStringSlice(stored), `must have the storage version ${name}`));
    if (ok) remaining.delete(name);
  }
  for (const [v, i] of [...remaining].sort((a, b) => a[1] - b[1])) {
    errs.push(
      fieldErrors.invalid(
        String(p.index(i)),
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

const approvalAnnotation = 'api-approved.kubernetes.io';

function approvalState(annotations: Record<string, string>): { state: 'missing' | 'bypassed' | 'approved' | 'invalid'; reason: string } {
  const a = annotations[approvalAnnotation] ?? '';
  if (a === '') return { state: 'missing', reason: `protected groups must have approval annotation "${approvalAnnotation}", see https://github.com/kubernetes/enhancements/pull/1111` };
  if (a.startsWith('unapproved')) return { state: 'bypassed', reason: `not approved: "${a}"` };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]+)/.exec(a);
  if (m !== null) return { state: 'approved', reason: `approved in ${a}` };
  return {
    state: 'invalid',
    reason: `protected groups must have approval annotation "${approvalAnnotation}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
  };
}

function validateAPIApproval(crd: KubeObject, old?: KubeObject): Errs {
  const group = s(obj(crd.spec).group);
  const protectedGroup = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!protectedGroup) return [];
  const next = approvalState(metaOf(crd).annotations ?? {});
  if (old !== undefined && approvalState(metaOf(old).annotations ?? {}).state === next.state) return [];
  const p = FieldPath.root('metadata').child('annotations').key(approvalAnnotation);
  if (next.state === 'missing') return [fieldErrors.required(String(p), next.reason)];
  if (next.state === 'invalid') return [fieldErrors.invalid(String(p), (metaOf(crd).annotations ?? {})[approvalAnnotation] ?? '', next.reason)];
  return [];
}

function validatePreserveUnknownFields(crd: KubeObject, old?: KubeObject): Errs {
  if (old !== undefined && obj(old.spec).preserveUnknownFields === true) return [];
  if (obj(crd.spec).preserveUnknownFields === true) {
    return [fieldErrors.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
  }
  return [];
}

const statusNames = (crd: KubeObject): Errs => validateNames(obj(obj(crd.status).acceptedNames), FieldPath.root('status').child('acceptedNames'));

function validateCRD(crd: KubeObject): Errs {
  const spec = obj(crd.spec);
  const required = `${s(obj(spec.names).plural)}.${s(spec.group)}`;
  const nameFn = (name: string, prefix: boolean) => [...nameIsDNSSubdomain(name, prefix), ...(name !== required ? ['must be spec.names.plural+"."+spec.group'] : [])];
  return [
    ...validateObjectMeta(metaOf(crd), { namespaced: false, nameValidator: nameFn }),
    ...validateSpec(spec, { requireOpenAPISchema: true, requireValidPropertyType: true, requireRecognizedConversionReviewVersion: true }),
    ...statusNames(crd),
    ...validateStoredVersions(crd),
    ...validateAPIApproval(crd),
    ...validatePreserveUnknownFields(crd),
  ];
}

const isEstablished = (crd: KubeObject) => objs(obj(crd.status).conditions).some((c) => c.type === 'Established' && c.status === 'True');

function validateCRDUpdate(crd: KubeObject, old: KubeObject): Errs {
  const spec = obj(crd.spec);
  const oldSpec = obj(old.spec);
  const oldVersions = objs(oldSpec.versions);
  const oldLayout = internalLayout(oldSpec);
  const oldAllSchemas = isObj(oldLayout.validation?.openAPIV3Schema) || oldVersions.every((v) => isObj(obj(v.schema).openAPIV3Schema));
  const oldInvalidTypes = oldVersions.some((v) => schemaHas(obj(v.schema).openAPIV3Schema, (x) => has(x.type) && !openapiV3Types.includes(s(x.type))));
  const oldConversion = obj(oldSpec.conversion);
  const oldReview = strs(obj(oldConversion.webhook).conversionReviewVersions);
  const errs = [
    ...genericMetaUpdate(crd, old),
    ...validateSpec(spec, {
      requireOpenAPISchema: oldAllSchemas,
      requireValidPropertyType: !oldInvalidTypes,
      requireRecognizedConversionReviewVersion: oldReview.length === 0 || oldReview.some((v) => acceptedConversionReviewVersions.includes(v)),
    }),
  ];
  if (isEstablished(old)) {
    if (s(spec.scope) !== s(oldSpec.scope)) errs.push(fieldErrors.invalid('spec.scope', s(spec.scope), 'field is immutable'));
    if (s(obj(spec.names).kind) !== s(obj(oldSpec.names).kind)) errs.push(fieldErrors.invalid('spec.names.kind', s(obj(spec.names).kind), 'field is immutable'));
  }
  if (s(spec.group) !== s(oldSpec.group)) errs.push(fieldErrors.invalid('spec.group', s(spec.group), 'field is immutable'));
  if (s(obj(spec.names).plural) !== s(obj(oldSpec.names).plural)) errs.push(fieldErrors.invalid('spec.names.plural', s(obj(spec.names).plural), 'field is immutable'));
  return [...errs, ...statusNames(crd), ...validateStoredVersions(crd), ...validateAPIApproval(crd, old), ...validatePreserveUnknownFields(crd, old)];
}

/** Adds the storage version to status.storedVersions (PrepareForCreate / PrepareForUpdate). */
function recordStorageVersion(crd: KubeObject): void {
  const storage = objs(obj(crd.spec).versions).find((v) => v.storage === true);
  if (storage === undefined) return;
  const status = isObj(crd.status) ? crd.status : (crd.status = {});
  const stored = Array.isArray(status.storedVersions) ? strs(status.storedVersions) : [];
  if (!stored.includes(s(storage.name))) status.storedVersions = [...stored, s(storage.name)];
}

const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

/**
 * REST.Delete of customresourcedefinitions: the first DELETE only marks the CRD (deletionTimestamp,
 * the cleanup finalizer, Terminating=True) so that the finalizer controller removes its custom
 * resources before the CRD goes.
 */
function crdDelete(crd: KubeObject, _options: DeleteOptions, ctx: { now: Date; generic: () => DeletePlan }): DeletePlan {
  const plan = ctx.generic();
  if (plan.action === 'pending' || plan.action === 'wait') return plan;
  const next = plan.action === 'update' ? plan.object : crd;
  const meta = metaOf(next);
  meta.deletionTimestamp ??= ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  meta.deletionGracePeriodSeconds ??= 0;
  if (!(meta.finalizers ?? []).includes(cleanupFinalizer)) meta.finalizers = [...(meta.finalizers ?? []), cleanupFinalizer];
  next.metadata = meta;
  const status = isObj(next.status) ? next.status : (next.status = {});
  const conditions = objs(status.conditions).filter((c) => c.type !== 'Terminating');
  const old = objs(status.conditions).find((c) => c.type === 'Terminating');
  conditions.push({
    type: 'Terminating',
    status: 'True',
    lastTransitionTime: old !== undefined && old.status === 'True' ? old.lastTransitionTime : meta.deletionTimestamp,
    reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  });
  status.conditions = conditions;
  return { action: 'update', object: next, thenDelete: false };
}

export const customresourcedefinitions = builtin({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  tracksGeneration: true,
  strategy: { allowUnconditionalUpdate: false, customDelete: crdDelete },
  defaults: defaultCRD,
  prepareForCreate: recordStorageVersion,
  prepareForUpdate: recordStorageVersion,
  validate: validateCRD,
  validateUpdate: validateCRDUpdate,
  // The status strategy resets metadata onto itself (a no-op), so status writes may change it.
  status: { validateUpdate: (crd, old) => [...genericMetaUpdate(crd, old), ...statusNames(crd)] },
});
