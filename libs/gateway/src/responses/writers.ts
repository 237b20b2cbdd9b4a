// k8s parity: apiserver pkg/endpoints/handlers/responsewriters. Every error is a Status object with
// the HTTP code equal to status.code; retryAfterSeconds becomes a Retry-After header.
import type { ServerResponse } from 'node:http';
import { toStatus, type Status } from '@portico/api';

export const jsonContentType = 'application/json';

export interface WriteOptions {
  pretty?: boolean;
}

/** Sends bytes that are already JSON (storage hands objects over serialized). */
export function writeRawJson(res: ServerResponse, code: number, body: Buffer | string, opts: WriteOptions = {}): void {
  if (res.headersSent || res.writableEnded) return;
  let payload = body;
  if (opts.pretty === true) payload = JSON.stringify(JSON.parse(body.toString()), null, 2) + '\n';
  res.statusCode = code;
  res.setHeader('Content-Type', jsonContentType);
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}

export function writeJson(res: ServerResponse, code: number, value: unknown, opts: WriteOptions = {}): void {
  writeRawJson(res, code, opts.pretty === true ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value));
}

export function writeStatus(res: ServerResponse, status: Status, opts: WriteOptions = {}): void {
  if (res.headersSent || res.writableEnded) return;
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined && retry > 0) res.setHeader('Retry-After', String(retry));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  writeJson(res, status.code, status, opts);
}

/** Writes whatever was thrown: a StatusError as its Status, anything else as a 500 without internals. */
export function writeError(res: ServerResponse, e: unknown, opts: WriteOptions = {}): void {
  writeStatus(res, toStatus(e), opts);
}

/** APF and max-in-flight answer in plain text, as kube-apiserver's http.Error does. */
export function writeTooManyRequests(res: ServerResponse, retryAfterSeconds: number): void {
  if (res.headersSent) return;
  res.statusCode = 429;
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end('Too many requests, please try again later.\n');
}

export function writePlain(res: ServerResponse, code: number, body: string): void {
  if (res.headersSent) return;
  res.statusCode = code;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(body);
}
