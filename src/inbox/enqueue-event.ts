import { sharedDeadline, timedOut } from '../processing/deadline.js';
import type { DeliveryScope, ProcessOutcome } from '../processing/process-event.js';
import { defaults } from '../options.js';
import { describeError } from '../router/create-webhook-router.js';
import { deduplicationKey, type RoutableEvent } from '../event-types.js';
import type { WebhookLogger } from '../types.js';
import type { Inbox, InboxEvent } from './types.js';

/**
 * The ingress side of an inbox: what `createWebhookHandler({ inbox })` does after verification
 * instead of running the handlers. The answer waits for the durable write, so a 200 always means
 * the event (and its job) is stored. A thin notification is stored as it arrived, without a Stripe
 * client: the worker rebuilds it with its own (`startInboxWorker({ stripe })`).
 *
 * The write is bounded by `storeTimeoutMs`, as a store's claim is: a client that waits for its
 * server instead of failing (ioredis with `maxRetriesPerRequest: null`, as BullMQ asks) would
 * otherwise hold the delivery until Stripe gives up on it. A write that ends after the answer is
 * harmless: Stripe's retry finds the event stored and is answered as a duplicate.
 */
export function createInboxIngress(inbox: Inbox, logger: WebhookLogger, storeTimeoutMs: number = defaults.storeTimeoutMs) {
  const storeDeadline = sharedDeadline(storeTimeoutMs);
  return async function enqueueEvent(event: InboxEvent | RoutableEvent, delivery: DeliveryScope = {}): Promise<ProcessOutcome> {
    try {
      // Stored with the event, so that the worker's span links to this delivery's.
      const traceContext = delivery.trace?.traceContext();
      const outcome = await storeDeadline(inbox.enqueue(event as InboxEvent, traceContext === undefined ? undefined : { traceContext }));
      if (outcome === timedOut) {
        logger.error(`the inbox did not store the event within storeTimeoutMs (${storeTimeoutMs} ms); Stripe will retry`, { eventId: deduplicationKey(event) });
        return 'inbox_unavailable';
      }
      return outcome === 'duplicate' ? 'duplicate' : 'queued';
    } catch (error) {
      logger.error('the inbox could not store the event; Stripe will retry', { eventId: deduplicationKey(event), error: describeError(error) });
      return 'inbox_unavailable';
    }
  };
}
