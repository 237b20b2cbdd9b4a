// Builders for descriptors and strategies, with kube-apiserver's defaults: every built-in REST
// type starts from the same generic store and overrides only what differs.
import { type KubeObject, type ObjectMeta, goQuote, isPlainObject } from '@portico/api';
import { type FieldLabelConversion, type RESTStrategy, type ResourceDescriptor, allVerbs } from './descriptor';

// The generic store's hooks that change nothing.
const keep = (): void => undefined;

/** A strategy with the generic store's defaults for everything not given. */
export function defineStrategy(s: Partial<RESTStrategy>): RESTStrategy {
  return {
    tracksGeneration: false,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: false,
    defaultGarbageCollectionPolicy: 'DeleteDependents',
    applyDefaults: keep,
    prepareForCreate: keep,
    prepareForUpdate: keep,
    validate: () => [],
    validateUpdate: () => [],
    warningsOnCreate: () => [],
    warningsOnUpdate: () => [],
    canonicalize: keep,
    ...s,
  };
}

export const metaOf = (obj: KubeObject): ObjectMeta => (isPlainObject(obj.metadata) ? (obj.metadata as ObjectMeta) : {});
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const record = (v: unknown): Record<string, unknown> | undefined => (isPlainObject(v) ? v : undefined);

/** generic.ObjectMetaFieldsSet: metadata.name, and metadata.namespace for namespaced kinds. */
export function objectMetaFieldsSet(obj: KubeObject, namespaced: boolean): Record<string, string> {
  const m = metaOf(obj);
  return namespaced ? { 'metadata.name': str(m.name), 'metadata.namespace': str(m.namespace) } : { 'metadata.name': str(m.name) };
}

/** runtime.DefaultMetaV1FieldSelectorConversion, for kinds that register no conversion of their own. */
export function defaultFieldLabelConversion(label: string, value: string): FieldLabelConversion {
  if (label === 'metadata.name' || label === 'metadata.namespace') return { label, value };
  return { error: `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"` };
}

/** A conversion func of pkg/apis/*: the listed labels (mapped where `aliases` says), else `field label not supported`. */
export function fieldLabelConversion(accepted: readonly string[], aliases: Readonly<Record<string, string>> = {}) {
  const ok = new Set(accepted);
  return (label: string, value: string): FieldLabelConversion => {
    const alias = aliases[label];
    if (alias !== undefined) return { label: alias, value };
    if (ok.has(label)) return { label, value };
    return { error: `field label not supported: ${label}` };
  };
}

type Required = 'group' | 'version' | 'resource' | 'kind' | 'singular' | 'namespaced' | 'strategy';

/** A descriptor with the usual defaults: all verbs, List kind, storage at {group, resource}, metadata fields only. */
export function defineResource(d: Pick<ResourceDescriptor, Required> & Partial<Omit<ResourceDescriptor, Required>>): ResourceDescriptor {
  const namespaced = d.namespaced;
  return {
    listKind: `${d.kind}List`,
    shortNames: [],
    categories: [],
    verbs: [...allVerbs],
    subresources: [],
    storage: { group: d.group, resource: d.resource },
    selectableFields: (obj) => objectMetaFieldsSet(obj, namespaced),
    convertFieldLabel: defaultFieldLabelConversion,
    ...d,
  };
}

/** Drops a map field when it is empty or null, as Go's omitempty writes it. */
export function omitEmptyMap(obj: Record<string, unknown>, key: string): void {
  const v = obj[key];
  if (v === null || (isPlainObject(v) && Object.keys(v).length === 0)) delete obj[key];
}
