import { createWebhookRouter, startInboxWorker } from 'stripe-webhook-kit';
import { pgBossInbox, type PgBossLike } from 'stripe-webhook-kit/pg-boss';

declare const boss: PgBossLike; // your started PgBoss instance
const router = createWebhookRouter(); // your handlers

const worker = startInboxWorker({
  inbox: pgBossInbox(boss),
  router,
  // Once per event that becomes dead, in the worker that settled it. A failure here is logged and
  // ignored: the event stays dead in the inbox, and the console and `inbox health` still show it.
  onDead: async (event, attempts) => {
    const last = attempts.at(-1);
    await fetch(process.env.CHAT_WEBHOOK_URL!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: `Stripe event ${event.id} (${event.type}) is dead after ${attempts.length} attempts: ${last?.error ?? 'no error recorded'}. Replay it from the console once fixed.`,
      }),
      signal: AbortSignal.timeout(5_000),
    });
  },
});
process.once('SIGTERM', () => void worker.stop());
