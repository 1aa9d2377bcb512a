// The plugin's options and its encapsulation, on Fastify 5 with app.inject (the integration tests
// run both majors over real sockets).
import fastify from 'fastify5';
import { describe, expect, it } from 'vitest';
import { stripeWebhookPlugin, type StripeWebhookPluginOptions } from '../../src/adapters/fastify.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';

const router = createWebhookRouter();

async function registered(options: unknown) {
  const app = fastify();
  await app.register(stripeWebhookPlugin, options as StripeWebhookPluginOptions);
  await app.ready();
  return app;
}

async function deliver(app: Awaited<ReturnType<typeof registered>>, url = '/v1/webhook', delivery = paidCheckout('o_1')) {
  const response = await app.inject({ method: 'POST', url, headers: delivery.headers, payload: delivery.body });
  return { status: response.statusCode, body: response.json() as unknown };
}

describe('stripeWebhookPlugin options, checked at register time', () => {
  it.each([
    ['no options', undefined, /`router` must be a router from `createWebhookRouter\(\)`; got undefined\./],
    ['an empty path', { path: '/', secret: testSecret, router }, /`path` must be a non-empty path/],
    ['a path that is not a string', { path: 42, secret: testSecret, router }, /`path` must be a non-empty path such as "\/v1\/webhook".*; got 42\./],
    ['no router', { secret: testSecret }, /`router` must be a router from `createWebhookRouter\(\)`/],
    ['a handler that is not one', { handler: { handle() {} } }, /`handler` must be a handler from `createWebhookHandler\(\)`.*; got an object\./],
    ['a handler and options together', { handler: createWebhookHandler({ secret: testSecret, router }), secret: testSecret }, /either `handler` or the handler options/],
    ['a maxBodyBytes that is not positive', { secret: testSecret, router, maxBodyBytes: 0 }, /maxBodyBytes/],
  ])('refuses %s', async (_what, options, message) => {
    await expect(registered(options)).rejects.toThrow(message);
  });

  it('accepts the handler options, `{ handler, path }`, or a handler by itself', async () => {
    const handler = createWebhookHandler({ secret: testSecret, router, logger: false });
    const delivery = paidCheckout('o_1');
    expect(await deliver(await registered({ secret: testSecret, router, logger: false }), '/v1/webhook', delivery)).toEqual({ status: 200, body: { received: true } });
    expect(await deliver(await registered({ handler, path: '/stripe' }), '/stripe', delivery)).toEqual({ status: 200, body: { received: true } });
    // The same path rule as the Nest module's: the leading slash is optional.
    expect(await deliver(await registered({ handler, path: 'other/stripe' }), '/other/stripe', paidCheckout('o_2'))).toEqual({ status: 200, body: { received: true } });
    // The same handler, so the same deduplication: the delivery is now a duplicate.
    expect(await deliver(await registered(handler), '/v1/webhook', delivery)).toEqual({ status: 200, body: { received: true, duplicate: true } });
  });

  it('keeps a prebuilt handler\'s maxBodyBytes rather than the app\'s bodyLimit', async () => {
    const handler = createWebhookHandler({ secret: testSecret, router, logger: false, maxBodyBytes: 1024 });
    const app = fastify({ bodyLimit: 10 * 1024 * 1024 });
    await app.register(stripeWebhookPlugin, { handler });
    expect(await deliver(app)).toEqual({ status: 413, body: { error: 'payload_too_large' } });
  });
});

describe('stripeWebhookPlugin encapsulation', () => {
  it('leaves the parent\'s parsers alone: a sibling route still refuses a content type it has no parser for', async () => {
    const app = fastify();
    app.post('/notes', async (request) => ({ type: typeof request.body }));
    await app.register(stripeWebhookPlugin, { secret: testSecret, router, logger: false });
    const text = await app.inject({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/x-custom' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    const json = await app.inject({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(json.json()).toEqual({ type: 'object' });
  });

  it('leaves the parent\'s error handler alone for its other routes', async () => {
    const app = fastify();
    app.setErrorHandler(async (_error, _request, reply) => reply.code(502).send({ from: 'app' }));
    app.post('/boom', async () => {
      throw new Error('boom');
    });
    await app.register(stripeWebhookPlugin, { secret: testSecret, router, logger: false });
    const response = await app.inject({ method: 'POST', url: '/boom' });
    expect({ status: response.statusCode, body: response.json() as unknown }).toEqual({ status: 502, body: { from: 'app' } });
  });
});
