// Every example shop, started as a user starts it, under Stripe's delivery behaviour: each seed
// plays the four checkout flows at once with duplicates (some concurrent), reordering and
// retries, then checks every order's final state and that each paid order was fulfilled once.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkoutScenario, simulateDeliveries, type CheckoutScenarioName } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import type { OrderJson } from '../support/order-flow.js';
import { startExample, type RunningExample } from '../support/start-example.js';

const shops = ['express-orders', 'fastify-orders', 'nest-orders', 'hono-orders'];
const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
const finalStatus: Record<CheckoutScenarioName, OrderJson['status']> = {
  card: 'paid',
  'async-succeeded': 'paid',
  'async-failed': 'payment_failed',
  expired: 'pending',
};

describe.each(shops)('%s under simulated Stripe deliveries', (shop) => {
  let app: RunningExample;
  beforeAll(async () => {
    app = await startExample(shop);
  });
  afterAll(() => app?.stop());

  async function createOrder(email: string): Promise<OrderJson> {
    const response = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 2000, email }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { order: OrderJson }).order;
  }

  async function getOrder(id: string): Promise<OrderJson> {
    return ((await (await fetch(`${app.baseUrl}/orders/${id}`)).json()) as { order: OrderJson }).order;
  }

  it.each(seeds)('seed %i: every order ends where it should, paid orders fulfilled exactly once', async (seed) => {
    const flows = Object.keys(finalStatus) as CheckoutScenarioName[];
    const orders = await Promise.all(flows.map((flow) => createOrder(`${flow}.${seed}@example.com`)));
    const events = flows.flatMap((flow, index): Stripe.Event[] => checkoutScenario(flow, { orderId: orders[index]!.id }));

    const run = await simulateDeliveries({ url: `${app.baseUrl}/v1/webhook`, secret: testSecret, events, seed, duplicates: 0.5, reorder: true, concurrency: 4 });

    expect(run.summary.unacknowledged).toEqual([]);
    expect(run.summary.duplicates).toBeGreaterThan(0);
    // The app logs each checkout event it processed; its stdout comes through a pipe, so wait
    // for every one of those lines before counting fulfilments.
    const logged = events.filter((event) => event.type !== 'checkout.session.expired' && event.type.startsWith('checkout.session.'));
    await vi.waitFor(() => {
      for (const event of logged) expect(app.output()).toContain(`${event.id}: order`);
    });
    for (const [index, flow] of flows.entries()) {
      const order = await getOrder(orders[index]!.id);
      const paid = finalStatus[flow] === 'paid';
      expect({ flow, status: order.status, fulfilled: order.fulfilled_at !== null }).toEqual({ flow, status: finalStatus[flow], fulfilled: paid });
      const fulfilments = app.output().split('\n').filter((line) => line.startsWith(`fulfilling order ${order.id}:`)).length;
      expect({ flow, fulfilments }).toEqual({ flow, fulfilments: paid ? 1 : 0 });
    }
  });
});
