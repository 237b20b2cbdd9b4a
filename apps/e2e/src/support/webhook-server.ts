// A webhook server as a webhook author writes one: node:https with a serving certificate for
// 127.0.0.1 from its own CA, made with openssl; the suites give it what to answer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebhookPki {
  /** The CA's certificate (PEM), for a caBundle. */
  ca: string;
  cert: string;
  key: string;
}

/** A CA (`<name>-ca`) and a serving certificate (`<name>`) for IP 127.0.0.1 and DNS localhost. */
export function webhookPki(name = 'e2e-webhook'): WebhookPki {
  const dir = mkdtempSync(join(tmpdir(), `${name}-pki-`));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${name}-ca`);
    run('req', '-new', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${name}`);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    run('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '2', '-extfile', 'san.ext');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An HTTPS server on a free 127.0.0.1 port with `pki`'s serving certificate; `handle` gets each
 * request's path (without the query) and its whole body, and answers on `res` (or never).
 */
export function startWebhookServer(pki: WebhookPki, handle: (path: string, body: Buffer, res: ServerResponse) => void): Promise<Server> {
  const server = createServer({ cert: pki.cert, key: pki.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle((req.url ?? '').split('?')[0] ?? '', Buffer.concat(chunks), res));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** `https://127.0.0.1:<port>` of a started server. */
export function webhookBase(server: Server): string {
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Answers 200 with `body` as JSON. */
export function replyJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
