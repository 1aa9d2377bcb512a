import express from 'express';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const paidOrders = new Set<string>(); // your database

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session)); // metadata.orderId, else client_reference_id
});

const app = express();
// Before express.json(): the middleware reads the raw body itself.
app.post('/v1/webhook', stripeWebhookMiddleware({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '', router }));
app.use(express.json()); // the rest of the app keeps parsing JSON

app.listen(Number(process.env.PORT ?? 3000));
