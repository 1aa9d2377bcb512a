import type Stripe from 'stripe';
import type { WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';

export function createContext(event: Stripe.Event, logger: WebhookLogger = defaultLogger, stale = false): WebhookContext {
  return { eventId: event.id, type: event.type, livemode: event.livemode, account: event.account ?? undefined, logger, stale };
}
