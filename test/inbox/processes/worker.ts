// A worker process: each handler writes its effect through ctx.db (the done mark's transaction)
// after a short pause in which the test may SIGKILL it. Prints "ready"; SIGTERM stops it gracefully.
import { setTimeout as sleep } from 'node:timers/promises';
import { startInboxWorker } from '../../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';
import { openInbox } from './boss.js';

const { boss, inbox } = await openInbox('worker');
const effects = `${process.env.INBOX_SCHEMA as string}.effects`;
const router = createWebhookRouter().onAny(async (event, ctx) => {
  await sleep(Number(process.env.INBOX_HANDLER_MS ?? 20));
  await ctx.db?.query(`INSERT INTO ${effects} (event_id, worker) VALUES ($1, $2)`, [event.id, process.pid]);
});
const worker = startInboxWorker({ inbox, router, concurrency: Number(process.env.INBOX_CONCURRENCY ?? 4), logger: false });
await worker.ready;
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(async () => {
    await boss.stop({ graceful: false, wait: true });
    process.exit(0);
  });
});
