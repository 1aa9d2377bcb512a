// scripts/stripe-catch-up.ts: run it from cron or a scheduled job (hourly, say), or after an outage.
import pg from 'pg';
import Stripe from 'stripe';
import { catchUp, createWebhookHandler, createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { postgresStore } from 'stripe-webhook-kit/postgres';

// A restricted key with Events: read is enough (Dashboard > Developers > API keys).
const readKey = process.env.STRIPE_READ_KEY;
const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!readKey || !secret) throw new Error('Set STRIPE_READ_KEY (rk_...) and STRIPE_WEBHOOK_SECRET (whsec_...)');
const stripe = new Stripe(readKey);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });

// The same router and the same store table as the webhook endpoint: events it already
// processed are skipped, and a delivery arriving meanwhile cannot run a second time.
const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  await pool.query('UPDATE orders SET paid_at = now() WHERE id = $1 AND paid_at IS NULL', [orderReference(session)]);
});
const store = postgresStore(pool, { table: 'stripe_webhook_events' });
const handler = createWebhookHandler({ secret, router, store });

try {
  const result = await catchUp({
    stripe,
    since: '72h', // Stripe retries for 3 days; the Events API keeps 30
    undeliveredOnly: true,
    router, // types: the ones the router handles
    handler,
    onProgress: ({ fetched, processed, created }) => {
      if (fetched % 100 === 0) console.log(`${fetched} read, ${processed} processed, at ${new Date(created * 1000).toISOString()}`);
    },
  });
  console.log(result); // { fetched, alreadyDone, processed, failed, inProgress, discarded, ... }
  process.exitCode = result.failed === 0 ? 0 : 1;
} finally {
  await pool.end();
}
