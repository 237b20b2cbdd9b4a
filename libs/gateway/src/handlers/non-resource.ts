// The non-resource endpoints: version, health, metrics, discovery (aggregated when the Accept asks
// for it, else the unaggregated documents) and OpenAPI (/openapi/v3, /openapi/v2).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusErrors } from '@portico/api';
import { AggregatedDiscovery } from '../discovery/aggregated';
import type { ApiResources } from '../discovery/api-resources';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from '../discovery/legacy';
import type { HealthEndpoint } from '../health/health';
import { OpenAPIService } from '../openapi/service';
import { contextOf } from '../request/context';
import { writeJson } from '../responses/writers';
import { versionInfo } from '../version';

export interface MetricsSource {
  render(): Promise<{ contentType: string; body: string }>;
}

export interface NonResourceDeps {
  api: ApiResources;
  health: HealthEndpoint[];
  metrics: MetricsSource | undefined;
  serverAddress: () => string;
}

/** Answers a non-resource request; returns false when the path is not served here. */
export function nonResourceHandler(deps: NonResourceDeps) {
  const aggregated = new AggregatedDiscovery(deps.api);
  const openapi = new OpenAPIService(deps.api, versionInfo()['gitVersion'] ?? '');
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const ctx = contextOf(req);
    const path = ctx.url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    const json = (v: object | undefined) => {
      if (v === undefined) throw statusErrors.notFoundPath();
      writeJson(res, 200, v, { pretty: ctx.pretty });
      return true;
    };
    if (path === '/version') return json(versionInfo());
    for (const h of deps.health) {
      if (await h.serve(ctx.url.pathname, ctx.url.searchParams, res)) return true;
    }
    if (path === '/metrics' && deps.metrics !== undefined) {
      const m = await deps.metrics.render();
      res.statusCode = 200;
      res.setHeader('Content-Type', m.contentType);
      res.end(m.body);
      return true;
    }
    if (path === '/api' || path === '/apis') {
      if (aggregated.serve(req, res, path === '/api' ? 'api' : 'apis')) return true;
      return json(path === '/api' ? apiVersions(deps.serverAddress()) : apiGroupList(deps.api));
    }
    if (path.startsWith('/openapi/')) return openapi.serve(req, res, path, ctx.url.searchParams);
    const core = /^\/api\/([^/]+)$/.exec(path);
    if (core !== null) return json(apiResourceList(deps.api, '', core[1] as string));
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group !== null) return json(apiGroupDocument(deps.api, group[1] as string));
    const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (gv !== null) return json(apiResourceList(deps.api, gv[1] as string, gv[2] as string));
    return false;
  };
}
