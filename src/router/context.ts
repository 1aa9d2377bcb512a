import type { WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';
import { deduplicationKey, isThinNotification, type RoutableEvent } from './thin-types.js';

export function createContext(event: RoutableEvent, logger: WebhookLogger = defaultLogger): WebhookContext {
  if (isThinNotification(event)) {
    // A thin notification's Stripe context is the connected account (Connect), if any.
    return { eventId: deduplicationKey(event), type: event.type, livemode: event.livemode, account: event.context?.toString() || undefined, logger };
  }
  return { eventId: event.id, type: event.type, livemode: event.livemode, account: event.account ?? undefined, logger };
}
