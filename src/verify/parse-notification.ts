import type { ThinEventPayload } from '../event-types.js';
import { WebhookVerificationError } from './errors.js';
import { parseJsonObject } from './parse-event.js';

/** Checks that a parsed body is a thin event notification (`object: "v2.core.event"`). */
export function toNotificationPayload(value: Record<string, unknown>): ThinEventPayload {
  if (value.object === 'event') {
    throw new WebhookVerificationError(
      'not_an_event',
      'This is a snapshot event (`object: "event"`), not a thin event notification. Parse it with `verifyAndParse()`.',
    );
  }
  if (value.object !== 'v2.core.event' || typeof value.id !== 'string' || typeof value.type !== 'string') {
    throw new WebhookVerificationError(
      'not_an_event',
      'The signed body is JSON but not a thin event notification: expected `object: "v2.core.event"` with an `id` and a `type`.',
    );
  }
  return value as unknown as ThinEventPayload;
}

/** Parses a verified body and checks it is a thin event notification. */
export function parseNotification(text: string): ThinEventPayload {
  return toNotificationPayload(parseJsonObject(text));
}
