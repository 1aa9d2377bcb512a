// server.ts: bun run server.ts (with pg installed: bun add pg)
import pg from 'pg';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import { createFetchHandler } from 'stripe-webhook-kit/web';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (error) => console.error('postgres pool', error));
const store = postgresStore(pool);

const router = createWebhookRouter().onCheckoutPaid((session) => {
  console.log(`fulfil ${session.id}`); // your order fulfilment
});

const webhook = createFetchHandler({ secret, router, store });
Bun.serve({ port: Number(process.env.PORT ?? 8000), fetch: webhook });
