// A worker process whose handler always fails, on an inbox with one retry: every event ends dead.
// Its onDead records (event, attempts, pid) in INBOX_EFFECTS_URL's table `${INBOX_SCHEMA}.dead_letters`.
// INBOX_ENGINE=pg-boss (INBOX_DATABASE_URL) or bullmq (INBOX_REDIS_URL), as boss.ts opens them.
// Prints "ready"; SIGTERM stops it gracefully (stop() waits for onDead calls in flight).
import { Redis } from 'ioredis';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { bullmqInbox } from '../../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../../src/inbox/types.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';

const schema = process.env.INBOX_SCHEMA as string;
const retry = { limit: 1, delaySeconds: 0, backoff: false };
let inbox: Inbox;
let closeEngine: () => Promise<unknown>;
if (process.env.INBOX_ENGINE === 'bullmq') {
  const connection = new Redis(process.env.INBOX_REDIS_URL as string, { maxRetriesPerRequest: null });
  inbox = bullmqInbox({ connection, prefix: schema, queue: 'dead', retry });
  closeEngine = async () => void (await inbox.close(), connection.disconnect());
} else {
  const url = process.env.INBOX_DATABASE_URL as string;
  const boss = new PgBoss({ connectionString: url, schema, max: 4, schedule: false, supervise: true, maintenanceIntervalSeconds: 1, monitorStateIntervalSeconds: 1 });
  boss.on('error', () => undefined);
  await boss.start();
  inbox = pgBossInbox(boss, { table: `${schema}.events`, queue: 'dead', retry, pollingIntervalSeconds: 0.5 });
  closeEngine = () => boss.stop({ graceful: false, wait: true });
}
const effects = new pg.Pool({ connectionString: process.env.INBOX_EFFECTS_URL, max: 2 });
const router = createWebhookRouter().onAny(() => {
  throw new Error(`handler failed in ${process.pid}`);
});
const worker = startInboxWorker({
  inbox,
  router,
  concurrency: 2,
  logger: false,
  onDead: async (event, attempts) => {
    await effects.query(`INSERT INTO ${schema}.dead_letters (event_id, worker, attempts, last_error) VALUES ($1, $2, $3, $4)`, [event.id, process.pid, attempts.length, attempts.at(-1)?.error ?? null]);
  },
});
await worker.ready;
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(async () => {
    await closeEngine();
    await effects.end();
    process.exit(0);
  });
});
