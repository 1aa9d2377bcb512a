import type Stripe from 'stripe';
import type { ThinEventPayload } from '../event-types.js';
import { signPayload } from './sign-payload.js';

/** Options of `createSignedRequest`. */
export interface SignedRequestOptions {
  /** Where the request is meant to go; copied to the result for convenience. */
  url?: string;
  /** Unix seconds to sign with. Default now. */
  timestamp?: number;
}

/** A delivery as Stripe would send it: pass `body` and `headers` to `fetch` (or supertest, or `app.inject`). */
export interface SignedRequest {
  method: 'POST';
  url?: string;
  /** The exact body that was signed: send it byte for byte. */
  body: string;
  headers: { 'content-type': string; 'stripe-signature': string };
}

/**
 * Serializes an event (or a thin notification from `createTestNotification`) as Stripe does
 * (pretty-printed JSON) and signs it, ready to POST to your endpoint with `fetch`, supertest or
 * `app.inject`.
 */
export function createSignedRequest(event: Stripe.Event | ThinEventPayload | string, secret: string, options: SignedRequestOptions = {}): SignedRequest {
  const body = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const signature = signPayload(body, secret, { timestamp: options.timestamp });
  return {
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
  };
}
