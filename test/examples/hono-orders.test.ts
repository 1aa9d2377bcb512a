// examples/hono-orders (stripe-webhook-kit/web behind Hono on @hono/node-server), on PGlite; and with INBOX=1.
import { describe } from 'vitest';
import { inboxOrderFlow } from '../support/inbox-order-flow.js';
import { describeOrderFlow } from '../support/order-flow.js';
import { startExample } from '../support/start-example.js';

describeOrderFlow('hono-orders on PGlite', () => startExample('hono-orders'));

describe('hono-orders with INBOX=1', () => {
  inboxOrderFlow('answers queued, then its worker pays the order; a redelivery is a duplicate', () => startExample('hono-orders', { INBOX: '1' }));
});
