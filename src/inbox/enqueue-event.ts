import type { DeliveryScope, ProcessOutcome } from '../handler/process-event.js';
import { describeError } from '../router/create-webhook-router.js';
import { isThinNotification, type RoutableEvent } from '../router/thin-types.js';
import type { WebhookLogger } from '../types.js';
import type { Inbox } from './types.js';

/**
 * The ingress side of an inbox: what `createWebhookHandler({ inbox })` does after verification
 * instead of running the handlers. The answer waits for the durable write, so a 200 always means
 * the event (and its job) is stored.
 */
export function createInboxIngress(inbox: Inbox, logger: WebhookLogger) {
  return async function enqueueEvent(event: RoutableEvent, delivery: DeliveryScope = {}): Promise<ProcessOutcome> {
    if (isThinNotification(event)) {
      // The inbox stores snapshot events; a thin notification needs the Stripe client to fetch its
      // object, which a worker does not have yet. Answered 500, so Stripe keeps it for three days.
      logger.error(
        'the inbox does not take thin event notifications yet; Stripe will retry. Process thin notifications without an inbox ' +
          '(createWebhookHandler({ secret, router, stripe })), or send snapshot events to this endpoint.',
        { eventId: event.id, type: event.type },
      );
      return 'inbox_unavailable';
    }
    try {
      // Stored with the event, so that the worker's span links to this delivery's.
      const traceContext = delivery.trace?.traceContext();
      return (await inbox.enqueue(event, traceContext === undefined ? undefined : { traceContext })) === 'duplicate' ? 'duplicate' : 'queued';
    } catch (error) {
      logger.error('the inbox could not store the event; Stripe will retry', { eventId: event.id, error: describeError(error) });
      return 'inbox_unavailable';
    }
  };
}
