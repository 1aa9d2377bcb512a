import { resolveLogger } from '../logger.js';
import { describeError, type WebhookRouter } from '../router/create-webhook-router.js';
import { NonRetryableError } from '../router/non-retryable-error.js';
import type { WebhookTelemetrySetting } from '../telemetry/telemetry-options.js';
import { webhookTelemetry } from '../telemetry/webhook-telemetry.js';
import type { WebhookLogger } from '../types.js';
import { InboxLeaseLostError } from './inbox-error.js';
import type { Inbox, InboxConsumer, InboxDelivery, InboxSettlement } from './types.js';
import type { EventNotificationClient } from '../verify/notification-client.js';
import { createWorkerEventResolver } from './worker-notifications.js';
import { deadLetterNotifier, type DeadLetterHook } from './dead-letter-hook.js';

/** What `startInboxWorker` runs: the inbox to take events from, the router, and how many at once. */
export interface InboxWorkerOptions {
  inbox: Inbox;
  /** The same router the app would dispatch to inside the request. */
  router: WebhookRouter;
  /** Jobs run at once in this process. Default 1. */
  concurrency?: number;
  /** Where attempts are logged. Default the console; `false` logs nothing. */
  logger?: WebhookLogger | false;
  /**
   * OpenTelemetry, as the handler's `telemetry` option (docs/telemetry.md): each attempt is a
   * `stripe.webhook process <type>` span linked to the delivery's, with lag, attempts and dead
   * events measured. Default on when `@opentelemetry/api` is installed.
   */
  telemetry?: WebhookTelemetrySetting;
  /**
   * A stripe-node client (23 or later), to process thin event notifications: the worker rebuilds
   * each with it, so `fetchRelatedObject()` and `fetchEvent()` work. Required when the endpoint
   * receives thin payloads.
   */
  stripe?: EventNotificationClient;
  /**
   * Called once for each event that becomes dead, in the worker that settled it, with the event
   * and its attempts: page someone, post to a chat. What it throws is logged and ignored; `stop()`
   * waits for the calls in flight.
   */
  onDead?: DeadLetterHook;
}

/** A running worker: `ready` once it takes jobs; `stop()` finishes what it holds and takes nothing new. */
export interface InboxWorker {
  /** Resolves once the engine fetches jobs for this worker. */
  readonly ready: Promise<void>;
  /**
   * Graceful stop: takes no new job, waits for the handlers it runs to finish and their outcome to
   * be recorded. Call it on SIGTERM, before stopping the engine's client.
   */
  stop(): Promise<void>;
}

/**
 * Processes the inbox's events through `router`: the engine delivers jobs (at least once, with its
 * retries and backoff), this worker claims each event in the kit's log so that handlers succeed at
 * most once, runs them, and records the attempt.
 *
 * @example
 * const worker = startInboxWorker({ inbox, router, concurrency: 8 });
 * process.once('SIGTERM', () => void worker.stop());
 */
export function startInboxWorker(options: InboxWorkerOptions): InboxWorker {
  const { inbox, router } = options;
  if (typeof inbox?.consume !== 'function') throw new TypeError('startInboxWorker: `inbox` is required; make one with pgBossInbox() or bullmqInbox().');
  if (typeof router?.dispatch !== 'function') throw new TypeError('startInboxWorker: `router` is required; create one with `createWebhookRouter()`.');
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('startInboxWorker: concurrency must be a positive integer.');
  const logger = resolveLogger(options.logger);
  const telemetry = webhookTelemetry(options.telemetry);
  const routable = createWorkerEventResolver(options.stripe, router);
  const deadLetters = deadLetterNotifier(inbox, options.onDead, logger);
  const running = new Set<Promise<void>>();
  let stopping = false;

  async function runDelivery(delivery: InboxDelivery): Promise<void> {
    // A job fetched while stopping goes back to the engine for another worker.
    if (stopping) return inbox.defer(delivery, 0);
    const task = processDelivery(delivery);
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    running.add(settled);
    try {
      await task;
    } finally {
      running.delete(settled);
    }
  }

  async function processDelivery(delivery: InboxDelivery): Promise<void> {
    const { eventId, lastAttempt } = delivery;
    // Web Crypto's, not node:crypto's: the core imports no Node module.
    const token = globalThis.crypto.randomUUID();
    const claim = await inbox.claim(eventId, token);
    if (claim.state === 'settled') return;
    if (claim.state === 'missing') {
      logger.warn('an inbox job names an event that is no longer stored (purged?); skipping it', { eventId });
      return;
    }
    // Sent again for later (the holder finishes or its lease runs out by then), without spending
    // one of the engine's retries, which are for the handlers' failures.
    if (claim.state === 'busy') return inbox.defer(delivery, claim.retryInMs);

    const { stale } = claim;
    const { type } = claim.event;
    const job = { event: claim.event, attempt: claim.attempt ?? 1, queuedAt: claim.receivedAt?.getTime(), traceContext: claim.traceContext };
    await telemetry.inbox.process(job, async (report) => {
      // Measured on this process's clock: the database's may differ.
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const settle = async (settlement: Omit<InboxSettlement, 'durationMs'>) => {
        const recorded = await inbox.settle(eventId, token, { ...settlement, durationMs: elapsed() });
        if (!recorded) {
          report.outcome('lease_lost');
          throw new InboxLeaseLostError(eventId, inbox.leaseMs);
        }
      };
      try {
        const event = routable(claim.event);
        if (inbox.completeInTransaction) {
          // The handlers' writes through ctx.db commit with the done mark, or not at all.
          const completed = await inbox.completeInTransaction(delivery, token, (db) => router.dispatch(event, { logger, stale, db }), elapsed);
          if (!completed) throw new InboxLeaseLostError(eventId, inbox.leaseMs);
          return 'processed';
        }
        await router.dispatch(event, { logger, stale });
      } catch (error) {
        if (error instanceof InboxLeaseLostError) {
          report.outcome('lease_lost');
          throw error;
        }
        const errors = error instanceof AggregateError ? error.errors : [error];
        const reason = errors.map(describeError).join('; ');
        if (errors.length > 0 && errors.every((one) => NonRetryableError.is(one))) {
          logger.warn('a handler discarded the event (NonRetryableError)', { eventId, type, error: reason });
          await settle({ status: 'discarded', error: errors[0] });
          return 'discarded';
        }
        const status = lastAttempt ? 'dead' : 'failed';
        logger.error(lastAttempt ? 'a handler failed on the last attempt; the event is dead (replay it once fixed)' : 'a handler failed; the engine will retry', {
          eventId,
          type,
          error: reason,
        });
        await settle({ status, error: errors.length === 1 ? errors[0] : error });
        report.outcome(status);
        if (status === 'dead') {
          telemetry.inbox.dead(claim.event);
          deadLetters.notify(claim.event);
        }
        // Rethrown so that the engine counts the failure, backs off and retries (or dead-letters).
        throw error;
      }
      await settle({ status: 'done' });
      return 'processed';
    });
  }

  let consumer: InboxConsumer | undefined;
  // Events the engine gave up on without a handler failing last (a worker that died) are counted
  // here; the others were counted as their last attempt failed.
  const onDead = (event: { id: string; type: string }) => {
    telemetry.inbox.dead(event);
    deadLetters.notify(event);
  };
  const ready = inbox.consume({ concurrency, onDead }, runDelivery).then((started) => {
    consumer = started;
  });
  // `stop()` reports a failed start; an unobserved rejection must not crash the process first.
  ready.catch((error: unknown) => logger.error('the inbox worker could not start', { error: describeError(error) }));

  return {
    ready,
    async stop() {
      stopping = true;
      await ready;
      await consumer?.stop();
      await Promise.all(running);
      await deadLetters.settled();
    },
  };
}
