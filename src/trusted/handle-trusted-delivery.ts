import { resolveLogger } from '../logger.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import { createEventProcessor, type ProcessOutcome } from '../processing/process-event.js';
import { defaults, invalidOption } from '../options.js';
import { deliveryProcessor, isWebhookHandler, type WebhookHandler } from '../handler/build-webhook-handler.js';
import { createNotificationResolver } from '../handler/thin-notifications.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';
import { checkNotificationClient, type EventNotificationClient } from '../verify/notification-client.js';
import { unwrapEnvelope, type TrustedChannel } from './unwrap-envelope.js';
import { createInboxIngress } from '../inbox/enqueue-event.js';
import type { Inbox } from '../inbox/types.js';
import type { VerifiedDelivery } from '../verify/verify-delivery.js';

/** What every trusted delivery needs beside its store or inbox. */
export interface TrustedDeliveryBaseOptions {
  router: WebhookRouter;
  /** A stripe-node client (23 or later), to route thin notifications (unused with `inbox`). */
  stripe?: EventNotificationClient;
  /** How long a claim holds before another delivery may run the event again. Default 60 s, as the webhook handler's. */
  leaseMs?: number;
  /** Default the console; `false` logs nothing. */
  logger?: WebhookLogger | false;
}

/** Process now, through the store and the router, as a webhook handler would. */
export interface TrustedStoreOptions extends TrustedDeliveryBaseOptions {
  /**
   * Deduplicates by event id (a thin notification by its `snapshot_event`), as the webhook handler
   * does: share the handler's store to process an occurrence once across both channels. Required:
   * a store made per call would remember nothing; `false` turns deduplication off.
   */
  store: IdempotencyStore | false;
  inbox?: undefined;
}

/** Store for later, in the durable inbox, as `createWebhookHandler({ inbox })` does. */
export interface TrustedInboxOptions extends TrustedDeliveryBaseOptions {
  /**
   * The inbox your webhook handler enqueues into: the outcome is `queued`, `duplicate` (the inbox
   * holds the event, or its snapshot twin) or `inbox_unavailable`. A thin notification is stored as
   * it arrived; the worker rebuilds it, so give `stripe` to `startInboxWorker`.
   */
  inbox: Inbox;
  store?: undefined;
}

/**
 * The app's webhook handler: the channel then runs exactly as its deliveries do, with its store or
 * inbox, handler and store timeouts, logger and Stripe client.
 */
export interface TrustedHandlerOptions {
  /** What `createWebhookHandler(...)` made (the secret is unused: the channel authenticates). */
  handler: WebhookHandler;
  router?: undefined;
  store?: undefined;
  inbox?: undefined;
}

/** The app's handler, or the router with a store (process now) or an inbox (process in a worker). */
export type TrustedDeliveryOptions = TrustedHandlerOptions | TrustedStoreOptions | TrustedInboxOptions;

/**
 * What became of a trusted delivery: the handler's outcomes, or `stripe_client_required` for a
 * thin notification without `stripe`. `retry` is true when the channel should deliver it again
 * (throw from your Lambda or Function so EventBridge or Event Grid retries).
 */
export interface TrustedDeliveryResult {
  outcome: ProcessOutcome | 'stripe_client_required';
  retry: boolean;
  channel: TrustedChannel;
  eventId: string;
  type: string;
}

const retried: ReadonlySet<TrustedDeliveryResult['outcome']> = new Set([
  'in_progress',
  'failed',
  'store_unavailable',
  'store_timeout',
  'handler_timeout',
  'stripe_client_required',
  'inbox_unavailable',
]);

/**
 * Routes a Stripe event that arrived through a channel that authenticates it (Amazon EventBridge,
 * Azure Event Grid), so there is no signature to check: unwraps the envelope and runs the
 * snapshot event or thin notification inside through the store and the router, as a webhook
 * delivery would be after verification.
 */
export async function handleTrustedDelivery(envelope: unknown, options: TrustedDeliveryOptions): Promise<TrustedDeliveryResult> {
  const process = options && 'handler' in options && options.handler !== undefined ? handlerProcessor(options) : optionsProcessor(options as TrustedStoreOptions | TrustedInboxOptions);
  const { channel, delivery } = unwrapEnvelope(envelope);
  const outcome = await process(delivery);
  return { channel, eventId: delivery.id, type: delivery.type, outcome, retry: retried.has(outcome) };
}

type DeliveryRun = (delivery: VerifiedDelivery) => Promise<TrustedDeliveryResult['outcome']>;

function handlerProcessor({ handler, ...rest }: TrustedHandlerOptions): DeliveryRun {
  const run = isWebhookHandler(handler) ? deliveryProcessor(handler) : undefined;
  if (!run) throw invalidOption('type', 'handleTrustedDelivery', 'handler', 'a handler from createWebhookHandler() (or createFetchHandler)', handler);
  const others = Object.entries(rest).filter(([, value]) => value !== undefined).map(([key]) => key);
  if (others.length > 0) {
    throw new TypeError(`handleTrustedDelivery: give \`handler\` alone (its store or inbox, router and Stripe client are used); drop ${others.map((key) => `\`${key}\``).join(', ')}.`);
  }
  return run;
}

/** The older form: the router with a store or an inbox, through the same step as a handler's. */
function optionsProcessor(options: TrustedStoreOptions | TrustedInboxOptions): DeliveryRun {
  if (typeof options?.router?.dispatch !== 'function') {
    throw new TypeError('handleTrustedDelivery: pass `handler` (from createWebhookHandler) or `router` (from createWebhookRouter()) with `store` or `inbox`.');
  }
  if (options.inbox !== undefined && options.store !== undefined) {
    throw new TypeError('handleTrustedDelivery: give `store` or `inbox`, not both (with an inbox, its workers deduplicate).');
  }
  if (options.inbox !== undefined && typeof options.inbox?.enqueue !== 'function') {
    throw invalidOption('type', 'handleTrustedDelivery', 'inbox', 'an inbox made by pgBossInbox() or bullmqInbox()', options.inbox);
  }
  if (options.store === undefined && options.inbox === undefined) {
    throw new TypeError(
      'handleTrustedDelivery: pass `store` (e.g. the postgresStore or redisStore your webhook handler uses), `inbox` (the one your webhook handler ' +
        'enqueues into), or `store: false` to turn deduplication off; or pass `handler` (your webhook handler) alone.',
    );
  }
  checkNotificationClient(options.stripe, 'handleTrustedDelivery');
  const logger = resolveLogger(options.logger);
  // Stored as it arrived (a thin notification too): the worker routes it.
  if (options.inbox) return createInboxIngress(options.inbox, logger);
  const resolve = createNotificationResolver(options.stripe, logger, 'handleTrustedDelivery');
  const processEvent = createEventProcessor({ router: options.router, store: options.store || undefined, leaseMs: options.leaseMs ?? defaults.leaseMs, logger });
  return async (delivery) => {
    const routable = resolve(delivery);
    return routable ? processEvent(routable) : 'stripe_client_required';
  };
}
