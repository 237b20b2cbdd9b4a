// k8s parity: the latency tracker and request metrics of pkg/endpoints/metrics
// (apiserver_request_total, apiserver_request_duration_seconds) and WithHTTPLogging's line.
import { metricDryRun, metricScope, metricVerb, recordApiRequest } from '@portico/telemetry';
import { contextOf } from '../request/context';
import type { Logger } from '../logger';
import type { Handler } from './handler';

export function withObservability(next: Handler, logger: Logger): Handler {
  return async (req, res) => {
    const ctx = contextOf(req);
    res.once('finish', () => {
      const info = ctx.info;
      const durationSeconds = (Date.now() - ctx.receivedAt) / 1000;
      const scope = metricScope(info);
      recordApiRequest(
        {
          verb: metricVerb({
            method: req.method ?? 'GET',
            scope,
            isResourceRequest: info.isResourceRequest,
            subresource: info.subresource,
            legacyWatchPath: info.verb === 'watch' && !ctx.url.searchParams.has('watch'),
            contentType: req.headers['content-type'],
            ...(ctx.url.searchParams.has('watch') ? { watch: ctx.url.searchParams.get('watch') ?? '' } : {}),
          }),
          dryRun: metricDryRun(ctx.url.searchParams.getAll('dryRun')),
          group: info.apiGroup,
          version: info.apiVersion,
          resource: info.resource,
          subresource: info.isResourceRequest ? info.subresource : info.path,
          scope,
        },
        res.statusCode,
        durationSeconds,
      );
      if (logger.isLevelEnabled('debug')) {
        logger.debug(
          {
            auditID: ctx.auditId,
            verb: info.verb,
            uri: ctx.url.pathname,
            user: ctx.user?.username,
            code: res.statusCode,
            latencyMs: Math.round(durationSeconds * 1000),
            userAgent: req.headers['user-agent'],
          },
          'request',
        );
      }
    });
    await next(req, res);
  };
}
