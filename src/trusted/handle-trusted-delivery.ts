import { resolveLogger } from '../logger.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import { createEventProcessor, type ProcessOutcome } from '../handler/process-event.js';
import { createNotificationResolver } from '../handler/thin-notifications.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';
import { checkNotificationClient, type EventNotificationClient } from '../verify/notification-client.js';
import { unwrapEnvelope, type TrustedChannel } from './unwrap-envelope.js';
import { createInboxIngress } from '../inbox/enqueue-event.js';
import type { Inbox } from '../inbox/types.js';

/** What every trusted delivery needs beside its store or inbox. */
export interface TrustedDeliveryBaseOptions {
  router: WebhookRouter;
  /** A stripe-node client (23 or later), to route thin notifications (unused with `inbox`). */
  stripe?: EventNotificationClient;
  /** How long a claim holds before another delivery may run the event again. Default 60 s. */
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

/** The router and a store (process now) or an inbox (process in a worker). */
export type TrustedDeliveryOptions = TrustedStoreOptions | TrustedInboxOptions;

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

const retried: ReadonlySet<TrustedDeliveryResult['outcome']> = new Set(['in_progress', 'failed', 'store_unavailable', 'stripe_client_required', 'inbox_unavailable']);

/**
 * Routes a Stripe event that arrived through a channel that authenticates it (Amazon EventBridge,
 * Azure Event Grid), so there is no signature to check: unwraps the envelope and runs the
 * snapshot event or thin notification inside through the store and the router, as a webhook
 * delivery would be after verification.
 */
export async function handleTrustedDelivery(envelope: unknown, options: TrustedDeliveryOptions): Promise<TrustedDeliveryResult> {
  if (typeof options?.router?.dispatch !== 'function') throw new TypeError('handleTrustedDelivery: `router` is required; create one with `createWebhookRouter()`.');
  if (options.inbox !== undefined && options.store !== undefined) {
    throw new TypeError('handleTrustedDelivery: give `store` or `inbox`, not both (with an inbox, its workers deduplicate).');
  }
  if (options.inbox !== undefined && typeof options.inbox?.enqueue !== 'function') {
    throw new TypeError('handleTrustedDelivery: `inbox` must be an inbox made by pgBossInbox() or bullmqInbox().');
  }
  if (options.store === undefined && options.inbox === undefined) {
    throw new TypeError(
      'handleTrustedDelivery: pass `store` (e.g. the postgresStore or redisStore your webhook handler uses), `inbox` (the one your webhook handler ' +
        'enqueues into), or `store: false` to turn deduplication off.',
    );
  }
  checkNotificationClient(options.stripe, 'handleTrustedDelivery');
  const logger = resolveLogger(options.logger);
  const { channel, delivery } = unwrapEnvelope(envelope);
  const base = { channel, eventId: delivery.id, type: delivery.type };
  if (options.inbox) {
    // Stored as it arrived (a thin notification too): the worker routes it.
    const outcome = await createInboxIngress(options.inbox, logger)(delivery);
    return { ...base, outcome, retry: retried.has(outcome) };
  }
  const routable = createNotificationResolver(options.stripe, logger, 'handleTrustedDelivery')(delivery);
  if (!routable) return { ...base, outcome: 'stripe_client_required', retry: true };
  const process = createEventProcessor({ router: options.router, store: options.store || undefined, leaseMs: options.leaseMs ?? 60_000, logger });
  const outcome = await process(routable);
  return { ...base, outcome, retry: retried.has(outcome) };
}
