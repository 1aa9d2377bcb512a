// The default `telemetry` goes through OpenTelemetry's global providers. With the API installed and
// no SDK registered yet, deliveries skip the no-op spans; an SDK registered after the handler was
// built (NodeSDK started late) still gets every later delivery's span.
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';

afterEach(() => trace.disable());

describe('telemetry through the global providers', () => {
  it('answers without an SDK, and traces once one is registered after the handler was built', async () => {
    const handled: string[] = [];
    const router = createWebhookRouter().onCheckoutPaid((_session, event) => void handled.push(event.id));
    const handler = createWebhookHandler({ secret: testSecret, router, store: false, logger: false });
    const before = paidCheckout('o_before');
    expect((await handler.handle({ method: 'POST', headers: before.headers, body: before.body })).status).toBe(200);

    const exporter = new InMemorySpanExporter();
    expect(trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))).toBe(true);
    const after = paidCheckout('o_after');
    expect((await handler.handle({ method: 'POST', headers: after.headers, body: after.body })).status).toBe(200);

    expect(handled).toEqual([before.event.id, after.event.id]);
    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'stripe.webhook receive');
    expect(spans.map((span) => span.attributes['messaging.message.id'])).toEqual([after.event.id]);
  });
});
