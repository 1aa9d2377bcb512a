// src/index.ts of a Worker (wrangler.toml: a [[d1_databases]] binding named DB; no nodejs_compat).
import { createWebhookRouter } from 'stripe-webhook-kit';
import { sqliteStore } from 'stripe-webhook-kit/sqlite';
import { createFetchHandler, type FetchHandler } from 'stripe-webhook-kit/web';

interface Env {
  STRIPE_WEBHOOK_SECRET: string; // wrangler secret put STRIPE_WEBHOOK_SECRET
  DB: D1Database; // from @cloudflare/workers-types
}

const router = createWebhookRouter().onCheckoutPaid((session) => {
  console.log(`fulfil ${session.id}`); // your order fulfilment
});

// The secret and the database arrive with the first request: the handler is built then, once per
// isolate. D1 is shared by every isolate, so a duplicate is caught wherever it lands.
let webhook: FetchHandler | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    webhook ??= createFetchHandler({ secret: env.STRIPE_WEBHOOK_SECRET, router, store: sqliteStore(env.DB) });
    return webhook(request);
  },
};
