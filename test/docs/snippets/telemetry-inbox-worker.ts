import { createWebhookRouter, startInboxWorker } from 'stripe-webhook-kit';
import { pgBossInbox, type PgBossLike } from 'stripe-webhook-kit/pg-boss';

declare const boss: PgBossLike; // your started PgBoss instance
declare function shipOrder(sessionId: string): Promise<void>;

const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  await shipOrder(session.id); // its own spans nest under `stripe.webhook process checkout.session.completed`
});

// Same `telemetry` option as the handler's (omitted: on when @opentelemetry/api is installed).
// Each attempt is a consumer span linked to the `stripe.webhook receive` span that queued it.
const worker = startInboxWorker({ inbox: pgBossInbox(boss), router, concurrency: 8 });
process.once('SIGTERM', () => void worker.stop());
