/*
 * Claims, and completions, of concurrent deliveries, gathered into shared statements.
 *
 * Under load most of a statement's cost is not its rows: it is the round trip, the pool
 * checkout, the driver's work in Node, the server's parse, plan and commit (one WAL flush each).
 * While a statement is on its way, the calls that arrive meanwhile wait and then go together, so a
 * busy store sends far fewer statements than it has deliveries, and an idle one sends each at
 * once (nothing waits for a timer when nothing is in flight).
 *
 * Each caller's promise settles with its own statement: it resolves with its key's answer only
 * once that statement has committed, and a failed statement rejects every call it carried (each
 * caller retries as before). A key is in a statement at most once: a second call for a key
 * already in the statement being gathered waits for the next one, so it sees the first one's
 * outcome exactly as if the two had come one after the other.
 */

export interface StatementBatcherOptions {
  /** Statements in flight before new calls wait for one to answer. */
  maxInFlight: number;
  /**
   * How long calls wait for a statement in flight before they are sent anyway: one slow or
   * stuck connection must not hold every other call back.
   */
  maxWaitMs: number;
  /** Keys per statement. */
  maxBatch: number;
}

export const defaultBatcherOptions: StatementBatcherOptions = { maxInFlight: 2, maxWaitMs: 25, maxBatch: 500 };

interface Waiter<P, R> {
  key: string;
  payload: P;
  resolve(answer: R): void;
  reject(error: unknown): void;
}

/**
 * `send` runs one statement for the given keys (sorted, without repeats) and their payloads,
 * and resolves one answer per key, in their order; the batcher decides when and with which.
 */
export function createStatementBatcher<P, R>(
  send: (keys: string[], payloads: P[]) => Promise<R[]>,
  options: StatementBatcherOptions = defaultBatcherOptions,
): (key: string, payload: P) => Promise<R> {
  let pending: Array<Waiter<P, R>> = [];
  let inFlight = 0;
  let flushQueued = false;
  let overdue: ReturnType<typeof setTimeout> | undefined;

  function schedule(): void {
    if (pending.length === 0) return;
    if (inFlight < options.maxInFlight) {
      // A microtask, so calls made in the same turn go together.
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(() => flush(false));
      }
    } else {
      overdue ??= setTimeout(() => flush(true), options.maxWaitMs);
    }
  }

  /** Takes the next statement's waiters out of `pending`: the oldest, one per key. */
  function nextBatch(): Array<Waiter<P, R>> {
    const batch = new Map<string, Waiter<P, R>>();
    const later: Array<Waiter<P, R>> = [];
    for (const waiter of pending) {
      if (batch.size < options.maxBatch && !batch.has(waiter.key)) batch.set(waiter.key, waiter);
      else later.push(waiter);
    }
    pending = later;
    // Sorted: concurrent statements that lock rows in one order cannot deadlock each other.
    return [...batch.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  function flush(late: boolean): void {
    flushQueued = false;
    if (overdue !== undefined) clearTimeout(overdue);
    overdue = undefined;
    // A late flush sends one statement past the limit: the ones in flight are slow, not a reason
    // to keep these waiting.
    let allowance = late ? 1 : 0;
    while (pending.length > 0 && (inFlight < options.maxInFlight || allowance-- > 0)) {
      const batch = nextBatch();
      inFlight++;
      send(
        batch.map((waiter) => waiter.key),
        batch.map((waiter) => waiter.payload),
      )
        .then(
          (answers) => {
            batch.forEach((waiter, index) => waiter.resolve(answers[index] as R));
          },
          (error: unknown) => {
            for (const waiter of batch) waiter.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          schedule();
        });
    }
    schedule();
  }

  return (key, payload) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ key, payload, resolve, reject });
      schedule();
    });
}
