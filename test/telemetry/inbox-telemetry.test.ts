// The calls the inbox worker will make (branch `inbox`): a consumer span per job, linked to the
// delivery that queued the event through the traceparent stored with it; lag, attempts, dead.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { webhookTelemetry } from '../../src/telemetry/webhook-telemetry.js';
import { formatTraceParent, parseTraceParent } from '../../src/telemetry/trace-context.js';

class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const metricReader = new TestMetricReader();
const meterProvider = new MeterProvider({ readers: [metricReader] });
afterAll(async () => {
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});

async function points(metric: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await metricReader.collect();
  return (resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((one) => one.descriptor.name === metric)?.dataPoints ?? []) as DataPoint<unknown>[];
}

describe('inbox telemetry', () => {
  const telemetry = webhookTelemetry({ tracerProvider, meterProvider });

  it('links the job\'s consumer span to the receive span whose traceparent was stored with the event', async () => {
    const event = createTestEvent('checkout.session.completed');
    // The ingress: what handle() would store beside the queued event.
    let stored: string | undefined;
    await telemetry.observe('POST', async (trace) => {
      trace.verified(event);
      stored = trace.traceContext();
      trace.outcome('queued');
      return { status: 200 };
    });
    const receive = exporter.getFinishedSpans().find((span) => span.name === 'stripe.webhook receive');
    expect(stored).toBe(formatTraceParent(receive!.spanContext()));

    // The worker, later (a second attempt, queued 2.5 s before it runs).
    const outcome = await telemetry.inbox.process({ event, attempt: 2, queuedAt: Date.now() - 2500, traceContext: stored }, async () => 'processed');
    expect(outcome).toBe('processed');
    const job = exporter.getFinishedSpans().find((span) => span.name === 'stripe.webhook process checkout.session.completed');
    expect(job?.kind).toBe(SpanKind.CONSUMER);
    expect(job?.attributes).toMatchObject({
      'messaging.system': 'stripe',
      'messaging.operation.type': 'process',
      'messaging.message.id': event.id,
      'stripe.event.type': 'checkout.session.completed',
      'stripe.webhook.attempt': 2,
      'stripe.webhook.outcome': 'processed',
    });
    expect(job?.links.map((link) => link.context.spanId)).toEqual([receive!.spanContext().spanId]);
    const lag = (await points('stripe.webhook.inbox.lag')).find((point) => point.attributes['stripe.event.type'] === 'checkout.session.completed');
    expect((lag?.value as Histogram).min).toBeGreaterThanOrEqual(2.5);
    const attempts = (await points('stripe.webhook.inbox.attempts'))[0];
    expect((attempts?.value as Histogram).max).toBe(2);
  });

  it('marks a failing job as an error, passes the error on, and counts dead events', async () => {
    const event = createTestEvent('invoice.paid');
    const failure = new Error('ledger offline');
    await expect(telemetry.inbox.process({ event, attempt: 5, traceContext: 'not a traceparent' }, () => Promise.reject(failure))).rejects.toBe(failure);
    const job = exporter.getFinishedSpans().find((span) => span.name === 'stripe.webhook process invoice.paid');
    expect(job?.status.code).toBe(SpanStatusCode.ERROR);
    expect(job?.links).toEqual([]);
    telemetry.inbox.dead(event);
    const dead = (await points('stripe.webhook.inbox.dead')).find((point) => point.attributes['stripe.event.type'] === 'invoice.paid');
    expect(dead?.value).toBe(1);
  });

  it('reads only well-formed traceparents', () => {
    expect(parseTraceParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    for (const bad of [undefined, '', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 42]) {
      expect(parseTraceParent(bad)).toBeUndefined();
    }
  });
});
