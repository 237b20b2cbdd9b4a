// kube-apiserver caps request bodies at 3 MiB (MaxRequestBodyBytes) and answers 413 beyond it. The
// body is read only after authorization, so anonymous clients cannot make the server buffer data.
import type { IncomingMessage } from 'node:http';
import { statusErrors } from '@portico/api';
import { contextOf } from '../request/context';
import type { Handler } from './handler';

const methodsWithBody = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => statusErrors.requestEntityTooLarge(`Request entity too large: limit is ${limit}`);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    // Stop reading; the connection is closed after the 413 so the rest of the upload is not waited for.
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
  });
}

export function withRequestBody(next: Handler, limit: number): Handler {
  return async (req, res) => {
    if (methodsWithBody.has(req.method ?? '')) {
      try {
        contextOf(req).body = await readBody(req, limit);
      } catch (e) {
        res.setHeader('Connection', 'close');
        throw e;
      }
    }
    await next(req, res);
  };
}
