// catchUp against a local stand-in for the Events API, through stripe-node pointed at it by host,
// port and protocol: the same store and router as the webhook endpoint, oldest first, once.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, type CatchUpProgress } from '../../src/catch-up/catch-up.js';
import { CatchUpError } from '../../src/catch-up/catch-up-error.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import type { IdempotencyStore, StripeEventType } from '../../src/types.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';
import { ids, outageEvents, recordingApp } from './outage.js';

let api: StripeApiStandIn;
let stripe: Stripe;
beforeAll(async () => {
  api = await startStripeApiStandIn();
  stripe = api.client();
});
afterAll(() => api.close());

// Each test reads its own stretch of the past, so the shared stand-in's other events stay out.
const now = 1_790_000_000;
const clock = () => now * 1000;
let nextStart = now - 60 * 86_400;
function freshWindow(seconds = 1000) {
  const start = nextStart;
  nextStart += seconds;
  return { start, catchUpAt: () => (start + seconds) * 1000 };
}

describe('catchUp', () => {
  it('processes each missed event of a 500-event outage exactly once, oldest first; a second run processes none', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(500, start);
    // Stripe delivered every fourth event before the endpoint went down: the app processed those.
    const delivered = events.filter((_, index) => index % 4 === 0);
    const missed = events.filter((_, index) => index % 4 !== 0);
    api.addEvents(delivered, { delivered: true });
    api.addEvents(missed);
    const app = recordingApp();
    for (const event of delivered) expect(await app.handler.process(event)).toBe('processed');
    app.ran.length = 0;

    const first = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });

    expect(app.ran).toEqual(ids(missed));
    expect(first).toMatchObject({ fetched: 500, alreadyDone: 125, processed: 375, failed: 0, inProgress: 0, since: start });
    const second = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });
    expect(second).toMatchObject({ fetched: 500, alreadyDone: 500, processed: 0, failed: 0 });
    expect(app.ran).toHaveLength(375);
  });

  it('reads only undelivered events with undeliveredOnly (delivery_success=false)', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(60, start);
    api.addEvents(events.slice(0, 20), { delivered: true });
    api.addEvents(events.slice(20));
    const app = recordingApp();

    const result = await catchUp({ stripe, since: start, undeliveredOnly: true, router: app.router, handler: app.handler, now: catchUpAt });

    expect(result).toMatchObject({ fetched: 40, alreadyDone: 0, processed: 40 });
    expect(app.ran).toEqual(ids(events.slice(20)));
    expect(api.eventRequests.at(-1)?.get('delivery_success')).toBe('false');
  });

  it('pages across many pages in both directions, filters by the router types, and leaves other types alone', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(450, start);
    const unhandled = outageEvents(30, start, ['customer.updated']).map((event) => ({ ...event, id: `${event.id}_other` }));
    api.addEvents([...events, ...unhandled]);
    const app = recordingApp();
    const requestsBefore = api.eventRequests.length;

    const result = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });

    expect(result.processed).toBe(450);
    expect(app.ran).toEqual(ids(events));
    const requests = api.eventRequests.slice(requestsBefore);
    expect(requests.filter((query) => query.has('ending_before')).length).toBeGreaterThanOrEqual(4);
    expect(requests.every((query) => query.getAll('types[0]').length === 1 && !query.has('types[3]'))).toBe(true);
  });

  it('filters on its side above Stripe\'s 20 types per request', async () => {
    const { start, catchUpAt } = freshWindow();
    const types = ['charge.succeeded', 'charge.failed', 'charge.refunded', 'charge.captured', 'charge.expired', 'charge.pending', 'charge.updated', 'customer.created',
      'customer.deleted', 'customer.updated', 'invoice.created', 'invoice.deleted', 'invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.sent',
      'invoice.updated', 'invoice.voided', 'payout.paid', 'payout.failed', 'product.created'] as const satisfies readonly StripeEventType[];
    const events = outageEvents(120, start, types);
    api.addEvents([...events, ...outageEvents(10, start, ['price.created']).map((event) => ({ ...event, id: `${event.id}_price` }))]);
    const app = recordingApp({ types });
    const requestsBefore = api.eventRequests.length;

    const result = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });

    expect(result).toMatchObject({ fetched: 120, processed: 120 });
    expect(app.ran).toEqual(ids(events));
    expect(api.eventRequests.slice(requestsBefore).some((query) => [...query.keys()].some((key) => key.startsWith('types')))).toBe(false);
  });

  it('stops on an API error mid-run with a message that says what to do, and a rerun resumes without running anything twice', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(400, start);
    api.addEvents(events);
    const app = recordingApp();
    // The third page walking forward in time fails, and every request after it, until heal().
    let forwardPages = 0;
    api.failEventsWhen((query) => query.has('ending_before') && ++forwardPages >= 3);

    const error = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt }).catch((caught: unknown) => caught);
    api.heal();

    expect(CatchUpError.is(error)).toBe(true);
    const stopped = error as CatchUpError<{ processed: number }>;
    expect(stopped.code).toBe('stripe_api_error');
    expect(stopped.message).toMatch(/^catchUp stopped: the Stripe API answered an error 500: An unknown error occurred \(stand-in outage\); 201 event/);
    expect(stopped.message).toContain('201 event(s) were processed');
    expect(stopped.message).toContain('run catch-up again');
    expect(stopped.result?.processed).toBe(201);
    expect(app.ran).toEqual(ids(events.slice(0, 201)));

    const rerun = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });
    expect(rerun).toMatchObject({ fetched: 400, alreadyDone: 201, processed: 199 });
    expect(app.ran).toEqual(ids(events));
  });

  it('ends at the window fixed when it started: events created during the run wait for the next run', async () => {
    const { start, catchUpAt } = freshWindow();
    freshWindow(); // the stretch after it, where the events created during the run go
    const events = outageEvents(250, start);
    api.addEvents(events);
    const until = catchUpAt() / 1000;
    const arriving = outageEvents(30, until + 1).map((event) => ({ ...event, id: `${event.id}_new` }));
    const app = recordingApp();

    const first = await catchUp({
      stripe,
      since: start,
      router: app.router,
      handler: app.handler,
      now: catchUpAt,
      onProgress: ({ fetched }) => {
        if (fetched === 120) api.addEvents(arriving);
      },
    });

    expect(first).toMatchObject({ fetched: 250, processed: 250, until });
    expect(app.ran).toEqual(ids(events));
    const next = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: () => (until + 100) * 1000 });
    expect(next).toMatchObject({ fetched: 280, alreadyDone: 250, processed: 30 });
    expect(app.ran).toEqual([...ids(events), ...ids(arriving)]);
  });

  it('counts failed handlers, which the next run retries; NonRetryableError counts as processed and discarded', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(9, start);
    api.addEvents(events);
    let failing = true;
    const app = recordingApp({
      fail: (event) =>
        failing && event.id === events[4]?.id ? new Error('database down') : event.id === events[6]?.id ? new NonRetryableError('order unknown') : undefined,
    });

    const first = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });
    expect(first).toMatchObject({ fetched: 9, processed: 8, failed: 1, discarded: 1 });
    failing = false;
    const second = await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt });
    expect(second).toMatchObject({ fetched: 9, alreadyDone: 8, processed: 1, failed: 0, discarded: 0 });
    expect(app.ran.filter((id) => id === events[4]?.id)).toHaveLength(2);
  });

  it('stops when the store cannot claim or the inbox cannot store, saying how far it got', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(8, start);
    api.addEvents(events);
    let claims = 0;
    const flakyStore = memoryStore();
    const store: IdempotencyStore = {
      claim: (eventId, leaseMs) => (++claims > 5 ? Promise.reject(new Error('connection lost')) : flakyStore.claim(eventId, leaseMs)),
      complete: (eventId) => flakyStore.complete(eventId),
      release: (eventId) => flakyStore.release(eventId),
    };
    const app = recordingApp({ store });

    const stopped = (await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt }).catch((error: unknown) => error)) as CatchUpError;
    expect(stopped).toMatchObject({ code: 'store_unavailable', result: { fetched: 6, processed: 5, failed: 1 } });
    expect(stopped.message).toMatch(new RegExp(`^catchUp stopped: the idempotency store failed to claim ${events[5]?.id} \\(its error is logged\\); 5 event\\(s\\) were processed`));
    expect(app.ran).toEqual(ids(events.slice(0, 5)));

    const inbox = { enqueue: () => Promise.reject(new Error('queue full')) };
    const refused = await catchUp({ stripe, since: start, router: app.router, inbox, now: catchUpAt }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'inbox_unavailable', message: expect.stringContaining(`the inbox could not store ${events[0]?.id} (Error: queue full); 0 event(s)`) });
  });

  it('lists without claiming in a dry run, reporting progress oldest first', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(12, start);
    api.addEvents(events);
    const app = recordingApp();
    const seen: CatchUpProgress[] = [];

    const dry = await catchUp({ stripe, since: start, router: app.router, dryRun: true, onProgress: (progress) => seen.push(progress), now: catchUpAt });

    expect(dry).toMatchObject({ fetched: 12, processed: 0, alreadyDone: 0 });
    expect(seen.map((progress) => progress.event.id)).toEqual(ids(events));
    expect(seen.map((progress) => progress.outcome)).toEqual(Array(12).fill('dry_run'));
    expect(seen.at(-1)).toMatchObject({ fetched: 12 });
    expect(app.ran).toEqual([]);
    expect((await catchUp({ stripe, since: start, router: app.router, handler: app.handler, now: catchUpAt })).processed).toBe(12);
  });

  it('feeds an inbox when given one: queued counts as processed, a stored event as already done', async () => {
    const { start, catchUpAt } = freshWindow();
    const events = outageEvents(6, start);
    api.addEvents(events);
    const stored = new Map<string, Stripe.Event>([[events[0]?.id as string, events[0] as Stripe.Event]]);
    const inbox = {
      async enqueue(event: Stripe.Event) {
        if (stored.has(event.id)) return 'duplicate' as const;
        stored.set(event.id, event);
        return 'queued' as const;
      },
    };
    const result = await catchUp({ stripe, since: start, types: ['checkout.session.completed', 'payment_intent.succeeded', 'invoice.paid'], inbox, now: catchUpAt });
    expect(result).toMatchObject({ fetched: 6, alreadyDone: 1, processed: 5 });
    expect([...stored.keys()]).toEqual(ids(events));
  });

  it('warns when since is older than the 30 days the Events API keeps, and once per other API version', async () => {
    const { start } = freshWindow();
    const old = [
      createTestEvent('coupon.created', { id: 'evt_old_version_1', created: start, api_version: '2024-06-20' } as never),
      createTestEvent('coupon.created', { id: 'evt_old_version_2', created: start + 1, api_version: '2024-06-20' } as never),
    ];
    api.addEvents(old);
    const app = recordingApp({ types: ['coupon.created'] });
    const { logger, lines } = capturingLogger();

    // The window reaches over the other tests' events too: the type keeps them out.
    const result = await catchUp({ stripe, since: '45d', router: app.router, handler: app.handler, logger, now: () => (start + 40 * 86_400) * 1000 });

    expect(result.processed).toBe(2);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toMatch(/since is 45 days ago, but the Events API keeps events for 30 days/);
    expect(result.warnings[1]).toContain(`event evt_old_version_1 has api_version 2024-06-20 but the client uses ${stripe.getApiField('version')}`);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(2);
  });

  it('refuses a missing handler, empty types, a since in the future and a since in milliseconds, each with its fix', async () => {
    await expect(catchUp({ stripe, since: '1h' } as never)).rejects.toMatchObject({ code: 'invalid_options', message: expect.stringContaining('`dryRun: true` to only list the events') });
    await expect(catchUp({ stripe, since: '1h', types: [], dryRun: true })).rejects.toMatchObject({ code: 'invalid_options', message: expect.stringContaining('catchUp: `types` must be a non-empty list of event types') });
    await expect(catchUp({ stripe, since: now + 60, dryRun: true, now: clock })).rejects.toMatchObject({ code: 'invalid_since', message: expect.stringContaining('catchUp: `since` must be a time in the past') });
    await expect(catchUp({ stripe, since: now * 1000, dryRun: true, now: clock })).rejects.toMatchObject({ code: 'invalid_since', message: expect.stringContaining('Math.floor(ms / 1000)') });
  });
});
