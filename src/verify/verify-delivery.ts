import type Stripe from 'stripe';
import type { ThinEventPayload } from '../event-types.js';
import type { RawBody, VerifyOptions } from '../types.js';
import { parseJsonObject, toSnapshotEvent } from './parse-event.js';
import { toNotificationPayload } from './parse-notification.js';
import { nodeCrypto } from './node-crypto.js';
import { verifySignatureAsync } from './verify-and-parse-async.js';
import { verifySignature } from './verify-and-parse.js';

/** What an endpoint can receive: a snapshot event or a thin notification. */
export type VerifiedDelivery = Stripe.Event | ThinEventPayload;

/** The handler's verifier: one signature check, then either kind of payload. */
export function verifyDelivery(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
): VerifiedDelivery {
  return parseDelivery(verifySignature(payload, signatureHeader, secret, options));
}

/**
 * {@link verifyDelivery} for the Web adapter: with `node:crypto` where the runtime offers it
 * through `process.getBuiltinModule` (Node, Bun, Deno), else with Web Crypto (Workers, edge
 * runtimes). Both decide alike; on Node a Web Crypto `sign` is a round trip to a thread pool,
 * several times the cost of the whole synchronous check on a small delivery (see bench/).
 */
export async function verifyDeliveryAsync(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
): Promise<VerifiedDelivery> {
  if (nodeCrypto()) return parseDelivery(verifySignature(payload, signatureHeader, secret, options));
  return parseDelivery(await verifySignatureAsync(payload, signatureHeader, secret, options));
}

/** Parses a verified or trusted body: a snapshot event or a thin notification. */
export function parseDelivery(text: string): VerifiedDelivery {
  return toDelivery(parseJsonObject(text));
}

export function toDelivery(value: Record<string, unknown>): VerifiedDelivery {
  return value.object === 'v2.core.event' ? toNotificationPayload(value) : toSnapshotEvent(value);
}
