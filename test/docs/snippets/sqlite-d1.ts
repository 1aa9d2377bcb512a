import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { sqliteStore } from 'stripe-webhook-kit/sqlite';
import { createFetchHandler, type FetchHandler } from 'stripe-webhook-kit/web';

interface Env {
  DB: D1Database; // a [[d1_databases]] binding named DB in your wrangler config
  STRIPE_WEBHOOK_SECRET: string; // wrangler secret put STRIPE_WEBHOOK_SECRET
}

// `env` arrives with the first request: the handler and its store are made then, once per isolate.
let webhook: FetchHandler | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    webhook ??= createFetchHandler({
      secret: env.STRIPE_WEBHOOK_SECRET,
      router: createWebhookRouter().onCheckoutPaid(async (session) => {
        await env.DB.prepare('UPDATE orders SET paid_at = ? WHERE id = ? AND paid_at IS NULL').bind(Date.now(), orderReference(session)).run();
      }),
      store: sqliteStore(env.DB),
    });
    return webhook(request);
  },
};
