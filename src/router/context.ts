import type Stripe from 'stripe';
import type { TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';

export function createContext(event: Stripe.Event, logger: WebhookLogger = defaultLogger, db?: TransactionClient): WebhookContext {
  return { eventId: event.id, type: event.type, livemode: event.livemode, account: event.account ?? undefined, logger, db };
}
