// Server-side Table output for `kubectl get` (k8s parity: apiserver handlers/negotiation
// NegotiateMediaTypeOptions + RequestScope.AllowsMediaTypeTransform, handlers/response.go
// transformResponseObject/asTable, handlers/watch.go watchEmbeddedEncoder). The convertors
// themselves live in @portico/registry (printers).
//
// Integration in resource-handler.ts (a few lines):
//   const table = negotiateTable(req.headers.accept, desc, { watch: info.verb === 'watch' });
//   const format = table?.format ?? negotiateResponse(req.headers.accept, …);   // as today
//   get:   if (table) return send(res, ctx, format, 200, tableResponse(desc, table, fromStorage(desc, raw), q, new Date(), info.subresource));
//   list:  if (table) return send(res, ctx, format, 200, tableResponse(desc, table, { metadata: meta, items: list.items.map((i) => fromStorage(desc, i)) }, q));
//   writes (optional, as kube-apiserver does): wrap the body given to send() in tableResponse(desc, table, body, q) when table is set.
//   watch: pass `table ? new TableWatch(desc, table, q) : undefined` to serveWatch → WatcherOptions.table;
//          the Watcher writes `table.frame(type, object)` instead of its shared frames (see TableWatch).
import { type KubeObject, type ListMeta, isPlainObject, statusErrors } from '@portico/api';
import {
  type ResourceDescriptor,
  type Table,
  type TableVersion,
  TableWatchEncoder,
  parseTableOptions,
  tableConvertorFor,
  toTable,
} from '@portico/registry';

/** What a client asked a Table in: the meta.k8s.io version, and JSON or YAML. */
export interface TableTarget {
  version: TableVersion;
  format: 'json' | 'yaml';
}

interface AcceptClause {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/** goautoneg.ParseAccept: clauses with their parameters; malformed ones are dropped. */
function parseAccept(header: string): AcceptClause[] {
  const out: AcceptClause[] = [];
  for (const raw of header.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const [range = '', ...paramParts] = part.split(';');
    const slash = range.split('/');
    let type = (slash[0] ?? '').trim();
    let subType: string;
    if (slash.length === 1) {
      if (type !== '*') continue;
      subType = '*';
    } else if (slash.length === 2) {
      subType = (slash[1] ?? '').trim();
    } else {
      continue;
    }
    type = type.toLowerCase();
    subType = subType.toLowerCase();
    let q = 1;
    const params: Record<string, string> = {};
    for (const p of paramParts) {
      const kv = p.split('=');
      if (kv.length !== 2) continue;
      const key = (kv[0] ?? '').trim();
      const value = (kv[1] ?? '').trim();
      if (key === 'q') {
        // strconv.ParseFloat's error case leaves q at 0.
        const n = Number(value);
        q = value !== '' && Number.isFinite(n) ? n : 0;
      } else {
        params[key] = value;
      }
    }
    out.push({ type, subType, q, params });
  }
  // goautoneg sorts with an insertion sort (sort.Sort on a short slice) and this Less.
  const less = (a: AcceptClause, b: AcceptClause): boolean =>
    a.q > b.q || (a.type !== '*' && b.type === '*') || (a.subType !== '*' && b.subType === '*');
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j] as AcceptClause, out[j - 1] as AcceptClause); j--) {
      [out[j - 1], out[j]] = [out[j] as AcceptClause, out[j - 1] as AcceptClause];
    }
  }
  return out;
}

const serializers = [
  { type: 'application', subType: 'json', format: 'json' },
  { type: 'application', subType: 'yaml', format: 'yaml' },
  { type: 'application', subType: 'vnd.kubernetes.protobuf', format: 'protobuf' },
] as const;

/**
 * Whether the Accept header asks for a Table first (before any plain media type the server
 * serves), and in which version and format: `application/json;as=Table;v=v1;g=meta.k8s.io` (or
 * v1beta1, or application/yaml) as kubectl sends. Undefined means "negotiate as usual".
 * Watches stream JSON only. Clauses asking for other transformations (PartialObjectMetadata) are
 * skipped, as negotiateResponse skips them. When the endpoint cannot produce a Table
 * (`supported: false`) and the client accepts nothing else, the answer is 406.
 */
export function negotiateTable(
  accept: string | undefined,
  desc: { group: string; resource: string },
  opts: { watch?: boolean; supported?: boolean } = {},
): TableTarget | undefined {
  if (accept === undefined || accept.trim() === '') return undefined;
  const supported = opts.supported ?? true;
  const offered = opts.watch === true ? serializers.filter((s) => s.format !== 'yaml') : serializers;
  let refused = false;
  for (const clause of parseAccept(accept)) {
    for (const s of offered) {
      const matches = clause.type === '*' ? clause.subType === '*' : clause.type === s.type && (clause.subType === '*' || clause.subType === s.subType);
      if (!matches) continue;
      const as = clause.params['as'];
      const g = clause.params['g'];
      const v = clause.params['v'];
      if (as === undefined && g === undefined && v === undefined) return undefined;
      const isTable = as === 'Table' && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1') && s.format !== 'protobuf';
      if (!isTable) continue;
      if (!supported) {
        refused = true;
        continue;
      }
      return { version: v, format: s.format };
    }
  }
  if (refused) {
    const gr = desc.group === '' ? desc.resource : `${desc.resource}.${desc.group}`;
    throw statusErrors.notAcceptable(`the resource ${gr} does not support being converted to a Table`);
  }
  return undefined;
}

/** An object or a list, as parsed JSON or as the bytes storage returned. */
export type TableInput = KubeObject | Buffer | { metadata?: ListMeta; items: ReadonlyArray<KubeObject | Buffer> };

const parse = (v: KubeObject | Buffer): KubeObject => (Buffer.isBuffer(v) ? (JSON.parse(v.toString('utf8')) as KubeObject) : v);

function isList(v: Record<string, unknown>): v is { metadata?: ListMeta; items: ReadonlyArray<KubeObject | Buffer> } {
  const kind = v['kind'];
  return Array.isArray(v['items']) && (kind === undefined || (typeof kind === 'string' && kind.endsWith('List')));
}

/**
 * The response body for a request that negotiated a Table: GET and LIST, and also the objects
 * create/update/patch/deletecollection answer with (kube-apiserver transforms every response);
 * a Status (DELETE) is returned unchanged. Objects are in the request's version. Reads
 * `includeObject` from the query (400 for an unknown value); `subresource` "status" prints like
 * the resource and "scale" prints Scale objects.
 */
export function tableResponse(
  desc: ResourceDescriptor,
  target: TableTarget,
  input: TableInput,
  query: URLSearchParams,
  now = new Date(),
  subresource = '',
): Table | KubeObject {
  const { includeObject } = parseTableOptions(query);
  const convertor = (subresource !== 'scale' ? desc.tableConvertor : undefined) ?? tableConvertorFor(desc.group, desc.resource, subresource);
  const resource = { group: desc.group, resource: desc.resource };
  const value: unknown = Buffer.isBuffer(input) ? parse(input) : input;
  if (isPlainObject(value) && value['kind'] === 'Status') return value as KubeObject;
  if (isPlainObject(value) && isList(value)) {
    const listMeta = isPlainObject(value.metadata) ? (value.metadata as ListMeta) : {};
    return toTable(convertor, value.items.map(parse), { includeObject, version: target.version, now, listMeta, resource });
  }
  return toTable(convertor, value as KubeObject, { includeObject, version: target.version, now, resource });
}

/**
 * The Table side of one watch. Construct it before the response starts (it reads includeObject
 * and may throw the 400). Each event's object becomes a one-row Table (bookmarks too, as in
 * kube-apiserver; ERROR Status objects pass through); only the first event carries
 * columnDefinitions, so frames are per watcher and must not go through FeedEvent's shared frame
 * cache:
 *   send():     this.writeFrame(this.o.table ? this.o.table.frame(d.type, <object or raw bytes>) : e.frame(key, …))
 *   bookmark(): this.writeFrame(this.o.table ? this.o.table.frame('BOOKMARK', object) : …)
 */
export class TableWatch {
  private readonly encoder: TableWatchEncoder;

  constructor(desc: ResourceDescriptor, target: TableTarget, query: URLSearchParams) {
    const { includeObject } = parseTableOptions(query);
    this.encoder = new TableWatchEncoder(desc.tableConvertor ?? tableConvertorFor(desc.group, desc.resource), {
      includeObject,
      version: target.version,
      resource: { group: desc.group, resource: desc.resource },
    });
  }

  /** The event's object as the client sees it (a Table, or a Status unchanged). */
  object(obj: KubeObject | Buffer, now = new Date()): unknown {
    return this.encoder.encode(parse(obj), now);
  }

  /** One newline-terminated watch frame: `{"type":"ADDED","object":{"kind":"Table",…}}`. */
  frame(type: string, obj: KubeObject | Buffer, now = new Date()): Buffer {
    return Buffer.from(`${JSON.stringify({ type, object: this.object(obj, now) })}\n`);
  }
}
