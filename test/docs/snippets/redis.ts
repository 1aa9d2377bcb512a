import express from 'express';
import { Redis } from 'ioredis';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';
import { redisStore } from 'stripe-webhook-kit/redis';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const paidOrders = new Set<string>(); // your database

// ioredis connects by itself. Every instance of the app uses the same prefix.
const store = redisStore(new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), { prefix: 'shop:stripe-event:' });

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session));
});

const app = express();
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router, store }));
app.listen(Number(process.env.PORT ?? 3000));
