import Fastify from 'fastify';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookPlugin } from 'stripe-webhook-kit/fastify';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const paidOrders = new Set<string>(); // your database

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session)); // metadata.orderId, else client_reference_id
});

const app = Fastify({ logger: true });
// Encapsulated: its raw-body parser serves this route only; other routes keep parsing JSON.
await app.register(stripeWebhookPlugin, { path: '/v1/webhook', secret, router });

await app.listen({ port: Number(process.env.PORT ?? 3000) });
