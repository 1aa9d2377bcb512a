// Signed deliveries for tests, built from Stripe's own example objects (test/fixtures).
import type Stripe from 'stripe';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import type { DeepPartial } from '../../src/entries/testing.js';
import type { StripeEventOf, StripeEventType } from '../../src/types.js';

export const testSecret = 'whsec_test_6f1c0c3f2b7e4a0d9c8b7a6f5e4d3c2b';

export interface Delivery<E extends Stripe.Event = Stripe.Event> {
  event: E;
  body: string;
  headers: { 'content-type': string; 'stripe-signature': string };
}

/** A realistic event of `type`, serialized and signed with `secret`. */
export function signedDelivery<T extends StripeEventType>(
  type: T,
  overrides?: DeepPartial<StripeEventOf<T>>,
  options: { secret?: string; timestamp?: number } = {},
): Delivery<StripeEventOf<T>> {
  const event = createTestEvent(type, overrides);
  const { body, headers } = createSignedRequest(event, options.secret ?? testSecret, { timestamp: options.timestamp });
  return { event, body, headers };
}

/** A paid `checkout.session.completed` for `orderId`. */
export function paidCheckout(orderId: string, options?: { secret?: string }): Delivery<Stripe.CheckoutSessionCompletedEvent> {
  return signedDelivery('checkout.session.completed', { data: { object: { metadata: { orderId } } } }, options);
}

/** Strings that must never appear in a response body. */
export function leakCheck(body: string, delivery: Delivery, secret = testSecret): void {
  for (const secretText of [secret, delivery.body, 'Error:', '    at ']) {
    if (secretText && body.includes(secretText)) throw new Error(`response body leaks ${JSON.stringify(secretText.slice(0, 40))}`);
  }
}
