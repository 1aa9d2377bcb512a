// app/api/webhook/route.ts (Next.js App Router, on Vercel's Edge Runtime)
import { createWebhookRouter } from 'stripe-webhook-kit';
import { createFetchHandler } from 'stripe-webhook-kit/web';

export const runtime = 'edge';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

// An edge function's memory lasts one isolate: give it a store every instance shares (a
// `store` of your own over your database's HTTP driver) when duplicates must not run twice.
const router = createWebhookRouter().onCheckoutPaid((session) => {
  console.log(`fulfil ${session.id}`); // your order fulfilment
});

export const POST = createFetchHandler({ secret, router });
