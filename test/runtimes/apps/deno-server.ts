// main.ts: deno run --allow-net --allow-env --allow-read main.ts (npm: packages, or a package.json)
import { Redis } from 'ioredis';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { redisStore } from 'stripe-webhook-kit/redis';
import { createFetchHandler } from 'stripe-webhook-kit/web';

const secret = Deno.env.get('STRIPE_WEBHOOK_SECRET');
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const store = redisStore(new Redis(Deno.env.get('REDIS_URL') ?? 'redis://127.0.0.1:6379'));

const router = createWebhookRouter().onCheckoutPaid((session) => {
  console.log(`fulfil ${session.id}`); // your order fulfilment
});

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000) }, createFetchHandler({ secret, router, store }));
