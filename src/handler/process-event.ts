import { describeError } from '../router/create-webhook-router.js';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import { NonRetryableError } from '../router/non-retryable-error.js';
import { deduplicationKey, type RoutableEvent } from '../router/thin-types.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';

/**
 * What became of one verified event. `handle()` maps each outcome to the status contract; other
 * entry points (a catch-up run, a trusted channel, an inbox worker) read it directly.
 */
export type ProcessOutcome = 'processed' | 'duplicate' | 'in_progress' | 'discarded' | 'failed' | 'store_unavailable';

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

  return async function processEvent(event: RoutableEvent): Promise<ProcessOutcome> {
    // A thin notification linked to a snapshot event claims that event's id: one occurrence,
    // delivered both ways during a migration, runs once.
    const eventId = deduplicationKey(event);
    if (store) {
      let claim;
      try {
        claim = await store.claim(eventId, leaseMs);
      } catch (error) {
        logger.error('the idempotency store failed to claim the event; Stripe will retry', { eventId, error: describeError(error) });
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
        logger.warn('a handler discarded the event (NonRetryableError)', { eventId, type: event.type, error: errors.map(describeError).join('; ') });
        await settle(() => store?.complete(eventId), 'complete', eventId);
        return 'discarded';
      }
      logger.error('a handler failed; Stripe will retry the delivery', { eventId, type: event.type, error: errors.map(describeError).join('; ') });
      await settle(() => store?.release(eventId), 'release', eventId);
      return 'failed';
    }

    await settle(() => store?.complete(eventId), 'complete', eventId);
    return 'processed';
  };
}
