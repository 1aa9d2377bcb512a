import type { TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';
import { deduplicationKey, isThinNotification, type RoutableEvent } from '../event-types.js';

// A dispatch called without a signal (a test, a script) is never abandoned: one signal serves them
// all. Made at the first such dispatch, not at import: Workers refuse it in a module's global scope.
let neverAborted: AbortSignal | undefined;

export function createContext(event: RoutableEvent, logger: WebhookLogger = defaultLogger, stale = false, db?: TransactionClient, signal?: AbortSignal): WebhookContext {
  signal ??= neverAborted ??= new AbortController().signal;
  const ctx: WebhookContext = isThinNotification(event)
    ? // A thin notification's Stripe context is the connected account (Connect), if any.
      { eventId: deduplicationKey(event), type: event.type, livemode: event.livemode, account: event.context?.toString() || undefined, logger, stale, signal }
    : { eventId: event.id, type: event.type, livemode: event.livemode, account: event.account ?? undefined, logger, stale, signal };
  if (db) ctx.db = db;
  return ctx;
}
