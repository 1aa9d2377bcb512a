import { createWebhookRouter } from 'stripe-webhook-kit';
import { createFetchHandler, createWebCryptoWebhookHandler } from 'stripe-webhook-kit/web';

const router = createWebhookRouter();

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

// A handler of your own on Workers or an edge runtime: build it with Web Crypto.
export const handler = createWebCryptoWebhookHandler({ secret, router });
export const POST = createFetchHandler(handler);
// createFetchHandler(createWebhookHandler(...)) throws at startup: that handler needs node:crypto.
