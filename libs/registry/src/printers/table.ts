// Building meta.k8s.io Tables from objects (k8s parity: printers/tablegenerator.go GenerateTable,
// apiserver handlers/response.go asTable, handlers/watch.go watchEmbeddedEncoder, and
// apimachinery meta/v1beta1/validation ValidateTableOptions).
import {
  type GroupResource,
  type JsonObject,
  type KubeObject,
  type ListMeta,
  fieldErrorString,
  fieldErrors,
  goQuote,
  objectMetaFieldNames,
  groupResourceString,
  isPlainObject,
  statusErrors,
} from '@portico/api';
import type { IncludeObjectPolicy, Table, TableConvertor, TableRow } from './types';

export type TableVersion = 'v1' | 'v1beta1';

export interface ToTableOptions {
  /** `None`, `Metadata` (the default, also for "") or `Object`; anything else is a 400. */
  includeObject?: IncludeObjectPolicy | '' | (string & {});
  /** The list's metadata, when `objects` is a list. */
  listMeta?: ListMeta;
  /** The reference time for ages. */
  now: Date;
  /** Leave out columnDefinitions (every watch event after the first). */
  noHeaders?: boolean;
  /** meta.k8s.io version of the Table and of PartialObjectMetadata rows (default v1). */
  version?: TableVersion;
  /** Names the resource in the 406 for objects that have no metadata. */
  resource?: GroupResource;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (isPlainObject(v) && Object.keys(v).length === 0);

/**
 * meta.AsPartialObjectMetadata as JSON: the whole ObjectMeta in Go's field order and omitempty
 * rules, creationTimestamp always present (null when unset).
 */
export function partialObjectMetadata(obj: KubeObject, version: TableVersion = 'v1'): JsonObject {
  const m = isPlainObject(obj.metadata) ? (obj.metadata as Record<string, unknown>) : {};
  const metadata: Record<string, unknown> = {};
  for (const key of objectMetaFieldNames) {
    const v = m[key];
    if (key === 'creationTimestamp') metadata[key] = v ?? null;
    // Pointers keep zero values; everything else is omitempty.
    else if (key === 'deletionGracePeriodSeconds' || key === 'deletionTimestamp' ? v !== undefined && v !== null : !isEmpty(v)) metadata[key] = v;
  }
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata } as JsonObject;
}

function notAcceptable(resource: GroupResource | undefined): never {
  const gr = resource === undefined ? '' : groupResourceString(resource);
  throw statusErrors.notAcceptable(`the resource ${gr} does not support being converted to a Table`);
}

function rowObject(obj: KubeObject, includeObject: string, version: TableVersion): JsonObject | null {
  switch (includeObject) {
    case 'Object':
      return obj as JsonObject;
    case 'Metadata':
    case '':
      return partialObjectMetadata(obj, version);
    case 'None':
      return null;
    default:
      throw statusErrors.badRequest(`unrecognized includeObject value: ${goQuote(includeObject)}`);
  }
}

function listMetadata(m: ListMeta | undefined): ListMeta {
  const out: ListMeta = {};
  if (m?.resourceVersion) out.resourceVersion = m.resourceVersion;
  if (m?.continue) out.continue = m.continue;
  if (typeof m?.remainingItemCount === 'number') out.remainingItemCount = m.remainingItemCount;
  return out;
}

/**
 * A meta.k8s.io Table of one object or of a list (an array). Rows carry PartialObjectMetadata
 * (includeObject Metadata or ""), the object as given (Object) or null (None). A list's Table
 * takes the list's resourceVersion/continue/remainingItemCount, an object's Table the object's
 * resourceVersion.
 */
export function toTable(convertor: TableConvertor, objects: KubeObject | readonly KubeObject[], options: ToTableOptions): Table {
  const version = options.version ?? 'v1';
  const includeObject = options.includeObject ?? '';
  const isList = Array.isArray(objects);
  let items: readonly KubeObject[] = isList ? (objects as readonly KubeObject[]) : [objects as KubeObject];
  for (const obj of items) {
    if (!isPlainObject(obj) || (obj.metadata !== undefined && !isPlainObject(obj.metadata))) notAcceptable(options.resource);
  }
  if (isList && convertor.sortList !== undefined) items = convertor.sortList(items);

  // Every row is printed before any row object is built, as ConvertToTable runs before asTable's loop.
  const printed = items.map((obj) => convertor.printRow(obj, options.now));
  const rows: TableRow[] = printed.map((p, i) => {
    const object = rowObject(items[i] as KubeObject, includeObject, version);
    return p.conditions !== undefined && p.conditions.length > 0
      ? { cells: p.cells, conditions: p.conditions.map((c) => ({ ...c })), object }
      : { cells: p.cells, object };
  });

  let metadata: ListMeta;
  if (isList) {
    metadata = listMetadata(options.listMeta);
  } else {
    const rv = (objects as KubeObject).metadata?.resourceVersion;
    metadata = typeof rv === 'string' && rv !== '' ? { resourceVersion: rv } : {};
  }
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: options.noHeaders === true && convertor.headersAlways !== true ? null : convertor.columnDefinitions.map((c) => ({ ...c })),
    rows: rows.length === 0 && convertor.emptyRowsNull ? null : rows,
  };
}

/**
 * TableOptions from a request's query (k8s: optionsForTransform + ValidateTableOptions): the
 * includeObject parameter (its first value), or a 400.
 */
export function parseTableOptions(query: URLSearchParams): { includeObject: IncludeObjectPolicy | '' } {
  const v = query.get('includeObject') ?? '';
  switch (v) {
    case '':
    case 'None':
    case 'Metadata':
    case 'Object':
      return { includeObject: v };
    default: {
      const err = fieldErrors.invalid('includeObject', v, "must be 'Metadata', 'Object', 'None', or empty");
      throw statusErrors.badRequest(`Unable to convert to Table as requested: ${fieldErrorString(err)}`);
    }
  }
}

/**
 * The Table side of one watch (k8s: watchEmbeddedEncoder). Each event's object becomes a Table
 * with one row; only the first event carries columnDefinitions. Status objects (ERROR events)
 * pass through unchanged but still count as the first event, and an object that cannot be
 * converted is sent as it is, as kube-apiserver does.
 */
export class TableWatchEncoder {
  private first = true;

  constructor(
    private readonly convertor: TableConvertor,
    private readonly options: Omit<ToTableOptions, 'now' | 'noHeaders' | 'listMeta'>,
  ) {}

  /** Whether the next event will carry columnDefinitions. */
  get headersPending(): boolean {
    return this.first;
  }

  encode(obj: KubeObject, now: Date): Table | KubeObject {
    const noHeaders = !this.first;
    this.first = false;
    if (obj.kind === 'Status') return obj;
    try {
      return toTable(this.convertor, obj, { ...this.options, now, noHeaders });
    } catch {
      return obj;
    }
  }
}
