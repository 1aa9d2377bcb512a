import { verifyDelivery } from '../verify/verify-delivery.js';
import { buildWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from './build-webhook-handler.js';

/**
 * Creates the HTTP-neutral webhook handler: verification, deduplication, dispatch and the status
 * contract. Adapters for Express, Fastify, NestJS and the Web are thin layers over it.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  return buildWebhookHandler(options, verifyDelivery, 'node');
}

