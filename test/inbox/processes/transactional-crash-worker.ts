// A pg-boss inbox worker (transactional) whose handler makes its write through ctx.db, says
// "wrote" and then never returns: the test SIGKILLs it there, between the write and the COMMIT.
// Runs the pg-boss major of its Node (pg-boss-engines.ts), on the schema the test made.
import pg from 'pg';
import { pgBossInbox } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';
import { loadPgBoss } from '../../support/pg-boss-engines.js';
import { transactionalInboxOptions, type CrashWorkerConfig } from './transactional-inbox-options.js';

const config = JSON.parse(process.env.CRASH_WORKER_CONFIG ?? '') as CrashWorkerConfig;
const PgBoss = await loadPgBoss();
const boss = new PgBoss({ connectionString: config.url, schema: config.schema, max: 4, supervise: false, schedule: false });
boss.on('error', () => undefined);
await (boss as unknown as { start(): Promise<unknown> }).start();
const db = new pg.Pool({ connectionString: config.url, max: 4 });
db.on('error', () => undefined);
const inbox = pgBossInbox(boss, { db, ...transactionalInboxOptions(config) });
const router = createWebhookRouter().onAny(async (event, ctx) => {
  await ctx.db?.query(`UPDATE ${config.counters} SET n = n + 1 WHERE id = $1`, [event.id]);
  process.stdout.write(`wrote ${event.id}\n`);
  await new Promise(() => undefined);
});
const worker = startInboxWorker({ inbox, router, logger: false });
await worker.ready;
process.stdout.write('ready\n');
