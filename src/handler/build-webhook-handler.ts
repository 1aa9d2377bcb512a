import { resolveLogger } from '../logger.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import type { RoutableEvent } from '../router/thin-types.js';
import { memoryStore } from '../stores/memory-store.js';
import type { HeaderBag, IdempotencyStore, VerifyOptions, WebhookLogger, WebhookRequest, WebhookResponse } from '../types.js';
import { WebhookVerificationError } from '../verify/errors.js';
import { checkNotificationClient, type EventNotificationClient } from '../verify/notification-client.js';
import { bodyNotRawError } from '../verify/read-payload.js';
import type { VerifiedDelivery } from '../verify/verify-delivery.js';
import { createEventProcessor, type ProcessOutcome } from './process-event.js';
import { createNotificationResolver } from './thin-notifications.js';

export interface WebhookHandlerOptions {
  /** The endpoint's signing secret (`whsec_...`), or several during a rotation. */
  secret: string | readonly string[];
  /** Where verified events go. */
  router: WebhookRouter;
  /** Deduplicates by `event.id`. Default `memoryStore()`; `false` turns deduplication off. */
  store?: IdempotencyStore | false;
  /** Maximum signature age in seconds. Default 300; `0` turns the check off. */
  tolerance?: number;
  /** Larger bodies are answered with 413. Default 1 MiB (Stripe's events are far smaller). */
  maxBodyBytes?: number;
  /** Where decisions are logged. Default the console; `false` logs nothing. */
  logger?: WebhookLogger | false;
  /** How long a claim holds before another delivery may run the event again. Default 60 s. */
  leaseMs?: number;
  /** The clock for the signature age, in epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * A stripe-node client (23 or later): thin event notifications are then routed, with working
   * `fetchRelatedObject()` and `fetchEvent()`. Without it they are answered 500 `stripe_client_required`.
   */
  stripe?: EventNotificationClient;
}

/** The HTTP contract in one function; adapters only read the request and write the response. */
export interface WebhookHandler {
  handle(request: WebhookRequest): Promise<WebhookResponse>;
  /** The resolved `maxBodyBytes`, so an adapter can stop reading a body that is too large. */
  /**
   * Runs an event that is already trusted (verified here, by a catch-up run, or by a trusted
   * channel) through the store and the router, exactly as `handle()` does after verification.
   */
  process(event: RoutableEvent): Promise<ProcessOutcome>;
  readonly maxBodyBytes: number;
  readonly logger: WebhookLogger;
}

export type Verifier = (
  payload: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
) => VerifiedDelivery | Promise<VerifiedDelivery>;

const brand = Symbol.for('stripe-webhook-kit.WebhookHandler');
const json = { 'content-type': 'application/json; charset=utf-8' };

/** True for a handler made by `createWebhookHandler` (from any copy of this package). */
export function isWebhookHandler(value: unknown): value is WebhookHandler {
  return typeof value === 'object' && value !== null && brand in value;
}

/** Builds the handler around a verifier: `node:crypto` for Node, Web Crypto for the Web adapter. */
export function buildWebhookHandler(options: WebhookHandlerOptions, verify: Verifier): WebhookHandler {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWebhookHandler: pass an options object with `secret` and `router`.');
  if (typeof options.router?.dispatch !== 'function') {
    throw new TypeError('createWebhookHandler: `router` is required; create one with `createWebhookRouter()`.');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(maxBodyBytes > 0)) throw new RangeError('createWebhookHandler: maxBodyBytes must be a positive number of bytes.');
  if (!(leaseMs > 0)) throw new RangeError('createWebhookHandler: leaseMs must be a positive number of milliseconds.');
  const { secret, router } = options;
  const store = options.store === false ? undefined : (options.store ?? memoryStore());
  const logger = resolveLogger(options.logger);
  const verifyOptions: VerifyOptions = { tolerance: options.tolerance, now: options.now };
  const processEvent = createEventProcessor({ router, store, leaseMs, logger });
  checkNotificationClient(options.stripe, 'createWebhookHandler');
  const resolveNotification = createNotificationResolver(options.stripe, logger, 'createWebhookHandler');

  async function handle(request: WebhookRequest): Promise<WebhookResponse> {
    if (request.method.toUpperCase() !== 'POST') return respond(405, { error: 'method_not_allowed' }, { allow: 'POST' });

    if (request.bodyTooLarge === true) return respond(413, { error: 'payload_too_large' });
    const body = request.body;
    if (typeof body !== 'string' && !(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) {
      const error = bodyNotRawError(body);
      logger.error(error.message, { code: error.code });
      return respond(error.status, { error: error.code });
    }
    if (exceeds(body, maxBodyBytes)) return respond(413, { error: 'payload_too_large' });

    let event: VerifiedDelivery;
    try {
      event = await verify(body, readHeader(request.headers, 'stripe-signature'), secret, verifyOptions);
    } catch (error) {
      if (!WebhookVerificationError.is(error)) throw error;
      (error.status >= 500 ? logger.error : logger.warn)(`rejected a delivery: ${error.message}`, { code: error.code });
      return respond(error.status, { error: error.code });
    }

    const routable = resolveNotification(event);
    if (!routable) return respond(500, { error: 'stripe_client_required' });
    return outcomeResponses[await processEvent(routable)]();
  }

  const handler: WebhookHandler = { handle, process: processEvent, maxBodyBytes, logger };
  Object.defineProperty(handler, brand, { value: true });
  return handler;
}

// The status contract for what became of a verified event.
const outcomeResponses: Record<ProcessOutcome, () => WebhookResponse> = {
  processed: () => respond(200, { received: true }),
  duplicate: () => respond(200, { received: true, duplicate: true }),
  discarded: () => respond(200, { received: true, discarded: true }),
  in_progress: () => respond(409, { error: 'in_progress' }),
  failed: () => respond(500, { error: 'handler_failed' }),
  store_unavailable: () => respond(500, { error: 'store_unavailable' }),
};

function respond(status: number, body: Record<string, unknown>, headers?: Record<string, string>): WebhookResponse {
  return { status, headers: { ...json, ...headers }, body: JSON.stringify(body) };
}

/** Reads a header from Node's lower-cased object, a hand-made object, or a `Headers`. */
export function readHeader(headers: HeaderBag, name: string): string | readonly string[] | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const bag = headers as Record<string, string | readonly string[] | undefined>;
  const exact = bag[name];
  if (exact !== undefined) return exact;
  for (const key of Object.keys(bag)) if (key.toLowerCase() === name) return bag[key];
  return undefined;
}

function exceeds(body: string | Uint8Array | ArrayBuffer, limit: number): boolean {
  if (typeof body !== 'string') return body.byteLength > limit;
  // A UTF-16 unit takes at most 3 UTF-8 bytes: only encode when the bound cannot decide.
  if (body.length * 3 <= limit) return false;
  if (body.length > limit) return true;
  return new TextEncoder().encode(body).byteLength > limit;
}
