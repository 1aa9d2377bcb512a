import { readNodeRequest, type NodeRequestLike } from '../read-node-request.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { writeWebhookResponse } from './webhook-response.js';

/** Where a captured body waits for the route, on the request object the route receives. */
export const capturedBodyKey = Symbol.for('stripe-webhook-kit.nest.captured-body');

/** Nest's `@RouteConfig()` metadata key (@nestjs/platform-fastify 10 to 12): Fastify's route config. */
export const fastifyRouteConfigMetadata = '__fastify_route_config__';
/** The key in that config that marks a webhook route, with its endpoint's name ('' unnamed). */
export const endpointConfigKey = 'stripeWebhookKitEndpoint';

type ExpressRequest = NodeRequestLike & { url?: string; [capturedBodyKey]?: unknown; _body?: boolean; rawBody?: unknown };
type Next = (error?: unknown) => void;

/**
 * Express: a middleware put ahead of Nest's body parsers (so it must be added before
 * `app.init()`) that reads the webhook's body raw. Body parsers then skip the request, as one
 * whose body was read (body-parser 1 by `_body`, 2 by the ended stream). It only takes POSTs
 * with a `Stripe-Signature` header whose path ends with the endpoint's path, so it never needs
 * to know the global prefix, version or RouterModule path in front; the route then gets the
 * bytes. Other routes' bodies are parsed as before.
 */
export function expressRawBodyCapture(endpoint: WebhookEndpoint) {
  const suffix = `/${endpoint.path.toLowerCase()}`;
  return function stripeWebhookRawBody(request: ExpressRequest, response: unknown, next: Next): void {
    if (request.method !== 'POST' || request.headers['stripe-signature'] === undefined || request[capturedBodyKey] !== undefined || !endsWithPath(request.url, suffix)) {
      next();
      return;
    }
    readNodeRequest(request, endpoint.handler.maxBodyBytes, endpoint.bodyTimeoutMs).then(async (read) => {
      // The client hung up: there is nobody left to answer.
      if (read === undefined) return;
      // Answered here: the rest of the body is still arriving (or stalled), and a body parser after
      // this would read it and answer with its own error.
      if (read.bodyTooLarge === true || read.bodyTimedOut === true) return writeWebhookResponse(response, await endpoint.handler.handle({ ...read, framework: 'nest' }));
      if (read.body instanceof Uint8Array || typeof read.body === 'string') {
        keepRaw(request, read.body);
        request._body = true;
      }
      next();
    }, next);
  };
}

/** Case and one trailing slash aside, as Express matches routes by default. */
function endsWithPath(url: string | undefined, suffix: string): boolean {
  const path = (url ?? '').split('?', 1)[0]?.replace(/\/$/, '').toLowerCase() ?? '';
  return path === suffix || path.endsWith(suffix);
}

/** Keeps the body for the route, and as `rawBody`: what `{ rawBody: true }` would have left, for the app's own middleware, guards and interceptors. */
function keepRaw(request: { [capturedBodyKey]?: unknown; rawBody?: unknown }, body: Uint8Array | string): void {
  request[capturedBodyKey] = body;
  request.rawBody ??= typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

interface FastifyRequestLike {
  raw: NodeRequestLike;
  method: string;
  headers: NodeRequestLike['headers'];
  routeOptions?: { config?: Record<string, unknown> };
  routeConfig?: Record<string, unknown>;
  [capturedBodyKey]?: unknown;
}

/**
 * Fastify: a `preParsing` hook on the app that, for this endpoint's route only (marked in its
 * route config), reads the body raw before the app's parsers see it. The webhook's body limit is
 * the smaller of `maxBodyBytes` and Fastify's `bodyLimit`, answered with the contract's 413
 * rather than Fastify's error.
 */
export function fastifyRawBodyCapture(endpoint: WebhookEndpoint, bodyLimit: number | undefined) {
  const marker = endpoint.name ?? '';
  const limit = Math.min(endpoint.handler.maxBodyBytes, bodyLimit ?? Number.POSITIVE_INFINITY);
  return function stripeWebhookRawBody(request: FastifyRequestLike, reply: unknown, payload: unknown, done: (error: unknown, payload?: unknown) => void): void {
    const config = request.routeOptions?.config ?? request.routeConfig;
    // Other methods get the route's 405 whatever their body. When another hook replaced the stream
    // (say, to decompress), only the app's parser knows how to read it: the route then uses the
    // `rawBody` the app kept.
    if (request.method !== 'POST' || config?.[endpointConfigKey] !== marker || payload !== request.raw) {
      done(null, payload);
      return;
    }
    readNodeRequest(request.raw, limit, endpoint.bodyTimeoutMs).then(async (read) => {
      // Answered here: too large or too slow to read on.
      if (read?.bodyTooLarge === true || read?.bodyTimedOut === true) {
        const delivery = { ...read, method: request.method, framework: 'nest' as const };
        return writeWebhookResponse(reply, await endpoint.handler.handle(delivery));
      }
      // `undefined`: the client hung up, and the route's answer reaches nobody; no parser must
      // wait for the rest of a body that will never come.
      if (read !== undefined) keepRaw(request, read.body as Uint8Array | string);
      hideBody(request);
      done(null, payload);
    }, done);
  };
}

/** Where the body's headers wait while Fastify looks for a body to parse. */
const hiddenHeaders = Symbol.for('stripe-webhook-kit.nest.hidden-headers');
const bodyHeaders = ['content-type', 'content-length', 'transfer-encoding'] as const;
type HidingRequest = FastifyRequestLike & { [hiddenHeaders]?: Partial<Record<(typeof bodyHeaders)[number], string | readonly string[]>> };

/**
 * Fastify runs no parser for a request that announces no body: with the body's headers hidden
 * until `restoreBodyHeaders`, the app's parser neither reads a replayed stream nor parses JSON
 * the route does not use (what a parser costs per delivery), and a delivery whose content type
 * the app has no parser for (`;;;`, `text/xml`; the signature covers the bytes, not the type)
 * gets no 415 before the route. The route reads the bytes kept above.
 */
function hideBody(request: HidingRequest): void {
  const hidden: NonNullable<HidingRequest[typeof hiddenHeaders]> = {};
  for (const name of bodyHeaders) {
    const value = request.headers[name];
    if (value === undefined) continue;
    hidden[name] = value;
    delete request.headers[name];
  }
  request[hiddenHeaders] = hidden;
}

/** Fastify's `preValidation` hook (after parsing, before the route): the headers as they were sent. */
export function restoreBodyHeaders(request: HidingRequest, _reply: unknown, done: () => void): void {
  const hidden = request[hiddenHeaders];
  if (hidden !== undefined) {
    Object.assign(request.headers, hidden);
    // Not `delete`, which would change the shape of every Fastify request object.
    request[hiddenHeaders] = undefined;
  }
  done();
}
