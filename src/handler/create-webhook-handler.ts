import { verifyDelivery } from '../verify/verify-delivery.js';
import { buildWebhookHandler, isWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from './build-webhook-handler.js';

/**
 * Creates the HTTP-neutral webhook handler: verification, deduplication, dispatch and the status
 * contract. Adapters for Express, Fastify, NestJS and the Web are thin layers over it.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  return buildWebhookHandler(options, verifyDelivery, 'node');
}

/** Adapters accept a handler or the options to make one. */
export function toWebhookHandler(handlerOrOptions: WebhookHandler | WebhookHandlerOptions): WebhookHandler {
  return isWebhookHandler(handlerOrOptions) ? handlerOrOptions : createWebhookHandler(handlerOrOptions);
}
