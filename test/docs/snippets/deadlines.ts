import express from 'express';
import { createWebhookHandler, createWebhookRouter } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  await fulfillOrder(session.id);
});

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const handler = createWebhookHandler({
  secret,
  router,
  handlerTimeoutMs: 5_000, // default 7_000: then 500 {"error":"handler_timeout"}, Stripe retries
  storeTimeoutMs: 1_000, // default 1_500: a claim slower than this is 500 {"error":"store_timeout"}
});

const app = express();
app.post('/v1/webhook', stripeWebhookMiddleware(handler));
app.listen(3000);

declare function fulfillOrder(sessionId: string): Promise<void>;
