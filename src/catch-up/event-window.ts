import type Stripe from 'stripe';
import { CatchUpError } from './catch-up-error.js';
import { describeStripeError, type StripeListPage, type StripeReadClient } from './stripe-client.js';

/** Which events a run reads: `created` between `since` and `until` (Unix seconds, inclusive). */
export interface EventWindow {
  since: number;
  until: number;
  /** Only these types; `undefined` for every type. */
  types: readonly string[] | undefined;
  /** Only events that some endpoint has not acknowledged (`delivery_success=false`). */
  undeliveredOnly: boolean;
}

// Stripe's largest page, and the most names its `types[]` filter takes.
const pageSize = 100;
const maxTypesFilter = 20;
const permission = 'Events: read';

/**
 * Yields the window's events oldest first, one page at a time, so memory holds one page however
 * large the window. The Events API lists newest first; to walk forward in time the run finds the
 * oldest event (a binary search over `created` with one-event pages), then pages towards newer
 * events with `ending_before`, reversing each page, as stripe-node's reverse auto-pagination does.
 * `until` is fixed when the run starts, so events created meanwhile end the run instead of
 * prolonging it; the next run picks them up.
 */
export async function* eventsOldestFirst(stripe: StripeReadClient, window: EventWindow): AsyncGenerator<Stripe.Event[]> {
  const serverTypes = window.types !== undefined && window.types.length <= maxTypesFilter ? window.types : undefined;
  // Above 20 types Stripe cannot filter: the run reads every type and keeps the wanted ones.
  const wanted = window.types !== undefined && serverTypes === undefined ? new Set(window.types) : undefined;
  const keep = (events: Stripe.Event[]) => (wanted ? events.filter((event) => wanted.has(event.type)) : events);
  const list = (since: number, until: number, cursor: Pick<Stripe.EventListParams, 'limit' | 'starting_after' | 'ending_before'>) =>
    listEvents(stripe, {
      created: { gte: since, lte: until },
      ...(serverTypes ? { types: [...serverTypes] } : {}),
      ...(window.undeliveredOnly ? { delivery_success: false } : {}),
      ...cursor,
    });

  const first = await list(window.since, window.until, { limit: pageSize });
  if (!first.has_more) {
    // The whole window fits in one page: the usual case for a scheduled run.
    const events = keep(first.data.slice().reverse());
    if (events.length > 0) yield events;
    return;
  }

  // The earliest second holding an event: some event lies in [since, high] throughout.
  let low = window.since;
  let high = (first.data.at(-1) as Stripe.Event).created;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const probe = await list(window.since, middle, { limit: 1 });
    if (probe.data[0]) high = probe.data[0].created;
    else low = middle + 1;
  }
  // Several events may share that second: the last one listed is the oldest.
  let page = await list(high, high, { limit: pageSize });
  let oldest = page.data.at(-1) as Stripe.Event;
  while (page.has_more) {
    page = await list(high, high, { limit: pageSize, starting_after: oldest.id });
    oldest = page.data.at(-1) ?? oldest;
  }

  const firstBatch = keep([oldest]);
  if (firstBatch.length > 0) yield firstBatch;
  let cursor = oldest.id;
  for (;;) {
    page = await list(window.since, window.until, { limit: pageSize, ending_before: cursor });
    if (page.data.length === 0) return;
    const events = keep(page.data.slice().reverse());
    if (events.length > 0) yield events;
    if (!page.has_more) return;
    cursor = (page.data[0] as Stripe.Event).id;
  }
}

async function listEvents(stripe: StripeReadClient, params: Stripe.EventListParams): Promise<StripeListPage<Stripe.Event>> {
  try {
    return await stripe.events.list(params);
  } catch (error) {
    throw new CatchUpError('stripe_api_error', describeStripeError(error, permission), undefined, { cause: error });
  }
}
