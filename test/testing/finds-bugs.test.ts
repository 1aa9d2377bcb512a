// Proof that the simulator finds the two bugs users of Stripe webhooks report most: a handler
// that fulfills twice (not idempotent) and one that a late event moves back (not order-safe).
// Each fails within a bounded number of seeds; the order-safe, idempotent handler never does.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { orderReference } from '../../src/router/order-reference.js';
import { checkoutScenario, simulateDeliveries, type CheckoutScenarioName } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import { startRecordingEndpoint, type RecordingEndpoint } from './recording-endpoint.js';
import { serveWebhookHandler, type ServedHandler } from './serve-webhook-handler.js';

const seeds = Array.from({ length: 20 }, (_, index) => index + 1);
const stormy: { duplicates: number; reorder: boolean; concurrency: number } = { duplicates: 0.3, reorder: true, concurrency: 4 };

/** The shop's state, per order: its status and how many times it was fulfilled. */
class Orders {
  status = new Map<string, string>();
  fulfilled = new Map<string, number>();
  fulfil(orderId: string) {
    this.fulfilled.set(orderId, (this.fulfilled.get(orderId) ?? 0) + 1);
  }
}

let runs = 0;
/** Plays `scenario` for two fresh orders with `seed`; returns the orders' ids. */
async function play(url: string, scenario: CheckoutScenarioName, seed: number, behaviour: Partial<typeof stormy> = stormy) {
  const orderIds = [`ord_${++runs}_a`, `ord_${runs}_b`];
  const events = orderIds.flatMap((orderId): Stripe.Event[] => checkoutScenario(scenario, { orderId }));
  const run = await simulateDeliveries({ url, secret: testSecret, events, seed, ...behaviour });
  expect(run.summary.unacknowledged).toEqual([]);
  return orderIds;
}

async function firstFailingSeed(check: (seed: number) => Promise<boolean>): Promise<number | undefined> {
  for (const seed of seeds) if (!(await check(seed))) return seed;
  return undefined;
}

describe('a handler that is not idempotent (no deduplication, fulfils on every paid event)', () => {
  const orders = new Orders();
  let endpoint: RecordingEndpoint;
  beforeAll(async () => {
    // Written without the kit: stripe-node's constructEvent (in the recording endpoint), then the work.
    endpoint = await startRecordingEndpoint(testSecret, (request) => {
      const event = JSON.parse(request.body) as Stripe.Event;
      if (event.type === 'checkout.session.completed' && event.data.object.payment_status === 'paid') {
        const orderId = orderReference(event.data.object);
        orders.status.set(orderId, 'paid');
        orders.fulfil(orderId);
      }
      return { status: 200 };
    });
  });
  afterAll(() => endpoint.close());

  it('fulfils an order twice within 20 seeds', async () => {
    const failing = await firstFailingSeed(async (seed) => {
      const orderIds = await play(endpoint.url, 'card', seed);
      return orderIds.every((orderId) => orders.fulfilled.get(orderId) === 1);
    });
    expect(failing).toBeDefined();
  });
});

describe('a handler that is not order-safe (the status is whatever the last event said)', () => {
  const orders = new Orders();
  let server: ServedHandler;
  beforeAll(async () => {
    // Deduplicated by the kit, so never fulfilled twice: but a late completed (unpaid) wins.
    const router = createWebhookRouter()
      .onCheckoutPaid((session) => {
        orders.status.set(orderReference(session), 'paid');
      })
      .onCheckoutAwaitingPayment((session) => {
        orders.status.set(orderReference(session), 'awaiting_payment');
      })
      .onCheckoutPaymentFailed((session) => {
        orders.status.set(orderReference(session), 'payment_failed');
      });
    server = await serveWebhookHandler(createWebhookHandler({ secret: testSecret, router, logger: false }));
  });
  afterAll(() => server.close());

  const endsPaid = async (seed: number, behaviour?: Partial<typeof stormy>) => {
    const orderIds = await play(server.url, 'async-succeeded', seed, behaviour);
    return orderIds.every((orderId) => orders.status.get(orderId) === 'paid');
  };

  it('passes when events come in order, one at a time', async () => {
    expect(await firstFailingSeed((seed) => endsPaid(seed, { duplicates: 0.3 }))).toBeUndefined();
  });

  it('leaves a paid order awaiting payment within 20 seeds once events are reordered', async () => {
    expect(await firstFailingSeed((seed) => endsPaid(seed))).toBeDefined();
  });
});

describe('an idempotent, order-safe handler (forward-only transitions, fulfilment on the transition)', () => {
  const orders = new Orders();
  const rank: Record<string, number> = { pending: 0, awaiting_payment: 1, payment_failed: 2, paid: 3 };
  // Like the examples' conditional UPDATEs: an order only moves forward; paid is final.
  const move = (orderId: string, to: string) => {
    const from = orders.status.get(orderId) ?? 'pending';
    if ((rank[to] as number) <= (rank[from] as number)) return false;
    orders.status.set(orderId, to);
    return true;
  };
  let server: ServedHandler;
  beforeAll(async () => {
    const router = createWebhookRouter()
      .onCheckoutPaid((session) => {
        const orderId = orderReference(session);
        if (move(orderId, 'paid')) orders.fulfil(orderId);
      })
      .onCheckoutAwaitingPayment((session) => void move(orderReference(session), 'awaiting_payment'))
      .onCheckoutPaymentFailed((session) => void move(orderReference(session), 'payment_failed'));
    server = await serveWebhookHandler(createWebhookHandler({ secret: testSecret, router, logger: false }));
  });
  afterAll(() => server.close());

  it.each([
    ['card', 'paid'],
    ['async-succeeded', 'paid'],
    ['async-failed', 'payment_failed'],
  ] as const)('%s ends %s, fulfilled exactly when paid, for all 20 seeds', async (scenario, status) => {
    const failing = await firstFailingSeed(async (seed) => {
      const orderIds = await play(server.url, scenario, seed, { ...stormy, duplicates: 0.5 });
      return orderIds.every((orderId) => orders.status.get(orderId) === status && (orders.fulfilled.get(orderId) ?? 0) === (status === 'paid' ? 1 : 0));
    });
    expect(failing).toBeUndefined();
  });
});
