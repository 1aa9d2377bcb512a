// Per-object ordering. On each engine (pg-boss over PostgreSQL and over PGlite, BullMQ): events of
// one object stored in a shuffled order before any worker runs are handled in `created` order,
// none stale, and a late arrival reaches handlers as stale. Then, under shuffles: many checkout
// sessions, each with its events (completed unpaid, then paid or failed later) delivered in a
// random order with duplicates, all interleaved and processed at concurrency 8. Each order must
// end in the state its newest event implies: a late `checkout.session.completed` (unpaid) never
// moves a paid order back. In one process on BullMQ (the quicker engine); INBOX_SHUFFLES scales
// the run (10,000 for a full run).
import { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { eventually, statusOf } from '../support/inbox-contract.js';
import { startPgBossOnPglite, startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';

const redis = await serviceAvailable('Redis');
const postgres = await serviceAvailable('PostgreSQL');
const shuffles = Number(process.env.INBOX_SHUFFLES ?? 1000);

/** A small seeded generator, so a failing run can be reproduced. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `items` in an order fixed by `seed`: the same shuffle on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = random(seed);
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** `concurrency`: 1 on PGlite, whose one connection serves every worker's claim. */
function orderingOn(open: () => Promise<Inbox>, concurrency: number) {
  it('handles the waiting events of one object in created order, none stale, whatever order they were stored in; a late arrival is stale', async () => {
    const inbox = await open();
    const session = { id: 'cs_test_created_order', metadata: { orderId: 'o_created_order' } };
    const base = 1_800_000_000;
    const events = Array.from({ length: 20 }, (_, index) =>
      createTestEvent('checkout.session.completed', { id: `evt_created_${index}`, created: base + index * 10, data: { object: session } } as never),
    ) as Stripe.Event[];
    const stored = shuffled(events, 7);
    // The fixed shuffle really is one: the test would prove nothing on events stored in order.
    expect(stored.map((event) => event.created)).not.toEqual(events.map((event) => event.created));
    for (const event of stored) await inbox.enqueue(event);

    const handled: Array<{ created: number; stale: boolean | undefined }> = [];
    const router = createWebhookRouter().onAny((event, ctx) => void handled.push({ created: event.created as number, stale: ctx.stale }));
    const worker = startInboxWorker({ inbox, router, concurrency, logger: false });
    try {
      await eventually('all 20 events done', async () => (await inbox.stats()).done === 20, 120_000);
      expect(handled).toEqual(events.map((event) => ({ created: event.created, stale: false })));

      // Older than every event already handled for the object: it arrived late.
      const late = createTestEvent('checkout.session.completed', { id: 'evt_created_late', created: base + 5, data: { object: session } } as never) as Stripe.Event;
      await inbox.enqueue(late);
      await statusOf(inbox, late.id, 'done');
      expect(handled.at(-1)).toEqual({ created: base + 5, stale: true });
    } finally {
      await worker.stop();
    }
  }, 180_000);
}

describe('per-object ordering on pg-boss and PGlite', () => {
  let setup: PgBossSetup | undefined;
  afterAll(async () => setup?.close());
  orderingOn(async () => {
    setup = await startPgBossOnPglite();
    return pgBossInbox(setup.boss, { db: setup.db, table: 'ordering_events', queue: 'ordering', ordering: 'per-object', pollingIntervalSeconds: 0.5 });
  }, 1);
});

describe.skipIf(!postgres)('per-object ordering on pg-boss and PostgreSQL', () => {
  let setup: PgBossSetup | undefined;
  afterAll(async () => setup?.close());
  orderingOn(async () => {
    setup = await startPgBossOnPostgres();
    return pgBossInbox(setup.boss, { db: setup.db, table: setup.table, queue: 'ordering', ordering: 'per-object', pollingIntervalSeconds: 0.5 });
  }, 4);
});

describe.skipIf(!redis)('per-object ordering on BullMQ', () => {
  const prefix = uniqueName('created');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let inbox: Inbox | undefined;
  afterAll(async () => {
    await inbox?.close();
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });
  orderingOn(async () => (inbox = bullmqInbox({ connection, prefix, queue: 'created-order', ordering: 'per-object' })), 4);
});

describe.skipIf(!redis)('per-object ordering under shuffles with duplicates', () => {
  const prefix = uniqueName('order');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const inbox = bullmqInbox({ connection, prefix, queue: 'ordering', ordering: 'per-object', retry: { limit: 3, delaySeconds: 0 } });
  afterAll(async () => {
    await inbox.close();
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });

  it(`ends every order in the state of its newest event (${shuffles} shuffles, concurrency 8)`, async () => {
    const next = random(12);
    const expected = new Map<string, string>();
    const deliveries: Stripe.Event[] = [];
    for (let index = 0; index < shuffles; index++) {
      const orderId = `o_${index}`;
      const session = { id: `cs_test_shuffle_${index}_${prefix}`, metadata: { orderId } };
      const succeeded = next() < 0.5;
      const events = [
        createTestEvent('checkout.session.completed', { created: 1_700_000_000, data: { object: { ...session, payment_status: 'unpaid' } } } as never),
        createTestEvent(succeeded ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed', {
          created: 1_700_000_100,
          data: { object: { ...session, payment_status: succeeded ? 'paid' : 'unpaid' } },
        } as never),
      ] as Stripe.Event[];
      expected.set(orderId, succeeded ? 'paid' : 'failed');
      // Each event once or twice, the whole lot shuffled into the stream.
      for (const event of events) for (let copy = next() < 0.3 ? 2 : 1; copy > 0; copy--) deliveries.push(event);
    }
    for (let index = deliveries.length - 1; index > 0; index--) {
      const other = Math.floor(next() * (index + 1));
      [deliveries[index], deliveries[other]] = [deliveries[other] as Stripe.Event, deliveries[index] as Stripe.Event];
    }

    const state = new Map<string, string>();
    const router = createWebhookRouter()
      .onCheckoutAwaitingPayment((session) => void state.set(session.metadata?.orderId as string, 'awaiting'))
      .onCheckoutPaid((session) => void state.set(session.metadata?.orderId as string, 'paid'))
      .onCheckoutPaymentFailed((session) => void state.set(session.metadata?.orderId as string, 'failed'));
    const worker = startInboxWorker({ inbox, router, concurrency: 8, logger: false });
    for (let start = 0; start < deliveries.length; start += 200) await Promise.all(deliveries.slice(start, start + 200).map((event) => inbox.enqueue(event)));
    const unique = new Set(deliveries.map((event) => event.id)).size;
    await eventually('every event done', async () => (await inbox.stats()).done === unique, 240_000);
    await worker.stop();

    const wrong = [...expected].filter(([orderId, final]) => state.get(orderId) !== final);
    console.info(`ordering: ${shuffles} shuffles, ${deliveries.length} deliveries of ${unique} events, ${wrong.length} orders in the wrong state`);
    expect(wrong).toEqual([]);
  }, 300_000);
});
