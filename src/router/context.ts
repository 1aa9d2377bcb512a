import type { TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';
import { deduplicationKey, isThinNotification, type RoutableEvent } from '../event-types.js';

export function createContext(event: RoutableEvent, logger: WebhookLogger = defaultLogger, stale = false, db?: TransactionClient): WebhookContext {
  const ctx: WebhookContext = isThinNotification(event)
    ? // A thin notification's Stripe context is the connected account (Connect), if any.
      { eventId: deduplicationKey(event), type: event.type, livemode: event.livemode, account: event.context?.toString() || undefined, logger, stale }
    : { eventId: event.id, type: event.type, livemode: event.livemode, account: event.account ?? undefined, logger, stale };
  if (db) ctx.db = db;
  return ctx;
}
