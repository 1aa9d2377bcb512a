// An outage as the Events API sees it: events of several types, some sharing a second (Stripe's
// `created` has one-second resolution), some delivered before the endpoint went down.
import type Stripe from 'stripe';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter, type WebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import type { IdempotencyStore, StripeEventType } from '../../src/types.js';

export const handledTypes = ['checkout.session.completed', 'payment_intent.succeeded', 'invoice.paid'] as const satisfies readonly StripeEventType[];

/**
 * `count` events in created order (the array's order is the order they happened), three per
 * second from `start`, cycling through `types`.
 */
// Each call's ids are its own: two outages made in the same second must not share ids, or a
// receiver's store would answer the second one's events as duplicates.
let outages = 0;

export function outageEvents(count: number, start: number, types: readonly StripeEventType[] = handledTypes): Stripe.Event[] {
  const outage = ++outages;
  return Array.from({ length: count }, (_, index) =>
    createTestEvent(types[index % types.length] as StripeEventType, { id: `evt_outage_${start}_${outage}_${index}`, created: start + Math.floor(index / 3) } as never),
  );
}

/** An app: a router whose handlers record each event they ran (and throw what `fail` gives), behind a handler with `store`. */
export function recordingApp(options: { store?: IdempotencyStore; types?: readonly StripeEventType[]; fail?: (event: Stripe.Event) => Error | undefined } = {}) {
  const ran: string[] = [];
  const router: WebhookRouter = createWebhookRouter();
  router.on(options.types ?? handledTypes, (event) => {
    ran.push(event.id);
    const error = options.fail?.(event);
    if (error) throw error;
  });
  const handler = createWebhookHandler({ secret: 'whsec_unused_by_catch_up', router, store: options.store ?? memoryStore(), logger: false });
  return { ran, router, handler };
}

/** The ids of `events`, for comparing with what handlers ran. */
export const ids = (events: readonly Stripe.Event[]) => events.map((event) => event.id);
