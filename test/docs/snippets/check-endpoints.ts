import Stripe from 'stripe';
import { checkEndpoints, createWebhookRouter } from 'stripe-webhook-kit';

// A restricted key with Webhook Endpoints: read is enough.
const readKey = process.env.STRIPE_READ_KEY;
if (!readKey) throw new Error('Set STRIPE_READ_KEY to a restricted key (rk_...)');
const stripe = new Stripe(readKey);
const router = createWebhookRouter()
  .onCheckoutPaid(() => {})
  .on('invoice.paid', () => {});

// At startup or in a deploy check: the app's own endpoint must send what the router handles.
const check = await checkEndpoints({ stripe, router, url: 'https://shop.example/v1/webhook' });
for (const drift of check.drift) console.warn(`[${drift.code}] ${drift.message}`);
if (!check.ok) process.exitCode = 1;
