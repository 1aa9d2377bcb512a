import type { TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';
import { deduplicationKey, isThinNotification, type RoutableEvent } from '../event-types.js';

// A dispatch called without a signal (a test, a script) is never abandoned: one signal serves them
// all. Made at the first such dispatch, not at import: Workers refuse it in a module's global scope.
let neverAborted: AbortSignal | undefined;

/**
 * `signal` is called at each read of `ctx.signal` (never when the handlers do not read it): a
 * caller that needs a signal per run makes it only then, since an AbortSignal costs a few µs on
 * Node 20 and most handlers never read it.
 */
export function createContext(event: RoutableEvent, logger: WebhookLogger = defaultLogger, stale = false, db?: TransactionClient, signal?: () => AbortSignal | undefined): WebhookContext {
  const thin = isThinNotification(event);
  // A thin notification's Stripe context is the connected account (Connect), if any.
  const eventId = thin ? deduplicationKey(event) : event.id;
  const account = thin ? event.context?.toString() || undefined : (event.account ?? undefined);
  const { type, livemode } = event;
  const ctx: WebhookContext = {
    eventId, type, livemode, account, logger, stale,
    get signal() {
      return signal?.() ?? (neverAborted ??= new AbortController().signal);
    },
  };
  if (db) ctx.db = db;
  return ctx;
}
