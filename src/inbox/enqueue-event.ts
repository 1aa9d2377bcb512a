import type { DeliveryScope, ProcessOutcome } from '../handler/process-event.js';
import { describeError } from '../router/create-webhook-router.js';
import { deduplicationKey, type RoutableEvent } from '../event-types.js';
import type { WebhookLogger } from '../types.js';
import type { Inbox, InboxEvent } from './types.js';

/**
 * The ingress side of an inbox: what `createWebhookHandler({ inbox })` does after verification
 * instead of running the handlers. The answer waits for the durable write, so a 200 always means
 * the event (and its job) is stored. A thin notification is stored as it arrived, without a Stripe
 * client: the worker rebuilds it with its own (`startInboxWorker({ stripe })`).
 */
export function createInboxIngress(inbox: Inbox, logger: WebhookLogger) {
  return async function enqueueEvent(event: InboxEvent | RoutableEvent, delivery: DeliveryScope = {}): Promise<ProcessOutcome> {
    try {
      // Stored with the event, so that the worker's span links to this delivery's.
      const traceContext = delivery.trace?.traceContext();
      return (await inbox.enqueue(event as InboxEvent, traceContext === undefined ? undefined : { traceContext })) === 'duplicate' ? 'duplicate' : 'queued';
    } catch (error) {
      logger.error('the inbox could not store the event; Stripe will retry', { eventId: deduplicationKey(event), error: describeError(error) });
      return 'inbox_unavailable';
    }
  };
}
