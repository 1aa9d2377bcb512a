/** What `withinDeadline` resolves when the work did not settle in time. */
export const timedOut: unique symbol = Symbol('stripe-webhook-kit.timedOut');

/**
 * Waits for `work` at most `ms` milliseconds (`Infinity`: no limit). The work itself is not
 * stopped (a promise cannot be cancelled): the caller decides what its late outcome means.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  // setTimeout cannot wait longer than 2^31-1 ms (it would fire at once): that is "no limit" too.
  if (!Number.isFinite(ms) || ms > 2_147_483_647) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Runs `step` and turns a synchronous throw into a rejection, so one `catch` sees both. */
export function settle<T>(step: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => resolve(step()));
}

/** Resolves after `ms`, without keeping a Node process alive for it. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as { unref?: () => void };
    timer.unref?.();
  });
}

/** Checks a deadline option: a positive number of milliseconds, or `Infinity` to turn it off. */
export function deadlineOption(name: string, value: number | undefined, fallback: number): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !(ms > 0)) {
    throw new RangeError(`createWebhookHandler: ${name} must be a positive number of milliseconds (or Infinity for no limit), got ${String(ms)}.`);
  }
  return ms;
}
