// W3C Trace Context (https://www.w3.org/TR/trace-context/), written and read here rather than
// through a propagator: an inbox worker must link to the ingress span whatever propagators the
// app configured, and the stored form must not depend on them.

/** The parts of a span context a `traceparent` carries. */
export interface TraceParent {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const pattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function formatTraceParent({ traceId, spanId, traceFlags }: TraceParent): string {
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span context in a stored `traceparent`, or `undefined` for anything that is not one. */
export function parseTraceParent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}
