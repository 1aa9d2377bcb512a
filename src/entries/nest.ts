/**
 * The NestJS 10, 11 and 12 webhook module and decorators, on the Express and Fastify platforms,
 * and the inbox worker module for application contexts. See
 * [NestJS](../../docs/nestjs.md).
 *
 * @module stripe-webhook-kit/nest
 */

export { StripeWebhookModule } from '../adapters/nest/stripe-webhook.module.js';
export { StripeInboxWorkerModule } from '../adapters/nest/stripe-inbox-worker.module.js';
export type { StripeInboxWorkerModuleOptions, StripeInboxWorkerModuleAsyncOptions, StripeInboxWorkerRouteOptions } from '../adapters/nest/stripe-inbox-worker-options.js';
export { OnStripeEvent, ON_STRIPE_EVENT_METADATA, type StripeEventMethod, type StripeEndpointOptions } from '../adapters/nest/on-stripe-event.decorator.js';
export { OnCheckoutPaid, OnCheckoutAwaitingPayment, OnCheckoutPaymentFailed } from '../adapters/nest/on-checkout.decorators.js';
export type { StripeWebhookModuleOptions, StripeWebhookModuleAsyncOptions, StripeWebhookRouteOptions } from '../adapters/nest/stripe-webhook-options.js';
export {
  STRIPE_WEBHOOK_HANDLER,
  STRIPE_WEBHOOK_OPTIONS,
  STRIPE_WEBHOOK_ROUTER,
  getStripeWebhookHandlerToken,
  getStripeWebhookOptionsToken,
  getStripeWebhookRouterToken,
  InjectStripeWebhookHandler,
  InjectStripeWebhookRouter,
} from '../adapters/nest/tokens.js';
