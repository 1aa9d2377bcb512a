import type Stripe from 'stripe';
import type { WebhookRouter } from '../router/create-webhook-router.js';
import { NonRetryableError } from '../router/non-retryable-error.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';
import { settle, timedOut, withinDeadline } from './deadline.js';
import { describeError } from './describe-error.js';
import { createStoreCalls } from './store-calls.js';

/**
 * What became of one verified event. `handle()` maps each outcome to the status contract; other
 * entry points (a catch-up run, a trusted channel, an inbox worker) read it directly.
 * - `handler_timeout`: the handlers did not settle within `handlerTimeoutMs`; they keep the lease
 *   (they may still be running) and settle it when they end.
 * - `store_timeout`: the store did not answer the claim within `storeTimeoutMs`.
 */
export type ProcessOutcome =
  | 'processed'
  | 'duplicate'
  | 'in_progress'
  | 'discarded'
  | 'failed'
  | 'store_unavailable'
  | 'handler_timeout'
  | 'store_timeout';

export interface EventProcessorOptions {
  router: WebhookRouter;
  store: IdempotencyStore | undefined;
  leaseMs: number;
  logger: WebhookLogger;
  /** How long the handlers may run before the answer is 500 `handler_timeout`. Default 7 s. */
  handlerTimeoutMs?: number;
  /** How long one store call may take before it counts as failed. Default 1.5 s. */
  storeTimeoutMs?: number;
}

export const defaultHandlerTimeoutMs = 7_000;
export const defaultStoreTimeoutMs = 1_500;

type Settled = { ok: true } | { ok: false; errors: unknown[] };

/** Claim, dispatch, then complete or release: the part of a delivery that follows verification. */
export function createEventProcessor(options: EventProcessorOptions) {
  const { router, store, leaseMs, logger } = options;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? defaultHandlerTimeoutMs;
  const calls = store && createStoreCalls({ store, leaseMs, logger, storeTimeoutMs: options.storeTimeoutMs ?? defaultStoreTimeoutMs });

  /** Records what the handlers' outcome means, and names it. */
  async function conclude(event: Stripe.Event, settled: Settled, token: string | undefined): Promise<ProcessOutcome> {
    if (settled.ok) {
      // A transactional store marked the event done in the handlers' own transaction.
      if (calls && token !== undefined && !calls.transaction) await calls.complete(event.id, token);
      return 'processed';
    }
    const error = settled.errors.map(describeError).join('; ');
    if (settled.errors.length > 0 && settled.errors.every((one) => NonRetryableError.is(one))) {
      logger.warn('a handler discarded the event (NonRetryableError)', { eventId: event.id, type: event.type, error });
      if (calls && token !== undefined) await calls.complete(event.id, token);
      return 'discarded';
    }
    logger.error('a handler failed; Stripe will retry the delivery', { eventId: event.id, type: event.type, error });
    if (calls && token !== undefined) await calls.release(event.id, token);
    return 'failed';
  }

  return async function processEvent(event: Stripe.Event): Promise<ProcessOutcome> {
    let token: string | undefined;
    if (calls) {
      const claim = await calls.claim(event.id);
      if (claim.outcome !== undefined) return claim.outcome;
      token = claim.token;
    }

    const transaction = token !== undefined ? calls?.transaction : undefined;
    const abandon = new AbortController();
    const dispatching = transaction
      ? transaction(event.id, token as string, (db) => router.dispatch(event, { logger, db }), abandon.signal)
      : settle(() => router.dispatch(event, { logger }));
    const running: Promise<Settled> = dispatching.then(
      () => ({ ok: true }),
      (error: unknown) => ({ ok: false, errors: handlerErrors(error) }),
    );
    const settled = await withinDeadline(running, handlerTimeoutMs);
    if (settled === timedOut) {
      logger.error(
        `the handlers did not finish within handlerTimeoutMs (${handlerTimeoutMs} ms); answering 500 handler_timeout so Stripe retries. ` +
          'They keep the event\'s lease while they run, so duplicates get 409 until they end or the lease ends; move slow work to a queue.',
        { eventId: event.id, type: event.type },
      );
      if (transaction) {
        // Nothing of theirs may commit now: the transaction is rolled back at once, and the claim
        // released once it is, so Stripe's retry runs them again from a clean state.
        abandon.abort(new Error(`the handlers did not finish within handlerTimeoutMs (${handlerTimeoutMs} ms); their transaction was rolled back`));
        void running.then((late) => (late.ok ? undefined : calls?.release(event.id, token as string)));
        return 'handler_timeout';
      }
      // Settled when they end: done on success, released on failure, as if they had been on time.
      void running.then((late) => conclude(event, late, token));
      return 'handler_timeout';
    }
    return conclude(event, settled, token);
  };
}

/** The handlers' errors from what `dispatch` rejected with (a custom router may reject with anything). */
function handlerErrors(error: unknown): unknown[] {
  try {
    return error instanceof AggregateError && Array.isArray(error.errors) ? error.errors : [error];
  } catch {
    return [error];
  }
}
