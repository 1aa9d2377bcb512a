import express from 'express';
import pg from 'pg';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';
import { postgresStore } from 'stripe-webhook-kit/postgres';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (error) => console.warn('idle PostgreSQL client failed', error));

const router = createWebhookRouter().onCheckoutPaid(async (session, _event, ctx) => {
  // No "WHERE status <> 'paid'" guard needed for duplicates: this runs, and commits, once.
  await ctx.db!.query(`UPDATE orders SET status = 'paid' WHERE id = $1`, [orderReference(session)]);
});

const app = express();
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router, store: postgresStore(pool, { transactional: true }) }));
app.listen(Number(process.env.PORT ?? 3000));
