import type { WebhookRouter } from '../router/create-webhook-router.js';
import { NonRetryableError } from '../router/non-retryable-error.js';
import { deduplicationKey, type RoutableEvent } from '../event-types.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';
import { settle, sharedDeadline, timedOut } from './deadline.js';
import { untracedDelivery, type DeliveryTrace } from '../telemetry/delivery-trace.js';
import { handlerErrorDetails } from '../describe-error-stack.js';
import { createStoreCalls } from './store-calls.js';
import { describeError } from '../describe-error.js';
import { IdempotencyStoreError } from '../stores/store-error.js';

/**
 * What became of one verified event. `handle()` maps each outcome to the status contract; other
 * entry points (a catch-up run, a trusted channel, an inbox worker) read it directly.
 * - `handler_timeout`: the handlers did not settle within `handlerTimeoutMs`; they keep the lease
 *   (they may still be running) and settle it when they end, except with a transactional store,
 *   whose transaction is rolled back at once and the claim released.
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
  | 'store_timeout'
  /** Stored in the inbox for a worker (`createWebhookHandler({ inbox })`). */
  | 'queued'
  | 'inbox_unavailable';

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

// `storeFailure`: a transactional store lost its own part (its connection, BEGIN, the mark, COMMIT).
type Settled = { ok: true } | { ok: false; errors: unknown[]; storeFailure?: true };

/** Per delivery: the request's own logger (Fastify's `request.log`) and the delivery's trace. */
export interface DeliveryScope {
  logger?: WebhookLogger;
  trace?: DeliveryTrace;
}

/** Claim, dispatch, then complete or release: the part of a delivery that follows verification. */
export function createEventProcessor(options: EventProcessorOptions) {
  const { router, store, leaseMs } = options;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? defaultHandlerTimeoutMs;
  const handlerDeadline = sharedDeadline(handlerTimeoutMs);
  const storeDeadline = sharedDeadline(options.storeTimeoutMs ?? defaultStoreTimeoutMs);
  const defaultCalls = store && createStoreCalls({ store, leaseMs, logger: options.logger, storeDeadline });
  // A delivery with a logger of its own logs its store failures there too.
  const callsFor = (logger: WebhookLogger) => (logger === options.logger ? defaultCalls : store && createStoreCalls({ store, leaseMs, logger, storeDeadline }));

  /** Records what the handlers' outcome means, and names it. */
  async function conclude(event: RoutableEvent, settled: Settled, token: string | undefined, scope: Required<DeliveryScope>): Promise<ProcessOutcome> {
    const { logger, trace } = scope;
    const calls = callsFor(logger);
    // A thin notification linked to a snapshot event claims that event's id: one occurrence,
    // delivered both ways during a migration, runs once.
    const eventId = deduplicationKey(event);
    if (!settled.ok && settled.storeFailure) {
      logger.error("the idempotency store's transaction failed, so nothing of the handlers' writes was committed; answering 500 store_unavailable so Stripe retries", {
        eventId,
        type: event.type,
        error: describeError(settled.errors[0]),
      });
      if (calls && token !== undefined) await trace.step('release', () => calls.release(eventId, token));
      return 'store_unavailable';
    }
    if (settled.ok) {
      // A transactional store marked the event done in the handlers' own transaction.
      if (calls && token !== undefined && !calls.transaction) await trace.step('complete', () => calls.complete(eventId, token));
      return 'processed';
    }
    // The stack, causes and inner errors go to the log only; the response never holds them.
    const details = { eventId, type: event.type, ...handlerErrorDetails(settled.errors) };
    if (settled.errors.length > 0 && settled.errors.every((one) => NonRetryableError.is(one))) {
      logger.warn('a handler discarded the event (NonRetryableError)', details);
      if (calls && token !== undefined) await trace.step('complete', () => calls.complete(eventId, token));
      return 'discarded';
    }
    logger.error('a handler failed; Stripe will retry the delivery', details);
    if (calls && token !== undefined) await trace.step('release', () => calls.release(eventId, token));
    return 'failed';
  }

  return async function processEvent(event: RoutableEvent, delivery: DeliveryScope = {}): Promise<ProcessOutcome> {
    const scope = { logger: delivery.logger ?? options.logger, trace: delivery.trace ?? untracedDelivery };
    const { logger, trace } = scope;
    const calls = callsFor(logger);
    let token: string | undefined;
    if (calls) {
      const claim = await trace.step('claim', () => calls.claim(deduplicationKey(event)));
      if (claim.outcome !== undefined) return claim.outcome;
      token = claim.token;
    }

    const transaction = token !== undefined ? calls?.transaction : undefined;
    const abandon = new AbortController();
    const running: Promise<Settled> = trace.step('dispatch', () =>
      transaction
        ? transaction(deduplicationKey(event), token as string, (db) => router.dispatch(event, { logger, db }), abandon.signal)
        : settle(() => router.dispatch(event, { logger })),
    ).then(
      () => ({ ok: true }),
      (error: unknown): Settled =>
        transaction && IdempotencyStoreError.is(error) && error.code !== 'transaction_closed'
          ? { ok: false, errors: [error], storeFailure: true }
          : { ok: false, errors: handlerErrors(error) },
    );
    const settled = await handlerDeadline(running);
    if (settled === timedOut) {
      logger.error(
        `the handlers did not finish within handlerTimeoutMs (${handlerTimeoutMs} ms); answering 500 handler_timeout so Stripe retries. ` +
          `${timeoutConsequence(transaction ? 'transactional' : token !== undefined ? 'lease' : 'none')} Move slow work to a queue.`,
        { eventId: deduplicationKey(event), type: event.type },
      );
      if (transaction) {
        // Nothing of theirs may commit now: the transaction is rolled back at once, and the claim
        // released once it is, so Stripe's retry runs them again from a clean state.
        abandon.abort(new Error(`the handlers did not finish within handlerTimeoutMs (${handlerTimeoutMs} ms); their transaction was rolled back`));
        void running.then((late) => (late.ok ? undefined : calls?.release(deduplicationKey(event), token as string)));
        return 'handler_timeout';
      }
      // Settled when they end: done on success, released on failure, as if they had been on time.
      void running.then((late) => conclude(event, late, token, scope));
      return 'handler_timeout';
    }
    return conclude(event, settled, token, scope);
  };
}

/** What a handler timeout means for the event, by how the delivery holds it. */
function timeoutConsequence(hold: 'transactional' | 'lease' | 'none'): string {
  if (hold === 'transactional') {
    return "Their transaction is rolled back now (nothing they wrote through ctx.db is kept) and the event's claim released, so Stripe's retry runs them again from a clean state.";
  }
  if (hold === 'lease') return "They keep the event's lease while they run, so duplicates get 409 until they end or the lease ends.";
  return 'With no idempotency store nothing holds the event, so a retry may run them again while these still run.';
}

/** The handlers' errors from what `dispatch` rejected with (a custom router may reject with anything). */
function handlerErrors(error: unknown): unknown[] {
  try {
    return error instanceof AggregateError && Array.isArray(error.errors) ? error.errors : [error];
  } catch {
    return [error];
  }
}
