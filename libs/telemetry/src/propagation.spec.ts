import { ROOT_CONTEXT, trace, TraceFlags, createTraceState } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { extractTraceContext, formatTraceparent, injectTraceContext, parseTraceparent } from './propagation';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function ctxWith(sampled: boolean, tracestate?: string) {
  const span = trace.wrapSpanContext({
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  });
  return trace.setSpan(ROOT_CONTEXT, span);
}

describe('W3C trace context over plain header records', () => {
  it('injects traceparent (and tracestate) from a context', () => {
    const carrier = injectTraceContext({ other: 'kept' }, ctxWith(true, 'vendor=abc'));
    expect(carrier).toEqual({
      other: 'kept',
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      tracestate: 'vendor=abc',
    });
    expect(injectTraceContext({}, ctxWith(false))['traceparent']).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
  });

  it('injects nothing when there is no span', () => {
    expect(injectTraceContext({}, ROOT_CONTEXT)).toEqual({});
  });

  it('round-trips: the extracted context carries the remote span as parent', () => {
    const carrier = injectTraceContext({}, ctxWith(true, 'a=1,b=2'));
    const sc = trace.getSpanContext(extractTraceContext(carrier, ROOT_CONTEXT));
    expect(sc).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(sc?.traceState?.serialize()).toBe('a=1,b=2');
  });

  it('accepts header names in any case (NATS keeps the publisher’s case)', () => {
    const sc = trace.getSpanContext(extractTraceContext({ Traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }, ROOT_CONTEXT));
    expect(sc?.traceId).toBe(TRACE_ID);
  });

  it.each([
    ['missing', undefined],
    ['garbage', 'hello'],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['version 00 with trailing data', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
  ])('ignores an invalid traceparent (%s)', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
    const carrier: Record<string, string> = value === undefined ? {} : { traceparent: value };
    expect(extractTraceContext(carrier, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
  });

  it('accepts a future version with extra fields, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-whatever`)?.spanId).toBe(SPAN_ID);
  });

  it('formats the flags as two hex digits', () => {
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 })).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
  });
});
