import type { RoutableEvent } from '../event-types.js';
import { thinCheckoutTypes } from '../router/thin-checkout.js';
import { buildNotification, checkNotificationClient, type EventNotificationClient } from '../verify/notification-client.js';
import { InboxError } from './inbox-error.js';
import { isThinPayload } from './inbox-event.js';
import type { InboxEvent } from './types.js';

const fix = 'pass the Stripe client to the worker: startInboxWorker({ inbox, router, stripe: new Stripe(process.env.STRIPE_SECRET_KEY) }) (stripe-node 23 or later)';
// The checkout helpers register these beside their snapshot types, so an app that only ever
// receives snapshot events has them too: they cannot tell that thin notifications will come.
const helperTypes = new Set<string>(Object.values(thinCheckoutTypes));

/**
 * Turns what a worker claimed into what the router dispatches. The inbox stores a thin
 * notification as it arrived; the worker rebuilds it with the user's stripe-node client, so that
 * `fetchRelatedObject()` runs now, when the event is processed, with the app's key and host.
 *
 * Forgetting the client must not go unnoticed: a router with handlers for thin types of its own
 * makes the worker refuse to start, and a thin notification that reaches a worker without a
 * client fails its attempt with `stripe_client_required` (the engine retries it, and it stays
 * `failed` or `dead` in the inbox, with the fix, until it is replayed).
 */
export function createWorkerEventResolver(stripe: unknown, router: { readonly eventTypes?: ReadonlySet<string> }): (event: InboxEvent) => RoutableEvent {
  checkNotificationClient(stripe, 'startInboxWorker');
  const client: EventNotificationClient | undefined = stripe;
  if (!client) {
    const thin = [...(router.eventTypes ?? [])].filter((type) => /^v\d+\./.test(type) && !helperTypes.has(type));
    if (thin.length > 0) throw new InboxError('stripe_client_required', `startInboxWorker: the router handles thin event notifications (${thin.join(', ')}); ${fix}.`);
  }
  return (event) => {
    if (!isThinPayload(event)) return event;
    if (client) return buildNotification(client, event);
    throw new InboxError('stripe_client_required', `thin event notification ${event.id} (${event.type}) cannot be processed without a Stripe client: ${fix}, then replay it.`);
  };
}
