import type { ThinEventNotification, ThinEventPayload } from '../event-types.js';
import type { RawBody } from '../types.js';
import { buildNotification, checkNotificationClient, type EventNotificationClient } from './notification-client.js';
import { parseNotification } from './parse-notification.js';
import type { NotificationVerifyOptions } from './verify-and-parse-notification.js';
import { verifySignatureAsync } from './verify-and-parse-async.js';

/**
 * {@link verifyAndParseNotification} with Web Crypto only, for runtimes without `node:crypto`
 * (Workers, Deno, Bun, edge functions): same decisions, errors and result.
 */
export async function verifyAndParseNotificationAsync(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options: NotificationVerifyOptions & { stripe: EventNotificationClient },
): Promise<ThinEventNotification>;
export async function verifyAndParseNotificationAsync(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: NotificationVerifyOptions,
): Promise<ThinEventPayload>;
export async function verifyAndParseNotificationAsync(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: NotificationVerifyOptions,
): Promise<ThinEventNotification | ThinEventPayload> {
  checkNotificationClient(options?.stripe, 'verifyAndParseNotificationAsync');
  const notification = parseNotification(await verifySignatureAsync(payload, signatureHeader, secret, options));
  return options?.stripe ? buildNotification(options.stripe, notification) : notification;
}
