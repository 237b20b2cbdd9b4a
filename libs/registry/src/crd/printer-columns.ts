// The Table printer of a custom resource version (k8s parity: apiextensions-apiserver
// pkg/registry/customresource/tableconvertor, and serveDefaultColumnsIfEmpty in
// pkg/apiserver/customresource_handler.go). Columns are the version's additionalPrinterColumns
// after the Name column; a version without columns prints Age.
import type { KubeObject } from '@portico/api';
import { JSONPath } from 'jsonpath-plus';
import { goJsonMarshal, goV, type JsonValue } from '../patch/json';
import { humanDuration, parseTime } from '../printers/duration';
import { doc, nameColumn, nameOf } from '../printers/helpers';
import type { TableCell, TableColumnDefinition, TableConvertor } from '../printers/types';

/** apiextensions/v1 CustomResourceColumnDefinition. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** The columns kube-apiserver serves for a version that declares none. */
export const defaultPrinterColumns: readonly PrinterColumn[] = [
  { name: 'Age', type: 'date', description: doc('meta/v1.ObjectMeta.creationTimestamp'), jsonPath: '.metadata.creationTimestamp' },
];

// Go's Table encodes a nil interface cell as JSON null; TableCell has no null because no built-in
// printer writes one.
const nullCell = null as unknown as TableCell;

/** The first value a column's JSONPath finds, or undefined when it finds none (AllowMissingKeys). */
function firstResult(path: string, obj: KubeObject): { value: JsonValue } | undefined {
  try {
    const found: unknown = JSONPath({ path: `$${path}`, json: obj as object, wrap: true });
    if (!Array.isArray(found) || found.length === 0) return undefined;
    return { value: found[0] as JsonValue };
  } catch {
    // FindResults errors leave the cell empty.
    return undefined;
  }
}

/** jsonpath's PrintResults of one value: maps and slices as JSON, scalars with fmt.Fprint. */
function printResult(value: JsonValue): string {
  if (value === null) return '<no value>';
  if (typeof value === 'object') return goJsonMarshal(value);
  return goV(value);
}

/** cellForJSONValue: the cell a typed column makes of a value, nil where the type does not fit. */
function typedCell(type: string, value: JsonValue, now: Date): TableCell {
  if (value === null) return nullCell;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : nullCell;
    case 'number':
      return typeof value === 'number' ? value : nullCell;
    case 'boolean':
      return typeof value === 'boolean' ? value : nullCell;
    case 'string':
      return typeof value === 'string' ? value : nullCell;
    case 'date': {
      if (typeof value !== 'string') return nullCell;
      // metav1.Time.UnmarshalQueryParameter: "" and "null" are the zero time.
      if (value === '' || value === 'null') return '<unknown>';
      const t = parseTime(value);
      if (t === undefined) return /^0001-01-01T00:00:00(\.0+)?Z$/.test(value) ? '<unknown>' : '<invalid>';
      // metatable.ConvertToHumanReadableDateType: the age, as kubectl shows it.
      return humanDuration(now.getTime() - t);
    }
    default:
      return nullCell;
  }
}

/** tableconvertor.New: Name, then each column as declared. */
export function printerColumnsTableConvertor(columns: readonly PrinterColumn[] | undefined): TableConvertor {
  const cols = columns !== undefined && columns.length > 0 ? columns : defaultPrinterColumns;
  const columnDefinitions: TableColumnDefinition[] = [
    { ...nameColumn },
    ...cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description !== undefined && c.description !== '' ? c.description : `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columnDefinitions,
    // metatable.MetaToTableRow starts from an empty slice.
    emptyRowsNull: false,
    printRow(obj: KubeObject, now: Date) {
      const cells: TableCell[] = [nameOf(obj)];
      for (const c of cols) {
        const found = firstResult(c.jsonPath, obj);
        if (found === undefined) cells.push(nullCell);
        else if (c.type === 'string') cells.push(printResult(found.value));
        else cells.push(typedCell(c.type, found.value, now));
      }
      return { cells };
    },
  };
}
