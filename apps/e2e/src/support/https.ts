// Raw HTTPS against Portico with the credentials of a kubeconfig, for the requests no client
// library would send (malformed bodies, oversized bodies, no client certificate).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeconfigCredentials {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: {
    name: string;
    user: {
      'client-certificate-data'?: string;
      'client-key-data'?: string;
      'client-certificate'?: string;
      'client-key'?: string;
    };
  }[];
}

function material(base: string, data: string | undefined, file: string | undefined, what: string): Buffer {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(resolve(base, file));
  throw new Error(`kubeconfig has no ${what}`);
}

/** Server URL, CA and client certificate of the current context. */
export function readKubeconfig(path: string): KubeconfigCredentials {
  const kc = parse(readFileSync(path, 'utf8')) as KubeconfigFile;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  if (!ctx) throw new Error(`${path}: no context`);
  const cluster = kc.clusters?.find((c) => c.name === ctx.context.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx.context.user)?.user;
  if (!cluster || !user) throw new Error(`${path}: context ${ctx.name} has no cluster or user`);
  const base = dirname(path);
  return {
    server: cluster.server,
    ca: material(base, cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority'),
    cert: material(base, user['client-certificate-data'], user['client-certificate'], 'client certificate'),
    key: material(base, user['client-key-data'], user['client-key'], 'client key'),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

export interface RawRequest {
  method: string;
  path: string;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Send no client certificate (the CA is still trusted). */
  anonymous?: boolean;
  timeoutMs?: number;
}

/**
 * One request on a fresh connection. The response counts even if the server closes the
 * connection while the body is still being sent (what a server does after answering 413 early).
 */
export function rawRequest(creds: KubeconfigCredentials, req: RawRequest): Promise<RawResponse> {
  const url = new URL(req.path, creds.server);
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  return new Promise((resolveReq, reject) => {
    let settled = false;
    const r = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: req.method,
        ca: creds.ca,
        ...(req.anonymous ? {} : { cert: creds.cert, key: creds.key }),
        agent: false,
        headers: {
          accept: 'application/json',
          'user-agent': 'portico-e2e/raw',
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...req.headers,
        },
        timeout: req.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => {
          if (!settled) {
            settled = true;
            reject(e);
          }
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const buf = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = buf.length ? JSON.parse(buf.toString('utf8')) : undefined;
          } catch {
            json = undefined;
          }
          resolveReq({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.path}: no response in time`)));
    r.on('error', (e) => {
      if (settled) return;
      // EPIPE/ECONNRESET while writing can race a response that is already on its way.
      setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(e);
      }, 200);
    });
    r.end(body);
  });
}

/** `rawRequest` that never throws: a transport failure or a client-side timeout becomes status 0. */
export function rawRequestOrStatus0(creds: KubeconfigCredentials, req: RawRequest): Promise<RawResponse> {
  return rawRequest(creds, req).catch(
    (e: unknown): RawResponse => ({ status: 0, headers: {}, body: Buffer.from(e instanceof Error ? e.message : String(e)) }),
  );
}

/** A response's status and the start of its body, for an assertion's message. */
export const describeResponse = (r: RawResponse): string => `${r.status} ${r.body.toString('utf8').slice(0, 500)}`;
