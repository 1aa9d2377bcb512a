import type { ThinEventNotification, ThinEventPayload } from '../event-types.js';
import type { RawBody, VerifyOptions } from '../types.js';
import { buildNotification, checkNotificationClient, type EventNotificationClient } from './notification-client.js';
import { parseNotification } from './parse-notification.js';
import { verifySignature } from './verify-and-parse.js';

/** Verification options, plus the Stripe client that gives the notification its fetch methods. */
export interface NotificationVerifyOptions extends VerifyOptions {
  /** A stripe-node client: the result then has `fetchRelatedObject()` and `fetchEvent()`. */
  stripe?: EventNotificationClient;
}

/**
 * Verifies a thin event notification (`object: "v2.core.event"`) as {@link verifyAndParse}
 * verifies a snapshot event, with `node:crypto`, and returns it. With `options.stripe` it is
 * built by stripe-node, so `fetchRelatedObject()` and `fetchEvent()` work; without it, it is the
 * payload as sent. A snapshot event is refused with `not_an_event`.
 *
 * @throws {@link WebhookVerificationError} with a `code` and the `status` to answer.
 */
export function verifyAndParseNotification(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options: NotificationVerifyOptions & { stripe: EventNotificationClient },
): ThinEventNotification;
export function verifyAndParseNotification(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: NotificationVerifyOptions,
): ThinEventPayload;
export function verifyAndParseNotification(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: NotificationVerifyOptions,
): ThinEventNotification | ThinEventPayload {
  checkNotificationClient(options?.stripe, 'verifyAndParseNotification');
  const notification = parseNotification(verifySignature(payload, signatureHeader, secret, options));
  return options?.stripe ? buildNotification(options.stripe, notification) : notification;
}
