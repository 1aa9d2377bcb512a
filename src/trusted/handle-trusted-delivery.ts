import { resolveLogger } from '../logger.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import { createEventProcessor, type ProcessOutcome } from '../handler/process-event.js';
import { createNotificationResolver } from '../handler/thin-notifications.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';
import { checkNotificationClient, type EventNotificationClient } from '../verify/notification-client.js';
import { unwrapEnvelope, type TrustedChannel } from './unwrap-envelope.js';

/** The router and store that process a trusted delivery, as a webhook handler's would. */
export interface TrustedDeliveryOptions {
  router: WebhookRouter;
  /**
   * Deduplicates by event id (a thin notification by its `snapshot_event`), as the webhook handler
   * does: share the handler's store to process an occurrence once across both channels. Required:
   * a store made per call would remember nothing; `false` turns deduplication off.
   */
  store: IdempotencyStore | false;
  /** A stripe-node client (23 or later), to route thin notifications. */
  stripe?: EventNotificationClient;
  /** How long a claim holds before another delivery may run the event again. Default 60 s. */
  leaseMs?: number;
  /** Default the console; `false` logs nothing. */
  logger?: WebhookLogger | false;
}

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

const retried: ReadonlySet<TrustedDeliveryResult['outcome']> = new Set(['in_progress', 'failed', 'store_unavailable', 'stripe_client_required']);

/**
 * Routes a Stripe event that arrived through a channel that authenticates it (Amazon EventBridge,
 * Azure Event Grid), so there is no signature to check: unwraps the envelope and runs the
 * snapshot event or thin notification inside through the store and the router, as a webhook
 * delivery would be after verification.
 */
export async function handleTrustedDelivery(envelope: unknown, options: TrustedDeliveryOptions): Promise<TrustedDeliveryResult> {
  if (typeof options?.router?.dispatch !== 'function') throw new TypeError('handleTrustedDelivery: `router` is required; create one with `createWebhookRouter()`.');
  if (options.store === undefined) {
    throw new TypeError('handleTrustedDelivery: pass `store` (e.g. the postgresStore or redisStore your webhook handler uses), or `store: false` to turn deduplication off.');
  }
  checkNotificationClient(options.stripe, 'handleTrustedDelivery');
  const logger = resolveLogger(options.logger);
  const { channel, delivery } = unwrapEnvelope(envelope);
  const base = { channel, eventId: delivery.id, type: delivery.type };
  const routable = createNotificationResolver(options.stripe, logger, 'handleTrustedDelivery')(delivery);
  if (!routable) return { ...base, outcome: 'stripe_client_required', retry: true };
  const process = createEventProcessor({ router: options.router, store: options.store || undefined, leaseMs: options.leaseMs ?? 60_000, logger });
  const outcome = await process(routable);
  return { ...base, outcome, retry: retried.has(outcome) };
}
