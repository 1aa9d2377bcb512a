import PgBoss from 'pg-boss';                // pg-boss 11 and later: import { PgBoss } from 'pg-boss'
import pg from 'pg';
import { createWebhookHandler, createWebhookRouter, startInboxWorker } from 'stripe-webhook-kit';
import { pgBossInbox } from 'stripe-webhook-kit/pg-boss';

const boss = new PgBoss(process.env.DATABASE_URL!);
await boss.start();
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const inbox = pgBossInbox(boss, {
  db,                                        // where the event log lives (default: pg-boss's own pool)
  queue: 'stripe-events',
  retry: { limit: 8, delaySeconds: 10, backoff: true },
  ordering: 'per-object',
  leaseMs: 60_000,
});

const router = createWebhookRouter().onCheckoutPaid(async (session) => fulfil(session));
const handler = createWebhookHandler({ secret: process.env.STRIPE_WEBHOOK_SECRET!, router, inbox });
const worker = startInboxWorker({ inbox, router, concurrency: 8 });
process.once('SIGTERM', async () => {
  await worker.stop({ graceMs: 10_000 });    // takes nothing new; aborts what still runs after 10 s
  await boss.stop();
});
