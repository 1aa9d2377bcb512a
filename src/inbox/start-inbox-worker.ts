import { resolveLogger } from '../logger.js';
import { defaults, invalidOption, wholeNumber } from '../options.js';
import { describeError, type WebhookRouter } from '../router/create-webhook-router.js';
import { withinDeadline, timedOut } from '../processing/deadline.js';
import { createHandlerRunner, HandlerAbandonedError, type HandlerVerdict } from '../processing/run-handlers.js';
import { claimToken } from '../processing/store-calls.js';
import type { InboxJobReport } from '../telemetry/inbox-telemetry.js';
import type { WebhookTelemetrySetting } from '../telemetry/telemetry-options.js';
import { webhookTelemetry } from '../telemetry/webhook-telemetry.js';
import type { WebhookLogger } from '../types.js';
import { InboxLeaseLostError, isLeaseLost } from './inbox-error.js';
import type { Inbox } from './types.js';
import { inboxEngine, type InboxClaim, type InboxConsumer, type InboxDelivery, type InboxSettlement } from './engine.js';
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
  /**
   * How long one attempt's handlers may run: then it fails as `handler_timeout` (retried per the
   * inbox's retry policy), `ctx.signal` aborts, a `ctx.db` transaction rolls back, and the slot
   * takes the next event. Default 80% of the inbox's `leaseMs`; must be below `leaseMs`, or the
   * event could be taken over while its handlers still run.
   */
  handlerTimeoutMs?: number;
}

/** Options of `worker.stop()`. */
export interface InboxWorkerStopOptions {
  /**
   * How long to wait for the handlers that run before aborting their `ctx.signal` (their attempts
   * are then recorded as failed and retried). Default 30 s.
   */
  graceMs?: number;
}

/** A running worker: `ready` once it takes jobs; `stop()` finishes what it holds and takes nothing new. */
export interface InboxWorker {
  /** Resolves once the engine fetches jobs for this worker. */
  readonly ready: Promise<void>;
  /**
   * Graceful stop: takes no new job, waits up to `graceMs` for the handlers it runs, then aborts
   * their `ctx.signal`, and resolves once every attempt is recorded. Call it on SIGTERM, before
   * stopping the engine's client.
   */
  stop(options?: InboxWorkerStopOptions): Promise<void>;
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
  const { router } = options;
  const inbox = inboxEngine(options.inbox, 'startInboxWorker');
  if (typeof router?.dispatch !== 'function') throw invalidOption('type', 'startInboxWorker', 'router', 'a router from `createWebhookRouter()`', router);
  const concurrency = wholeNumber('startInboxWorker', 'concurrency', options.concurrency, 1);
  const handlerTimeoutMs = workerHandlerTimeout(options.handlerTimeoutMs, inbox.leaseMs);
  const logger = resolveLogger(options.logger);
  const runHandlers = createHandlerRunner(router, handlerTimeoutMs);
  // Aborted when a stop's grace period ends: every running attempt's ctx.signal follows it.
  const graceOver = new AbortController();
  const telemetry = webhookTelemetry(options.telemetry);
  const routable = createWorkerEventResolver(options.stripe, router);
  const deadLetters = deadLetterNotifier(inbox, options.onDead, logger);
  const running = new Set<Promise<void>>();
  let stopping = false;

  async function runDelivery(delivery: InboxDelivery): Promise<void> {
    // A job fetched while stopping goes back to the engine for another worker; one fetched with
    // its event's claim is held already, and runs as those that ran when the stop began.
    if (stopping && !delivery.claim) return inbox.defer(delivery, 0);
    // `stop()` waits for these, settled either way (a failure is the engine's to count).
    const task = processDelivery(delivery);
    running.add(task);
    try {
      await task;
    } finally {
      running.delete(task);
    }
  }

  async function processDelivery(delivery: InboxDelivery): Promise<void> {
    const { eventId } = delivery;
    // Unique across the fleet like a random UUID, for a fraction of its cost per job.
    const token = delivery.token ?? claimToken();
    const claim = delivery.claim ?? (await inbox.claim(eventId, token));
    if (claim.state === 'settled') return;
    if (claim.state === 'missing') {
      logger.warn('an inbox job names an event that is no longer stored (purged?); skipping it', { eventId });
      return;
    }
    // Sent again for later (the holder finishes or its lease runs out by then), without spending
    // one of the engine's retries, which are for the handlers' failures.
    if (claim.state === 'busy') return inbox.defer(delivery, claim.retryInMs);
    const job = { event: claim.event, attempt: claim.attempt ?? 1, queuedAt: claim.receivedAt?.getTime(), traceContext: claim.traceContext };
    await telemetry.inbox.process(job, (report) => attempt(delivery, token, claim, report));
  }

  /** One claimed attempt: the handlers, then its record in the log (or the engine's retry). */
  async function attempt(delivery: InboxDelivery, token: string, claim: ClaimedEvent, report: InboxJobReport): Promise<string> {
    const { eventId, lastAttempt } = delivery;
    // Measured on this process's clock: the database's may differ.
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const transactional = inbox.completeInTransaction !== undefined;
    const verdict: HandlerVerdict = await runHandlers({
      eventId,
      type: claim.event.type,
      event: () => routable(claim.event),
      logger,
      stale: claim.stale,
      signal: graceOver.signal,
      // The handlers' writes through ctx.db commit with the done mark, or not at all.
      ...(transactional && {
        transaction: async (work, signal) => {
          if (!(await inbox.completeInTransaction?.(delivery, token, work, elapsed, signal))) throw new InboxLeaseLostError(eventId, inbox.leaseMs);
        },
      }),
      next: lastAttempt ? afterLastAttempt : afterRetriedAttempt,
    });
    if (verdict.outcome === 'processed') {
      if (!transactional) await record(eventId, token, report, { status: 'done', durationMs: elapsed() });
      return 'processed';
    }
    if (verdict.outcome === 'discarded') {
      await record(eventId, token, report, { status: 'discarded', error: verdict.error, durationMs: elapsed() });
      return 'discarded';
    }
    if (isLeaseLost(verdict.error)) {
      report.outcome('lease_lost');
      throw verdict.error;
    }
    const status = lastAttempt ? 'dead' : 'failed';
    await record(eventId, token, report, { status, error: verdict.error, durationMs: elapsed() });
    report.outcome(status);
    if (status === 'dead') {
      telemetry.inbox.dead(claim.event);
      deadLetters.notify(claim.event);
    }
    // Rethrown so that the engine counts the failure, backs off and retries (or dead-letters).
    throw forEngine(verdict.error);
  }

  async function record(eventId: string, token: string, report: InboxJobReport, settlement: InboxSettlement): Promise<void> {
    if (!(await inbox.settle(eventId, token, settlement))) {
      report.outcome('lease_lost');
      throw new InboxLeaseLostError(eventId, inbox.leaseMs);
    }
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
    async stop(stopOptions = {}) {
      const graceMs = stopOptions.graceMs ?? defaults.graceMs;
      if (!(graceMs >= 0)) throw invalidOption('range', 'worker.stop', 'graceMs', '0 or more milliseconds', graceMs);
      stopping = true;
      await ready;
      // An engine's own stop waits for the jobs it handed out (pg-boss, BullMQ): started now,
      // awaited last, so that the grace period below is what bounds the wait.
      const consumerStopped = consumer?.stop();
      const finished = Promise.allSettled(running);
      if ((await withinDeadline(finished, graceMs)) === timedOut) {
        logger.warn(`worker.stop: ${running.size} attempt(s) still running after graceMs (${graceMs} ms); aborting their ctx.signal and recording them as failed`);
        graceOver.abort(new HandlerAbandonedError('worker_stopped', `the worker stopped and its grace period (graceMs ${graceMs}) ended before the handlers finished`));
      }
      await finished;
      await consumerStopped;
      await deadLetters.settled();
    },
  };
}

// What follows a failure and a timeout, for the log lines: the same for every job of a kind.
const afterRetriedAttempt = {
  failed: 'the engine will retry',
  timedOut: nextAfterTimeout('the engine will retry it'),
};
const afterLastAttempt = {
  failed: 'that was the last attempt: the event is dead (replay it once fixed)',
  timedOut: nextAfterTimeout('the event is dead (replay it once fixed)'),
};
function nextAfterTimeout(then: string): string {
  return `the attempt fails as handler_timeout and ${then}; ctx.signal is aborted and a ctx.db transaction rolled back. Move slow work out of the handler, or raise handlerTimeoutMs (below leaseMs).`;
}

type ClaimedEvent = Extract<InboxClaim, { state: 'claimed' }>;

/** `handlerTimeoutMs` of a worker: below the lease, so that no other worker takes a running event over. */
function workerHandlerTimeout(value: number | undefined, leaseMs: number): number {
  const ms = value ?? Math.floor(leaseMs * defaults.workerTimeoutShareOfLease);
  if (typeof ms !== 'number' || !(ms > 0) || ms >= leaseMs) {
    // A handler still running when its lease ends may run twice: the requirement says what to change.
    const requirement =
      `a positive number of milliseconds below the inbox's leaseMs (${leaseMs}), so that no handler outlives its lease and runs twice: ` +
      'lower handlerTimeoutMs, or raise leaseMs in pgBossInbox() or bullmqInbox()';
    throw invalidOption('range', 'startInboxWorker', 'handlerTimeoutMs', requirement, ms);
  }
  return ms;
}


/**
 * What the engine gets to count the failure: the error itself, or for a value it could not handle
 * (pg-boss serializes it; a revoked Proxy throws on every access) an Error that describes it.
 */
function forEngine(error: unknown): unknown {
  try {
    if (error instanceof Error) return error;
  } catch {
    // Not an Error, whatever it is.
  }
  return new Error(describeError(error));
}
