// k8s parity: apimachinery v0.33.1 pkg/util/validation/validation.go (the Is* checks),
// pkg/api/validation/{generic,objectmeta}.go (object metadata), pkg/apis/meta/v1/validation
// (labels, managed fields) and pkg/api/validation/path (path segment names). Messages are Go's to
// the character because clients print them; map keys are visited in sorted order where Go's
// order is random.
import {
  type FieldError,
  FieldPath,
  compareBytes,
  fieldErrors,
  goStringSlice,
  goStruct,
  goSyntax,
  goTime,
  type GoSyntax,
} from './field-errors';
import { type ManagedFieldsEntry, type ObjectMeta, type OwnerReference, isPlainObject } from './meta';

// ---------------------------------------------------------------------------------------------
// Message builders (validation.go)

export const maxLenError = (length: number): string => `must be no more than ${length} characters`;

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export const emptyError = (): string => 'must be non-empty';

export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

/** The detail of an immutable-field error. */
export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';

// Go's len() counts UTF-8 bytes.
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

// ---------------------------------------------------------------------------------------------
// Is* checks: each returns the list of problems, empty when the value is valid.

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRegexp = new RegExp(`^${qualifiedNameFmt}$`);

/** A label key, annotation key (lower-cased first) or finalizer name: `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  switch (parts.length) {
    case 1:
      name = parts[0] as string;
      break;
    case 2: {
      const prefix = parts[0] as string;
      name = parts[1] as string;
      if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
      else for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
      break;
    }
    default:
      return [
        `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > qualifiedNameMaxLength) errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  if (!qualifiedNameRegexp.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const labelValueMaxLength = 63;
const labelValueRegexp = new RegExp(`^${labelValueFmt}$`);

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > labelValueMaxLength) errs.push(maxLenError(labelValueMaxLength));
  if (!labelValueRegexp.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const dns1123LabelMaxLength = 63;
const dns1123LabelRegexp = new RegExp(`^${dns1123LabelFmt}$`);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrorMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const dns1123SubdomainMaxLength = 253;
const dns1123SubdomainRegexp = new RegExp(`^${dns1123SubdomainFmt}$`);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123LabelMaxLength) errs.push(maxLenError(dns1123LabelMaxLength));
  if (!dns1123LabelRegexp.test(value)) {
    // A valid subdomain that is not a valid label can only be failing on its dots (length was checked).
    if (dns1123SubdomainRegexp.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!dns1123SubdomainRegexp.test(value)) errs.push(regexError(dns1123SubdomainErrorMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const dns1035LabelMaxLength = 63;
const dns1035LabelRegexp = new RegExp(`^${dns1035LabelFmt}$`);

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1035LabelMaxLength) errs.push(maxLenError(dns1035LabelMaxLength));
  if (!dns1035LabelRegexp.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const configMapKeyRegexp = new RegExp(`^${configMapKeyFmt}$`);

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return [`must not be '.'`];
  if (value === '..') return [`must not be '..'`];
  if (value.startsWith('..')) return [`must not start with '..'`];
  return [];
}

/** A key of a ConfigMap's or Secret's data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!configMapKeyRegexp.test(value)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/** pkg/api/validation/path: a name that is safe as a URL path segment and an etcd key segment. */
export function isValidPathSegmentName(name: string): string[] {
  for (const illegal of ['.', '..']) if (name === illegal) return [`may not be '${illegal}'`];
  return isValidPathSegmentPrefix(name);
}

export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Name validators (ValidateNameFunc): `prefix` is true for a generateName, which may end in '-'.

export type NameValidator = (name: string, prefix: boolean) => string[];

// Go's maskTrailingDash drops two bytes before appending "a"; the quirk is kept so the same
// generateName values pass or fail.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
/** Namespaces are DNS-1123 labels. */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;
/** The check every resource gets in rest.BeforeCreate/BeforeUpdate, after the kind's own. */
export const validatePathSegmentName: NameValidator = (name, prefix) => (prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name));

// ---------------------------------------------------------------------------------------------
// Field-level validation

type PathLike = FieldPath | string;
const pathOf = (p: PathLike): FieldPath => (typeof p === 'string' ? FieldPath.root(p) : p);

const sortedKeys = (m: Record<string, unknown>): string[] => Object.keys(m).sort(compareBytes);

export function validateNonnegativeField(value: number, path: PathLike): FieldError[] {
  return value < 0 ? [fieldErrors.invalid(String(pathOf(path)), value, isNegativeErrorMsg)] : [];
}

export function validateLabelName(name: string, path: PathLike): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(String(pathOf(path)), name, msg));
}

/** Keys are qualified names, values label values; both are reported on the labels path itself. */
export function validateLabels(labels: Record<string, string> | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  const p = String(pathOf(path));
  for (const k of sortedKeys(labels)) {
    errs.push(...validateLabelName(k, p));
    const v = labels[k];
    if (typeof v !== 'string') continue;
    for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(p, v, msg));
  }
  return errs;
}

export const totalAnnotationSizeLimitB = 256 * (1 << 10);

/** Keys are qualified names compared case-insensitively; keys plus values may not exceed 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  const p = String(pathOf(path));
  let total = 0;
  for (const k of sortedKeys(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(p, k, msg));
    const v = annotations[k];
    total += byteLength(k) + (typeof v === 'string' ? byteLength(v) : 0);
  }
  if (total > totalAnnotationSizeLimitB) errs.push(fieldErrors.tooLong(p, totalAnnotationSizeLimitB));
  return errs;
}

/** schema.ParseGroupVersion, without the error: an unparsable apiVersion yields an empty version. */
function groupVersionOf(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] as string };
  if (parts.length === 2) return { group: parts[0] as string, version: parts[1] as string };
  return { group: '', version: '' };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** %#v of a metav1.OwnerReference, the bad value Go prints for owner-reference errors. */
export function goOwnerReference(ref: Partial<OwnerReference>): GoSyntax {
  const ptr = (v: unknown) => ({ pointer: 'bool', set: typeof v === 'boolean' });
  return goStruct('v1.OwnerReference', [
    ['APIVersion', str(ref.apiVersion)],
    ['Kind', str(ref.kind)],
    ['Name', str(ref.name)],
    ['UID', str(ref.uid)],
    ['Controller', ptr(ref.controller)],
    ['BlockOwnerDeletion', ptr(ref.blockOwnerDeletion)],
  ]);
}

function validateOwnerReference(ref: Partial<OwnerReference>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gv = groupVersionOf(str(ref.apiVersion));
  const kind = str(ref.kind);
  if (gv.version === '') errs.push(fieldErrors.invalid(String(path.child('apiVersion')), str(ref.apiVersion), 'version must not be empty'));
  if (kind === '') errs.push(fieldErrors.invalid(String(path.child('kind')), kind, 'kind must not be empty'));
  if (str(ref.name) === '') errs.push(fieldErrors.invalid(String(path.child('name')), str(ref.name), 'name must not be empty'));
  if (str(ref.uid) === '') errs.push(fieldErrors.invalid(String(path.child('uid')), str(ref.uid), 'uid must not be empty'));
  // BannedOwners: events may not own anything.
  if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
    errs.push(fieldErrors.invalid(String(path), goOwnerReference(ref), `${gv.group}/${gv.version}, Kind=${kind} is disallowed from being an owner`));
  }
  return errs;
}

export function validateOwnerReferences(refs: readonly Partial<OwnerReference>[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  const p = pathOf(path);
  let firstController = '';
  for (const ref of refs) {
    errs.push(...validateOwnerReference(ref, p));
    if (ref.controller === true) {
      const current = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          fieldErrors.invalid(
            String(p),
            goSyntax(`[]v1.OwnerReference{${refs.map((r) => goOwnerReference(r).text).join(', ')}}`),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export const finalizerOrphanDependents = 'orphan';
export const finalizerDeleteDependents = 'foregroundDeletion';

export function validateFinalizerName(name: string, path: PathLike): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(String(pathOf(path)), name, msg));
}

/** Each finalizer is a qualified name, and orphan and foregroundDeletion exclude each other. */
export function validateFinalizers(finalizers: readonly string[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  const p = String(pathOf(path));
  let orphan = false;
  let foreground = false;
  for (const f of finalizers) {
    errs.push(...validateFinalizerName(f, p));
    if (f === finalizerOrphanDependents) orphan = true;
    if (f === finalizerDeleteDependents) foreground = true;
  }
  if (orphan && foreground) {
    errs.push(
      fieldErrors.invalid(p, goStringSlice(finalizers), `finalizer ${finalizerOrphanDependents} and ${finalizerDeleteDependents} cannot be both set`),
    );
  }
  return errs;
}

/** Once deletionTimestamp is set, finalizers may only be removed. */
export function validateNoNewFinalizers(
  newFinalizers: readonly string[] | null | undefined,
  oldFinalizers: readonly string[] | null | undefined,
  path: PathLike,
): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = [...new Set((newFinalizers ?? []).filter((f) => !old.has(f)))].sort(compareBytes);
  if (extra.length === 0) return [];
  return [
    fieldErrors.forbidden(
      String(pathOf(path)),
      `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).text}`,
    ),
  ];
}

export const fieldManagerMaxLength = 128;
const maxSubresourceNameLength = 256;

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function validateFieldManager(fieldManager: string, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  const p = String(pathOf(path));
  if (byteLength(fieldManager) > fieldManagerMaxLength) errs.push(fieldErrors.tooLong(p, fieldManagerMaxLength));
  let pos = 0;
  for (const ch of fieldManager) {
    if (!printableRune.test(ch)) {
      const cp = ch.codePointAt(0) as number;
      errs.push(fieldErrors.invalid(p, fieldManager, `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})`));
    }
    pos += byteLength(ch);
  }
  return errs;
}

export function validateManagedFields(entries: readonly ManagedFieldsEntry[] | null | undefined, path: PathLike): FieldError[] {
  const errs: FieldError[] = [];
  if (!entries) return errs;
  const base = pathOf(path);
  entries.forEach((entry, i) => {
    const p = base.index(i);
    const operation = str(entry.operation);
    if (operation !== 'Apply' && operation !== 'Update') {
      errs.push(fieldErrors.invalid(String(p.child('operation')), operation, 'must be `Apply` or `Update`'));
    }
    const fieldsType = str(entry.fieldsType);
    if (fieldsType.length > 0 && fieldsType !== 'FieldsV1') {
      errs.push(fieldErrors.invalid(String(p.child('fieldsType')), fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(str(entry.manager), p.child('manager')));
    if (byteLength(str(entry.subresource)) > maxSubresourceNameLength) {
      errs.push(fieldErrors.tooLong(String(p.child('subresource')), maxSubresourceNameLength));
    }
  });
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Object metadata

export interface ObjectMetaValidationOptions {
  /** Whether the kind is namespaced: namespace then required, else forbidden. */
  namespaced: boolean;
  /** The kind's name rule; rest.BeforeCreate adds validatePathSegmentName on top. */
  nameValidator: NameValidator;
  /** Where the metadata sits; "metadata" unless given. */
  path?: PathLike;
}

const asMeta = (meta: ObjectMeta | null | undefined): ObjectMeta => (isPlainObject(meta) ? meta : {});

/**
 * ValidateObjectMeta (apimachinery pkg/api/validation/objectmeta.go): for a create, after name
 * generation. Core kinds add the standard-finalizer check on top (in the registry).
 */
export function validateObjectMeta(meta: ObjectMeta | null | undefined, opts: ObjectMetaValidationOptions): FieldError[] {
  const m = asMeta(meta);
  const p = pathOf(opts.path ?? 'metadata');
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  const name = str(m.name);
  const namespace = str(m.namespace);
  if (generateName.length !== 0) {
    for (const msg of opts.nameValidator(generateName, true)) errs.push(fieldErrors.invalid(String(p.child('generateName')), generateName, msg));
  }
  if (name.length === 0) {
    errs.push(fieldErrors.required(String(p.child('name')), 'name or generateName is required'));
  } else {
    for (const msg of opts.nameValidator(name, false)) errs.push(fieldErrors.invalid(String(p.child('name')), name, msg));
  }
  if (opts.namespaced) {
    if (namespace.length === 0) errs.push(fieldErrors.required(String(p.child('namespace'))));
    else for (const msg of validateNamespaceName(namespace, false)) errs.push(fieldErrors.invalid(String(p.child('namespace')), namespace, msg));
  } else if (namespace.length !== 0) {
    errs.push(fieldErrors.forbidden(String(p.child('namespace')), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(typeof m.generation === 'number' ? m.generation : 0, p.child('generation')));
  errs.push(...validateLabels(m.labels, p.child('labels')));
  errs.push(...validateAnnotations(m.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, p.child('finalizers')));
  errs.push(...validateManagedFields(m.managedFields, p.child('managedFields')));
  return errs;
}

/** RFC 3339 timestamps are equal when they name the same instant (apiequality.Semantic). */
function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  const empty = (v: string | null | undefined) => v === null || v === undefined || v === '';
  if (empty(a) || empty(b)) return empty(a) === empty(b);
  const ta = Date.parse(a as string);
  const tb = Date.parse(b as string);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
}

/**
 * ValidateObjectMetaUpdate (apimachinery): resourceVersion required, generation never decreasing,
 * name/namespace/uid/creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds immutable, no
 * new finalizers once deleting, and the create-time checks of labels, annotations, owners and
 * managed fields.
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | null | undefined,
  oldMeta: ObjectMeta | null | undefined,
  opts: { path?: PathLike } = {},
): FieldError[] {
  const n = asMeta(newMeta);
  const o = asMeta(oldMeta);
  const p = pathOf(opts.path ?? 'metadata');
  const errs: FieldError[] = [];
  if (o.deletionTimestamp !== undefined && o.deletionTimestamp !== null && o.deletionTimestamp !== '') {
    errs.push(...validateNoNewFinalizers(n.finalizers, o.finalizers, p.child('finalizers')));
  }
  if (str(n.resourceVersion).length === 0) {
    errs.push(fieldErrors.invalid(String(p.child('resourceVersion')), str(n.resourceVersion), 'must be specified for an update'));
  }
  const newGen = typeof n.generation === 'number' ? n.generation : 0;
  const oldGen = typeof o.generation === 'number' ? o.generation : 0;
  if (newGen < oldGen) errs.push(fieldErrors.invalid(String(p.child('generation')), newGen, 'must not be decremented'));

  const immutable = (field: string, same: boolean, badValue: unknown) => {
    if (!same) errs.push(fieldErrors.invalid(String(p.child(field)), badValue, fieldImmutableErrorMsg));
  };
  immutable('name', str(n.name) === str(o.name), str(n.name));
  immutable('namespace', str(n.namespace) === str(o.namespace), str(n.namespace));
  immutable('uid', str(n.uid) === str(o.uid), str(n.uid));
  immutable('creationTimestamp', sameInstant(n.creationTimestamp, o.creationTimestamp), goTime(n.creationTimestamp));
  const newDel = n.deletionTimestamp;
  immutable('deletionTimestamp', sameInstant(newDel, o.deletionTimestamp), newDel ? goTime(newDel) : null);
  const newGrace = typeof n.deletionGracePeriodSeconds === 'number' ? n.deletionGracePeriodSeconds : null;
  const oldGrace = typeof o.deletionGracePeriodSeconds === 'number' ? o.deletionGracePeriodSeconds : null;
  immutable('deletionGracePeriodSeconds', newGrace === oldGrace, newGrace);

  errs.push(...validateLabels(n.labels, p.child('labels')));
  errs.push(...validateAnnotations(n.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, p.child('managedFields')));
  return errs;
}
