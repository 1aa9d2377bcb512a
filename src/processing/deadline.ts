/** What `withinDeadline` resolves when the work did not settle in time. */
export const timedOut: unique symbol = Symbol('stripe-webhook-kit.timedOut');

/**
 * Waits for `work` at most `ms` milliseconds (`Infinity`: no limit). The work itself is not
 * stopped (a promise cannot be cancelled): the caller decides what its late outcome means.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  // setTimeout cannot wait longer than 2^31-1 ms (it would fire at once): that is "no limit" too.
  if (noLimit(ms)) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** `withinDeadline` for one fixed length, as a handler's deadlines are. */
export interface Deadline {
  <T>(work: Promise<T>): Promise<T | typeof timedOut>;
  /** The length, in milliseconds (for messages, and for calls that need a deadline of their own). */
  readonly ms: number;
  /**
   * Calls `expire` once the length has passed, unless `cancel(watch)` came first: the same shared
   * timer, for a caller that settles its own promise (one promise fewer per delivery).
   */
  readonly after: (expire: () => void) => DeadlineWatch;
  readonly cancel: (watch: DeadlineWatch) => void;
}

/** What `Deadline.after` returns, for `Deadline.cancel`. */
export type DeadlineWatch = object;

/**
 * `withinDeadline(work, ms)` for many calls with the same `ms`, all sharing one timer. Every
 * delivery waits on such a deadline and nearly all end long before it: a timer of their own would
 * be made and cleared per delivery (a few µs each, see bench/). Deadlines of one length end in the
 * order they began, so appending keeps the list sorted, and the timer only waits for the first.
 */
export function sharedDeadline(ms: number): Deadline {
  if (noLimit(ms)) return Object.assign(<T>(work: Promise<T>) => work, { ms, after: () => ({}), cancel() {} });
  const waiters = deadlineList(ms);
  const deadline = <T>(work: Promise<T>) =>
    new Promise<T | typeof timedOut>((resolve, reject) => {
      const waiter = waiters.add(() => resolve(timedOut));
      // Settled in time: the answer takes the work's own outcome, value or rejection. Passed on
      // as it is, not as `resolve(work)`, which would wait two more turns for the settled work.
      work.then(
        (value) => {
          waiters.remove(waiter);
          resolve(value);
        },
        (error: unknown) => {
          waiters.remove(waiter);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection, as it is
          reject(error);
        },
      );
    });
  return Object.assign(deadline, { ms, after: (expire: () => void) => waiters.add(expire), cancel: waiters.remove as (watch: DeadlineWatch) => void });
}

const noLimit = (ms: number) => !Number.isFinite(ms) || ms > 2_147_483_647;

interface Waiter {
  at: number;
  expire: () => void;
  previous: Waiter | undefined;
  next: Waiter | undefined;
}

function deadlineList(ms: number) {
  let first: Waiter | undefined;
  let last: Waiter | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Takes a waiter out (a no-op when it is out already: it expired, or was removed). */
  const remove = (waiter: Waiter) => {
    if (waiter.previous === undefined && first !== waiter) return;
    if (waiter.previous) waiter.previous.next = waiter.next;
    else first = waiter.next;
    if (waiter.next) waiter.next.previous = waiter.previous;
    else last = waiter.previous;
    waiter.previous = waiter.next = undefined;
    // Nobody waits: the timer may still fire (and find nothing), but keeps no process alive.
    if (first === undefined) (timer as { unref?: () => void } | undefined)?.unref?.();
  };

  const expireDue = () => {
    timer = undefined;
    // Timers run on the event loop's clock, which may lag performance.now() by a millisecond.
    const now = performance.now() + 1;
    while (first !== undefined && first.at <= now) {
      const due = first;
      remove(due);
      due.expire();
    }
    if (first !== undefined) timer = setTimeout(expireDue, first.at - performance.now());
  };

  return {
    remove,
    add(expire: () => void): Waiter {
      const waiter: Waiter = { at: performance.now() + ms, expire, previous: last, next: undefined };
      if (last) last.next = waiter;
      else first = waiter;
      last = waiter;
      // A pending timer fires no later than this deadline: it was set for an earlier one.
      if (timer === undefined) timer = setTimeout(expireDue, ms);
      else if (first === waiter) (timer as { ref?: () => void }).ref?.();
      return waiter;
    },
  };
}

/**
 * Runs `step` and turns a synchronous throw into a rejection, so one `catch` sees both. A step's
 * own promise is passed on as it is: wrapping it in another costs every store call and dispatch
 * two more turns of the event loop.
 */
export { settled as settle } from '../telemetry/delivery-trace.js';

/** Resolves after `ms`, without keeping a Node process alive for it. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as { unref?: () => void };
    timer.unref?.();
  });
}
