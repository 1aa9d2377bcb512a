import { Readable } from 'node:stream';
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
    readNodeRequest(request, endpoint.handler.maxBodyBytes).then(async (read) => {
      // The client hung up: there is nobody left to answer.
      if (read === undefined) return;
      // Answered here: the rest of the body is still arriving, and a body parser after this would
      // read it and answer with its own error.
      if (read.bodyTooLarge === true) return writeWebhookResponse(response, await endpoint.handler.handle({ ...read, framework: 'nest' }));
      if (read.body instanceof Uint8Array || typeof read.body === 'string') keepRaw(request, read.body);
      next();
    }, next);
  };
}

/** Case and one trailing slash aside, as Express matches routes by default. */
function endsWithPath(url: string | undefined, suffix: string): boolean {
  const path = (url ?? '').split('?', 1)[0]?.replace(/\/$/, '').toLowerCase() ?? '';
  return path === suffix || path.endsWith(suffix);
}

function keepRaw(request: ExpressRequest, body: Uint8Array | string): void {
  request[capturedBodyKey] = body;
  request._body = true;
  // What `{ rawBody: true }` would have left, for the app's own middleware and interceptors.
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
    readNodeRequest(request.raw, limit).then(async (read) => {
      if (read === undefined) return done(null, replay(undefined, 0));
      const length = typeof read.body === 'string' ? Buffer.byteLength(read.body) : (read.body as Uint8Array | undefined)?.byteLength ?? 0;
      // Answered here, as the route would: too large to read on, or empty, which the app's JSON
      // parser would refuse with its own error before the route.
      if (read.bodyTooLarge === true || length === 0) {
        const delivery = { ...read, method: request.method, framework: 'nest' as const };
        return writeWebhookResponse(reply, await endpoint.handler.handle(delivery));
      }
      request[capturedBodyKey] = read.body;
      // The app's parser still runs, on an empty object: parsing the event there would cost time
      // and, for a body that is not JSON, answer with Fastify's 400 instead of the contract's.
      // Fastify checks the length it was told it received against Content-Length: the original's.
      parseAsJson(request);
      done(null, replay(emptyObject, length));
    }, done);
  };
}

const emptyObject = Buffer.from('{}');
const originalContentType = Symbol.for('stripe-webhook-kit.nest.content-type');

/**
 * The signature covers the bytes, not the Content-Type: a delivery whose type the app has no
 * parser for (`;;;`, `text/xml`) would get Fastify's 415 before the route. The app's JSON parser
 * gets the empty object as JSON; `restoreContentType` puts the header back before the route's
 * guards and the handler see it.
 */
function parseAsJson(request: FastifyRequestLike): void {
  const header = request.headers['content-type'];
  if (header === 'application/json') return;
  (request as FastifyRequestLike & { [originalContentType]?: unknown })[originalContentType] = header;
  request.headers['content-type'] = 'application/json';
}

/** Fastify's `preValidation` hook (after parsing, before the route): the header as it was sent. */
export function restoreContentType(request: FastifyRequestLike & { [originalContentType]?: string | readonly string[] }, _reply: unknown, done: () => void): void {
  if (originalContentType in request) {
    const header = request[originalContentType];
    if (header === undefined) delete request.headers['content-type'];
    else request.headers['content-type'] = header;
    delete request[originalContentType];
  }
  done();
}

/** A stream of one chunk (or none), cheaper than `Readable.from`, which pumps an async iterator. */
function replay(chunk: Buffer | undefined, receivedEncodedLength: number): Readable {
  const stream = new Readable({
    read() {
      if (chunk) this.push(chunk);
      this.push(null);
    },
  });
  return Object.assign(stream, { receivedEncodedLength });
}
