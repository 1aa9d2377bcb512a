/**
 * Signed, realistic deliveries for your own tests: `createTestEvent` builds a typed event from
 * Stripe's example objects, `createSignedRequest` and `signPayload` sign it as Stripe does.
 * See the [testing guide](../docs/testing.md).
 *
 * @module stripe-webhook-kit/testing
 */
export * from '../src/testing/index.js';
