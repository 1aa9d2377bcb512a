import express from 'express';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const paidOrders = new Set<string>(); // your database

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session)); // metadata.orderId, else client_reference_id
});

const app = express();
// Before express.json(): the middleware reads the raw body itself.
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router }));
app.use(express.json()); // the rest of the app keeps parsing JSON

app.listen(Number(process.env.PORT ?? 3000));
