// app/api/webhook/route.ts
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { createFetchHandler } from 'stripe-webhook-kit/web';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const paidOrders = new Set<string>(); // your database

const router = createWebhookRouter().onCheckoutPaid((session) => {
  paidOrders.add(orderReference(session)); // metadata.orderId, else client_reference_id
});

// Route handlers get the untouched Request, which is what the signature check needs.
// (The check above runs when the module loads: set the secret where `next build` runs too.)
export const POST = createFetchHandler({ secret, router });
