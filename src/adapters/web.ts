// Web APIs only: nothing here, or in what it imports, may need a `node:` module, so that the
// subpath runs on Workers, Deno, Bun and edge runtimes. Verification is Web Crypto's.
import { buildWebhookHandler, isWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
import { announcesTooLarge, createBodyCollector } from '../handler/capped-body.js';
import type { WebhookRequest } from '../types.js';
import { verifyDeliveryAsync } from '../verify/verify-delivery.js';

/** A handler of the Fetch API: Next.js App Router, Hono, Bun, Deno, Cloudflare Workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Answers Stripe's deliveries as `Request -> Response`, per the status contract. Options build a
 * handler that verifies with Web Crypto; a prebuilt handler is used as it is.
 *
 * @example
 * // app/api/webhook/route.ts (Next.js App Router)
 * export const POST = createFetchHandler({ secret: process.env.STRIPE_WEBHOOK_SECRET!, router });
 */
export function createFetchHandler(handlerOrOptions: WebhookHandler | WebhookHandlerOptions): FetchHandler {
  const handler = isWebhookHandler(handlerOrOptions) ? handlerOrOptions : buildWebhookHandler(handlerOrOptions, verifyDeliveryAsync);
  return async function stripeWebhook(request) {
    const body = await readBody(request, handler.maxBodyBytes);
    const answer = await handler.handle({ method: request.method, headers: request.headers, ...body });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}

type ReadBody = Pick<WebhookRequest, 'body' | 'bodyTooLarge'>;

async function readBody(request: Request, maxBodyBytes: number): Promise<ReadBody> {
  // Middleware that read the body (e.g. to log it) leaves nothing to verify: the core answers
  // 500 body_not_raw and logs the fix.
  if (request.bodyUsed) return { body: undefined };
  if (request.body === null) return { body: '' };
  if (announcesTooLarge(request.headers, maxBodyBytes)) return { body: undefined, bodyTooLarge: true };

  // Read chunk by chunk rather than with arrayBuffer(), which would buffer whatever a client
  // sends, Content-Length or not, before the size could be checked.
  const reader = request.body.getReader();
  const collector = createBodyCollector(maxBodyBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: collector.bytes() };
    if (!collector.add(value)) {
      reader.releaseLock();
      return { body: undefined, bodyTooLarge: true };
    }
  }
}
