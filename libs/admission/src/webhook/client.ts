// k8s parity: apiserver pkg/util/webhook (client manager, service resolution) and
// plugin/webhook/request (AdmissionReview creation and verification). One POST per call over
// node:https, the TLS peer verified against the webhook's caBundle (system roots without one), the
// time limit the smaller of timeoutSeconds and what is left of the request, errors worded as
// client-go words them so that kube-apiserver's messages come out unchanged.
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { injectTraceContext } from '@portico/telemetry';
import type { ServiceReference, WebhookClientConfig } from './types';

/** ErrCallingWebhook: the call failed (transport, HTTP status, undecodable or invalid review). */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    readonly reason: string,
  ) {
    super(`failed calling webhook "${webhookName}": ${reason}`);
  }
}

/**
 * Where a service reference goes. kube-apiserver resolves `<name>.<namespace>.svc` to the
 * Service's endpoints; Portico has no endpoints, so a resolver maps the reference to a host:port
 * (the TLS server name stays `<name>.<namespace>.svc`, as the webhook's certificate expects).
 */
export type ServiceResolver = (ref: Required<Pick<ServiceReference, 'namespace' | 'name' | 'port'>>) => string;

/**
 * The default resolver: an explicit map `<name>.<namespace>:<port>=host:port,...` (flag
 * --webhook-service-hosts / PORTICO_WEBHOOK_SERVICE_HOSTS), else the cluster DNS name
 * `<name>.<namespace>.svc:<port>` for a Portico that runs where that name resolves.
 */
export function serviceResolverFromMap(spec: string | undefined): ServiceResolver {
  const table = new Map<string, string>();
  for (const entry of (spec ?? '').split(',')) {
    const [k, v] = entry.split('=').map((s) => s.trim());
    if (k && v) table.set(k, v);
  }
  return ({ namespace, name, port }) =>
    table.get(`${name}.${namespace}:${port}`) ?? table.get(`${name}.${namespace}`) ?? `${name}.${namespace}.svc:${port}`;
}

export interface WebhookTarget {
  url: URL;
  servername: string | undefined;
  ca: string | undefined;
  /** How the URL reads in errors (Go prints the URL it posted to). */
  display: string;
}

export function webhookTarget(cc: WebhookClientConfig, timeoutSeconds: number, resolve: ServiceResolver): WebhookTarget {
  const ca = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  let url: URL;
  let servername: string | undefined;
  if (cc.url !== undefined && cc.url !== '') {
    url = new URL(cc.url);
  } else if (cc.service !== undefined) {
    const port = cc.service.port ?? 443;
    const hostPort = resolve({ namespace: cc.service.namespace, name: cc.service.name, port });
    servername = `${cc.service.name}.${cc.service.namespace}.svc`;
    const path = cc.service.path ?? '/';
    url = new URL(`https://${hostPort}${path.startsWith('/') ? path : `/${path}`}`);
  } else {
    throw new Error('webhook has no clientConfig url or service');
  }
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  const display = servername !== undefined ? url.href.replace(url.host, `${servername}:${cc.service?.port ?? 443}`) : url.href;
  return { url, servername, ca, display };
}

const statusTexts: Record<number, string> = {
  400: 'the server rejected our request for an unknown reason',
  401: 'the server has asked for the client to provide credentials',
  403: 'the server does not allow access to the requested resource',
  404: 'the server could not find the requested resource',
  405: 'the server does not allow this method on the requested resource',
  409: 'the server reported a conflict',
  413: 'the server has rejected the request because the request entity is too large',
  429: 'the server has received too many requests and has asked us to try again later',
  503: 'the server is currently unable to handle the request',
  504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
};

/** client-go's NewGenericServerResponse text for a non-2xx answer. */
function httpStatusError(code: number, body: string): string {
  const known = statusTexts[code];
  if (known !== undefined) return known;
  const text = body.trim();
  if (code >= 500) return text === '' ? 'an error on the server has prevented the request from succeeding' : `an error on the server (${JSON.stringify(text.slice(0, 1024))}) has prevented the request from succeeding`;
  return `an error on the server (${JSON.stringify(text.slice(0, 1024))}) has prevented the request from succeeding`;
}

/** Node's transport errors in Go's words. */
function transportError(e: NodeJS.ErrnoException, url: URL): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${url.host}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${url.hostname}: no such host`;
    case 'ECONNRESET':
      return 'EOF';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is valid for other names, not ${url.hostname}`;
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    default:
      return e.message;
  }
}

const defaultMaxResponseBytes = 3 * 1024 * 1024;

export interface PostOptions {
  /** Ends the call (`context canceled`) when the caller gives up. */
  signal?: AbortSignal;
  /** A larger cap for answers that carry many objects (a converted list); 3 MiB otherwise. */
  maxResponseBytes?: number;
}

/**
 * Connections to webhooks are kept alive and reused, as client-go's transport does; the agent
 * pools them per host, port, CA and server name, so webhooks never share a connection they
 * should not.
 */
// Idle sockets close before Node's default server keep-alive (5 s) would close them under us.
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, timeout: 4_000 });

/** POSTs the review; resolves with the decoded body, rejects with the reason text of ErrCallingWebhook. */
export async function postReview(target: WebhookTarget, review: unknown, timeoutMs: number): Promise<unknown> {
  try {
    return await postJson(target, review, timeoutMs);
  } catch (e) {
    // The admission plugins' wrapping; a conversion webhook's error goes out without it.
    throw new Error(`failed to call webhook: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * POSTs a JSON body; resolves with the decoded answer, rejects with client-go's text of the failure
 * (`Post "<url>": dial tcp ...`, the HTTP status text, the decode error).
 */
export async function postJson(target: WebhookTarget, body: unknown, timeoutMs: number, opts: PostOptions = {}): Promise<unknown> {
  const started = Date.now();
  try {
    return await postOnce(target, body, timeoutMs, opts);
  } catch (e) {
    // A kept-alive connection the server closed just as it was reused: once more on a new one.
    if (e instanceof StaleConnection) return postOnce(target, body, timeoutMs - (Date.now() - started), opts);
    throw e;
  }
}

class StaleConnection extends Error {}

function postOnce(target: WebhookTarget, review: unknown, timeoutMs: number, { signal, maxResponseBytes = defaultMaxResponseBytes }: PostOptions): Promise<unknown> {
  const body = Buffer.from(JSON.stringify(review));
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, */*',
    'Content-Length': body.length,
    'User-Agent': 'portico-apiserver',
    ...injectTraceContext(),
  };
  const opts: RequestOptions = {
    method: 'POST',
    host: target.url.hostname.replace(/^\[|\]$/g, ''),
    port: target.url.port === '' ? 443 : Number(target.url.port),
    path: `${target.url.pathname}${target.url.search}`,
    headers,
    ...(target.ca !== undefined ? { ca: target.ca } : {}),
    ...(target.servername !== undefined ? { servername: target.servername } : {}),
    agent,
  };
  const prefix = `Post ${JSON.stringify(target.display)}: `;
  return new Promise((resolve, reject) => {
    if (target.url.protocol !== 'https:') {
      reject(new Error(`${prefix}unsupported protocol scheme ${JSON.stringify(target.url.protocol.replace(/:$/, ''))}`));
      return;
    }
    if (signal?.aborted) {
      reject(new Error(`${prefix}context canceled`));
      return;
    }
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      req.destroy();
      finish(() => reject(new Error(`${prefix}context canceled`)));
    };
    const req = httpsRequest(opts, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxResponseBytes) {
          req.destroy();
          finish(() => reject(new Error(`response body larger than ${maxResponseBytes} bytes`)));
          return;
        }
        chunks.push(c);
      });
      res.on('error', (e) => finish(() => reject(new Error(`${prefix}${transportError(e, target.url)}`))));
      res.on('end', () =>
        finish(() => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) return reject(new Error(httpStatusError(code, text)));
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(new Error(`couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`));
          }
        }),
      );
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(() => reject(new Error(`${prefix}context deadline exceeded`)));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) =>
      finish(() => reject(req.reusedSocket && e.code === 'ECONNRESET' ? new StaleConnection() : new Error(`${prefix}${transportError(e, target.url)}`))),
    );
    req.end(body);
  });
}
