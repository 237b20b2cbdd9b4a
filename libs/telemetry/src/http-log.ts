import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger';

/** kube-apiserver's header: honoured on the request when a client sets it, always set on the response. */
export const AUDIT_ID_HEADER = 'Audit-Id';

export interface RequestContext {
  auditId: string;
  /** A child logger whose every line carries `auditID`. */
  log: Logger;
}

const contexts = new WeakMap<IncomingMessage, RequestContext>();

function headerAuditId(req: IncomingMessage): string | undefined {
  const v = req.headers['audit-id'];
  const id = Array.isArray(v) ? v[0] : v;
  // Bounded and printable, since it is echoed into a response header and every log line.
  return id && id.length <= 128 && /^[\x21-\x7e]+$/.test(id) ? id : undefined;
}

/**
 * The audit ID and request logger of `req`, created on first use like kube-apiserver's
 * WithAuditInit: the client's Audit-ID if it sent one, else a new UUID; echoed in the response.
 */
export function requestContext(req: IncomingMessage, res: ServerResponse | undefined, logger: Logger): RequestContext {
  let ctx = contexts.get(req);
  if (!ctx) {
    const auditId = headerAuditId(req) ?? randomUUID();
    ctx = { auditId, log: logger.child({ auditID: auditId }) };
    contexts.set(req, ctx);
  }
  if (res && !res.headersSent && !res.hasHeader(AUDIT_ID_HEADER)) res.setHeader(AUDIT_ID_HEADER, ctx.auditId);
  return ctx;
}

/** The context set up by `httpRequestLogger` (or `requestContext`) for this request, if any. */
export function existingRequestContext(req: IncomingMessage): RequestContext | undefined {
  return contexts.get(req);
}

export interface HttpRequestLoggerOptions {
  /** Requests for which no line is written (probes, for instance). The audit ID is still set. */
  skip?: (req: IncomingMessage) => boolean;
}

/**
 * Connect/express middleware writing one line per finished request, in the spirit of
 * kube-apiserver's httplog: verb, URI, latency, user agent, audit ID, source IP, response code.
 * Headers are never logged.
 */
export function httpRequestLogger(
  logger: Logger,
  options: HttpRequestLoggerOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    const ctx = requestContext(req, res, logger);
    if (!options.skip?.(req)) {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        const latencyMs = Number(process.hrtime.bigint() - start) / 1e6;
        ctx.log.info(
          {
            verb: req.method,
            URI: req.url,
            latencyMs: Math.round(latencyMs * 1000) / 1000,
            userAgent: req.headers['user-agent'],
            srcIP: req.socket?.remoteAddress,
            resp: res.statusCode,
            // A response cut off before it finished (client gone, watch closed) shows as aborted.
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'HTTP',
        );
      };
      res.once('finish', finish);
      res.once('close', finish);
    }
    next();
  };
}
