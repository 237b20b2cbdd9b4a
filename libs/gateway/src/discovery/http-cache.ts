// Bytes computed once per registry version and served with validators: an ETag (If-None-Match →
// 304, as Go's http.ServeContent and the discovery handlers answer) and gzip for large bodies, as
// kube-apiserver compresses responses above 128 KiB for clients that accept it.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** kube-apiserver's defaultGzipThresholdBytes. */
export const gzipThresholdBytes = 128 * 1024;

export class CachedBody {
  /** SHA-512 of the bytes, upper-case hex (kube-openapi's computeETag and discovery's calculateETag). */
  readonly hash: string;
  readonly lastModified = new Date();
  private gzipped: Buffer | undefined;

  constructor(readonly bytes: Buffer, hash?: string) {
    this.hash = hash ?? sha512Hex(bytes);
  }

  static json(value: unknown): CachedBody {
    return new CachedBody(Buffer.from(JSON.stringify(value)));
  }

  gzip(): Buffer {
    this.gzipped ??= gzipSync(this.bytes);
    return this.gzipped;
  }
}

export function sha512Hex(bytes: Buffer | string): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

export function quoted(hash: string): string {
  return `"${hash}"`;
}

function acceptsGzip(req: IncomingMessage): boolean {
  const h = req.headers['accept-encoding'];
  const text = Array.isArray(h) ? h.join(',') : (h ?? '');
  return text.split(',').some((p) => {
    const [coding = '', ...params] = p.split(';');
    if (coding.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** True when the request's If-None-Match names this ETag (exact match of the quoted value or `*`). */
export function notModified(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (inm === undefined) return false;
  return inm
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

/**
 * Writes a cached body with the given Content-Type; headers the caller set (ETag, Cache-Control,
 * Vary) stay. Answers 304 when the client's If-None-Match matches `etag`.
 */
export function sendCached(req: IncomingMessage, res: ServerResponse, body: CachedBody, contentType: string, etag?: string): void {
  if (res.headersSent || res.writableEnded) return;
  if (etag !== undefined && notModified(req, etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', contentType);
  let payload = body.bytes;
  if (payload.length >= gzipThresholdBytes) {
    res.appendHeader('Vary', 'Accept-Encoding');
    if (acceptsGzip(req)) {
      payload = body.gzip();
      res.setHeader('Content-Encoding', 'gzip');
    }
  }
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}
