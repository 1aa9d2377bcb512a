// Telemetry (docs/telemetry.md) over real HTTP (Express 5): each delivery as the OpenTelemetry SDK's
// in-memory span exporter and a metric reader see it. The SDK is the user's; nothing is mocked.
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';
import express from 'express5';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { paidCheckout, signedDelivery, testSecret, type Delivery } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { expectAnswer, send, type RunningServer } from '../support/status-contract.js';

/** Collects on demand, as an exporter's periodic reader would. */
class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const metricReader = new TestMetricReader();
const meterProvider = new MeterProvider({ readers: [metricReader] });
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  // As NodeSDK does: the context manager that lets a handler's own spans nest under dispatch.
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  exporter.reset();
});

async function start(options: Partial<WebhookHandlerOptions> = {}) {
  const router = createWebhookRouter()
    .onCheckoutPaid(async () => {
      // The user's own span, inside the handler.
      await tracerProvider.getTracer('shop').startActiveSpan('fulfil order', async (span) => span.end());
    })
    .on('charge.refunded', () => {
      throw new Error('refund ledger offline');
    })
    .on('invoice.paid', () => {
      throw new NonRetryableError('unknown invoice');
    });
  const app = express();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router, logger: false, telemetry: { tracerProvider, meterProvider }, ...options }));
  server = await listening(app.listen(0, '127.0.0.1'));
  return server.url;
}

const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);
const only = (name: string): ReadableSpan => {
  const spans = named(name);
  expect(spans, name).toHaveLength(1);
  return spans[0] as ReadableSpan;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
/** The steps' `stripe.webhook.<step>.duration_ms` attributes, apart from the others. */
function splitDurations(span: ReadableSpan) {
  const durations: Record<string, number> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    const step = /^stripe\.webhook\.(\w+)\.duration_ms$/.exec(key)?.[1];
    if (step === undefined) rest[key] = value;
    else durations[step] = value as number;
  }
  return { durations, rest };
}

async function points(metric: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await metricReader.collect();
  const found = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((one) => one.descriptor.name === metric);
  return (found?.dataPoints ?? []) as DataPoint<unknown>[];
}
const count = async (metric: string, attributes: Record<string, unknown>) =>
  (await points(metric)).filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value)).reduce((sum, point) => sum + (point.value as number), 0);

describe('stripe.webhook receive, over real HTTP', () => {
  it('a handled delivery: one server span with the messaging attributes and each step\'s duration', async () => {
    const url = await start();
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true });

    const receive = only('stripe.webhook receive');
    expect(receive.kind).toBe(SpanKind.SERVER);
    expect(receive.instrumentationScope.name).toBe('stripe-webhook-kit');
    const { durations, rest } = splitDurations(receive);
    expect(rest).toEqual({
      'messaging.system': 'stripe',
      'messaging.operation.name': 'receive',
      'messaging.operation.type': 'receive',
      'http.request.method': 'POST',
      'messaging.message.id': delivery.event.id,
      'stripe.event.type': 'checkout.session.completed',
      'stripe.livemode': false,
      'stripe.webhook.claim': 'claimed',
      'stripe.webhook.outcome': 'processed',
      'http.response.status_code': 200,
    });
    expect(Object.keys(durations).sort()).toEqual(['claim', 'complete', 'dispatch', 'verify']);
    for (const [step, ms] of Object.entries(durations)) {
      expect(ms, step).toBeGreaterThanOrEqual(0);
      expect(ms, step).toBeLessThan(receive.duration[0] * 1000 + receive.duration[1] / 1e6);
    }
    expect(receive.status.code).toBe(SpanStatusCode.UNSET);
    // The kit's only span: the handler's own span nests under it.
    expect(exporter.getFinishedSpans().map((span) => span.name).sort()).toEqual(['fulfil order', 'stripe.webhook receive']);
    expect(parentOf(only('fulfil order'))).toBe(receive.spanContext().spanId);
    expect(only('fulfil order').spanContext().traceId).toBe(receive.spanContext().traceId);
  });

  it('carries stripe.account for a Connect event', async () => {
    const url = await start();
    const delivery = signedDelivery('payment_intent.succeeded', { account: 'acct_1Connected' });
    expectAnswer(await send(url, delivery), 200, { received: true });
    expect(only('stripe.webhook receive').attributes['stripe.account']).toBe('acct_1Connected');
  });

  it('a failing handler: the receive span is an error with the 500 and the exception, and the claim is released', async () => {
    const url = await start();
    expectAnswer(await send(url, signedDelivery('charge.refunded')), 500, { error: 'handler_failed' });
    const receive = only('stripe.webhook receive');
    expect(receive.status.code).toBe(SpanStatusCode.ERROR);
    expect(receive.attributes).toMatchObject({ 'stripe.webhook.outcome': 'failed', 'http.response.status_code': 500, 'error.type': 'failed' });
    const [exception] = receive.events;
    expect(receive.events).toHaveLength(1);
    expect(exception?.name).toBe('exception');
    expect(exception?.attributes?.['exception.message']).toBe('refund ledger offline');
    expect(String(exception?.attributes?.['exception.stacktrace'])).toContain('otel-telemetry.test.ts');
    expect(Object.keys(splitDurations(receive).durations).sort()).toEqual(['claim', 'dispatch', 'release', 'verify']);
  });

  it('a forged delivery: 400, no_matching_signature on the span and the verify step, no claim', async () => {
    const url = await start();
    expectAnswer(await send(url, paidCheckout('o_1', { secret: 'whsec_other' })), 400, { error: 'no_matching_signature' });
    const receive = only('stripe.webhook receive');
    expect(receive.attributes).toMatchObject({ 'stripe.webhook.outcome': 'no_matching_signature', 'error.type': 'no_matching_signature', 'http.response.status_code': 400 });
    expect(receive.attributes['messaging.message.id']).toBeUndefined();
    expect(receive.status.code).toBe(SpanStatusCode.UNSET);
    expect(Object.keys(splitDurations(receive).durations)).toEqual(['verify']);
    expect(receive.attributes['stripe.webhook.claim']).toBeUndefined();
  });

  it('telemetry: false records nothing', async () => {
    const url = await start({ telemetry: false });
    expectAnswer(await send(url, paidCheckout('o_1')), 200, { received: true });
    expect(exporter.getFinishedSpans().filter((span) => span.name.startsWith('stripe.webhook'))).toEqual([]);
  });
});

describe('metrics', () => {
  it('counts deliveries by outcome, verification failures by code, duplicates, and handler duration by type', async () => {
    const url = await start();
    const before = {
      processed: await count('stripe.webhook.deliveries', { 'stripe.webhook.outcome': 'processed', 'stripe.event.type': 'checkout.session.completed' }),
      duplicate: await count('stripe.webhook.duplicates', { 'stripe.event.type': 'checkout.session.completed' }),
      discarded: await count('stripe.webhook.deliveries', { 'stripe.webhook.outcome': 'discarded' }),
      forged: await count('stripe.webhook.verification.failures', { 'error.type': 'no_matching_signature' }),
      missing: await count('stripe.webhook.verification.failures', { 'error.type': 'missing_signature' }),
    };
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true });
    expectAnswer(await send(url, delivery), 200, { received: true, duplicate: true });
    expectAnswer(await send(url, signedDelivery('invoice.paid')), 200, { received: true, discarded: true });
    expectAnswer(await send(url, paidCheckout('o_2', { secret: 'whsec_other' })), 400, { error: 'no_matching_signature' });
    expectAnswer(await send(url, { body: delivery.body, headers: { 'content-type': 'application/json' } as Delivery['headers'] }), 400, { error: 'missing_signature' });

    expect(await count('stripe.webhook.deliveries', { 'stripe.webhook.outcome': 'processed', 'stripe.event.type': 'checkout.session.completed' })).toBe(before.processed + 1);
    expect(await count('stripe.webhook.duplicates', { 'stripe.event.type': 'checkout.session.completed' })).toBe(before.duplicate + 1);
    expect(await count('stripe.webhook.deliveries', { 'stripe.webhook.outcome': 'discarded' })).toBe(before.discarded + 1);
    expect(await count('stripe.webhook.verification.failures', { 'error.type': 'no_matching_signature' })).toBe(before.forged + 1);
    expect(await count('stripe.webhook.verification.failures', { 'error.type': 'missing_signature' })).toBe(before.missing + 1);
    const durations = (await points('stripe.webhook.handler.duration')).find((point) => point.attributes['stripe.event.type'] === 'checkout.session.completed');
    expect((durations?.value as Histogram | undefined)?.count).toBeGreaterThanOrEqual(1);
  });

  it('counts each delivery once when several handlers share the meter', async () => {
    const first = await start();
    const firstServer = server;
    server = undefined;
    const second = await start();
    try {
      const processed = { 'stripe.webhook.outcome': 'processed', 'stripe.event.type': 'checkout.session.completed' };
      const before = await count('stripe.webhook.deliveries', processed);
      expectAnswer(await send(first, paidCheckout('o_1')), 200, { received: true });
      expectAnswer(await send(second, paidCheckout('o_2')), 200, { received: true });
      expect(await count('stripe.webhook.deliveries', processed)).toBe(before + 2);
    } finally {
      await firstServer?.close();
    }
  });
});

describe('API-version drift', () => {
  it('counts an event whose api_version differs under stripe.api_version, and the others without it', async () => {
    const url = await start({ apiVersion: '2026-10-28.endive' });
    const drifted = { 'stripe.webhook.outcome': 'processed', 'stripe.api_version': '2024-06-20' };
    const before = { drifted: await count('stripe.webhook.deliveries', drifted), untagged: await untaggedProcessed() };
    const old = (orderId: string) => signedDelivery('checkout.session.completed', { api_version: '2024-06-20', data: { object: { metadata: { orderId } } } });
    expectAnswer(await send(url, old('o_old_1')), 200, { received: true });
    expectAnswer(await send(url, old('o_old_2')), 200, { received: true });
    expectAnswer(await send(url, signedDelivery('checkout.session.completed', { api_version: '2026-10-28.endive' })), 200, { received: true });

    expect(await count('stripe.webhook.deliveries', drifted)).toBe(before.drifted + 2);
    expect(await untaggedProcessed()).toBe(before.untagged + 1);
    // Bounded: a series per differing version, never one carrying the handler's own version.
    const versions = new Set((await points('stripe.webhook.deliveries')).map((point) => point.attributes['stripe.api_version']));
    expect([...versions].sort()).toEqual(['2024-06-20', undefined]);
  });
});
const untaggedProcessed = async () =>
  (await points('stripe.webhook.deliveries'))
    .filter((point) => point.attributes['stripe.webhook.outcome'] === 'processed' && !('stripe.api_version' in point.attributes))
    .reduce((sum, point) => sum + (point.value as number), 0);

describe('a delivery that is not sampled', () => {
  it('asks the sampler for its one span and nothing more, and still records the metrics', async () => {
    // Samples nothing, and notes each span it is asked about.
    const asked: string[] = [];
    const sampler: Sampler = {
      shouldSample: (_context, _traceId, name) => {
        asked.push(name);
        return { decision: SamplingDecision.NOT_RECORD };
      },
      toString: () => 'samples nothing',
    };
    const sampledExporter = new InMemorySpanExporter();
    const sampledProvider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(sampledExporter)] });
    const url = await start({ telemetry: { tracerProvider: sampledProvider, meterProvider } });
    const histogramCount = async () =>
      ((await points('stripe.webhook.handler.duration')).find((point) => point.attributes['stripe.event.type'] === 'checkout.session.completed')?.value as Histogram | undefined)?.count ?? 0;
    const before = { handled: await histogramCount(), processed: await count('stripe.webhook.deliveries', { 'stripe.webhook.outcome': 'processed' }) };

    expectAnswer(await send(url, paidCheckout('o_1')), 200, { received: true });

    // The shop's handler makes its span with its own provider: every question came from the kit.
    expect(asked).toEqual(['stripe.webhook receive']);
    expect(sampledExporter.getFinishedSpans()).toEqual([]);
    expect(await histogramCount()).toBe(before.handled + 1);
    expect(await count('stripe.webhook.deliveries', { 'stripe.webhook.outcome': 'processed' })).toBe(before.processed + 1);
    await sampledProvider.shutdown();
  });
});
