// A Cloudflare Worker as a user writes it: the secret from `env`, the store on `env.DB`. The test
// bundles it against the built package (dist/) the way wrangler bundles, without nodejs_compat.
// Each handler run is recorded in a `runs` table of the same D1 database, so the test can count
// them across every isolate.
import { createWebhookRouter } from 'stripe-webhook-kit';
import { sqliteStore, type D1DatabaseLike } from 'stripe-webhook-kit/sqlite';
import { createFetchHandler } from 'stripe-webhook-kit/web';

interface Env {
  DB: D1DatabaseLike;
  STRIPE_WEBHOOK_SECRET: string;
  WORKER_NAME: string;
}

// Made on the isolate's first request, when `env` is known, and reused by the next ones.
let handler: ((request: Request) => Promise<Response>) | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    handler ??= createFetchHandler({
      secret: env.STRIPE_WEBHOOK_SECRET,
      router: createWebhookRouter().on('checkout.session.completed', async (event) => {
        await env.DB.prepare('INSERT INTO runs (event_id, worker) VALUES (?, ?)').bind(event.id, env.WORKER_NAME).all();
      }),
      store: sqliteStore(env.DB),
    });
    return handler(request);
  },
};
