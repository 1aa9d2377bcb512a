// Stripe documents that in live mode it retries a failed delivery "for up to three days with an
// exponential back off" (in a sandbox: three retries over a few hours); it does not publish the
// intervals. This is the model the simulator uses: the first retry one minute after the first
// attempt, each wait twice the previous one (1 min, 2 min, 4 min ... 2048 min = 34 h 8 min), so
// the thirteenth attempt comes 4095 minutes (68 h 15 min) after the first: within three days.

/** Attempts per delivery in live mode: the first and twelve retries. */
export const stripeMaxAttempts = 13;

const firstRetrySeconds = 60;
// Each wait varies by up to 5% either way, as a real scheduler's would (and 68 h 15 min + 5%
// still ends within three days).
const jitter = 0.05;

/**
 * Seconds of Stripe's time between attempt `attempt` (1 = the first delivery) and the next one,
 * before compression. `random` is in [0, 1) and picks the jitter.
 */
export function retryDelaySeconds(attempt: number, random: number): number {
  return firstRetrySeconds * 2 ** (attempt - 1) * (1 - jitter + 2 * jitter * random);
}

/**
 * By default one minute of Stripe's schedule takes one millisecond: the full three days of
 * retries of an event that never succeeds take about 4.1 s.
 */
export const defaultSpeedup = 60_000;
