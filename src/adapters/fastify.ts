import { createWebhookHandler } from '../handler/create-webhook-handler.js';
import { isWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
import type { WebhookResponse } from '../types.js';

// The parts of Fastify the plugin uses. Fastify 4's and 5's `FastifyInstance` types (and those
// of two copies of one major) are not assignable to each other, so the plugin takes any object
// and reads it through this shape, which all of them have at run time.
interface FastifyRequestLike {
  method: string;
  headers: Record<string, string | readonly string[] | undefined>;
  body?: unknown;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): FastifyReplyLike;
}
interface FastifyInstanceLike {
  initialConfig: { bodyLimit?: number };
  removeAllContentTypeParsers(): void;
  addContentTypeParser(contentType: string, options: { parseAs: 'buffer' }, parser: (request: unknown, body: Uint8Array, done: (error: null, body: Uint8Array) => void) => void): void;
  setErrorHandler(handler: (error: Error & { code?: string }, request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>): void;
  all(path: string, options: { bodyLimit: number }, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>): void;
}

/**
 * The handler options plus `path`; or a prebuilt handler, as `{ handler, path }` or by itself (the
 * route is then at the default path).
 */
export type StripeWebhookPluginOptions = {
  /** Where the route goes, under the register `prefix` if any. Default `/v1/webhook`. */
  path?: string;
} & (WebhookHandlerOptions | { handler: WebhookHandler } | WebhookHandler);

const defaultPath = '/v1/webhook';

/**
 * A Fastify 4 and 5 plugin that owns the webhook route and its raw-body parser. It is
 * encapsulated on purpose: the parser that keeps the bytes raw applies to this route only, and
 * the rest of the app keeps Fastify's JSON parsing (or its own parsers).
 *
 * The route answers every method (405 for all but POST, per the contract). Its body limit is the
 * handler's `maxBodyBytes`, which defaults to the app's `bodyLimit` when options are given.
 *
 * @example
 * await app.register(stripeWebhookPlugin, { path: '/v1/webhook', secret: process.env.STRIPE_WEBHOOK_SECRET!, router });
 */
export async function stripeWebhookPlugin(instance: object, options: StripeWebhookPluginOptions): Promise<void> {
  const fastify = instance as FastifyInstanceLike;
  const path = readPath(options);
  const handler = resolveHandler(options, fastify.initialConfig.bodyLimit);

  // Registered parsers are inherited from the parent; in this context only raw bytes are wanted,
  // whatever the content type, so the signature is checked over exactly what Stripe sent.
  fastify.removeAllContentTypeParsers();
  const keepRaw = (_request: unknown, body: Uint8Array, done: (error: null, body: Uint8Array) => void) => done(null, body);
  // Stripe sends `application/json`. Fastify caches the parser it found for an exact type, but
  // parses the content type anew on every request that only the catch-all matches (about a tenth
  // of this route's throughput, see bench/).
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, keepRaw);
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, keepRaw);

  // Fastify enforces the limit while it reads; its error becomes the contract's 413.
  fastify.setErrorHandler(async (error, request, reply) => {
    if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
    return send(reply, await handler.handle({ method: request.method, headers: request.headers, body: undefined, bodyTooLarge: true }));
  });

  fastify.all(path, { bodyLimit: handler.maxBodyBytes }, async (request, reply) => {
    // Fastify skips parsing a request that has no body at all: its raw body is empty.
    const body = request.body === undefined ? '' : request.body;
    return send(reply, await handler.handle({ method: request.method, headers: request.headers, body }));
  });
}

function send(reply: FastifyReplyLike, answer: WebhookResponse): FastifyReplyLike {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

function readPath(options: StripeWebhookPluginOptions): string {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('stripeWebhookPlugin: pass options, e.g. `{ path: "/v1/webhook", secret, router }` or `{ handler }`.');
  }
  const path = options.path ?? defaultPath;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`stripeWebhookPlugin: \`path\` must be a string starting with "/" (default "${defaultPath}"), got ${JSON.stringify(path)}.`);
  }
  return path;
}

function resolveHandler(options: StripeWebhookPluginOptions, appBodyLimit: number | undefined): WebhookHandler {
  if (isWebhookHandler(options)) return options;
  if ('handler' in options) {
    if (!isWebhookHandler(options.handler)) {
      throw new TypeError('stripeWebhookPlugin: `handler` must come from `createWebhookHandler()`; or pass its options (`secret`, `router`, ...) instead.');
    }
    if ('secret' in options || 'router' in options) {
      throw new TypeError('stripeWebhookPlugin: pass either `handler` or the handler options (`secret`, `router`, ...), not both.');
    }
    return options.handler;
  }
  const { path: _path, ...handlerOptions } = options;
  // The app's bodyLimit is the size it has agreed to read; an explicit maxBodyBytes wins.
  return createWebhookHandler({ maxBodyBytes: appBodyLimit, ...handlerOptions });
}
