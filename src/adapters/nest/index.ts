// stripe-webhook-kit/nest: imports @nestjs/common and @nestjs/core, and the kit's own Express
// middleware and Fastify plugin, which import nothing from their frameworks at run time.
export { StripeWebhookModule } from './stripe-webhook.module.js';
export { OnStripeEvent, ON_STRIPE_EVENT_METADATA, type StripeEventMethod } from './on-stripe-event.decorator.js';
export type { StripeWebhookModuleOptions, StripeWebhookModuleAsyncOptions } from './stripe-webhook-options.js';
export { STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_OPTIONS, STRIPE_WEBHOOK_ROUTER } from './tokens.js';
