import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { createFetchHandler } from 'stripe-webhook-kit/web';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const paidOrders = new Set<string>(); // your database

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session)); // metadata.orderId, else client_reference_id
});

const webhook = createFetchHandler({ secret, router });

const app = new Hono();
// Hand over the raw Request: no middleware on this path may read the body first.
app.post('/v1/webhook', (c) => webhook(c.req.raw));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
