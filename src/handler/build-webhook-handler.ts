import { guardLogger, resolveLogger } from '../logger.js';
import { stripeTypesApiVersion } from '../generated/api-version.js';
import { createApiVersionDrift } from './api-version-drift.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import type { RoutableEvent } from '../event-types.js';
import { memoryStore } from '../stores/memory-store.js';
import type { HeaderBag, IdempotencyStore, VerifyOptions, WebhookLogger, WebhookRequest, WebhookResponse } from '../types.js';
import { WebhookVerificationError } from '../verify/errors.js';
import { checkNotificationClient, type EventNotificationClient } from '../verify/notification-client.js';
import { bodyNotRawError } from '../verify/read-payload.js';
import { bodyNotRawAdvice } from './body-not-raw-advice.js';
import { createInboxIngress } from '../inbox/enqueue-event.js';
import type { Inbox } from '../inbox/types.js';
import type { DeliveryTrace } from '../telemetry/delivery-trace.js';
import type { WebhookTelemetrySetting } from '../telemetry/telemetry-options.js';
import { webhookTelemetry } from '../telemetry/webhook-telemetry.js';
import { checkSecret } from './check-secret.js';
import type { VerifiedDelivery } from '../verify/verify-delivery.js';
import { createEventProcessor, type DeliveryScope, type ProcessOutcome } from '../processing/process-event.js';
import { defaults, invalidOption, positiveMs } from '../options.js';
import { createNotificationResolver } from './thin-notifications.js';

/**
 * What `createWebhookHandler` (and every adapter, which takes the same object) needs: the signing
 * secret and the router, and optionally the store, limits and logger.
 */
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
   * How long the handlers may run before the delivery is answered 500 `handler_timeout` (Stripe
   * then retries). The handlers are not stopped: they keep the event's lease until they end.
   * Default 7 s; `Infinity` for no limit.
   */
  handlerTimeoutMs?: number;
  /**
   * How long one call to the store may take: a claim that takes longer is answered 500
   * `store_timeout`. Default 1.5 s; `Infinity` for no limit.
   */
  storeTimeoutMs?: number;
  /**
   * Acknowledge at once, process later: verified events are stored in the inbox and answered
   * `200 {"received":true,"queued":true}`; `startInboxWorker` runs the router (`store` is unused).
   */
  inbox?: Inbox;
  /**
   * OpenTelemetry spans and metrics (docs/telemetry.md). Default on when `@opentelemetry/api` is
   * installed, loaded when the handler is built; `false` turns it off; an object passes the
   * tracer and meter providers to use instead of the global ones.
   */
  telemetry?: WebhookTelemetrySetting;
  /**
   * A stripe-node client (23 or later): thin event notifications are then routed, with working
   * `fetchRelatedObject()` and `fetchEvent()`. Without it they are answered 500 `stripe_client_required`.
   * With `inbox` the handler stores them as they arrived and needs no client: give it to
   * `startInboxWorker({ stripe })` instead.
   */
  stripe?: EventNotificationClient;
  /**
   * The Stripe API version the handlers are written for. An event whose `api_version` differs is
   * processed as usual and logged once per version, with what to do. Default: the version the
   * installed `stripe` package's types describe.
   */
  apiVersion?: string;
}

/** The HTTP contract in one function; adapters only read the request and write the response. */
export interface WebhookHandler {
  /** Answers one delivery per the status contract: verifies, deduplicates, dispatches. */
  handle(request: WebhookRequest): Promise<WebhookResponse>;
  /**
   * Runs an event that is already trusted (verified here, by a catch-up run, or by a trusted
   * channel) through the store and the router, exactly as `handle()` does after verification.
   */
  process(event: RoutableEvent): Promise<ProcessOutcome>;
  /** The resolved `maxBodyBytes`, so an adapter can stop reading a body that is too large. */
  readonly maxBodyBytes: number;
  readonly logger: WebhookLogger;
}

/** Which verifier a handler was built with: `node:crypto` (sync) or Web Crypto (async). */
export type HandlerCrypto = 'node' | 'web';

export type Verifier = (
  payload: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
) => VerifiedDelivery | Promise<VerifiedDelivery>;

const brand = Symbol.for('stripe-webhook-kit.WebhookHandler');
// Stored under the brand, so that `createFetchHandler` can refuse a handler bound to node:crypto.
const cryptoOf = (handler: WebhookHandler): HandlerCrypto | undefined => (handler as unknown as Record<symbol, HandlerCrypto | undefined>)[brand];
const json = { 'content-type': 'application/json; charset=utf-8' };

/** True for a handler made by `createWebhookHandler` (from any copy of this package). */
export function isWebhookHandler(value: unknown): value is WebhookHandler {
  return typeof value === 'object' && value !== null && brand in value;
}

/** The verifier a handler made by `createWebhookHandler` (or the Web adapter) runs on. */
export function handlerCrypto(handler: WebhookHandler): HandlerCrypto | undefined {
  const kind = cryptoOf(handler);
  return kind === 'node' || kind === 'web' ? kind : undefined;
}

/** Builds the handler around a verifier: `node:crypto` for Node, Web Crypto for the Web adapter. */
export function buildWebhookHandler(options: WebhookHandlerOptions, verify: Verifier, crypto: HandlerCrypto): WebhookHandler {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWebhookHandler: pass an options object with `secret` and `router`.');
  if (typeof options.router?.dispatch !== 'function') throw invalidOption('type', 'createWebhookHandler', 'router', 'a router from `createWebhookRouter()`', options.router);
  const maxBodyBytes = options.maxBodyBytes ?? defaults.maxBodyBytes;
  if (!(maxBodyBytes > 0)) throw invalidOption('range', 'createWebhookHandler', 'maxBodyBytes', 'a positive number of bytes', maxBodyBytes);
  const leaseMs = positiveMs('createWebhookHandler', 'leaseMs', options.leaseMs, defaults.leaseMs);
  const { secret, router } = options;
  const store = options.store === false || options.inbox ? undefined : (options.store ?? memoryStore());
  const logger = resolveLogger(options.logger);
  const verifyOptions: VerifyOptions = { tolerance: options.tolerance, now: options.now };
  const handlerTimeoutMs = positiveMs('createWebhookHandler', 'handlerTimeoutMs', options.handlerTimeoutMs, defaults.handlerTimeoutMs, { infinite: true });
  const storeTimeoutMs = positiveMs('createWebhookHandler', 'storeTimeoutMs', options.storeTimeoutMs, defaults.storeTimeoutMs, { infinite: true });
  const ingress = options.inbox ? createInboxIngress(options.inbox, logger, storeTimeoutMs) : undefined;
  const processEvent = ingress ?? createEventProcessor({ router, store, leaseMs, logger, handlerTimeoutMs, storeTimeoutMs });
  // Found now rather than on Stripe's first delivery; the answers stay the contract's.
  checkSecret(secret, logger);
  const apiVersionDrift = createApiVersionDrift(options.apiVersion ?? stripeTypesApiVersion, logger, 'createWebhookHandler', 'apiVersion is');
  checkNotificationClient(options.stripe, 'createWebhookHandler');
  const resolveNotification = createNotificationResolver(options.stripe, logger, 'createWebhookHandler');
  const telemetry = webhookTelemetry(options.telemetry);

  function handle(request: WebhookRequest): Promise<WebhookResponse> {
    return telemetry.observe(request.method, (trace) => answer(request, trace));
  }

  async function answer(request: WebhookRequest, trace: DeliveryTrace): Promise<WebhookResponse> {
    const log = request.logger ? guardLogger(request.logger) : logger;
    const refuse = (status: number, code: string, headers?: Record<string, string>) => {
      trace.rejected(code);
      return respond(status, { error: code }, headers);
    };
    if (request.method.toUpperCase() !== 'POST') return refuse(405, 'method_not_allowed', { allow: 'POST' });

    // The adapter stopped reading: the rest of the body is still arriving. `Connection: close` makes
    // the server close the socket once the 413 is written instead of draining an endless upload.
    if (request.bodyTooLarge === true) return refuse(413, 'payload_too_large', { connection: 'close' });
    if (request.bodyTimedOut === true) return refuse(408, 'body_timeout', { connection: 'close' });
    const body = request.body;
    if (typeof body !== 'string' && !(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) {
      const error = bodyNotRawError(body, request.framework && bodyNotRawAdvice[request.framework]);
      log.error(error.message, { code: error.code });
      return refuse(error.status, error.code);
    }
    if (exceeds(body, maxBodyBytes)) return refuse(413, 'payload_too_large');

    let event: VerifiedDelivery;
    try {
      const verifying = trace.step('verify', () => verify(body, readHeader(request.headers, 'stripe-signature'), secret, verifyOptions));
      event = verifying instanceof Promise ? await verifying : verifying;
    } catch (error) {
      if (!WebhookVerificationError.is(error)) throw error;
      // Called as methods: a user's logger (pino, winston) may need its `this`.
      if (error.status >= 500) log.error(`rejected a delivery: ${error.message}`, { code: error.code });
      else log.warn(`rejected a delivery: ${error.message}`, { code: error.code });
      return refuse(error.status, error.code);
    }
    trace.verified(event, apiVersionDrift.check(event));

    const outcome = await processDelivery(event, { logger: log, trace });
    if (outcome === 'stripe_client_required') return refuse(500, outcome);
    trace.outcome(outcome);
    return outcomeResponses[outcome]();
  }

  /** A verified or trusted delivery, after verification: into the inbox, or through the store and router. */
  function processDelivery(event: VerifiedDelivery, scope: DeliveryScope = {}): Promise<DeliveryOutcome> {
    // An inbox stores a thin notification as it arrived: its worker rebuilds it with a Stripe client.
    if (ingress) return ingress(event, scope);
    const routable = resolveNotification(event);
    return routable ? processEvent(routable, scope) : Promise.resolve('stripe_client_required');
  }

  const handler: WebhookHandler = { handle, process: processEvent, maxBodyBytes, logger };
  Object.defineProperty(handler, brand, { value: crypto });
  Object.defineProperty(handler, deliveries, { value: processDelivery });
  return handler;
}

/** What became of a delivery that was verified, or came through a trusted channel. */
export type DeliveryOutcome = ProcessOutcome | 'stripe_client_required';

const deliveries = Symbol.for('stripe-webhook-kit.WebhookHandler.processDelivery');

/**
 * Runs a delivery that needs no signature check (a trusted channel's) exactly as `handle()` runs a
 * verified one: the handler's store or inbox, timeouts and Stripe client. `undefined` for a handler
 * that `createWebhookHandler` did not make.
 */
export function deliveryProcessor(handler: WebhookHandler): ((delivery: VerifiedDelivery) => Promise<DeliveryOutcome>) | undefined {
  const run = (handler as unknown as Record<symbol, unknown>)[deliveries];
  return typeof run === 'function' ? (run as (delivery: VerifiedDelivery) => Promise<DeliveryOutcome>) : undefined;
}

// The status contract for what became of a verified event.
const outcomeResponses: Record<ProcessOutcome, () => WebhookResponse> = {
  processed: fixedResponse(200, { received: true }),
  duplicate: fixedResponse(200, { received: true, duplicate: true }),
  discarded: fixedResponse(200, { received: true, discarded: true }),
  in_progress: fixedResponse(409, { error: 'in_progress' }),
  failed: fixedResponse(500, { error: 'handler_failed' }),
  store_unavailable: fixedResponse(500, { error: 'store_unavailable' }),
  handler_timeout: fixedResponse(500, { error: 'handler_timeout' }),
  store_timeout: fixedResponse(500, { error: 'store_timeout' }),
  queued: fixedResponse(200, { received: true, queued: true }),
  inbox_unavailable: fixedResponse(500, { error: 'inbox_unavailable' }),
};

/** An answer whose body is serialized once; each call is a new object, which an adapter may change. */
function fixedResponse(status: number, body: Record<string, unknown>): () => WebhookResponse {
  const answer = respond(status, body);
  return () => ({ ...answer, headers: { ...answer.headers } });
}

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
