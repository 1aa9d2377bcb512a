import type Stripe from 'stripe';
import type { ProcessOutcome } from '../handler/process-event.js';
import { describeError } from '../router/create-webhook-router.js';
import type { WebhookLogger } from '../types.js';
import type { Inbox } from './types.js';

/**
 * The ingress side of an inbox: what `createWebhookHandler({ inbox })` does after verification
 * instead of running the handlers. The answer waits for the durable write, so a 200 always means
 * the event (and its job) is stored.
 */
export function createInboxIngress(inbox: Inbox, logger: WebhookLogger) {
  return async function enqueueEvent(event: Stripe.Event): Promise<ProcessOutcome> {
    try {
      return (await inbox.enqueue(event)) === 'duplicate' ? 'duplicate' : 'queued';
    } catch (error) {
      logger.error('the inbox could not store the event; Stripe will retry', { eventId: event.id, error: describeError(error) });
      return 'inbox_unavailable';
    }
  };
}
