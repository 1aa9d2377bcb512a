// Compile-only: the plugin registers on Fastify 4 and 5 alike (their FastifyInstance types differ),
// and its options are checked.
import fastify4 from 'fastify4';
import fastify5 from 'fastify5';
import { describe, it } from 'vitest';
import { stripeWebhookPlugin } from '../../src/adapters/fastify.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';

const router = createWebhookRouter();
const secret = 'whsec_x';

describe('stripeWebhookPlugin types', () => {
  it('registers on either major with options, a handler, or { handler, path }, under a prefix', () => {
    const handler = createWebhookHandler({ secret, router });
    void fastify4().register(stripeWebhookPlugin, { secret, router, path: '/v1/webhook', prefix: '/stripe' });
    void fastify5().register(stripeWebhookPlugin, { secret, router, maxBodyBytes: 1024 });
    void fastify5().register(stripeWebhookPlugin, { handler, path: '/stripe' });
    void fastify4().register(stripeWebhookPlugin, handler);
  });

  it('refuses misspelled or missing options', () => {
    // @ts-expect-error `secrett` is not an option
    void fastify5().register(stripeWebhookPlugin, { secrett: secret, router });
    // @ts-expect-error `router` is required with `secret`
    void fastify4().register(stripeWebhookPlugin, { secret });
    // @ts-expect-error `path` is a string
    void fastify5().register(stripeWebhookPlugin, { secret, router, path: 1 });
  });
});
