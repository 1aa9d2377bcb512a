// The order story with INBOX=1 (examples/shared/inbox.ts): the webhook answers "queued" before the
// order moves, a worker moves it afterwards, and a redelivery is answered as a duplicate.
import { expect, it } from 'vitest';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import { testSecret } from './deliveries.js';
import type { OrderJson } from './order-flow.js';
import type { RunningExample } from './start-example.js';

/** One `it` on an example started with the inbox on; `start` starts it (and any separate worker). */
export function inboxOrderFlow(title: string, start: () => Promise<RunningExample>, expectedMode = /inbox: pg-boss on PGlite, with a worker in this process/): void {
  it(title, async () => {
    const app = await start();
    try {
      expect(app.output()).toMatch(expectedMode);
      const created = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 2000, email: 'ada@example.com' }) });
      const { order } = (await created.json()) as { order: OrderJson };
      const getOrder = async () => ((await (await fetch(`${app.baseUrl}/orders/${order.id}`)).json()) as { order: OrderJson }).order;
      const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: order.id }, payment_status: 'paid' } } });
      const send = async () => {
        const request = createSignedRequest(event, testSecret);
        const response = await fetch(`${app.baseUrl}/v1/webhook`, { method: 'POST', headers: request.headers, body: request.body });
        return { status: response.status, body: (await response.json()) as unknown };
      };

      expect(await send()).toEqual({ status: 200, body: { received: true, queued: true } });
      // The worker moves the order after the answer: polled, not timed.
      await expect.poll(async () => (await getOrder()).status, { timeout: 20_000, interval: 100 }).toBe('paid');
      const paid = await getOrder();
      expect(await send()).toEqual({ status: 200, body: { received: true, duplicate: true } });
      expect(await getOrder()).toEqual(paid);
    } finally {
      await app.stop();
    }
  }, 60_000);
}
