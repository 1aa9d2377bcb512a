// What the routes share, as bench/servers/shared.ts is for the other frameworks (this app cannot
// import it: Next bundles only what lies inside its own project). The secret comes from the
// environment that bench/next-app.ts sets for `next build` and `next start`.
import type Stripe from 'stripe';
import { createWebhookRouter, type WebhookHandlerOptions } from 'stripe-webhook-kit';

// Read when a route module loads, which `next build` does too: the bench sets it for both.
export const secret = process.env.BENCH_WEBHOOK_SECRET ?? '';

/** Stands for the work a shop does on a paid session: the same trivial call for every contender. */
export function fulfill(session: Stripe.Checkout.Session): boolean {
  return session.payment_status === 'paid';
}

/** Our handler options: only the store differs between the `ours` routes. */
export function ourOptions(store: 'none' | 'memory'): WebhookHandlerOptions {
  const router = createWebhookRouter();
  router.on('checkout.session.completed', (event) => fulfill(event.data.object));
  return { secret, router, ...(store === 'none' ? { store: false as const } : {}) };
}
