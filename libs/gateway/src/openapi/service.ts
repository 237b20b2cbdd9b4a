// k8s parity: kube-openapi's handler3 (/openapi/v3 and /openapi/v3/<path>) and handler (/openapi/v2).
// - /openapi/v3 lists every document with `serverRelativeURL: /openapi/v3/<path>?hash=<SHA-512>`.
// - /openapi/v3/<path>: a `hash` that matches makes the answer immutable (Cache-Control: public,
//   immutable; Expires a year ahead); a stale one is a 301 to the current URL; ETag and
//   If-None-Match (304) as http.ServeContent does them; Vary: Accept.
// - Both negotiate JSON and protobuf; Portico writes JSON only, so an Accept that allows nothing but
//   the protobuf form gets 406 (kubectl 1.33 and 1.35 ask v3 for JSON; their v2 fallback asks for
//   protobuf, and is only taken when a v3 document lacks what they look for).
// Documents are rebuilt only when the served resources change, and then only those whose
// group-version changed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonObject } from '@portico/api';
import type { ResourceDescriptor } from '@portico/registry';
import { clauseMatches, parseAccept } from '../discovery/accept';
import { type ApiResources, servedResources } from '../discovery/api-resources';
import { CachedBody, quoted, sendCached } from '../discovery/http-cache';
import { buildDocumentModel, documentInputs } from './builder';
import type { DocumentModel } from './model';
import { renderV2, renderV3 } from './render';

export const openapiV3Prefix = '/openapi/v3';
export const openapiV2Path = '/openapi/v2';


interface BuiltDocument {
  descriptors: readonly ResourceDescriptor[];
  model: DocumentModel;
  body: CachedBody;
}

/** `/openapi/v3/<path>?hash=<hash>`, as constructServerRelativeURL writes it. */
export function serverRelativeURL(docPath: string, hash: string): string {
  return `${openapiV3Prefix}/${docPath}?hash=${encodeURIComponent(hash)}`;
}

function sameDescriptors(a: readonly ResourceDescriptor[], b: readonly ResourceDescriptor[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The form for an Accept header: 'json', or 'none' when it allows only forms Portico does not
 * write (application/com.github.proto-openapi.spec.v{2,3}[@.]v1.0+protobuf) or nothing at all.
 */
function negotiate(accept: string | undefined): 'json' | 'none' {
  const clauses = parseAccept(accept === undefined || accept.trim() === '' ? '*/*' : accept);
  // kube-openapi tries JSON before protobuf for each clause, so `*/*` means JSON; a clause that
  // names only a protobuf form is passed over, as Portico does not write it.
  return clauses.some((c) => c.q > 0 && clauseMatches(c, 'application', 'json')) ? 'json' : 'none';
}

export class OpenAPIService {
  private key: unknown = undefined;
  private docs = new Map<string, BuiltDocument>();
  private index: CachedBody | undefined;
  private v2: CachedBody | undefined;

  constructor(
    private readonly api: ApiResources,
    private readonly version: string,
  ) {}

  /** The current documents, rebuilding those whose group-version's resources changed. */
  private current(): Map<string, BuiltDocument> {
    const key = this.api.version?.() ?? this.api.all();
    if (key === this.key) return this.docs;
    const next = new Map<string, BuiltDocument>();
    let changed = false;
    for (const [path, inputs] of documentInputs(servedResources(this.api))) {
      const prev = this.docs.get(path);
      if (prev !== undefined && sameDescriptors(prev.descriptors, inputs.descriptors)) {
        next.set(path, prev);
        continue;
      }
      const model = buildDocumentModel(path, inputs);
      next.set(path, { descriptors: [...inputs.descriptors], model, body: CachedBody.json(renderV3(model, this.version)) });
      changed = true;
    }
    if (changed || next.size !== this.docs.size) {
      this.index = undefined;
      this.v2 = undefined;
    }
    this.docs = next;
    this.key = key;
    return next;
  }

  /** The document paths served under /openapi/v3 and their hashes. */
  documentHashes(): Map<string, string> {
    return new Map([...this.current()].map(([p, d]) => [p, d.body.hash]));
  }

  /** One v3 document as JSON (for tests and tools). */
  documentV3(docPath: string): JsonObject | undefined {
    const d = this.current().get(docPath);
    return d === undefined ? undefined : (JSON.parse(d.body.bytes.toString('utf8')) as JsonObject);
  }

  /** The v2 document as JSON (for tests and tools). */
  documentV2(): JsonObject {
    return JSON.parse(this.v2Body().bytes.toString('utf8')) as JsonObject;
  }

  private indexBody(): CachedBody {
    const docs = this.current();
    this.index ??= CachedBody.json({
      paths: Object.fromEntries([...docs].map(([p, d]) => [p, { serverRelativeURL: serverRelativeURL(p, d.body.hash) }])),
    });
    return this.index;
  }

  private v2Body(): CachedBody {
    const docs = this.current();
    this.v2 ??= CachedBody.json(renderV2([...docs.values()].map((d) => d.model), this.version));
    return this.v2;
  }

  /**
   * Answers GET /openapi/v3, /openapi/v3/<path> and /openapi/v2; false for other paths and for
   * document paths that do not exist (the caller's 404).
   */
  serve(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): boolean {
    if (path === openapiV3Prefix) {
      const body = this.indexBody();
      const etag = quoted(body.hash);
      res.setHeader('Etag', etag);
      res.setHeader('Last-Modified', body.lastModified.toUTCString());
      sendCached(req, res, body, 'application/json', etag);
      return true;
    }
    if (path === openapiV2Path) {
      res.appendHeader('Vary', 'Accept');
      if (negotiate(req.headers.accept) === 'none') return notAcceptable(res);
      const body = this.v2Body();
      const etag = quoted(body.hash);
      res.setHeader('Etag', etag);
      res.setHeader('Last-Modified', body.lastModified.toUTCString());
      sendCached(req, res, body, 'application/json', etag);
      return true;
    }
    if (!path.startsWith(`${openapiV3Prefix}/`)) return false;
    const docPath = path.slice(openapiV3Prefix.length + 1);
    const doc = this.current().get(docPath);
    if (doc === undefined) return false;
    res.appendHeader('Vary', 'Accept');
    if (negotiate(req.headers.accept) === 'none') return notAcceptable(res);
    const etag = quoted(doc.body.hash);
    res.setHeader('Etag', etag);
    const hash = query.get('hash') ?? '';
    if (hash !== '') {
      if (hash !== doc.body.hash) return redirect(res, serverRelativeURL(docPath, doc.body.hash));
      res.setHeader('Cache-Control', 'public, immutable');
      const expires = new Date();
      expires.setUTCFullYear(expires.getUTCFullYear() + 1);
      res.setHeader('Expires', expires.toUTCString());
    }
    res.setHeader('Last-Modified', doc.body.lastModified.toUTCString());
    sendCached(req, res, doc.body, 'application/json', etag);
    return true;
  }
}

/** kube-openapi answers a bare 406 status. */
function notAcceptable(res: ServerResponse): true {
  res.statusCode = 406;
  res.setHeader('Content-Length', 0);
  res.end();
  return true;
}

/** Go's http.Redirect for a GET: 301 with a short HTML body. */
function redirect(res: ServerResponse, location: string): true {
  const body = `<a href="${location.replace(/&/g, '&amp;').replace(/"/g, '&#34;')}">Moved Permanently</a>.\n\n`;
  res.statusCode = 301;
  res.setHeader('Location', location);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
  return true;
}
