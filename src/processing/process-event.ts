import type { WebhookRouter } from '../router/create-webhook-router.js';
import { deduplicationKey, type RoutableEvent } from '../event-types.js';
import type { IdempotencyStore, WebhookLogger } from '../types.js';
import { sharedDeadline } from './deadline.js';
import { untracedDelivery, type DeliveryTrace } from '../telemetry/delivery-trace.js';
import { createStoreCalls, type StoreCalls } from './store-calls.js';
import { createHandlerRunner, type HandlerVerdict } from './run-handlers.js';
import type { ProcessOutcome } from './outcome.js';
import { defaults } from '../options.js';

export type { ProcessOutcome } from './outcome.js';

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

/** Per delivery: the request's own logger (Fastify's `request.log`) and the delivery's trace. */
export interface DeliveryScope {
  logger?: WebhookLogger;
  trace?: DeliveryTrace;
}

/** Claim, dispatch, then complete or release: the part of a delivery that follows verification. */
export function createEventProcessor(options: EventProcessorOptions) {
  const { router, store, leaseMs } = options;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? defaults.handlerTimeoutMs;
  const runHandlers = createHandlerRunner(router, handlerTimeoutMs);
  const storeDeadline = sharedDeadline(options.storeTimeoutMs ?? defaults.storeTimeoutMs);
  const defaultCalls = store && createStoreCalls({ store, leaseMs, logger: options.logger, storeDeadline });
  // A delivery with a logger of its own logs its store failures there too.
  const callsFor = (logger: WebhookLogger) => (logger === options.logger ? defaultCalls : store && createStoreCalls({ store, leaseMs, logger, storeDeadline }));

  return async function processEvent(event: RoutableEvent, delivery: DeliveryScope = {}): Promise<ProcessOutcome> {
    const logger = delivery.logger ?? options.logger;
    const trace = delivery.trace ?? untracedDelivery;
    const calls = callsFor(logger);
    // A thin notification linked to a snapshot event claims that event's id: one occurrence,
    // delivered both ways during a migration, runs once.
    const eventId = deduplicationKey(event);
    let token: string | undefined;
    if (calls) {
      const claiming = trace.step('claim', () => calls.claim(eventId));
      const claim = claiming instanceof Promise ? await claiming : claiming;
      if (claim.outcome !== undefined) return claim.outcome;
      token = claim.token;
    }
    const owned = calls && token !== undefined ? { calls, token } : undefined;
    const inTransaction = owned?.calls.transaction;
    const verdict = await runHandlers({
      eventId,
      type: event.type,
      event: () => event,
      logger,
      ...(trace !== untracedDelivery && { trace }),
      ...(inTransaction && owned && { transaction: (work, signal) => inTransaction(eventId, owned.token, work, signal) }),
      next: next[inTransaction ? 'transactional' : owned ? 'lease' : 'none'],
    });
    if (verdict.outcome === 'handler_timeout' || verdict.outcome === 'abandoned') {
      // A transaction was rolled back at once: the claim is released once it is, so Stripe's retry
      // runs the handlers again from a clean state. Without one, the handlers keep the lease and
      // settle it when they end: done on success, released on failure, as if they had been on time.
      if (owned) void verdict.late.then((late) => (inTransaction && late.outcome === 'processed' ? undefined : recordVerdict(late, eventId, owned.calls, owned.token, trace)));
      return 'handler_timeout';
    }
    const recording = owned && recordVerdict(verdict, eventId, owned.calls, owned.token, trace);
    if (recording instanceof Promise) await recording;
    return verdict.outcome === 'store_failure' ? 'store_unavailable' : verdict.outcome;
  };
}

/** Marks the event done (unless the transaction did) or gives the claim up, as the verdict says. */
function recordVerdict(verdict: HandlerVerdict, eventId: string, calls: StoreCalls, token: string, trace: DeliveryTrace): void | Promise<void> {
  if (verdict.outcome === 'discarded' || (verdict.outcome === 'processed' && !calls.transaction)) {
    return trace.step('complete', () => calls.complete(eventId, token));
  }
  if (verdict.outcome !== 'processed') return trace.step('release', () => calls.release(eventId, token));
}

type Hold = 'transactional' | 'lease' | 'none';

/** What a handler timeout means for the event, by how the delivery holds it. */
function timeoutConsequence(hold: Hold): string {
  if (hold === 'transactional') {
    return "Their transaction is rolled back now (nothing they wrote through ctx.db is kept) and the event's claim released, so Stripe's retry runs them again from a clean state.";
  }
  if (hold === 'lease') return "They keep the event's lease while they run, so duplicates get 409 until they end or the lease ends.";
  return 'With no idempotency store nothing holds the event, so a retry may run them again while these still run.';
}

// The log lines' endings, by hold: written once rather than for every delivery.
const next = Object.fromEntries(
  (['transactional', 'lease', 'none'] as const).map((hold) => [
    hold,
    { failed: 'Stripe will retry the delivery', timedOut: `answering 500 handler_timeout so Stripe retries. ${timeoutConsequence(hold)} Move slow work to a queue.` },
  ]),
) as Record<Hold, { failed: string; timedOut: string }>;
