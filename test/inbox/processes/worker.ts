// A worker process: each handler records its effect after a short pause in which the test may
// SIGKILL it. On pg-boss the effect is written through ctx.db (the done mark's transaction); on
// BullMQ, which has no such transaction, into INBOX_EFFECTS_URL (a database the test never stops).
// Prints "ready"; SIGTERM stops it gracefully.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startInboxWorker } from '../../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';
import { openInbox } from './boss.js';

const { inbox, close } = await openInbox('worker');
const effects = `${process.env.INBOX_SCHEMA as string}.effects`;
const effectsDb = process.env.INBOX_EFFECTS_URL ? new pg.Pool({ connectionString: process.env.INBOX_EFFECTS_URL, max: 4 }) : undefined;
const router = createWebhookRouter().onAny(async (event, ctx) => {
  await sleep(Number(process.env.INBOX_HANDLER_MS ?? 20));
  await (ctx.db ?? effectsDb)?.query(`INSERT INTO ${effects} (event_id, worker) VALUES ($1, $2)`, [event.id, process.pid]);
});
const worker = startInboxWorker({ inbox, router, concurrency: Number(process.env.INBOX_CONCURRENCY ?? 4), logger: false });
await worker.ready;
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(async () => {
    await close();
    await effectsDb?.end();
    process.exit(0);
  });
});
