import type { ThinEventNotification, ThinEventPayload } from '../event-types.js';

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
    throw new TypeError(
      `${where}: \`stripe\` must be a stripe-node client (\`new Stripe(process.env.STRIPE_SECRET_KEY)\`) of version 23 or later, ` +
        'which has `parseEventNotificationWithoutVerification()`; upgrade with `npm install stripe@latest`.',
    );
  }
}

/**
 * Builds the notification with stripe-node's own machinery. The payload was verified (or came
 * from a trusted channel) and checked to be a `v2.core.event`, so stripe-node only adds methods.
 */
export function buildNotification(stripe: EventNotificationClient, payload: ThinEventPayload): ThinEventNotification {
  return stripe.parseEventNotificationWithoutVerification(JSON.stringify(payload));
}
