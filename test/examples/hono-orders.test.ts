// examples/hono-orders (stripe-webhook-kit/web behind Hono on @hono/node-server), on PGlite.
import { describeOrderFlow } from '../support/order-flow.js';
import { startExample } from '../support/start-example.js';

describeOrderFlow('hono-orders on PGlite', () => startExample('hono-orders'));
