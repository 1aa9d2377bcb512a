// test/orders.simulation.test.ts: the shop under Stripe's delivery behaviour, for ten seeds.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { checkoutScenario, simulateDeliveries, type CheckoutScenarioName } from 'stripe-webhook-kit/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type Order } from './app.js';

const secret = 'whsec_test_simulation';
const expected: Record<CheckoutScenarioName, Pick<Order, 'status' | 'fulfilments'>> = {
  card: { status: 'paid', fulfilments: 1 },
  'async-succeeded': { status: 'paid', fulfilments: 1 },
  'async-failed': { status: 'payment_failed', fulfilments: 0 },
  expired: { status: 'pending', fulfilments: 0 },
};

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createApp(secret).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function createOrder(): Promise<Order> {
  return (await fetch(`${baseUrl}/orders`, { method: 'POST' })).json() as Promise<Order>;
}

async function getOrder(id: string): Promise<Order> {
  return (await fetch(`${baseUrl}/orders/${id}`)).json() as Promise<Order>;
}

it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('seed %i: every order ends in the right state, fulfilled once if paid', async (seed) => {
  const flows = Object.keys(expected) as CheckoutScenarioName[];
  const orders = await Promise.all(flows.map(() => createOrder()));
  const events = flows.flatMap((flow, index): Stripe.Event[] => checkoutScenario(flow, { orderId: orders[index]!.id }));

  const run = await simulateDeliveries({ url: `${baseUrl}/v1/webhook`, secret, events, seed, duplicates: 0.3, reorder: true, concurrency: 4 });

  expect(run.summary.unacknowledged).toEqual([]);
  for (const [index, flow] of flows.entries()) {
    const { status, fulfilments } = await getOrder(orders[index]!.id);
    expect({ flow, status, fulfilments }).toEqual({ flow, ...expected[flow] });
  }
});
