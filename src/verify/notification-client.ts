import type { ThinEventNotification, ThinEventPayload } from '../event-types.js';
import { invalidOption } from '../options.js';

/**
 * The part of a stripe-node client (`new Stripe(key)`, version 23 or later) that turns a verified
 * thin payload into a notification whose `fetchRelatedObject()` and `fetchEvent()` call the API
 * with that client's key, host and Stripe context. The kit imports nothing from `stripe` at run
 * time: it uses the client you pass.
 */
export interface EventNotificationClient {
  /** Builds a notification from a payload already verified, with the client's key and host for its fetches. */
  parseEventNotificationWithoutVerification(payload: string): ThinEventNotification;
}

/** Throws at startup when `stripe` is given but cannot build notifications. */
export function checkNotificationClient(stripe: unknown, where: string): asserts stripe is EventNotificationClient | undefined {
  if (stripe === undefined) return;
  const parse = typeof stripe === 'object' && stripe !== null ? (stripe as Record<string, unknown>).parseEventNotificationWithoutVerification : undefined;
  if (typeof parse !== 'function') {
    const requirement =
      'a stripe-node client (`new Stripe(process.env.STRIPE_SECRET_KEY)`) of version 23 or later, ' +
      'which has `parseEventNotificationWithoutVerification()` (upgrade with `npm install stripe@latest`)';
    throw invalidOption('type', where, 'stripe', requirement, stripe);
  }
}

/**
 * Builds the notification with stripe-node's own machinery. The payload was verified (or came
 * from a trusted channel) and checked to be a `v2.core.event`, so stripe-node only adds methods.
 */
export function buildNotification(stripe: EventNotificationClient, payload: ThinEventPayload): ThinEventNotification {
  const notification = stripe.parseEventNotificationWithoutVerification(JSON.stringify(payload));
  const fetchRelated = (notification as { fetchRelatedObject?: (this: unknown) => Promise<unknown> }).fetchRelatedObject;
  const named = payload.related_object;
  if (typeof fetchRelated !== 'function' || !named) return notification;
  // A proxy, a stand-in or a compromised API host may answer another object than the one named:
  // fulfilling that would fulfil someone else's order. The attempt fails instead.
  Object.assign(notification, {
    async fetchRelatedObject() {
      const object = (await fetchRelated.call(notification)) as { id?: unknown; object?: unknown } | null;
      if (object?.id !== named.id || (typeof named.type === 'string' && object?.object !== named.type)) {
        throw new RelatedObjectMismatchError(payload.id, `${named.type} ${named.id}`, `${String(object?.object)} ${String(object?.id)}`);
      }
      return object;
    },
  });
  return notification;
}

/** The API answered another object than the one a thin notification names: nothing is fulfilled from it. */
export class RelatedObjectMismatchError extends Error {
  override readonly name = 'RelatedObjectMismatchError';
  readonly code = 'related_object_mismatch';

  constructor(eventId: string, named: string, received: string) {
    super(
      `The thin notification ${eventId} names ${named}, but fetching it returned ${received}. Check the Stripe client's API host ` +
        '(a proxy or STRIPE_API_BASE that answers other objects): the handlers did not run on it, and the delivery will be retried.',
    );
  }
}
