// k8s parity: WithAuditInit. Each request gets an audit ID (the client's Audit-ID header when it
// sent a valid one) that is echoed in the Audit-Id response header and carried by every log line.
import { randomUUID } from 'node:crypto';
import { setContext } from '../request/context';
import { nonResourceRequestInfo } from '../request/request-info';
import type { Handler } from './handler';

const validAuditId = /^[-a-zA-Z0-9_.:]{1,128}$/;

export function withAuditInit(next: Handler): Handler {
  return async (req, res) => {
    const given = req.headers['audit-id'];
    const auditId = typeof given === 'string' && validAuditId.test(given) ? given : randomUUID();
    res.setHeader('Audit-Id', auditId);
    // Every response is private unless a handler says otherwise (discovery, OpenAPI).
    res.setHeader('Cache-Control', 'no-cache, private');
    const controller = new AbortController();
    const abortOnClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.once('close', abortOnClose);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://portico.invalid');
    } catch {
      url = new URL('https://portico.invalid/');
    }
    setContext(req, {
      auditId,
      receivedAt: Date.now(),
      url,
      info: nonResourceRequestInfo(req.method ?? 'GET', url.pathname),
      deadline: undefined,
      signal: controller.signal,
      user: undefined,
      warnings: [],
      pretty: isTrue(url.searchParams.get('pretty')),
      body: undefined,
    });
    await next(req, res);
  };
}

function isTrue(v: string | null): boolean {
  return v !== null && (v === '' || v === '1' || v.toLowerCase() === 'true');
}
