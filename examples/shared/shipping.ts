// Fulfilment: the slow, failure-prone work that webhooks usually trigger. With SHIPPING_API_URL set,
// a paid order is shipped by POSTing it to that API (the demo runs a stand-in that is slow for some
// orders and down for a while); without it, fulfilment is the log line alone.
import type { Order } from './orders-db.js';

/**
 * Ships a paid order. Throws when the shipping API refuses, so the webhook's handler fails and the
 * event is retried (with an inbox: by the engine, with backoff, then dead-lettered until replayed).
 * The order id is the request's idempotency key: a retry after a lost answer ships nothing twice.
 */
export async function shipOrder(order: Order, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const api = env.SHIPPING_API_URL?.trim();
  if (api) {
    const response = await fetch(new URL('/shipments', api), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': order.id },
      body: JSON.stringify({ orderId: order.id, email: order.email }),
    });
    if (!response.ok) throw new Error(`the shipping API answered ${response.status} for order ${order.id}`);
  }
  console.log(`fulfilling order ${order.id}: receipt to ${order.email}`);
}
