import { context as otelContext, createTraceState, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';

// W3C Trace Context (https://www.w3.org/TR/trace-context/) for carriers the instrumentations do
// not cover: NATS message headers. Implemented here rather than through the global propagator so
// that it works whether or not the SDK was started (a service with tracing off still forwards the
// caller's trace to its subscribers).

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** Parses a traceparent header; undefined when absent or invalid (per the spec: ignore it). */
export function parseTraceparent(value: string | undefined, tracestate?: string): SpanContext | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT_RE.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (!traceId || !spanId || !flags) return undefined;
  // Version ff is forbidden; version 00 allows nothing after the flags.
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  const sc: SpanContext = {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  };
  return isSpanContextValid(sc) ? sc : undefined;
}

/**
 * Writes the span context of `ctx` (default: the active context) into `carrier` as
 * `traceparent` (and `tracestate` when set), and returns the carrier. Nothing is written when
 * there is no valid span context.
 */
export function injectTraceContext(
  carrier: Record<string, string> = {},
  ctx: Context = otelContext.active(),
): Record<string, string> {
  const sc = trace.getSpanContext(ctx);
  if (!sc || !isSpanContextValid(sc)) return carrier;
  carrier[TRACEPARENT] = formatTraceparent(sc);
  const ts = sc.traceState?.serialize();
  if (ts) carrier[TRACESTATE] = ts;
  return carrier;
}

function header(carrier: Record<string, string | undefined>, name: string): string | undefined {
  if (carrier[name] !== undefined) return carrier[name];
  // NATS header names keep the publisher's case; accept any.
  for (const k of Object.keys(carrier)) if (k.toLowerCase() === name) return carrier[k];
  return undefined;
}

/**
 * Returns `ctx` (default: the active context) with the remote span context found in `carrier`,
 * so that spans started inside `context.with(result, …)` join the publisher's trace. Returns
 * `ctx` unchanged when the carrier holds no valid traceparent.
 */
export function extractTraceContext(
  carrier: Record<string, string | undefined> | undefined,
  ctx: Context = otelContext.active(),
): Context {
  if (!carrier) return ctx;
  const sc = parseTraceparent(header(carrier, TRACEPARENT), header(carrier, TRACESTATE));
  return sc ? trace.setSpanContext(ctx, sc) : ctx;
}
