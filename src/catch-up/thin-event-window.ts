import type { ThinEventPayload } from '../event-types.js';
import { CatchUpError } from './catch-up-error.js';
import { describeStripeError, type StripeReadClient } from './stripe-client.js';
import type { EventWindow } from './event-window.js';

// The v2 namespace takes secret keys only (https://docs.stripe.com/api-v2-overview).
const permission = 'a secret key (sk_...): the /v2 API does not accept restricted keys';
const maxTypesFilter = 20;

/** A thin event's `created` (ISO 8601) in Unix seconds, as the window and the counters use. */
export function thinCreatedSeconds(event: Pick<ThinEventPayload, 'created'>): number {
  return Math.floor(Date.parse(event.created) / 1000);
}

/**
 * The window's thin events (`GET /v2/core/events`), oldest first. The v2 list pages newest first
 * with an opaque `next_page_url`, which stripe-node's iterator follows; it has no cursor to walk
 * forward in time, so the run reads the window newest first, stops at its start, and reverses it.
 * Thin events are small (a reference, no object), so a window of them fits in memory. `created`
 * is filtered here rather than by the API, whose v2 timestamp filters take ISO text where
 * stripe-node's types say numbers.
 */
export async function thinEventsOldestFirst(stripe: StripeReadClient, window: Pick<EventWindow, 'since' | 'until' | 'types'>): Promise<ThinEventPayload[]> {
  const events = stripe.v2?.core?.events;
  if (typeof events?.list !== 'function') {
    throw new CatchUpError('invalid_options', 'catchUp: reading thin events needs stripe-node 23 or later (`stripe.v2.core.events.list`); upgrade with `npm install stripe@latest`');
  }
  const serverTypes = window.types !== undefined && window.types.length <= maxTypesFilter ? [...window.types] : undefined;
  const wanted = window.types === undefined ? undefined : new Set(window.types);
  const found: ThinEventPayload[] = [];
  try {
    for await (const event of events.list({ limit: 100, ...(serverTypes ? { types: serverTypes } : {}) })) {
      const created = thinCreatedSeconds(event);
      if (created < window.since) break;
      if (created > window.until || (wanted && !wanted.has(event.type))) continue;
      found.push(event as ThinEventPayload);
    }
  } catch (error) {
    throw new CatchUpError('stripe_api_error', describeStripeError(error, permission), undefined, { cause: error });
  }
  return found.reverse();
}
