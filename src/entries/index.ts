/**
 * The core: verification that decides as stripe-node does, the typed router with its checkout
 * helpers, the HTTP-neutral webhook handler that owns the status contract, and the in-memory
 * idempotency store. It imports nothing outside the package at run time (`node:crypto` only in
 * the synchronous verifier).
 *
 * @module stripe-webhook-kit
 */

export { verifyAndParse } from '../verify/verify-and-parse.js';
export { verifyAndParseAsync } from '../verify/verify-and-parse-async.js';
export { verifyAndParseNotification, type NotificationVerifyOptions } from '../verify/verify-and-parse-notification.js';
export { verifyAndParseNotificationAsync } from '../verify/verify-and-parse-notification-async.js';
export type { EventNotificationClient } from '../verify/notification-client.js';
export {
  isThinNotification,
  type ThinEventNotification,
  type ThinEventType,
  type ThinEventOf,
  type ThinEventPayload,
  type RoutableEvent,
  type RoutableEventType,
  type RoutableEventOf,
} from '../event-types.js';
export { WebhookVerificationError, type WebhookVerificationErrorCode } from '../verify/errors.js';
export {
  createWebhookRouter,
  type WebhookRouter,
  type EventHandler,
  type AnyEventHandler,
  type ErrorHandler,
  type CheckoutSessionHandler,
  type CheckoutSessionEventType,
  type DispatchOptions,
} from '../router/create-webhook-router.js';
export { NonRetryableError } from '../router/non-retryable-error.js';
export { orderReference } from '../router/order-reference.js';
export { createWebhookHandler } from '../handler/create-webhook-handler.js';
export { isWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
export type { ProcessOutcome } from '../processing/process-event.js';
export {
  handleTrustedDelivery,
  type TrustedDeliveryBaseOptions,
  type TrustedDeliveryOptions,
  type TrustedDeliveryResult,
  type TrustedInboxOptions,
  type TrustedHandlerOptions,
  type TrustedStoreOptions,
} from '../trusted/handle-trusted-delivery.js';
export type { TrustedChannel } from '../trusted/unwrap-envelope.js';
export { memoryStore, type MemoryStore, type MemoryStoreOptions } from '../stores/memory-store.js';
export { defaultLogger, silentLogger } from '../logger.js';
export type * from '../types.js';
export {
  catchUp,
  type CatchUpOptions,
  type CatchUpResult,
  type CatchUpProgress,
  type CatchUpOutcome,
  type CatchUpHandler,
  type CatchUpInbox,
} from '../catch-up/catch-up.js';
export {
  checkEndpoints,
  type CheckEndpointsOptions,
  type EndpointCheckResult,
  type EndpointReport,
  type EndpointDrift,
  type EndpointDriftCode,
} from '../catch-up/check-endpoints.js';
export { CatchUpError, type CatchUpErrorCode } from '../catch-up/catch-up-error.js';
export { parseSince, type Since } from '../catch-up/parse-since.js';
export type { StripeReadClient, StripeListPage, ListedThinEvent } from '../catch-up/stripe-client.js';
export { startInboxWorker, type InboxWorker, type InboxWorkerOptions, type InboxWorkerStopOptions } from '../inbox/start-inbox-worker.js';
export type { DeadLetterHook } from '../inbox/dead-letter-hook.js';
export { createHealthHandler, type HealthHandlerOptions } from '../inbox/create-health-handler.js';
export { InboxError, InboxLeaseLostError, type InboxErrorCode } from '../inbox/inbox-error.js';
export type * from '../inbox/types.js';
export type { WebhookTelemetryOptions, WebhookTelemetrySetting } from '../telemetry/telemetry-options.js';
