import type { WebhookRouter } from '../router/create-webhook-router.js';
import { NonRetryableError } from '../router/non-retryable-error.js';
import type { RoutableEvent } from '../event-types.js';
import type { TransactionClient, WebhookLogger } from '../types.js';
import { settle, sharedDeadline } from './deadline.js';
import { handlerErrorDetails } from '../describe-error-stack.js';
import { describeError } from '../describe-error.js';
import { defineLazySignal } from '../router/context.js';
import type { DispatchTrace } from '../telemetry/delivery-trace.js';

/** Why an attempt was abandoned before its handlers settled; it is `ctx.signal.reason`. */
export class HandlerAbandonedError extends Error {
  override readonly name = 'HandlerAbandonedError';
  readonly code: 'handler_timeout' | 'worker_stopped';

  constructor(code: HandlerAbandonedError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * How one run of an event's handlers ended:
 * - `processed`: every handler succeeded (or none matched);
 * - `discarded`: every error was a `NonRetryableError`;
 * - `failed`: a handler failed otherwise (retried);
 * - `store_failure`: the transaction around the handlers failed on its own part (its connection,
 *   the done mark, the COMMIT, a lease taken over), so nothing of theirs was committed;
 * - `handler_timeout` / `abandoned`: the deadline passed, or the caller's `signal` aborted, first.
 *   `ctx.signal` is aborted, a transaction rolled back; `late` settles when the handlers do.
 */
export type HandlerVerdict =
  | { outcome: 'processed' }
  | { outcome: 'discarded' | 'failed' | 'store_failure'; error: unknown }
  | { outcome: 'handler_timeout' | 'abandoned'; error: unknown; late: Promise<HandlerVerdict> };

/** One event's run: what to dispatch, where to log, and what holds the event around it. */
export interface HandlerRun {
  /** The event's id and type, for the log lines. */
  eventId: string;
  type: string;
  /** Called inside the run, so that an event that cannot be built fails like a handler. */
  event: () => RoutableEvent;
  logger: WebhookLogger;
  stale?: boolean;
  /**
   * Runs `work` in the transaction that also records the event done, and rolls it back when
   * `signal` aborts; its `db` refuses queries once the transaction is over (`ctx.db`).
   */
  transaction?: (work: (db: TransactionClient) => Promise<void>, signal: AbortSignal) => Promise<unknown>;
  /** Abandons the run from outside (a stopping worker's grace ended): aborts `ctx.signal`. */
  signal?: AbortSignal;
  /** The caller's telemetry span: it times the dispatch, and the handlers run in its context. */
  trace?: DispatchTrace;
  /** What follows a failure and a timeout, for the log lines ("Stripe will retry", ...). */
  next: { failed: string; timedOut: string };
}

type Settled = { ok: true } | { ok: false; error: unknown; handlers: boolean };

/**
 * The one step that runs handlers, whatever path brought the event (a webhook delivery, an inbox
 * worker, a catch-up run, a trusted channel): the deadline, `ctx.signal`, `ctx.db` and the
 * failure rules are the same everywhere, so a guarantee never depends on how an event arrived.
 */
export function createHandlerRunner(router: WebhookRouter, handlerTimeoutMs: number) {
  const deadline = sharedDeadline(handlerTimeoutMs);

  // Not async, and no race of promises: the handlers' settlement, the shared deadline and the
  // caller's signal each settle the one verdict promise directly, so a run costs few promises and
  // event-loop turns (it is on every delivery and every inbox job, see bench/).
  return function runHandlers(run: HandlerRun): Promise<HandlerVerdict> {
    const { logger, stale, transaction } = run;
    // ctx.signal is made at its first read (most handlers never read it; a signal costs a few µs on
    // Node 20), already aborted when the run was abandoned before.
    let abandon: AbortController | undefined;
    let abandoned: { reason: unknown } | undefined;
    const signal = () => {
      if (abandon === undefined) {
        abandon = new AbortController();
        if (abandoned) abandon.abort(abandoned.reason);
      }
      return abandon.signal;
    };
    const abort = (reason: unknown) => {
      abandoned ??= { reason };
      abandon?.abort(reason);
    };
    // Identity tells the handlers' own rejection from the transaction's failure around them.
    let handlerRejection: { error: unknown } | undefined;
    const dispatch = (db?: TransactionClient) =>
      settle(() => router.dispatch(run.event(), defineLazySignal({ logger, stale, db }, signal))).catch((error: unknown) => {
        handlerRejection = { error };
        throw error;
      });
    // Started by the trace, so that the handlers run in its context (their spans nest under it);
    // it learns how they ended in the callbacks below, rather than through a promise of its own.
    const { trace } = run;
    const start = () => (transaction ? settle(() => transaction(dispatch, signal())) : dispatch());
    const running: Promise<Settled> = (trace ? trace.dispatch(start) : start()).then(
      (): Settled => {
        trace?.dispatched();
        return { ok: true };
      },
      (error: unknown): Settled => {
        trace?.dispatched({ error });
        return { ok: false, error, handlers: handlerRejection !== undefined && handlerRejection.error === error };
      },
    );
    return new Promise<HandlerVerdict>((resolve) => {
      let over = false;
      const end = () => {
        over = true;
        deadline.cancel(watch);
        run.signal?.removeEventListener('abort', onOuterAbort);
      };
      const giveUp = (first: 'handler_timeout' | 'abandoned') => {
        end();
        const error =
          first === 'handler_timeout'
            ? new HandlerAbandonedError('handler_timeout', `the handlers did not finish within handlerTimeoutMs (${handlerTimeoutMs} ms)`)
            : abandoned?.reason;
        abort(error);
        const late = running.then((settled) => classify(settled));
        if (first === 'handler_timeout') {
          logger.error(`the handlers did not finish within handlerTimeoutMs (${handlerTimeoutMs} ms); ${run.next.timedOut}`, { eventId: run.eventId, type: run.type });
        } else {
          logger.error(`the handlers were abandoned before they finished (${describeError(error)}); ${run.next.failed}`, { eventId: run.eventId, type: run.type });
        }
        resolve({ outcome: first, error, late });
      };
      const onOuterAbort = () => {
        if (over) return;
        abort(run.signal?.reason);
        giveUp('abandoned');
      };
      const watch = deadline.after(() => {
        if (!over) giveUp('handler_timeout');
      });
      run.signal?.addEventListener('abort', onOuterAbort, { once: true });
      void running.then((settled) => {
        if (over) return;
        end();
        resolve(report(run, classify(settled)));
      });
    });
  };
}

/** The failure rules: every error `NonRetryableError` discards the event; anything else is retried. */
function classify(settled: Settled): HandlerVerdict {
  if (settled.ok) return { outcome: 'processed' };
  if (!settled.handlers) return { outcome: 'store_failure', error: settled.error };
  const errors = handlerErrors(settled.error);
  if (errors.length > 0 && errors.every((one) => NonRetryableError.is(one))) return { outcome: 'discarded', error: errors[0] };
  return { outcome: 'failed', error: errors.length === 1 ? errors[0] : settled.error };
}

/** Logs a settled verdict with the same fields on every path; the stack and causes go to the log only. */
function report(run: HandlerRun, verdict: HandlerVerdict): HandlerVerdict {
  const { logger, eventId, type } = run;
  if (verdict.outcome === 'discarded') logger.warn('a handler discarded the event (NonRetryableError)', { eventId, type, ...handlerErrorDetails([verdict.error]) });
  else if (verdict.outcome === 'failed') logger.error(`a handler failed; ${run.next.failed}`, { eventId, type, ...handlerErrorDetails(handlerErrors(verdict.error)) });
  else if (verdict.outcome === 'store_failure') {
    logger.error(`the transaction around the handlers failed, so nothing of their writes was committed; ${run.next.failed}`, {
      eventId,
      type,
      error: describeError(verdict.error),
    });
  }
  return verdict;
}

/** The handlers' errors from what `dispatch` rejected with (a custom router may reject with anything). */
export function handlerErrors(error: unknown): unknown[] {
  try {
    return error instanceof AggregateError && Array.isArray(error.errors) ? error.errors : [error];
  } catch {
    return [error];
  }
}
