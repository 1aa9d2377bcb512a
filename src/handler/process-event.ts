import type Stripe from 'stripe';
import { describeError } from '../router/create-webhook-router.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import { NonRetryableError } from '../router/non-retryable-error.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';

/**
 * What became of one verified event. `handle()` maps each outcome to the status contract; other
 * entry points (a catch-up run, a trusted channel, an inbox worker) read it directly.
 */
export type ProcessOutcome =
  | 'processed'
  | 'duplicate'
  | 'in_progress'
  | 'discarded'
  | 'failed'
  | 'store_unavailable'
  /** Stored in the inbox for a worker (`createWebhookHandler({ inbox })`). */
  | 'queued'
  | 'inbox_unavailable';

export interface EventProcessorOptions {
  router: WebhookRouter;
  store: IdempotencyStore | undefined;
  leaseMs: number;
  logger: WebhookLogger;
}

/** Claim, dispatch, then complete or release: the part of a delivery that follows verification. */
export function createEventProcessor({ router, store, leaseMs, logger }: EventProcessorOptions) {
  // The handlers' outcome decides the answer; a store that fails afterwards is only logged (the
  // lease then expires and a retry may run the handlers again, which is the safe side).
  async function settle(step: () => Promise<void> | undefined, name: string, eventId: string) {
    try {
      await step();
    } catch (error) {
      logger.error(`the idempotency store failed to ${name} the event`, { eventId, error: describeError(error) });
    }
  }

  return async function processEvent(event: Stripe.Event): Promise<ProcessOutcome> {
    if (store) {
      let claim;
      try {
        claim = await store.claim(event.id, leaseMs);
      } catch (error) {
        logger.error('the idempotency store failed to claim the event; Stripe will retry', { eventId: event.id, error: describeError(error) });
        return 'store_unavailable';
      }
      if (claim === 'done') return 'duplicate';
      if (claim === 'in_progress') return 'in_progress';
    }

    try {
      await router.dispatch(event, { logger });
    } catch (error) {
      const errors = error instanceof AggregateError ? error.errors : [error];
      if (errors.length > 0 && errors.every((one) => NonRetryableError.is(one))) {
        logger.warn('a handler discarded the event (NonRetryableError)', { eventId: event.id, type: event.type, error: errors.map(describeError).join('; ') });
        await settle(() => store?.complete(event.id), 'complete', event.id);
        return 'discarded';
      }
      logger.error('a handler failed; Stripe will retry the delivery', { eventId: event.id, type: event.type, error: errors.map(describeError).join('; ') });
      await settle(() => store?.release(event.id), 'release', event.id);
      return 'failed';
    }

    await settle(() => store?.complete(event.id), 'complete', event.id);
    return 'processed';
  };
}
