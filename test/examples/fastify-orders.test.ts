// examples/fastify-orders, started as a user starts it, on PGlite; and with INBOX=1.
import { describe } from 'vitest';
import { inboxOrderFlow } from '../support/inbox-order-flow.js';
import { describeOrderFlow } from '../support/order-flow.js';
import { startExample } from '../support/start-example.js';

describeOrderFlow('fastify-orders on PGlite', () => startExample('fastify-orders'));

describe('fastify-orders with INBOX=1', () => {
  inboxOrderFlow('answers queued, then its worker pays the order; a redelivery is a duplicate', () => startExample('fastify-orders', { INBOX: '1' }));
});
