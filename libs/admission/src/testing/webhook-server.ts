// For the specs only (not exported from the library's index): an HTTPS webhook server with its own
// CA, as a webhook author runs one, for the admission and conversion webhook specs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** The CA that signed `cert` (PEM). */
  ca: string;
  cert: string;
  key: string;
  /** Another CA, which signed nothing here: a caBundle that must not verify `cert`. */
  otherCa: string;
}

/** A CA `<name>-ca`, another CA, and a serving certificate `<name>` for 127.0.0.1 and `dnsNames`, made with openssl. */
export function makeTestPki(name: string, dnsNames: readonly string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), `${name}-pki-`));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${name}-ca`);
    run('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=other-ca');
    run('req', '-new', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', `/CN=${name}`);
    writeFileSync(join(dir, 'san.ext'), `subjectAltName=${['IP:127.0.0.1', ...dnsNames.map((d) => `DNS:${d}`)].join(',')}\n`);
    run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'san.ext');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), cert: read('srv.crt'), key: read('srv.key'), otherCa: read('other.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A webhook's answer to a review: an object is sent as JSON; `'hang'` never answers; `'boom'` is a
 * 500; any other string is sent as text/plain with a 200.
 */
export type TestHandler<R> = (review: R, headers: IncomingHttpHeaders) => unknown;

export interface TestWebhookServer {
  server: Server;
  port: number;
  /** Closes every connection, then the server. */
  close(): Promise<void>;
}

/**
 * An HTTPS server on a free 127.0.0.1 port; each path is one webhook (a path without a handler is a
 * 404). `onRequest` sees every request's path and review first.
 */
export async function startTestWebhookServer<R>(
  pki: TestPki,
  handlers: Record<string, TestHandler<R>>,
  onRequest: (path: string, review: R) => void = () => undefined,
): Promise<TestWebhookServer> {
  const server = createServer({ cert: pki.cert, key: pki.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as R;
      onRequest(path, review);
      const h = handlers[path];
      if (h === undefined) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end();
      const out = h(review, req.headers);
      if (out === 'hang') return;
      if (typeof out === 'string') return void res.writeHead(out === 'boom' ? 500 : 200, { 'Content-Type': 'text/plain' }).end(out);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A 127.0.0.1 port that was free a moment ago: nothing listens there. */
export async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
