import type Stripe from 'stripe';
import type { TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';

export function createContext(event: Stripe.Event, logger: WebhookLogger = defaultLogger, stale = false, db?: TransactionClient): WebhookContext {
  const ctx: WebhookContext = { eventId: event.id, type: event.type, livemode: event.livemode, account: event.account ?? undefined, logger, stale };
  if (db) ctx.db = db;
  return ctx;
}
