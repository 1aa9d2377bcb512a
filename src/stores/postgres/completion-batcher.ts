/*
 * Completions of concurrent deliveries, gathered into one statement.
 *
 * A delivery costs a claim and a completion, each its own commit. Under load most of a commit is
 * waiting: for a pool connection, for the round trip, for the WAL flush. While one completion
 * statement is on its way, the completions that arrive meanwhile wait and then go together, so a
 * busy store sends far fewer statements than it completes events, and an idle one sends each at
 * once (nothing waits for a timer when nothing is in flight).
 *
 * Each caller's promise settles with its own batch: it resolves only once the statement that
 * marked its event done has committed (so a duplicate claimed after it answers 'done'), and a
 * failed statement rejects every completion it carried (each caller retries as before).
 */

export interface CompletionBatcherOptions {
  /** Statements in flight before new completions wait for one to answer. */
  maxInFlight: number;
  /**
   * How long completions wait for a statement in flight before they are sent anyway: one slow or
   * stuck connection must not hold every other completion back.
   */
  maxWaitMs: number;
  /** Event ids per statement. */
  maxBatch: number;
}

export const defaultBatcherOptions: CompletionBatcherOptions = { maxInFlight: 2, maxWaitMs: 25, maxBatch: 500 };

interface Waiter {
  eventId: string;
  resolve(): void;
  reject(error: unknown): void;
}

/** `send` marks the given event ids done in one statement; the batcher decides when and with which. */
export function createCompletionBatcher(
  send: (eventIds: string[]) => Promise<void>,
  options: CompletionBatcherOptions = defaultBatcherOptions,
): (eventId: string) => Promise<void> {
  let pending: Waiter[] = [];
  let inFlight = 0;
  let flushQueued = false;
  let overdue: ReturnType<typeof setTimeout> | undefined;

  function schedule(): void {
    if (pending.length === 0) return;
    if (inFlight < options.maxInFlight) {
      // A microtask, so completions made in the same turn go together.
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(() => flush(false));
      }
    } else {
      overdue ??= setTimeout(() => flush(true), options.maxWaitMs);
    }
  }

  function flush(late: boolean): void {
    flushQueued = false;
    if (overdue !== undefined) clearTimeout(overdue);
    overdue = undefined;
    // A late flush sends one statement past the limit: the ones in flight are slow, not a reason
    // to keep these waiting.
    let allowance = late ? 1 : 0;
    while (pending.length > 0 && (inFlight < options.maxInFlight || allowance-- > 0)) {
      const batch = pending.slice(0, options.maxBatch);
      pending = pending.slice(batch.length);
      inFlight++;
      // Sorted and without repeats: an upsert may touch a row once, and concurrent statements
      // that lock rows in one order cannot deadlock each other.
      const eventIds = [...new Set(batch.map((waiter) => waiter.eventId))].sort();
      send(eventIds).then(
        () => {
          for (const waiter of batch) waiter.resolve();
        },
        (error: unknown) => {
          for (const waiter of batch) waiter.reject(error);
        },
      ).finally(() => {
        inFlight--;
        schedule();
      });
    }
    schedule();
  }

  return (eventId) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ eventId, resolve, reject });
      schedule();
    });
}
