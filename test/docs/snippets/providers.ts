import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createWebhookHandler, createWebhookRouter } from 'stripe-webhook-kit';

const secret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_set_me';
const router = createWebhookRouter();

// Providers of its own for this handler, instead of the global ones (tests, several SDKs).
export const traced = createWebhookHandler({
  secret,
  router,
  telemetry: { tracerProvider: new BasicTracerProvider(), meterProvider: new MeterProvider() },
});

// No spans or metrics from this handler, even with OpenTelemetry installed.
export const quiet = createWebhookHandler({ secret, router, telemetry: false });
