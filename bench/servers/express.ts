// Express 5 server for bench/http.ts: `node --import tsx bench/servers/express.ts <variant>`.
import { createRequire } from 'node:module';
import type Express from 'express';
import type Stripe from 'stripe';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';
import { announce, handleLikeStripeDocs, ourOptions, portOf, readVariant, registerOpenTelemetry, secret, stripe, webhookPath } from './shared.js';

// Express 5 is installed under the alias `express5`; @types/express describes it.
const express = createRequire(import.meta.url)('express5') as typeof Express;

const variant = readVariant();
const app = express();

if (variant === 'ceiling') {
  // The true ceiling: the raw body read, and the cheapest answer Express can write.
  app.post(webhookPath, express.raw({ type: 'application/json' }), (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  });
} else if (variant === 'handwritten' || variant === 'handwritten-same-response') {
  // As in Stripe's webhook docs: the raw body on this route only, then constructEvent; answered
  // with res.json() as the docs do, or with writeHead/end as ours answers.
  const sameResponse = variant === 'handwritten-same-response';
  app.post(webhookPath, express.raw({ type: 'application/json' }), (request, response) => {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(request.body as Buffer, request.headers['stripe-signature'] as string, secret);
    } catch (error) {
      response.status(400).send(`Webhook Error: ${(error as Error).message}`);
      return;
    }
    handleLikeStripeDocs(event);
    if (sameResponse) response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    else response.json({ received: true });
  });
} else if (variant === 'otel-floor') {
  // The SDK's own minimum per request, made here while the kit's telemetry is off.
  await registerOpenTelemetry();
  const { metrics, SpanKind, trace } = await import('@opentelemetry/api');
  const tracer = trace.getTracer('bench-floor');
  const histogram = metrics.getMeter('bench-floor').createHistogram('bench.floor.duration', { unit: 's' });
  const attributes = { 'stripe.event.type': 'checkout.session.completed' };
  const floor: Express.RequestHandler = (_request, _response, next) => {
    tracer.startSpan('stripe.webhook receive', { kind: SpanKind.SERVER }).end();
    histogram.record(0, attributes);
    next();
  };
  app.post(webhookPath, floor, stripeWebhookMiddleware(ourOptions(variant)));
} else {
  if (variant === 'ours-telemetry') await registerOpenTelemetry();
  app.post(webhookPath, stripeWebhookMiddleware(ourOptions(variant)));
}

const server = app.listen(0, '127.0.0.1', () => announce(portOf(server)));
