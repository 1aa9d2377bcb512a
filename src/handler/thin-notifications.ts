import type { RoutableEvent } from '../event-types.js';
import type { WebhookLogger } from '../types.js';
import { buildNotification, type EventNotificationClient } from '../verify/notification-client.js';
import type { VerifiedDelivery } from '../verify/verify-delivery.js';

/**
 * Turns a verified (or trusted) delivery into what the router dispatches: a snapshot event as it
 * is, a thin notification built by the user's stripe-node client. Without a client a thin
 * notification cannot be routed (its handlers need `fetchRelatedObject()`): the resolver answers
 * `undefined` and logs the fix once, at the first one, since nothing at startup says whether an
 * endpoint will receive thin payloads.
 */
export function createNotificationResolver(stripe: EventNotificationClient | undefined, logger: WebhookLogger, where: string) {
  let warned = false;
  return function resolve(delivery: VerifiedDelivery): RoutableEvent | undefined {
    if (delivery.object === 'event') return delivery;
    const payload = delivery;
    if (stripe) return buildNotification(stripe, payload);
    if (!warned) {
      warned = true;
      logger.error(
        `received a thin event notification (${payload.type}) but ${where} has no Stripe client, so it cannot be routed: ` +
          'pass `stripe: new Stripe(process.env.STRIPE_SECRET_KEY)` (stripe-node 23 or later). Until then thin notifications are ' +
          'answered 500 `stripe_client_required`, and Stripe retries them (for up to three days).',
        { eventId: payload.id, type: payload.type },
      );
    }
    return undefined;
  };
}
