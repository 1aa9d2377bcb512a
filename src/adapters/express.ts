import type { WebhookHandler, WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
import { createWebhookHandler } from '../handler/create-webhook-handler.js';
import { resolveBodyTimeout, type BodyReadOptions } from './capped-body.js';
import { readNodeRequest, type NodeRequestLike } from './read-node-request.js';
import type { WebhookFramework } from '../types.js';
import { frameworkOf, resolveWebhookHandler } from './resolve-webhook-handler.js';

export type { BodyReadOptions } from './capped-body.js';
export type { NodeRequestLike } from './read-node-request.js';

/** The parts of Express's (or Node's) response the middleware writes. */
export interface NodeResponseLike {
  /** Sends the status and headers (Node's `ServerResponse.writeHead`). */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Sends the body and ends the response. */
  end(body: string): unknown;
}

/** Express 4 and 5, Connect, or a bare `http.createServer` callback with a third argument. */
export type StripeWebhookMiddleware = (request: NodeRequestLike, response: NodeResponseLike, next: (error?: unknown) => void) => void;

/**
 * Express middleware that answers Stripe's deliveries per the status contract. It reads the raw
 * body itself, and also takes it from `req.body` (`express.raw()`, `express.text()`) or
 * `req.rawBody` (a `verify` hook of `express.json()`, Nest). When a parser consumed the body and
 * kept no raw copy, it answers 500 `body_not_raw` and logs how to fix the mounting order.
 *
 * @example
 * app.post('/v1/webhook', stripeWebhookMiddleware({ secret: process.env.STRIPE_WEBHOOK_SECRET!, router }));
 * app.use(express.json()); // after the webhook route
 */
export function stripeWebhookMiddleware(handlerOrOptions: WebhookHandler | (WebhookHandlerOptions & BodyReadOptions) | ({ handler: WebhookHandler } & BodyReadOptions)): StripeWebhookMiddleware {
  // Built now, so a bad configuration fails at startup rather than on Stripe's first delivery.
  const adapter = 'stripeWebhookMiddleware';
  const handler = resolveWebhookHandler(handlerOrOptions, { adapter, build: createWebhookHandler, crypto: 'node', adapterKeys: ['bodyTimeoutMs'] });
  const bodyTimeoutMs = resolveBodyTimeout((handlerOrOptions as BodyReadOptions).bodyTimeoutMs, adapter);
  const framework = frameworkOf(handlerOrOptions, 'express');
  return function stripeWebhook(request, response, next) {
    void answer(handler, framework, bodyTimeoutMs, request, response, next);
  };
}

async function answer(handler: WebhookHandler, framework: WebhookFramework, bodyTimeoutMs: number, request: NodeRequestLike, response: NodeResponseLike, next: (error?: unknown) => void) {
  try {
    const webhookRequest = await readNodeRequest(request, handler.maxBodyBytes, bodyTimeoutMs);
    // The client hung up before its body arrived: there is nobody left to answer.
    if (webhookRequest === undefined) return;
    const answered = await handler.handle({ ...webhookRequest, framework });
    response.writeHead(answered.status, answered.headers);
    response.end(answered.body);
  } catch (error) {
    // Only what the core cannot answer gets here (a response another middleware already sent):
    // the contract's own failures are responses, never errors.
    next(error);
  }
}
