import type Stripe from 'stripe';
import { WebhookVerificationError } from './errors.js';

/** Parses a verified body into a JSON object (any Stripe delivery is one). */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WebhookVerificationError(
      'invalid_json',
      text.length === 0
        ? 'The request body is empty. A body parser may have consumed it before the webhook handler read it.'
        : 'The signed request body is not valid JSON.',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookVerificationError('not_an_event', 'The signed body is JSON but not a Stripe event object.');
  }
  return value as Record<string, unknown>;
}

/** Checks that a parsed body is a Stripe snapshot event. */
export function toSnapshotEvent(event: Record<string, unknown>): Stripe.Event {
  if (event.object === 'v2.core.event') {
    throw new WebhookVerificationError(
      'not_an_event',
      'This is a thin event notification (`v2.core.event`), not a snapshot event. Parse it with `verifyAndParseNotification()` ' +
        '(or stripe-node\'s `stripe.parseEventNotification()`), or pass `stripe` to `createWebhookHandler` to route it.',
    );
  }
  if (event.object !== 'event' || typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.data !== 'object' || event.data === null) {
    throw new WebhookVerificationError(
      'not_an_event',
      'The signed body is JSON but not a Stripe event: expected `object: "event"` with an `id`, a `type` and `data`.',
    );
  }
  return event as unknown as Stripe.Event;
}

/** Parses a verified body and checks it is a Stripe snapshot event. */
export function parseEvent(text: string): Stripe.Event {
  return toSnapshotEvent(parseJsonObject(text));
}
