import PgBoss from 'pg-boss';
import pg from 'pg';
import { createWebhookRouter, orderReference, startInboxWorker } from 'stripe-webhook-kit';
import { pgBossInbox } from 'stripe-webhook-kit/pg-boss';

const boss = new PgBoss(process.env.DATABASE_URL ?? 'postgres://localhost/app');
boss.on('error', (error) => console.error('pg-boss', error));
await boss.start();
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
db.on('error', (error) => console.error('postgres pool', error));

// The event log on the same database as your orders; pg-boss's job in the same transaction too.
const inbox = pgBossInbox(boss, { db, transactional: true });

const router = createWebhookRouter().onCheckoutPaid(async (session, _event, ctx) => {
  // Commits with the event's done mark and the job's completion, or not at all.
  await ctx.db?.query(`UPDATE orders SET status = 'paid' WHERE id = $1`, [orderReference(session)]);
});
const worker = startInboxWorker({ inbox, router, concurrency: 4 });
process.once('SIGTERM', () => void worker.stop().then(() => boss.stop()));
