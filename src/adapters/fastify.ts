import { METHODS } from 'node:http';
import { createWebhookHandler } from '../handler/create-webhook-handler.js';
import type { WebhookHandler, WebhookHandlerOptions } from '../handler/build-webhook-handler.js';
import { resolveLogger } from '../logger.js';
import type { WebhookLogger, WebhookResponse } from '../types.js';
import { resolveBodyTimeout, type BodyReadOptions } from './capped-body.js';
import { appLogger, pinoWebhookLogger } from './fastify-request-logger.js';
import { readNodeBody, readNodeRequest, type NodeRequestLike, type ReadBody } from './read-node-request.js';
import { frameworkOf, resolveWebhookHandler } from './resolve-webhook-handler.js';
import { normalizeWebhookPath } from './webhook-path.js';

// The parts of Fastify the plugin uses. Fastify 4's and 5's `FastifyInstance` types (and those
// of two copies of one major) are not assignable to each other, so the plugin takes any object
// and reads it through this shape, which all of them have at run time.
interface FastifyRequestLike {
  method: string;
  headers: Record<string, string | readonly string[] | undefined>;
  body?: unknown;
  raw: NodeRequestLike;
  /** pino with the request's `reqId`, or a silent stand-in when the app has no logger. */
  log?: unknown;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): FastifyReplyLike;
}
interface FastifyInstanceLike {
  log?: unknown;
  initialConfig: { bodyLimit?: number };
  removeAllContentTypeParsers(): void;
  addContentTypeParser(contentType: string, parser: (request: unknown, payload: NodeRequestLike, done: (error: Error | null, body?: unknown) => void) => void): void;
  setErrorHandler(handler: (error: Error & { code?: string }, request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>): void;
  all(path: string, options: { bodyLimit: number }, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>): void;
  /** Fastify 5: the methods routes may use, and the way to add one (4 routes a fixed list). */
  supportedMethods?: readonly string[];
  addHttpMethod?(method: string, options: { hasBody: boolean }): unknown;
}

/**
 * The handler options plus `path`; or a prebuilt handler, as `{ handler, path }` or by itself (the
 * route is then at the default path).
 */
export type StripeWebhookPluginOptions = {
  /** Where the route goes, under the register `prefix` if any. Default `/v1/webhook`. */
  path?: string;
} & BodyReadOptions &
  (WebhookHandlerOptions | { handler: WebhookHandler } | WebhookHandler);

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
  const handler = resolveWebhookHandler(options, {
    adapter: 'stripeWebhookPlugin',
    build: createWebhookHandler,
    crypto: 'node',
    adapterKeys: ['path', 'bodyTimeoutMs'],
    // The app's bodyLimit is the size it has agreed to read; an explicit maxBodyBytes wins.
    defaults: { maxBodyBytes: fastify.initialConfig.bodyLimit },
  });
  const path = normalizeWebhookPath((options as { path?: unknown }).path, 'stripeWebhookPlugin');
  const bodyTimeoutMs = resolveBodyTimeout((options as BodyReadOptions).bodyTimeoutMs, 'stripeWebhookPlugin');
  const framework = frameworkOf(options, 'fastify');
  // With the kit's default (console) logger and an app logger, each delivery logs through
  // `request.log`: pino's JSON lines, with the request's reqId, instead of console lines among them.
  const perRequestLogger = handler.logger === resolveLogger(undefined) && appLogger(fastify.log) !== undefined;
  const loggerOf = (request: FastifyRequestLike): WebhookLogger | undefined => {
    if (!perRequestLogger) return undefined;
    const log = appLogger(request.log);
    return log && pinoWebhookLogger(log);
  };
  routeEveryMethod(fastify);

  // Registered parsers are inherited from the parent; in this context only raw bytes are wanted,
  // whatever the content type, so the signature is checked over exactly what Stripe sent. The
  // adapters' shared reader reads them, so the size cap (413) and the body deadline (408) apply as
  // on Express and Nest; a body it did not read reaches the error handler below.
  fastify.removeAllContentTypeParsers();
  const readRaw = (_request: unknown, payload: NodeRequestLike, done: (error: Error | null, body?: unknown) => void) => {
    readNodeBody(payload, handler.maxBodyBytes, bodyTimeoutMs, (read) => {
      if (read === undefined || read.bodyTooLarge === true || read.bodyTimedOut === true) done(new BodyNotRead(read));
      else done(null, read.body);
    });
  };
  // Stripe sends `application/json`. Fastify caches the parser it found for an exact type, but
  // parses the content type anew on every request that only the catch-all matches (about a tenth
  // of this route's throughput, see bench/).
  fastify.addContentTypeParser('application/json', readRaw);
  fastify.addContentTypeParser('*', readRaw);

  fastify.setErrorHandler(async (error, request, reply) => {
    if (error instanceof BodyNotRead) {
      // The client hung up before its body arrived: the answer reaches nobody.
      if (error.read === undefined) return reply.code(400).send('');
      return send(reply, await handler.handle({ ...error.read, method: request.method, headers: request.headers, logger: loggerOf(request), framework }));
    }
    // Fastify enforces the limit while it reads; its error becomes the contract's 413.
    // The rest of the body is never read: the core's 413 closes the connection (Fastify 5 does so
    // by itself, Fastify 4 would drain a chunked body to its end).
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, await handler.handle({ method: request.method, headers: request.headers, body: undefined, bodyTooLarge: true, logger: loggerOf(request), framework }));
    }
    // A Content-Type Fastify cannot parse (`;;;`): the signature covers the bytes, not the header,
    // so the body is read as it is, as the other adapters do. Fastify left the stream unread.
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const read = await readNodeRequest(request.raw, handler.maxBodyBytes, bodyTimeoutMs);
      if (read === undefined) return reply;
      return send(reply, await handler.handle({ ...read, method: request.method, headers: request.headers, logger: loggerOf(request), framework }));
    }
    throw error;
  });

  fastify.all(path, { bodyLimit: handler.maxBodyBytes }, async (request, reply) => {
    // Fastify skips parsing a request that has no body at all: its raw body is empty.
    const body = request.body === undefined ? '' : request.body;
    return send(reply, await handler.handle({ method: request.method, headers: request.headers, body, logger: loggerOf(request), framework }));
  });
}

/** How the parser hands a body it did not read (too large, too slow, client gone) to the error handler. */
class BodyNotRead extends Error {
  readonly code = 'SWK_BODY_NOT_READ';
  // Fastify answers a parser's error with its statusCode unless the error handler does.
  readonly statusCode = 400;

  constructor(readonly read: ReadBody | undefined) {
    super('stripe-webhook-kit: the webhook body was not read (too large, too slow, or the client hung up).');
  }
}

function send(reply: FastifyReplyLike, answer: WebhookResponse): FastifyReplyLike {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * Fastify 5 routes only the methods it knows (PROPFIND, for one, is answered 404 before any
 * route runs); the contract answers every method but POST with 405. Node's parser admits only the
 * methods in `http.METHODS`, so those are added (CONNECT is a tunnel, never a request to a route).
 * Fastify 4's `all` already covers the WebDAV methods.
 */
function routeEveryMethod(fastify: FastifyInstanceLike): void {
  if (typeof fastify.addHttpMethod !== 'function' || !Array.isArray(fastify.supportedMethods)) return;
  const known = new Set(fastify.supportedMethods);
  for (const method of METHODS) if (method !== 'CONNECT' && !known.has(method)) fastify.addHttpMethod(method, { hasBody: true });
}
