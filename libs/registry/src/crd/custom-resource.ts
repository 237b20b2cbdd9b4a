// The resources a CustomResourceDefinition serves, one descriptor per served version (k8s parity:
// apiextensions-apiserver pkg/apiserver/customresource_handler.go getOrCreateServingInfoFor,
// pkg/registry/customresource strategy.go, status_strategy.go and validator.go,
// pkg/apiserver/conversion for the None strategy and the field-label conversion).
//
// Descriptors work on the storage form, as every descriptor does: with conversion None that is
// the request's object with the storage version's apiVersion, so validation uses the served
// version's schema; with a Webhook conversion the gateway converts, and the object's own
// apiVersion picks the schema.
import {
  type FieldError,
  type JsonObject,
  type KubeObject,
  fieldErrorString,
  fieldErrors,
  goDynamicType,
  isQualifiedName,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '@portico/api';
import { deepEqualJson } from '../core-validation';
import { defineResource, defineStrategy, metaOf } from '../define';
import { type CustomResourceInfo, type RESTStrategy, type ResourceDescriptor, type SubresourceDescriptor, type Verb } from '../descriptor';
import { goV, type JsonValue } from '../patch/json';
import { compareKubeAwareVersions } from '../registry';
import { type Obj, isObj, obj, objs, s, strs } from '../validation/common';
import { compileCelValidator } from './cel-validation';
import type { CompiledCustomResourceSchema, CustomResourceVersion } from './contract';
import { customResourceOpenAPI } from './openapi';
import { printerColumnsTableConvertor } from './printer-columns';
import { compileStructuralSchema } from './structural-schema';

type Errs = FieldError[];
type ScaleInfo = NonNullable<CustomResourceInfo['scale']>;

/** kube-aggregator's APIService priority for every CRD group-version (crdregistration). */
const crdPriority = { group: 1000, version: 100 };

// ---------------------------------------------------------------------------------------------
// Compiled schemas

const preserveEverything: CompiledCustomResourceSchema = {
  prune: () => [],
  applyDefaults: () => undefined,
  validate: () => [],
  validateCel: () => [],
};

/** One version's schema compiled: structural pruning, defaulting and validation plus its CEL rules. */
export function compileCustomResourceSchema(openAPIV3Schema: JsonObject | undefined, preserveUnknownFields = false): CompiledCustomResourceSchema {
  if (openAPIV3Schema === undefined) return preserveEverything;
  const structural = compileStructuralSchema(openAPIV3Schema);
  const cel = compileCelValidator(openAPIV3Schema);
  return {
    // spec.preserveUnknownFields (apiextensions v1beta1 CRDs) keeps what the schema does not declare.
    prune: preserveUnknownFields ? () => [] : (o) => structural.prune(o),
    applyDefaults: (o) => structural.applyDefaults(o),
    validate: (o) => structural.validate(o),
    validateCel: (o, old) => cel.validate(o, old),
  };
}

// Compiling is the expensive part of serving a CRD; descriptors are rebuilt on every CRD change,
// so the compiled schemas are kept per CRD uid and resourceVersion.
const compiledCache = new Map<string, { resourceVersion: string; versions: Map<string, CompiledCustomResourceSchema> }>();
const maxCachedCRDs = 4096;

function cachedSchema(uid: string, resourceVersion: string, version: string, compile: () => CompiledCustomResourceSchema): CompiledCustomResourceSchema {
  // A CRD without uid or resourceVersion (not stored yet) is not cached: the key would not tell its revisions apart.
  if (uid === '' || resourceVersion === '') return compile();
  let entry = compiledCache.get(uid);
  if (entry === undefined || entry.resourceVersion !== resourceVersion) {
    if (compiledCache.size >= maxCachedCRDs) compiledCache.clear();
    entry = { resourceVersion, versions: new Map() };
    compiledCache.set(uid, entry);
  }
  let c = entry.versions.get(version);
  if (c === undefined) {
    c = compile();
    entry.versions.set(version, c);
  }
  return c;
}

// The compiled schema of each served version, by the descriptor's customResource info (shared by
// copies of the descriptor), for the decoder's unknown-field checks.
const schemaByInfo = new WeakMap<CustomResourceInfo, (version: string) => CompiledCustomResourceSchema | undefined>();

/**
 * The compiled schema of a custom resource descriptor's version (its own version by default);
 * undefined for descriptors customResourceDescriptors did not build.
 */
export function customResourceSchema(desc: ResourceDescriptor, version = desc.version): CompiledCustomResourceSchema | undefined {
  return desc.customResource === undefined ? undefined : schemaByInfo.get(desc.customResource)?.(version);
}

// ---------------------------------------------------------------------------------------------
// Reading the CRD

function readVersion(v: Obj): CustomResourceVersion {
  const out: CustomResourceVersion = { name: s(v.name), served: v.served === true, storage: v.storage === true };
  if (v.deprecated === true) out.deprecated = true;
  if (typeof v.deprecationWarning === 'string') out.deprecationWarning = v.deprecationWarning;
  const schema = obj(v.schema).openAPIV3Schema;
  if (isObj(schema)) out.schema = schema as JsonObject;
  const sub = obj(v.subresources);
  const subs: NonNullable<CustomResourceVersion['subresources']> = {};
  if (isObj(sub.status)) subs.status = sub.status as JsonObject;
  if (isObj(sub.scale)) {
    const sc = sub.scale;
    subs.scale = { specReplicasPath: s(sc.specReplicasPath), statusReplicasPath: s(sc.statusReplicasPath) };
    if (typeof sc.labelSelectorPath === 'string') subs.scale.labelSelectorPath = sc.labelSelectorPath;
  }
  if (subs.status !== undefined || subs.scale !== undefined) out.subresources = subs;
  const cols = objs(v.additionalPrinterColumns);
  if (cols.length > 0) {
    out.additionalPrinterColumns = cols.map((c) => ({
      name: s(c.name),
      type: s(c.type),
      jsonPath: s(c.jsonPath),
      ...(typeof c.format === 'string' && c.format !== '' ? { format: c.format } : {}),
      ...(typeof c.description === 'string' && c.description !== '' ? { description: c.description } : {}),
      ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
    }));
  }
  const selectable = objs(v.selectableFields);
  if (selectable.length > 0) out.selectableFields = selectable.map((f) => ({ jsonPath: s(f.jsonPath) }));
  return out;
}

interface Names {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

/** status.acceptedNames once the naming controller accepted them, else spec.names. */
function servedNames(crd: KubeObject): Names {
  const accepted = obj(obj(crd.status).acceptedNames);
  const names = s(accepted.plural) !== '' && s(accepted.kind) !== '' ? accepted : obj(obj(crd.spec).names);
  const kind = s(names.kind);
  return {
    plural: s(names.plural),
    singular: s(names.singular) !== '' ? s(names.singular) : kind.toLowerCase(),
    kind,
    listKind: s(names.listKind) !== '' ? s(names.listKind) : `${kind}List`,
    shortNames: strs(names.shortNames),
    categories: strs(names.categories),
  };
}

/** defaultDeprecationWarning: names the newest served, non-deprecated version above this one. */
export function defaultDeprecationWarning(group: string, kind: string, deprecatedVersion: string, versions: readonly CustomResourceVersion[]): string {
  const msg = `${group}/${deprecatedVersion} ${kind} is deprecated`;
  const newer = versions
    .filter((v) => v.served && v.deprecated !== true && compareKubeAwareVersions(deprecatedVersion, v.name) < 0)
    .map((v) => v.name)
    .sort((a, b) => compareKubeAwareVersions(b, a));
  return newer.length === 0 ? msg : `${msg}; use ${group}/${newer[0] as string} ${kind}`;
}

function conversionOf(spec: Obj): CustomResourceInfo['conversion'] {
  const c = obj(spec.conversion);
  if (s(c.strategy) !== 'Webhook') return { strategy: 'None' };
  const webhook = obj(c.webhook);
  const cc = obj(webhook.clientConfig);
  const clientConfig: Extract<CustomResourceInfo['conversion'], { strategy: 'Webhook' }>['clientConfig'] = {};
  if (typeof cc.url === 'string') clientConfig.url = cc.url;
  if (typeof cc.caBundle === 'string') clientConfig.caBundle = cc.caBundle;
  if (isObj(cc.service)) {
    const svc = cc.service;
    clientConfig.service = {
      namespace: s(svc.namespace),
      name: s(svc.name),
      ...(typeof svc.path === 'string' ? { path: svc.path } : {}),
      ...(typeof svc.port === 'number' ? { port: svc.port } : {}),
    };
  }
  return { strategy: 'Webhook', clientConfig, conversionReviewVersions: strs(webhook.conversionReviewVersions) };
}

/** The verbs in the order apiextensions-apiserver's discovery controller lists them. */
export const customResourceVerbs: readonly Verb[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** What a terminating CRD's resources list in discovery (no new or changed objects). */
export const terminatingCustomResourceVerbs: readonly Verb[] = ['delete', 'deletecollection', 'get', 'list', 'watch'];

// ---------------------------------------------------------------------------------------------
// Validation helpers (validator.go)

/** unstructured.NestedFieldNoCopy along a scale path: the value, absent, or the accessor error. */
function nestedField(o: KubeObject, path: string): { value: JsonValue; found: true } | { found: false } | { error: string } {
  const fields = path.replace(/^\./, '').split('.');
  let val: JsonValue | undefined = o as JsonObject;
  for (let i = 0; i < fields.length; i++) {
    if (val === null || val === undefined) return { found: false };
    if (typeof val !== 'object' || Array.isArray(val)) {
      return { error: `.${fields.slice(0, i + 1).join('.')} accessor error: ${goV(val)} is of the type ${goDynamicType(val)}, expected map[string]interface{}` };
    }
    const key = fields[i] as string;
    if (!Object.prototype.hasOwnProperty.call(val, key)) return { found: false };
    val = val[key];
  }
  return { value: val as JsonValue, found: true };
}

/** ValidateScaleSpec / ValidateScaleStatus: replicas are int32s, the selector a string. */
function replicasErrors(o: KubeObject, path: string): Errs {
  const r = nestedField(o, path);
  if ('error' in r) return [fieldErrors.invalid(path, 0, r.error)];
  if (!r.found) return [];
  const v = r.value;
  const fields = path.replace(/^\./, '');
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    return [fieldErrors.invalid(path, 0, `.${fields} accessor error: ${goV(v)} is of the type ${goDynamicType(v)}, expected int64`)];
  }
  if (v < 0) return [fieldErrors.invalid(path, v, 'should be a non-negative integer')];
  if (v > 2147483647) return [fieldErrors.invalid(path, v, 'should be less than or equal to 2147483647')];
  return [];
}

function scaleSpecErrors(o: KubeObject, scale: ScaleInfo | undefined): Errs {
  return scale === undefined ? [] : replicasErrors(o, scale.specReplicasPath);
}

function scaleStatusErrors(o: KubeObject, scale: ScaleInfo | undefined): Errs {
  if (scale === undefined) return [];
  const errs = replicasErrors(o, scale.statusReplicasPath);
  if (scale.labelSelectorPath !== undefined) {
    const path = scale.labelSelectorPath;
    const r = nestedField(o, path);
    if ('error' in r) errs.push(fieldErrors.invalid(path, '', r.error));
    else if (r.found && typeof r.value !== 'string') {
      errs.push(fieldErrors.invalid(path, '', `.${path.replace(/^\./, '')} accessor error: ${goV(r.value)} is of the type ${goDynamicType(r.value)}, expected string`));
    }
  }
  return errs;
}

const blockingTypes = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

/** Whether a schema has x-kubernetes-validations anywhere (cel.NewValidator is nil otherwise). */
function hasCelRules(schema: unknown): boolean {
  if (!isObj(schema)) return false;
  if (objs(schema['x-kubernetes-validations']).length > 0) return true;
  const children: unknown[] = [schema.items, schema.additionalProperties, ...Object.values(obj(schema.properties)), ...objs(schema.allOf), ...objs(schema.anyOf), ...objs(schema.oneOf), schema.not];
  return children.some(hasCelRules);
}

/** hasBlockingErr: CEL rules do not run over an object whose schema errors make its shape unknown. */
function celUnlessBlocked(rules: boolean, errs: Errs, run: () => Errs): Errs {
  if (!rules) return [];
  if (errs.some((e) => blockingTypes.has(e.type))) {
    // field.Invalid(nil, nil, …): a nil *field.Path prints as <nil>, a nil bad value as "null".
    return [fieldErrors.invalid('<nil>', 'null', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation')];
  }
  return run();
}

/**
 * CRDValidationRatcheting, approximated: an error the stored object already had, word for word,
 * is not the update's doing and does not fail it.
 */
function ratchet(errs: Errs, oldErrs: Errs): Errs {
  if (oldErrs.length === 0) return errs;
  const had = new Set(oldErrs.map(fieldErrorString));
  return errs.filter((e) => !had.has(fieldErrorString(e)));
}

const standardFinalizers = new Set(['orphan', 'foregroundDeletion', 'kubernetes']);

/** generateWarningsFromObj: the finalizers an object adds that are not domain-qualified names. */
function finalizerWarnings(o: KubeObject, old: KubeObject | undefined): string[] {
  const before = new Set(old === undefined ? [] : (metaOf(old).finalizers ?? []));
  const added = [...new Set(metaOf(o).finalizers ?? [])].filter((f) => !before.has(f)).sort();
  const out: string[] = [];
  const p = 'metadata.finalizers';
  for (const f of added) {
    for (const msg of isQualifiedName(f)) out.push(`${p}: ${JSON.stringify(f)}: ${msg}`);
    if (!f.includes('/') && !standardFinalizers.has(f)) {
      out.push(
        f.includes('.')
          ? `${p}: ${JSON.stringify(f)}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`
          : `${p}: ${JSON.stringify(f)}: prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`,
      );
    }
  }
  return out;
}

const withoutMetadata = (o: KubeObject): Obj => {
  const { metadata: _m, ...rest } = o;
  return rest;
};

const isStatusField = (e: FieldError) => e.field === 'status' || e.field.startsWith('status.') || e.field.startsWith('status[');

// ---------------------------------------------------------------------------------------------
// Selectable fields

function selectableValue(o: KubeObject, jsonPath: string): string {
  let v: unknown = o;
  for (const f of jsonPath.replace(/^\./, '').split('.')) {
    if (!isObj(v)) return '';
    v = v[f];
  }
  // fmt.Sprint of the value; a missing or null value selects as "".
  return v === undefined || v === null ? '' : goV(v as JsonValue);
}

// ---------------------------------------------------------------------------------------------
// Descriptors

/** The descriptors of every served version of a CRD, in spec.versions order. */
export function customResourceDescriptors(crd: KubeObject): ResourceDescriptor[] {
  const spec = obj(crd.spec);
  const group = s(spec.group);
  const namespaced = s(spec.scope) !== 'Cluster';
  const names = servedNames(crd);
  const versions = objs(spec.versions).map(readVersion);
  const storageVersion = versions.find((v) => v.storage)?.name ?? '';
  const conversion = conversionOf(spec);
  const preserveUnknownFields = spec.preserveUnknownFields === true;
  const meta = metaOf(crd);
  const uid = meta.uid ?? '';
  const resourceVersion = meta.resourceVersion ?? '';
  const byName = new Map(versions.map((v) => [v.name, v]));
  const rulesByVersion = new Map(versions.map((v) => [v.name, hasCelRules(v.schema)]));

  const schemaOf = (version: string): CompiledCustomResourceSchema | undefined => {
    const v = byName.get(version);
    if (v === undefined) return undefined;
    return cachedSchema(uid, resourceVersion, version, () => compileCustomResourceSchema(v.schema, preserveUnknownFields));
  };
  const versionOfObject = (o: KubeObject): string | undefined => {
    const av = typeof o.apiVersion === 'string' ? o.apiVersion : '';
    const slash = av.indexOf('/');
    if (slash < 0 || av.slice(0, slash) !== group) return undefined;
    const v = av.slice(slash + 1);
    return byName.has(v) ? v : undefined;
  };

  return versions
    .filter((v) => v.served)
    .map((v) => {
      const gv = `${group}/${v.name}`;
      const storageGV = `${group}/${storageVersion}`;
      const scale = v.subresources?.scale;
      const hasStatus = v.subresources?.status !== undefined;
      const noneConversion = conversion.strategy === 'None';
      const converts = noneConversion && v.name !== storageVersion;
      // The schema an object in storage form is checked against (see the header).
      const validatingSchema = (o: KubeObject): CompiledCustomResourceSchema =>
        schemaOf(noneConversion ? v.name : (versionOfObject(o) ?? v.name)) ?? preserveEverything;

      const hasRules = (o: KubeObject): boolean => rulesByVersion.get(noneConversion ? v.name : (versionOfObject(o) ?? v.name)) === true;

      const typeMetaErrors = (o: KubeObject): Errs => {
        const errs: Errs = [];
        const kind = typeof o.kind === 'string' ? o.kind : '';
        const av = typeof o.apiVersion === 'string' ? o.apiVersion : '';
        if (kind !== names.kind) errs.push(fieldErrors.invalid('kind', kind, `must be ${names.kind}`));
        const okVersion = av === gv || (converts && av === storageGV) || (!noneConversion && versionOfObject(o) !== undefined);
        if (!okVersion) errs.push(fieldErrors.invalid('apiVersion', av, `must be ${gv}`));
        return errs;
      };

      const strategy: RESTStrategy = defineStrategy({
        tracksGeneration: true,
        allowCreateOnUpdate: false,
        allowUnconditionalUpdate: false,
        returnDeletedObject: false,
        defaultGarbageCollectionPolicy: 'DeleteDependents',
        applyDefaults(o) {
          // kube-apiserver prunes and defaults an object read from storage in its stored version,
          // then, converted, in the version served.
          const own = versionOfObject(o);
          if (own !== undefined && own !== v.name) {
            const c = schemaOf(own);
            c?.prune(o);
            c?.applyDefaults(o);
            if (!noneConversion) return;
          }
          const c = schemaOf(v.name);
          c?.prune(o);
          c?.applyDefaults(o);
        },
        prepareForCreate(o) {
          if (hasStatus) delete o.status;
        },
        prepareForUpdate(o, old) {
          if (hasStatus) {
            if (Object.prototype.hasOwnProperty.call(old, 'status')) o.status = structuredClone(old.status);
            else delete o.status;
            return;
          }
          // Without /status every change outside metadata bumps the generation; the generic
          // update bumps it for everything but status, so a status-only change is counted here.
          const { status: newStatus, ...newRest } = withoutMetadata(o);
          const { status: oldStatus, ...oldRest } = withoutMetadata(old);
          if (deepEqualJson(newRest, oldRest) && !deepEqualJson(newStatus, oldStatus)) {
            const g = metaOf(old).generation;
            metaOf(o).generation = (typeof g === 'number' ? g : 0) + 1;
          }
        },
        validate(o) {
          const tm = typeMetaErrors(o);
          if (tm.length > 0) return tm;
          const schema = validatingSchema(o);
          const errs: Errs = [
            ...validateObjectMeta(metaOf(o), { namespaced, nameValidator: nameIsDNSSubdomain }),
            ...schema.validate(o),
            ...scaleSpecErrors(o, scale),
            ...scaleStatusErrors(o, scale),
          ];
          return [...errs, ...celUnlessBlocked(hasRules(o), errs, () => schema.validateCel(o, undefined))];
        },
        validateUpdate(o, old) {
          const tm = typeMetaErrors(o);
          if (tm.length > 0) return tm;
          const schema = validatingSchema(o);
          const errs: Errs = [
            ...validateObjectMetaUpdate(metaOf(o), metaOf(old)),
            ...ratchet(schema.validate(o), schema.validate(old)),
            ...scaleSpecErrors(o, scale),
            ...scaleStatusErrors(o, scale),
          ];
          return [...errs, ...celUnlessBlocked(hasRules(o), errs, () => schema.validateCel(o, old))];
        },
        warningsOnCreate: (o) => finalizerWarnings(o, undefined),
        warningsOnUpdate: (o, old) => finalizerWarnings(o, old),
      });

      const statusStrategy: RESTStrategy = {
        ...strategy,
        // The status endpoint writes status alone: everything else, metadata included, is the
        // stored object's; the managedFields the field manager computed are kept.
        prepareForUpdate(o, old) {
          const hasNewStatus = Object.prototype.hasOwnProperty.call(o, 'status');
          const status = o.status;
          const managedFields = metaOf(o).managedFields;
          for (const k of Object.keys(o)) delete o[k];
          Object.assign(o, structuredClone(old));
          const m = metaOf(o);
          o.metadata = m;
          if (managedFields === undefined) delete m.managedFields;
          else m.managedFields = managedFields;
          if (hasNewStatus) o.status = status;
          else delete o.status;
        },
        validateUpdate(o, old) {
          const tm = typeMetaErrors(o);
          if (tm.length > 0) return tm;
          const schema = validatingSchema(o);
          const errs: Errs = [...validateObjectMetaUpdate(metaOf(o), metaOf(old))];
          if (Object.prototype.hasOwnProperty.call(o, 'status')) {
            errs.push(...ratchet(schema.validate(o).filter(isStatusField), schema.validate(old).filter(isStatusField)));
          }
          errs.push(...scaleStatusErrors(o, scale));
          return [...errs, ...celUnlessBlocked(hasRules(o), errs, () => schema.validateCel(o, old))];
        },
        warningsOnUpdate: () => [],
      };

      const subresources: SubresourceDescriptor[] = [];
      if (hasStatus) subresources.push({ name: 'status', kind: { group, version: v.name, kind: names.kind }, verbs: ['get', 'patch', 'update'], strategy: statusStrategy });
      if (scale !== undefined) subresources.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });

      const customResource: CustomResourceInfo = {
        crdName: meta.name ?? `${names.plural}.${group}`,
        crdUID: uid,
        storageVersion,
        conversion,
      };
      if (scale !== undefined) customResource.scale = { ...scale };
      if (v.deprecated === true) customResource.deprecationWarning = v.deprecationWarning ?? defaultDeprecationWarning(group, s(obj(spec.names).kind) || names.kind, v.name, versions);
      schemaByInfo.set(customResource, schemaOf);

      const selectable = (v.selectableFields ?? []).map((f) => ({ label: f.jsonPath.replace(/^\./, ''), jsonPath: f.jsonPath }));
      const selectableLabels = new Set(selectable.map((f) => f.label));

      const desc = defineResource({
        group,
        version: v.name,
        resource: names.plural,
        kind: names.kind,
        listKind: names.listKind,
        singular: names.singular,
        namespaced,
        shortNames: names.shortNames,
        categories: names.categories,
        verbs: [...customResourceVerbs],
        subresources,
        storage: { group, resource: names.plural },
        selectableFields(o) {
          const m = metaOf(o);
          const out: Record<string, string> = { 'metadata.name': m.name ?? '' };
          if (namespaced) out['metadata.namespace'] = m.namespace ?? '';
          for (const f of selectable) out[f.label] = selectableValue(o, f.jsonPath);
          return out;
        },
        convertFieldLabel(label, value) {
          // crConverter.ConvertFieldLabel.
          if (label === 'metadata.name' || (namespaced && label === 'metadata.namespace') || selectableLabels.has(label)) return { label, value };
          return { error: `field label not supported: ${label}` };
        },
        priority: { ...crdPriority },
        openapi: customResourceOpenAPI(crd, v.name),
        tableConvertor: printerColumnsTableConvertor(v.additionalPrinterColumns),
        customResource,
        strategy,
      });
      if (converts) desc.toStorage = (o) => ({ ...o, apiVersion: storageGV });
      if (noneConversion) {
        // Objects read from storage are pruned and defaulted (by the schema of the version they
        // were stored in, then by this one), so a default added to the schema later shows on
        // read, as kube-apiserver's CR codec does; webhook-converted versions are defaulted by
        // their webhook's answer instead.
        desc.fromStorage = (o) => {
          strategy.applyDefaults(o);
          return o.apiVersion === gv ? o : { ...o, apiVersion: gv };
        };
      }
      return desc;
    });
}
