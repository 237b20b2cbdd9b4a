// k8s parity: apiserver pkg/server/healthz. /healthz, /livez and /readyz list their checks with
// ?verbose, accept ?exclude=, serve each check at /<endpoint>/<name>, and on failure answer 500
// with the list and "<endpoint> check failed" (reasons withheld from the client, logged instead).
import type { ServerResponse } from 'node:http';
import { writePlain } from '../responses/writers';
import type { Logger } from '../logger';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export class HealthEndpoint {
  constructor(
    readonly name: 'healthz' | 'livez' | 'readyz',
    private readonly checks: readonly HealthCheck[],
    private readonly logger: Logger,
  ) {}

  /** Handles /<name> and /<name>/<check>. Returns false when the path is not one of ours. */
  async serve(path: string, query: URLSearchParams, res: ServerResponse): Promise<boolean> {
    const base = `/${this.name}`;
    if (path === base || path === `${base}/`) {
      await this.serveAll(query, res);
      return true;
    }
    if (!path.startsWith(`${base}/`)) return false;
    const checkName = path.slice(base.length + 1);
    const check = this.checks.find((c) => c.name === checkName);
    if (check === undefined) return false;
    try {
      await check.check();
      writePlain(res, 200, 'ok');
    } catch (e) {
      this.logger.warn({ check: check.name, err: e }, `${this.name} check failed`);
      writePlain(res, 500, `internal server error: ${check.name} check failed\n`);
    }
    return true;
  }

  private async serveAll(query: URLSearchParams, res: ServerResponse): Promise<void> {
    const excluded = new Set(query.getAll('exclude'));
    const unmatched = new Set(excluded);
    const lines: string[] = [];
    let failed = false;
    const results = await Promise.all(
      this.checks.map(async (c) => {
        if (excluded.has(c.name)) {
          unmatched.delete(c.name);
          return { c, excluded: true, err: undefined as unknown };
        }
        try {
          await c.check();
          return { c, excluded: false, err: undefined as unknown };
        } catch (err) {
          return { c, excluded: false, err: err ?? new Error('failed') };
        }
      }),
    );
    for (const r of results) {
      if (r.excluded) lines.push(`[+]${r.c.name} excluded: ok`);
      else if (r.err === undefined) lines.push(`[+]${r.c.name} ok`);
      else {
        failed = true;
        this.logger.warn({ check: r.c.name, err: r.err }, `${this.name} check failed`);
        lines.push(`[-]${r.c.name} failed: reason withheld`);
      }
    }
    if (unmatched.size > 0) {
      lines.push(`warn: some health checks cannot be excluded: no matches for ${[...unmatched].map((u) => JSON.stringify(u)).join(',')}`);
    }
    if (failed) {
      writePlain(res, 500, `${lines.join('\n')}\n${this.name} check failed\n`);
      return;
    }
    if (query.has('verbose')) writePlain(res, 200, `${lines.join('\n')}\n${this.name} check passed\n`);
    else writePlain(res, 200, 'ok');
  }
}
