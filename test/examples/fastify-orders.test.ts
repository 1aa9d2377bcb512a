// examples/fastify-orders, started as a user starts it, on PGlite.
import { describeOrderFlow } from '../support/order-flow.js';
import { startExample } from '../support/start-example.js';

describeOrderFlow('fastify-orders on PGlite', () => startExample('fastify-orders'));
