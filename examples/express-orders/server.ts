// Orders paid through Stripe Checkout, on Express 5. Run: node --import tsx examples/express-orders/server.ts
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { consoleNodeListener, createConsoleHandler } from 'stripe-webhook-kit/console';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import { loadConfig } from '../shared/config.js';
import { openOrdersInbox } from '../shared/inbox.js';
import { createOrderWebhooks } from '../shared/order-webhooks.js';
import { openOrdersDb } from '../shared/orders-db.js';
import { OrderInputError, placeOrder } from '../shared/place-order.js';
import { announce, checkoutOptions, stopOnSignal } from '../shared/server-lifecycle.js';

const config = loadConfig();
const orders = await openOrdersDb(config.databaseUrl);
const app = express();
// Known once the server listens (PORT=0 picks any free port).
let baseUrl = '';

// Before express.json(): the signature covers the exact bytes Stripe sent, and the middleware
// reads them itself. (Mounted after a JSON parser, it answers 500 body_not_raw and says why.)
// Which events were processed is kept in the orders' database too, so a redelivery is known
// as a duplicate after a restart and across instances (the default store is per process).
const store = postgresStore(orders.client, { transactional: true });
const router = createOrderWebhooks(orders);
// INBOX=1: store the event durably, answer at once, let a worker run the router (shared/inbox.ts).
const inbox = await openOrdersInbox(orders, router);
app.post('/v1/webhook', stripeWebhookMiddleware({ secret: config.webhookSecret, router, store, inbox: inbox?.inbox }));
// With the inbox, its operator console: every delivery, its attempts and errors, and replay.
// Without an authorize function it answers this machine only (loopback).
if (inbox) app.use('/console', consoleNodeListener(createConsoleHandler({ inbox: inbox.inbox, basePath: '/console' })));

app.use(express.json());

app.post('/orders', async (req, res) => {
  const placed = await placeOrder(orders, req.body, checkoutOptions(config, baseUrl));
  res.status(201).json(placed);
});

app.get('/orders', async (_req, res) => {
  res.json({ orders: await orders.listOrders() });
});

app.get('/orders/:id', async (req, res) => {
  const order = await orders.getOrder(req.params.id);
  if (order === undefined) res.status(404).json({ error: 'order_not_found' });
  else res.json({ order });
});

app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
  if (res.headersSent) return next(error);
  if (error instanceof OrderInputError) return res.status(400).json({ error: 'invalid_order', message: error.message });
  // express.json()'s own client errors (malformed JSON, ...) carry their 4xx status.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return res.status(status).json({ error: 'bad_request' });
  console.error(error);
  res.status(500).json({ error: 'internal_error' });
});

const server = app.listen(config.port, config.host, (error?: Error) => {
  if (error) throw error;
  baseUrl = `http://${config.host}:${(server.address() as AddressInfo).port}`;
  announce(baseUrl);
});
stopOnSignal(async () => {
  await new Promise((resolve) => server.close(resolve));
  await inbox?.stop();
  await orders.close();
});
