import type Stripe from 'stripe';
import type { WebhookLogger } from '../types.js';
import { createApiVersionDrift } from '../handler/api-version-drift.js';
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
  const warn = (message: string, details: Record<string, unknown>) => {
    collected.push(message);
    logger.warn(message, details);
  };
  // The handler's check, so that both say the same, once per version.
  const drift = expected === undefined ? undefined : createApiVersionDrift(expected, { warn }, 'catch-up', 'the client uses');

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
      drift?.check(event);
    },
  };
}
