// stripe-webhook-kit/nest: imports @nestjs/common and @nestjs/core (and node:stream).
export { StripeWebhookModule } from './stripe-webhook.module.js';
export { StripeInboxWorkerModule } from './stripe-inbox-worker.module.js';
export type { StripeInboxWorkerModuleOptions, StripeInboxWorkerModuleAsyncOptions, StripeInboxWorkerRouteOptions } from './stripe-inbox-worker-options.js';
export { OnStripeEvent, ON_STRIPE_EVENT_METADATA, type StripeEventMethod, type StripeEndpointOptions } from './on-stripe-event.decorator.js';
export { OnCheckoutPaid, OnCheckoutAwaitingPayment, OnCheckoutPaymentFailed } from './on-checkout.decorators.js';
export type { StripeWebhookModuleOptions, StripeWebhookModuleAsyncOptions, StripeWebhookRouteOptions } from './stripe-webhook-options.js';
export {
  STRIPE_WEBHOOK_HANDLER,
  STRIPE_WEBHOOK_OPTIONS,
  STRIPE_WEBHOOK_ROUTER,
  getStripeWebhookHandlerToken,
  getStripeWebhookOptionsToken,
  getStripeWebhookRouterToken,
  InjectStripeWebhookHandler,
  InjectStripeWebhookRouter,
} from './tokens.js';
