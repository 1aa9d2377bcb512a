export { signPayload, type SignPayloadOptions } from './sign-payload.js';
export { createTestEvent } from './create-test-event.js';
export { createTestNotification } from './create-test-notification.js';
export { createSignedRequest, type SignedRequest, type SignedRequestOptions } from './create-signed-request.js';
export type { DeepPartial } from './deep-merge.js';
export { simulateDeliveries, type SimulatedDelivery, type SimulationRun } from './simulate-deliveries.js';
export { SimulationError, type SimulateDeliveriesOptions, type RetryOptions, type SimulationErrorCode } from './simulation-options.js';
export type { SimulationSummary, UnacknowledgedEvent } from './simulation-summary.js';
export { checkoutScenario, checkoutScenarioNames, type CheckoutScenarioName, type CheckoutScenarioOptions, type CheckoutScenarios } from './checkout-scenario.js';
