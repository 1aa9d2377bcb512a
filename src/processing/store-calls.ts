import type { ClaimResult, IdempotencyStore, TransactionClient, WebhookLogger } from '../types.js';
import { immediateStore } from '../stores/memory-store.js';
import { pause, settle, timedOut, withinDeadline, type Deadline } from './deadline.js';
import { describeError } from '../describe-error.js';
import type { ProcessOutcome } from './outcome.js';

export interface StoreCallsOptions {
  store: IdempotencyStore;
  leaseMs: number;
  logger: WebhookLogger;
  /** `storeTimeoutMs` as a deadline that the store calls of many deliveries share. */
  storeDeadline: Deadline;
}

/** A claim taken (with the token that owns its lease), or the outcome that ends the delivery. */
export type ClaimAttempt = { outcome: undefined; token: string } | { outcome: ProcessOutcome; token?: undefined };

// After the handlers succeeded, completion is retried: a short burst within one store deadline
// (most failures are a dropped connection, and the next attempt gets a fresh one), then now and
// then in the background until the lease ends, after which the record could no longer stop a
// duplicate that the store lets run.
const burstBackoffMs = [25, 100, 250, 500];
const backgroundEveryMs = 1_000;

/**
 * The store calls of one delivery, each bounded by `storeTimeoutMs`. Every claim carries a token
 * of its own, so that a release gives up that claim's lease and never a newer one (taken after
 * this one's lease ended, in this process or another).
 */
export function createStoreCalls({ store, leaseMs, logger, storeDeadline }: StoreCallsOptions) {
  const storeTimeoutMs = storeDeadline.ms;
  const call = <T>(step: () => Promise<T>) => storeDeadline(settle(step));
  const memory = immediateStore(store);

  /** Claims `eventId` under a token of its own; answers at once when the store does (`memoryStore()`). */
  function claim(eventId: string): ClaimAttempt | Promise<ClaimAttempt> {
    const token = claimToken();
    if (memory === undefined || store.claim !== memory.own.claim) return claimWithin(eventId, token);
    try {
      return attemptOf(memory.claim(eventId, leaseMs, token), token);
    } catch (error) {
      return claimFailed(eventId, error);
    }
  }

  async function claimWithin(eventId: string, token: string): Promise<ClaimAttempt> {
    const claiming = settle(() => store.claim(eventId, leaseMs, token));
    let answer;
    try {
      answer = await storeDeadline(claiming);
    } catch (error) {
      return claimFailed(eventId, error);
    }
    if (answer === timedOut) {
      logger.error(`the idempotency store did not answer the claim within storeTimeoutMs (${storeTimeoutMs} ms); Stripe will retry`, { eventId });
      // A claim that lands after all would hold the event for a whole lease with nobody running it.
      void claiming.then((late) => (late === 'claimed' ? release(eventId, token) : undefined), () => undefined);
      return { outcome: 'store_timeout' };
    }
    return attemptOf(answer, token);
  }

  function claimFailed(eventId: string, error: unknown): ClaimAttempt {
    logger.error('the idempotency store failed to claim the event; Stripe will retry', { eventId, error: describeError(error) });
    return { outcome: 'store_unavailable' };
  }

  /**
   * Marks the event done; a store that keeps failing is logged, never turned into an error. A
   * store that answers at once and fails is retried as any store is, from its first attempt.
   */
  function complete(eventId: string, token: string): void | Promise<void> {
    if (memory !== undefined && store.complete === memory.own.complete) {
      try {
        memory.complete(eventId, token);
        return;
      } catch {
        // Retried below, with the logging and backoff of any store.
      }
    }
    return completeWithRetries(eventId, token);
  }

  async function completeWithRetries(eventId: string, token: string): Promise<void> {
    const started = Date.now();
    const leaseEnds = started + leaseMs;
    const burstEnds = started + storeTimeoutMs;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      // The first attempt has the whole store deadline, so it waits on the timer all deliveries share.
      const failure = await completeOnce(eventId, token, attempt === 0 ? undefined : Math.max(1, burstEnds - Date.now()));
      if (failure === undefined) return;
      lastError = failure;
      const wait = burstBackoffMs[attempt];
      if (wait === undefined || Date.now() + wait >= burstEnds) break;
      await pause(wait);
    }
    logger.error(
      'the idempotency store could not record the event as done; answering 2xx since its handlers succeeded (a non-2xx would make Stripe run them again). ' +
        'Still retrying until the lease ends; a duplicate delivered after that may run the handlers again.',
      { eventId, error: describeError(lastError) },
    );
    void completeInBackground(eventId, token, leaseEnds);
  }

  async function completeInBackground(eventId: string, token: string, leaseEnds: number): Promise<void> {
    while (Date.now() + backgroundEveryMs < leaseEnds) {
      await pause(backgroundEveryMs);
      if ((await completeOnce(eventId, token)) === undefined) {
        logger.info('the idempotency store recorded the event as done after retrying', { eventId });
        return;
      }
    }
  }

  /** One completion, within `deadlineMs` (default the store deadline); resolves the failure, or `undefined` when it was recorded. */
  async function completeOnce(eventId: string, token: string, deadlineMs?: number): Promise<unknown> {
    try {
      const completing = settle(() => store.complete(eventId, token));
      const answer = await (deadlineMs === undefined ? storeDeadline(completing) : withinDeadline(completing, deadlineMs));
      return answer === timedOut ? new Error(`no answer within ${deadlineMs ?? storeTimeoutMs} ms`) : undefined;
    } catch (error) {
      return error ?? new Error('the store rejected without a reason');
    }
  }

  /** Gives this claim's lease up; on failure the lease simply runs out (Stripe's retry waits for it). */
  function release(eventId: string, token: string): void | Promise<void> {
    if (memory === undefined || store.release !== memory.own.release) return releaseWithin(eventId, token);
    try {
      memory.release(eventId, token);
    } catch (error) {
      releaseFailed(eventId, error);
    }
  }

  async function releaseWithin(eventId: string, token: string): Promise<void> {
    try {
      if ((await call(() => store.release(eventId, token))) === timedOut) {
        logger.error(`the idempotency store did not answer the release within storeTimeoutMs (${storeTimeoutMs} ms); the lease ends by itself`, { eventId });
      }
    } catch (error) {
      releaseFailed(eventId, error);
    }
  }

  function releaseFailed(eventId: string, error: unknown): void {
    logger.error('the idempotency store failed to release the event; the lease ends by itself', { eventId, error: describeError(error) });
  }

  /**
   * Present when the store is transactional: runs the handlers inside the transaction that marks
   * the event done (so a success needs no `complete`), abandoning it when `signal` aborts.
   */
  const transaction = store.runInTransaction
    ? (eventId: string, token: string, work: (db: TransactionClient) => Promise<void>, signal: AbortSignal) =>
        settle(() => (store.runInTransaction as NonNullable<IdempotencyStore['runInTransaction']>).call(store, eventId, token, work, signal))
    : undefined;

  return { claim, complete, release, transaction };
}

/** A claim's answer: the lease, owned by `token`, or the outcome that ends the delivery. */
function attemptOf(answer: ClaimResult, token: string): ClaimAttempt {
  if (answer === 'claimed') return { outcome: undefined, token };
  if (answer === 'done') return { outcome: 'duplicate' };
  return { outcome: 'in_progress' };
}

// A claim's token: a UUID whose first 20 hex digits are drawn once per process and whose last 12
// count its claims. As unique across the processes sharing a store as a random UUID per claim, for a
// tenth of its cost, and still a UUID (postgresStore keeps it in a `uuid` column). Drawn at the
// first claim, not at import: Cloudflare Workers refuse random values in the global scope.
let tokenPrefix: string | undefined;
let claimCount = 0;
export function claimToken(): string {
  tokenPrefix ??= globalThis.crypto.randomUUID().slice(0, 24);
  claimCount = (claimCount + 1) % 2 ** 48;
  return tokenPrefix + claimCount.toString(16).padStart(12, '0');
}

/** The store calls of one delivery, as `createStoreCalls` makes them. */
export type StoreCalls = ReturnType<typeof createStoreCalls>;
