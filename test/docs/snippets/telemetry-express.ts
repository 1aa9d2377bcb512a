import express from 'express';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the endpoint\'s signing secret (whsec_...).');

const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  await fulfillOrder(session.id); // its own spans (pg, fetch, ...) nest under `stripe.webhook receive`
});

const app = express();
// Nothing to configure: with @opentelemetry/api installed and providers registered, each
// delivery is a `stripe.webhook receive` span and the metrics below are recorded.
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router }));
app.listen(8000);

declare function fulfillOrder(sessionId: string): Promise<void>;
