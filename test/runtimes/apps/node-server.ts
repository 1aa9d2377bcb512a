// server.ts: node server.ts (Node 22.18+ runs TypeScript; npm install @hono/node-server)
import { serve } from '@hono/node-server';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { createFetchHandler } from 'stripe-webhook-kit/web';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const router = createWebhookRouter().onCheckoutPaid((session) => {
  console.log(`fulfil ${session.id}`); // your order fulfilment
});

serve({ port: Number(process.env.PORT ?? 8000), fetch: createFetchHandler({ secret, router }) });
