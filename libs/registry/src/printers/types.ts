// meta.k8s.io/v1 Table and the convertor contract (k8s parity: apimachinery pkg/apis/meta/v1
// types.go Table*, apiserver pkg/registry/rest TableConvertor, kubernetes pkg/printers).
import type { JsonObject, KubeObject, ListMeta } from '@portico/api';

/** metav1.TableColumnDefinition; every field is always serialized. */
export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  type: string;
  format: string;
  description: string;
  /** 0 shows by default; higher only with `kubectl get -o wide`. */
  priority: number;
}

/** A cell as kube-apiserver encodes it: Go strings, int64s and bools. */
export type TableCell = string | number | boolean;

/** metav1.TableRowCondition (only `Completed` is defined). */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** metav1.TableRow. `object` is null (not absent) for includeObject=None, as Go's RawExtension writes it. */
export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object: JsonObject | null;
}

/** metav1.Table. columnDefinitions and rows are null where Go has nil slices. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[] | null;
}

/** What one object prints as: its cells and, for finished pods, a row condition. */
export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/**
 * The columns and row printer of one resource (k8s: a TableConvertor; for built-ins the printer
 * registered in pkg/printers/internalversion). kube-apiserver always prints wide, so the rows
 * carry a cell for every column, priority 1 included.
 */
export interface TableConvertor {
  readonly columnDefinitions: readonly TableColumnDefinition[];
  /**
   * The cells of one object, in any version the resource is served in (objects of other versions
   * are converted to the form the printer reads). `now` is the reference for ages.
   */
  printRow(obj: KubeObject, now: Date): PrintedRow;
  /** Reorders a list as the list printer does (flowschemas by precedence); absent: list order. */
  sortList?(objs: readonly KubeObject[]): KubeObject[];
  /**
   * The default convertor appends rows to a nil slice, so an empty list has `rows: null`;
   * the printers start from an empty slice (`rows: []`).
   */
  readonly emptyRowsNull: boolean;
  /** kube-aggregator's APIService convertor sets columnDefinitions even when headers are off. */
  readonly headersAlways?: boolean;
}

export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';
