/**
 * Signed, realistic deliveries for your own tests: `createTestEvent` builds a typed event from
 * Stripe's example objects, `createSignedRequest` and `signPayload` sign it as Stripe does.
 * See the [testing guide](../../docs/testing.md).
 *
 * @module stripe-webhook-kit/testing
 */

export { signPayload, type SignPayloadOptions } from '../testing/sign-payload.js';
export { createTestEvent } from '../testing/create-test-event.js';
export { createTestNotification } from '../testing/create-test-notification.js';
export { createSignedRequest, type SignedRequest, type SignedRequestOptions } from '../testing/create-signed-request.js';
export type { DeepPartial } from '../testing/deep-merge.js';
export { simulateDeliveries, type SimulatedDelivery, type SimulationRun } from '../testing/simulate-deliveries.js';
export { SimulationError, type SimulateDeliveriesOptions, type RetryOptions, type SimulationErrorCode } from '../testing/simulation-options.js';
export type { SimulationSummary, UnacknowledgedEvent } from '../testing/simulation-summary.js';
export { checkoutScenario, checkoutScenarioNames, type CheckoutScenarioName, type CheckoutScenarioOptions, type CheckoutScenarios } from '../testing/checkout-scenario.js';
