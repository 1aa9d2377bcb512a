// Web APIs only: nothing here, or in what it imports, may need a `node:` module, so that the
// subpath runs on Workers, Deno, Bun and edge runtimes. Verification is Web Crypto's.
import { buildWebhookHandler, isWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
import { verifyAndParseAsync } from '../verify/verify-and-parse-async.js';
import { readWebBody } from './read-web-body.js';

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
  const handler = isWebhookHandler(handlerOrOptions) ? handlerOrOptions : buildWebhookHandler(handlerOrOptions, verifyAndParseAsync);
  return async function stripeWebhook(request) {
    const body = await readWebBody(request, handler.maxBodyBytes);
    const answer = await handler.handle({ method: request.method, headers: request.headers, ...body });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
