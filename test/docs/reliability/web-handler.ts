import { createWebhookRouter } from 'stripe-webhook-kit';
import { createFetchHandler, createWebCryptoWebhookHandler } from 'stripe-webhook-kit/web';

const router = createWebhookRouter();

// A handler of your own on Workers or an edge runtime: build it with Web Crypto.
export const handler = createWebCryptoWebhookHandler({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '', router });
export const POST = createFetchHandler(handler);
// createFetchHandler(createWebhookHandler(...)) throws at startup: that handler needs node:crypto.
