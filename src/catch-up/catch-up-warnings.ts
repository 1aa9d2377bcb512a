import type Stripe from 'stripe';
import type { WebhookLogger } from '../types.js';
import { clientApiVersion, type StripeReadClient } from './stripe-client.js';

// How long the Events API keeps events.
const retentionSeconds = 30 * 86_400;

/**
 * The two things a run warns about, each said once: a window reaching further back than the
 * Events API keeps, and events rendered in another API version than the client's (their
 * `data.object` has that version's shape, which handlers written for the client's may misread).
 */
export function createCatchUpWarnings(stripe: StripeReadClient, logger: WebhookLogger, collected: string[]) {
  const expected = clientApiVersion(stripe);
  const seenVersions = new Set<string>();
  const warn = (message: string, details: Record<string, unknown>) => {
    collected.push(message);
    logger.warn(message, details);
  };

  return {
    checkWindow(since: number, until: number) {
      const oldest = until - retentionSeconds;
      if (since >= oldest) return;
      const days = Math.round((until - since) / 86_400);
      warn(
        `catch-up: since is ${days} days ago, but the Events API keeps events for 30 days: events before ` +
          `${new Date(oldest * 1000).toISOString()} cannot be recovered this way`,
        { since, oldestAvailable: oldest },
      );
    },
    checkApiVersion(event: Stripe.Event) {
      const version = event.api_version;
      if (expected === undefined || !version || version === expected || seenVersions.has(version)) return;
      seenVersions.add(version);
      warn(
        `catch-up: event ${event.id} has api_version ${version} but the client uses ${expected}; events keep the ` +
          `API version they were created with: check that handlers read ${version} payloads correctly`,
        { eventId: event.id, eventApiVersion: version, clientApiVersion: expected },
      );
    },
  };
}
