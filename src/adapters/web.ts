// Web APIs only: nothing here, or in what it imports, may import a `node:` module, so that the
// subpath runs on Workers, Deno, Bun and edge runtimes. Verification is Web Crypto's, or
// node:crypto's where the runtime offers it through process.getBuiltinModule (never imported).
import { buildWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
import { verifyDeliveryAsync } from '../verify/verify-delivery.js';
import { readWebBody } from './read-web-body.js';
import { resolveWebhookHandler } from './resolve-webhook-handler.js';

/** A handler of the Fetch API: Next.js App Router, Hono, Bun, Deno, Cloudflare Workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * `createWebhookHandler` for Web runtimes: the same handler, verifying with Web Crypto (async),
 * or with node:crypto where `process.getBuiltinModule` offers it, for an app that wants the handler itself (to share it, or for
 * `handler.process`) on Workers, Deno, Bun or an edge runtime.
 */
export function createWebCryptoWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  return buildWebhookHandler(options, verifyDeliveryAsync, 'web');
}

/**
 * Answers Stripe's deliveries as `Request -> Response`, per the status contract. Options build a
 * handler that verifies with Web Crypto; a prebuilt handler from `createWebCryptoWebhookHandler`
 * is used as it is. A handler from `createWebhookHandler` (node:crypto) is refused here, at
 * build time, rather than failing at the first delivery on Workers.
 *
 * @example
 * // app/api/webhook/route.ts (Next.js App Router)
 * export const POST = createFetchHandler({ secret: process.env.STRIPE_WEBHOOK_SECRET!, router });
 */
export function createFetchHandler(handlerOrOptions: WebhookHandler | WebhookHandlerOptions): FetchHandler {
  const handler = resolveWebhookHandler(handlerOrOptions, { adapter: 'createFetchHandler', build: createWebCryptoWebhookHandler, crypto: 'web' });
  return async function stripeWebhook(request) {
    const body = await readWebBody(request, handler.maxBodyBytes);
    const answer = await handler.handle({ method: request.method, headers: request.headers, ...body, framework: 'web' });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
