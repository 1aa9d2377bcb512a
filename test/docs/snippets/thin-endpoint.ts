import express from 'express';
import Stripe from 'stripe';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
const orders = new Map<string, string>(); // your database

const router = createWebhookRouter()
  // Unchanged from a snapshot endpoint: for v1.checkout.session.completed the session is fetched.
  .onCheckoutPaid((session) => {
    orders.set(orderReference(session), 'paid');
  })
  // A thin notification of its own, typed from stripe-node's EventNotification union.
  .on('v1.checkout.session.expired', async (notification) => {
    const session = await notification.fetchRelatedObject();
    orders.set(orderReference(session), 'expired');
  });

const app = express();
// One route for both kinds of payload: pass the Stripe client and thin notifications are routed.
app.post('/v1/webhook', stripeWebhookMiddleware({ secret: process.env.STRIPE_WEBHOOK_SECRET!, router, stripe }));
app.listen(8000);
