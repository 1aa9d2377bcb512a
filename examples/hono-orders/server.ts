// Orders paid through Stripe Checkout, on Hono: the Web-standard handler (Request -> Response,
// Web Crypto) that also runs on Workers, Deno and Bun; here on Node through @hono/node-server.
// Run: node --import tsx examples/hono-orders/server.ts
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import { createFetchHandler } from 'stripe-webhook-kit/web';
import { loadConfig } from '../shared/config.js';
import { openOrdersInbox } from '../shared/inbox.js';
import { createOrderWebhooks } from '../shared/order-webhooks.js';
import { openOrdersDb } from '../shared/orders-db.js';
import { OrderInputError, placeOrder } from '../shared/place-order.js';
import { announce, checkoutOptions, stopOnSignal } from '../shared/server-lifecycle.js';

const config = loadConfig();
const orders = await openOrdersDb(config.databaseUrl);
// The processed events are kept in the orders' database (see express-orders for why).
const store = postgresStore(orders.client, { transactional: true });
const router = createOrderWebhooks(orders);
// INBOX=1: store the event durably, answer at once, let a worker run the router (shared/inbox.ts).
const inbox = await openOrdersInbox(orders, router);
const webhook = createFetchHandler({ secret: config.webhookSecret, router, store, inbox: inbox?.inbox });
const app = new Hono();
// Known once the server listens (PORT=0 picks any free port).
let baseUrl = '';

// The raw Request goes to the handler untouched: nothing on this path may read the body first.
app.post('/v1/webhook', (c) => webhook(c.req.raw));

app.post('/orders', async (c) => {
  const body: unknown = await c.req.json().catch(() => null);
  return c.json(await placeOrder(orders, body, checkoutOptions(config, baseUrl)), 201);
});

app.get('/orders', async (c) => c.json({ orders: await orders.listOrders() }));

app.get('/orders/:id', async (c) => {
  const order = await orders.getOrder(c.req.param('id'));
  return order === undefined ? c.json({ error: 'order_not_found' }, 404) : c.json({ order });
});

app.onError((error, c) => {
  if (error instanceof OrderInputError) return c.json({ error: 'invalid_order', message: error.message }, 400);
  console.error(error);
  return c.json({ error: 'internal_error' }, 500);
});

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  baseUrl = `http://${config.host}:${info.port}`;
  announce(baseUrl);
});
stopOnSignal(async () => {
  await new Promise((resolve) => server.close(resolve));
  await inbox?.stop();
  await orders.close();
});
