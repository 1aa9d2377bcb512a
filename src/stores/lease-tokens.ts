import { forgetOldest } from './forget-oldest.js';

/**
 * Remembers the token of each claim this store instance holds, so that `release` gives up only
 * its own lease. Without it, a process whose lease ran out (a handler slower than `leaseMs`)
 * would, on failing, delete the fresh claim another process has since taken, letting a third
 * delivery run the event at the same time.
 */
export interface LeaseTokens {
  /** A new random token to claim with; remembered only once the claim succeeded. */
  create(): string;
  /** Records that this instance holds the claim of `eventId` under `token`. */
  remember(eventId: string, token: string): void;
  /** The remembered token, forgotten by this call; `undefined` when this instance holds none. */
  take(eventId: string): string | undefined;
}

// Claims that are never completed nor released (a handler that hangs) must not grow memory for
// ever; forgetting the oldest only makes their release fall back to giving up any lease.
const maxRemembered = 10_000;

export function createLeaseTokens(): LeaseTokens {
  const tokens = new Map<string, string>();
  return {
    create: () => globalThis.crypto.randomUUID(),
    remember(eventId, token) {
      tokens.delete(eventId);
      tokens.set(eventId, token);
      forgetOldest(tokens, maxRemembered);
    },
    take(eventId) {
      const token = tokens.get(eventId);
      tokens.delete(eventId);
      return token;
    },
  };
}
