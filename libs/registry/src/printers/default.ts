// The convertor kube-apiserver gives resources without a printer (k8s parity: apiserver
// pkg/registry/rest/table.go defaultTableConvertor): Name and Created At (RFC 3339, UTC).
import type { KubeObject } from '@portico/api';
import { parseTime } from './duration';
import { column, doc, metadata, nameColumn, nameOf } from './helpers';
import type { TableConvertor } from './types';

/** metav1.Time formatted with time.RFC3339 in UTC; the zero time is year 1. */
export function createdAt(obj: KubeObject): string {
  const t = parseTime(metadata(obj)['creationTimestamp']) ?? -62135596800000;
  return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}

export const defaultTableConvertor: TableConvertor = {
  columnDefinitions: [nameColumn, column('Created At', 'date', doc('meta/v1.ObjectMeta.creationTimestamp'))],
  emptyRowsNull: true,
  printRow: (obj) => ({ cells: [nameOf(obj), createdAt(obj)] }),
};
