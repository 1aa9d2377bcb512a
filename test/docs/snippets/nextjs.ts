// app/api/webhook/route.ts
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { createFetchHandler } from 'stripe-webhook-kit/web';

const paidOrders = new Set<string>(); // your database

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session)); // metadata.orderId, else client_reference_id
});

// Route handlers get the untouched Request, and the signature is checked with Web Crypto.
export const POST = createFetchHandler({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '', router });
