import express from 'express';
import pg from 'pg';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';
import { postgresStore } from 'stripe-webhook-kit/postgres';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
// Without a listener, an idle connection's error (PostgreSQL restarted) crashes the process.
pool.on('error', (error) => console.error('postgres pool', error));

// One store per process; every instance of the app uses the same table.
const store = postgresStore(pool, { table: 'stripe_webhook_events' });
await store.ready(); // optional: creates the table now, so a bad connection fails at startup

const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  // Still conditional: after a crash mid-handler, the retry runs the handler again.
  await pool.query('UPDATE orders SET paid_at = now() WHERE id = $1 AND paid_at IS NULL', [orderReference(session)]);
});

const app = express();
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router, store }));
app.listen(Number(process.env.PORT ?? 3000));

// Deletes done events past their retention and leases of crashed processes, hourly.
setInterval(() => store.cleanup().catch(console.error), 60 * 60 * 1000).unref();
