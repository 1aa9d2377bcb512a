// catchUp reading thin events (GET /v2/core/events) from the local stand-in, which answers in
// Stripe's v2 list semantics (newest first, opaque `page` tokens in `next_page_url`), through
// stripe-node's own v2 iterator: each missed thin event runs once, oldest first, a second run
// runs none, and a thin twin of a snapshot event already processed counts as already done.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp } from '../../src/catch-up/catch-up.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import type { ThinEventPayload } from '../../src/event-types.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { createTestEvent, createTestNotification } from '../../src/entries/testing.js';
import { standInKey, startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';

const secretKey = 'sk_test_standin_secret';
let api: StripeApiStandIn;
let stripe: Stripe;
beforeAll(async () => {
  api = await startStripeApiStandIn({ keys: { [standInKey]: ['events', 'webhook_endpoints'], [secretKey]: ['events', 'webhook_endpoints'] } });
  stripe = api.client({ apiKey: secretKey });
});
afterAll(() => api.close());

const start = 1_790_000_000 - 3 * 86_400;
const now = () => (start + 3600) * 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const thinTypes = ['v1.checkout.session.completed', 'v2.core.account.updated'] as const;

function app() {
  const ran: string[] = [];
  const router = createWebhookRouter().on([...thinTypes], (notification) => void ran.push(notification.id));
  const handler = createWebhookHandler({ secret: 'whsec_unused_by_catch_up', router, store: memoryStore(), logger: false, stripe });
  return { ran, router, handler };
}

describe('catchUp with thin events (/v2/core/events)', () => {
  it('runs each missed thin event once, oldest first, across pages; a second run runs none', async () => {
    // 150 events over 50 seconds (two pages of 100), one before the window, one of another type.
    const events: ThinEventPayload[] = Array.from({ length: 150 }, (_, index) =>
      createTestNotification(thinTypes[index % 2] as (typeof thinTypes)[number], { id: `evt_thin_${index}`, created: iso(start + Math.floor(index / 3)) } as never),
    );
    const before = createTestNotification('v1.checkout.session.completed', { id: 'evt_thin_before', created: iso(start - 10) });
    const other = createTestNotification('v1.invoice.paid', { id: 'evt_thin_other', created: iso(start + 5) });
    api.addThinEvents([...events, before, other]);
    const { ran, router, handler } = app();
    // The endpoint received the first ten before it went down.
    for (const event of events.slice(0, 10)) expect(await handler.process(stripe.parseEventNotificationWithoutVerification(JSON.stringify(event)))).toBe('processed');
    ran.length = 0;

    const first = await catchUp({ stripe, since: start, router, types: [...thinTypes], handler, now });
    expect(first).toMatchObject({ fetched: 150, alreadyDone: 10, processed: 140, failed: 0 });
    expect(ran).toEqual(events.slice(10).map((event) => event.id));
    // stripe-node followed next_page_url: the second request is the page token alone.
    const requests = api.thinEventRequests.slice(-2);
    expect(requests.map((query) => query.has('page'))).toEqual([false, true]);
    const second = await catchUp({ stripe, since: start, router, types: [...thinTypes], handler, now });
    expect(second).toMatchObject({ fetched: 150, alreadyDone: 150, processed: 0 });
    expect(ran).toHaveLength(140);
  });

  it('reads the router\'s thin types with thin: true, after its snapshot events; a thin twin of a processed snapshot is already done', async () => {
    const since = start + 7200;
    const at = () => (since + 600) * 1000;
    const snapshot = createTestEvent('checkout.session.completed', { id: 'evt_twin_snapshot', created: since + 1 } as never) as Stripe.Event;
    const twin = createTestNotification(snapshot, { id: 'evt_twin_thin' });
    const lone = createTestNotification('v2.core.account.updated', { id: 'evt_lone_thin', created: iso(since + 2) });
    api.addEvents([snapshot]);
    api.addThinEvents([twin, lone]);
    const { ran, router, handler } = app();
    router.on('checkout.session.completed', (event) => void ran.push(event.id));
    const seen: string[] = [];
    const result = await catchUp({ stripe, since, router, thin: true, handler, now: at, onProgress: ({ event, created }) => void seen.push(`${event.id}@${created - since}`) });
    expect(result).toMatchObject({ fetched: 3, processed: 2, alreadyDone: 1 });
    expect(seen).toEqual(['evt_twin_snapshot@1', 'evt_twin_thin@1', 'evt_lone_thin@2']);
    expect(ran).toEqual(['evt_twin_snapshot', 'evt_lone_thin']);
  });

  it('stops with the fix when the key is a restricted one (the v2 API refuses them)', async () => {
    const { router, handler } = app();
    const restricted = api.client();
    const refused = await catchUp({ stripe: restricted, since: start, router, types: ['v2.core.account.updated'], handler, now }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'stripe_api_error', message: expect.stringContaining('secret key (sk_...)') });
  });
});
