/**
 * Every default of the kit's options, and the one way a bad option is refused. Each entry point
 * (createWebhookHandler, the stores, the inbox, the worker, the adapters...) reads its defaults
 * here and checks its options with these functions, so a bad configuration fails when it is
 * built, with the same kind of error and the same kind of message wherever it is passed.
 */

/** The defaults, named once: the docs quote them, and no other module writes them again. */
export const defaults = {
  /** How long a claim (store) or a worker (inbox) holds an event before another may take it over. */
  leaseMs: 60_000,
  /** How long the handlers of one delivery may run before the attempt fails as `handler_timeout`. */
  handlerTimeoutMs: 7_000,
  /** How long a store or an inbox may take to answer before the delivery is a 500. */
  storeTimeoutMs: 1_500,
  /** How long an adapter waits for a body that stops arriving (408 `body_timeout`). */
  bodyTimeoutMs: 10_000,
  /** The largest body a delivery may have (413 `payload_too_large`): 1 MiB. */
  maxBodyBytes: 1024 * 1024,
  /** How long a done event is remembered: 7 days, longer than the 3 days Stripe retries. */
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  /** The worker's handler deadline, as a share of the inbox's `leaseMs`. */
  workerTimeoutShareOfLease: 0.8,
  /** How long a stopping worker waits for running handlers before it aborts them. */
  graceMs: 30_000,
  /** The engine's queue an inbox stores its jobs in. */
  queue: 'stripe-events',
  /** How many times an inbox retries a failed event after its first attempt, before it is dead. */
  retryLimit: 8,
  /** The inbox's first retry delay, doubled for each later retry when `backoff` is on. */
  retryDelaySeconds: 10,
  /** How many events one page of `inbox.list()` holds. */
  listLimit: 50,
  /** How old the oldest queued event may be before `inbox.health()` reports the inbox as behind: 5 minutes. */
  maxLagMs: 5 * 60 * 1000,
  /** How many expired rows a store's `cleanup()` deletes per statement, so no statement holds locks for long. */
  cleanupBatchSize: 10_000,
  /** The largest form the console reads (a replay of a selection of events): 256 KiB. */
  maxFormBytes: 256 * 1024,
  /** How long `simulateDeliveries` waits for an answer before the request has failed (and is retried). */
  simulatedRequestTimeoutMs: 10_000,
} as const;

/** The longest delay a timer accepts (2^31 - 1 ms, about 24.8 days): Node and browsers fire a longer one at once. */
export const maxTimerMs = 2_147_483_647;

/**
 * The one shape of a bad-option message: `entry: \`option\` must be requirement; got X.` Errors
 * that carry a class and a code of their own (`CatchUpError`, `InboxError`, `ConsoleError`,
 * `SimulationError`) take their message from here, so every refusal reads the same.
 */
export function optionMessage(entry: string, option: string, requirement: string, ...given: [unknown?]): string {
  return `${entry}: \`${option}\` must be ${requirement}${given.length > 0 ? `; got ${describeGiven(given[0])}` : ''}.`;
}

/**
 * A bad option: a `TypeError` when it has the wrong type or is missing, a `RangeError` when its
 * value is out of range. The message names the function, the option, what it must be, and what
 * was given: `memoryStore: \`maxEntries\` must be a positive integer; got 0.`
 */
export function invalidOption(kind: 'type' | 'range', entry: string, option: string, requirement: string, ...given: [unknown?]): TypeError | RangeError {
  const message = optionMessage(entry, option, requirement, ...given);
  return kind === 'type' ? new TypeError(message) : new RangeError(message);
}

/** A duration in milliseconds: positive, and finite unless `infinite` allows `Infinity` (no limit). */
export function positiveMs(entry: string, option: string, value: number | undefined, fallback: number, { infinite = false } = {}): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !(ms > 0) || (!infinite && !Number.isFinite(ms))) {
    throw invalidOption('range', entry, option, `a positive number of milliseconds${infinite ? ' (or Infinity for no limit)' : ''}`, ms);
  }
  return ms;
}

/** A count: a whole number of at least `min` (1 unless said). */
export function wholeNumber(entry: string, option: string, value: number | undefined, fallback: number, min = 1): number {
  const count = value ?? fallback;
  if (!Number.isInteger(count) || count < min) throw invalidOption('range', entry, option, min === 1 ? 'a positive integer' : `a whole number of at least ${min}`, count);
  return count;
}

/** A timer's delay: whole milliseconds a timer can wait for (see `maxTimerMs`). */
export function timerMs(entry: string, option: string, value: number | undefined, fallback: number): number {
  const ms = value ?? fallback;
  if (!Number.isInteger(ms) || ms < 1 || ms > maxTimerMs) throw invalidOption('range', entry, option, `a whole number of milliseconds from 1 to ${maxTimerMs}`, ms);
  return ms;
}

/**
 * `apiVersion`: one of Stripe's dated API versions (`2026-10-28.endive`). `refuse` builds the error
 * for an entry point whose errors carry a class and code of their own; a `TypeError` otherwise.
 */
export function stripeApiVersion(entry: string, value: unknown, refuse: (message: string) => Error = (message) => new TypeError(message)): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value;
  throw refuse(optionMessage(entry, 'apiVersion', "a Stripe API version such as '2026-10-28.endive' (leave it out for the version of the installed stripe types)", value));
}

function describeGiven(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}
