// Go-typed reads of JSON objects and the formatting helpers printers.go shares. A missing or
// mistyped field reads as Go's zero value, which is what the typed decode would have produced.
import { compareBytes, isPlainObject, labelSelectorFromMetav1, type KubeObject, type MetaLabelSelector } from '@portico/api';
import { swaggerDocs, type SwaggerDocKey } from './descriptions';
import { translateTimestampSince } from './duration';
import type { PrintedRow, TableCell, TableColumnDefinition, TableConvertor } from './types';

export type Obj = Record<string, unknown>;

/** A struct field: {} when absent (a nil pointer reads as the zero struct). */
export const rec = (v: unknown): Obj => (isPlainObject(v) ? v : {});
/** A pointer-to-struct field: undefined when nil. */
export const ptr = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const recs = (v: unknown): Obj[] => arr(v).map(rec);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);
/** An int32 pointer: undefined when nil. */
export const intPtr = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined);
export const strPtr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const boolPtr = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
export const strings = (v: unknown): string[] => arr(v).map(str);
export const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v))) out[k] = str(x);
  return out;
};
export const mapLen = (v: unknown): number => Object.keys(rec(v)).length;

export const metadata = (obj: KubeObject): Obj => rec(obj.metadata);
export const nameOf = (obj: KubeObject): string => str(metadata(obj)['name']);
export const ageOf = (obj: KubeObject, now: Date): string => translateTimestampSince(metadata(obj)['creationTimestamp'], now);
export const isDeleting = (obj: KubeObject): boolean => {
  const ts = metadata(obj)['deletionTimestamp'];
  return ts !== undefined && ts !== null;
};
export const annotations = (obj: KubeObject): Record<string, string> => stringMap(metadata(obj)['annotations']);

/** labels.Set.String: "k=v" pairs by key, comma-joined. */
export function labelsString(m: Record<string, string>): string {
  return Object.keys(m)
    .sort(compareBytes)
    .map((k) => `${k}=${m[k] as string}`)
    .join(',');
}

/** labels.FormatLabels: labelsString, or "<none>". */
export function formatLabels(v: unknown): string {
  const s = labelsString(stringMap(v));
  return s === '' ? '<none>' : s;
}

/** metav1.LabelSelectorAsSelector(sel).String(), or undefined where Go returns an error. */
export function labelSelectorString(v: unknown): string | undefined {
  try {
    return labelSelectorFromMetav1(isPlainObject(v) ? (v as MetaLabelSelector) : null).toString();
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector: the selector text, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(v: unknown): string {
  const s = labelSelectorString(v);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** layoutContainerCells: container names and images, each comma-joined. */
export function layoutContainerCells(containers: unknown): [names: string, images: string] {
  const cs = recs(containers);
  return [cs.map((c) => str(c['name'])).join(','), cs.map((c) => str(c['image'])).join(',')];
}

/** The containers of a pod template (spec.template.spec.containers). */
export const templateContainers = (template: unknown): unknown => rec(rec(template)['spec'])['containers'];

/** printBoolPtr. */
export function printBoolPtr(v: unknown): string {
  return v === true ? 'True' : v === false ? 'False' : '<unset>';
}

/** intstr.IntOrString.String. */
export function intOrString(v: unknown): string {
  return typeof v === 'string' ? v : String(int(v));
}

/** net.JoinHostPort. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** sets.NewString(...).List(): unique, sorted. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareBytes);
}

/** fmt's %v of a []string: "[a b]". */
export const goSliceText = (values: readonly string[]): string => `[${values.join(' ')}]`;

/** A column: name, type, format, description, priority, in metav1's field order. */
export function column(name: string, type: string, description: string, opts: { format?: string; priority?: number } = {}): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const doc = (key: SwaggerDocKey): string => swaggerDocs[key];

export const nameColumn = column('Name', 'string', doc('meta/v1.ObjectMeta.name'), { format: 'name' });
export const ageColumn = column('Age', 'string', doc('meta/v1.ObjectMeta.creationTimestamp'));
export const containersColumn = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
export const imagesColumn = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });

/**
 * A printer-backed convertor. `normalize` turns an object of another served version into the
 * form the printer reads (events.k8s.io events into core events, autoscaling/v1 HPAs into v2).
 */
export function printer(
  columnDefinitions: readonly TableColumnDefinition[],
  print: (obj: KubeObject, now: Date) => TableCell[] | PrintedRow,
  opts: { normalize?: (obj: KubeObject) => KubeObject; sortList?: (objs: readonly KubeObject[]) => KubeObject[] } = {},
): TableConvertor {
  const normalize = opts.normalize;
  return {
    columnDefinitions,
    emptyRowsNull: false,
    printRow(obj, now) {
      const out = print(normalize === undefined ? obj : normalize(obj), now);
      return Array.isArray(out) ? { cells: out } : out;
    },
    ...(opts.sortList === undefined ? {} : { sortList: opts.sortList }),
  };
}
