// Whether a Web handler traces: finding `@opentelemetry/api` by itself where the runtime has
// `process.getBuiltinModule` (Node, Bun, Deno), or given it as `telemetry.api` (Workers, edge).
// A tracer provider registered on the API records the names of the spans started; one signed
// delivery should start `stripe.webhook receive`.
import * as otel from '@opentelemetry/api';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { createSignedRequest, createTestEvent } from 'stripe-webhook-kit/testing';
import { createFetchHandler } from 'stripe-webhook-kit/web';

export async function handlerSpans(passApi: boolean): Promise<string[]> {
  const started: string[] = [];
  const tracer = {
    startSpan(name: string) {
      started.push(name);
      return otel.trace.wrapSpanContext(otel.INVALID_SPAN_CONTEXT);
    },
  } as unknown as otel.Tracer;
  otel.trace.setGlobalTracerProvider({ getTracer: () => tracer });
  const secret = 'whsec_telemetry_probe';
  const { body, headers } = createSignedRequest(createTestEvent('payment_intent.succeeded'), secret);
  const webhook = createFetchHandler({ secret, router: createWebhookRouter(), logger: false, telemetry: passApi ? { api: otel } : true });
  await webhook(new Request('http://localhost/v1/webhook', { method: 'POST', body, headers }));
  otel.trace.disable();
  return started;
}
