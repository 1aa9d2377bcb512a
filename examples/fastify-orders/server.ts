// Orders paid through Stripe Checkout, on Fastify 5. Run: node --import tsx examples/fastify-orders/server.ts
import Fastify from 'fastify';
import { stripeWebhookPlugin } from 'stripe-webhook-kit/fastify';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import { loadConfig } from '../shared/config.js';
import { openOrdersInbox } from '../shared/inbox.js';
import { createOrderWebhooks } from '../shared/order-webhooks.js';
import { openOrdersDb } from '../shared/orders-db.js';
import { OrderInputError, placeOrder } from '../shared/place-order.js';
import { announce, checkoutOptions, stopOnSignal } from '../shared/server-lifecycle.js';

const config = loadConfig();
const orders = await openOrdersDb(config.databaseUrl);
const app = Fastify();
// Known once the server listens (PORT=0 picks any free port).
let baseUrl = '';

// An encapsulated plugin: it owns /v1/webhook and keeps that route's body raw for the signature
// check, while the routes below keep Fastify's JSON parsing.
// The processed events are kept in the orders' database (see express-orders for why).
const store = postgresStore(orders.client, { transactional: true });
const router = createOrderWebhooks(orders);
// INBOX=1: store the event durably, answer at once, let a worker run the router (shared/inbox.ts).
const inbox = await openOrdersInbox(orders, router);
await app.register(stripeWebhookPlugin, { path: '/v1/webhook', secret: config.webhookSecret, router, store, inbox: inbox?.inbox });

app.post('/orders', async (request, reply) => {
  reply.code(201);
  return placeOrder(orders, request.body, checkoutOptions(config, baseUrl));
});

app.get('/orders', async () => ({ orders: await orders.listOrders() }));

app.get<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
  const order = await orders.getOrder(request.params.id);
  if (order === undefined) return reply.code(404).send({ error: 'order_not_found' });
  return { order };
});

app.setErrorHandler((error, _request, reply) => {
  if (error instanceof OrderInputError) return reply.code(400).send({ error: 'invalid_order', message: error.message });
  // Fastify's own client errors (a malformed JSON body, ...) keep their status.
  const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
  if (status >= 500) console.error(error);
  return reply.code(status).send({ error: status >= 500 ? 'internal_error' : 'bad_request' });
});

await app.listen({ port: config.port, host: config.host });
const address = app.server.address();
baseUrl = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`;
announce(baseUrl);
stopOnSignal(async () => {
  await app.close();
  await inbox?.stop();
  await orders.close();
});
