// Fastify 4 and 5, side by side: real servers on 127.0.0.1 for the status contract, and
// app.inject for the scenarios around parsers, prefixes and limits.
import fastify4 from 'fastify4';
import fastify5, { type FastifyInstance, type FastifyServerOptions } from 'fastify5';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookPlugin, type StripeWebhookPluginOptions } from '../../src/adapters/fastify.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { capturingLogger, throwingLogger } from '../support/capturing-logger.js';
import { leakCheck, paidCheckout, testSecret, type Delivery } from '../support/deliveries.js';
import { reliabilityContract } from '../support/reliability-contract.js';
import { expectAnswer, send, statusContract } from '../support/status-contract.js';

// Fastify 4's types differ from 5's; the tests use only APIs that have one shape in both.
type CreateFastify = (options?: FastifyServerOptions) => FastifyInstance;

describe.each([
  ['Fastify 4', fastify4 as unknown as CreateFastify],
  ['Fastify 5', fastify5 as CreateFastify],
] as const)('%s', (_name, fastify) => {
  describe('status contract, over a real socket', () => {
    statusContract(async (options) => {
      const app = fastify();
      await app.register(stripeWebhookPlugin, options);
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `${address}/v1/webhook`, close: () => app.close() };
    });
  });

  describe('reliability rows (docs/reliability.md), over a real socket', () => {
    reliabilityContract(async (options) => {
      const app = fastify();
      await app.register(stripeWebhookPlugin, options);
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `${address}/v1/webhook`, close: () => app.close() };
    });
  });

  describe('parsers, prefix and limits', () => {
    const apps: FastifyInstance[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });

    /** An app with a JSON echo route beside the plugin; `prepare` runs before the plugin registers. */
    async function start(options: Partial<StripeWebhookPluginOptions> = {}, prepare?: (app: FastifyInstance) => void, serverOptions?: FastifyServerOptions) {
      const fulfilled: string[] = [];
      const router = createWebhookRouter().onCheckoutPaid((session) => {
        fulfilled.push(session.metadata?.orderId ?? '?');
      });
      const { logger, lines } = capturingLogger();
      const app = fastify(serverOptions);
      apps.push(app);
      prepare?.(app);
      app.post('/echo', async (request) => ({ parsed: request.body }));
      await app.register(stripeWebhookPlugin, { secret: testSecret, router, logger, ...options } as StripeWebhookPluginOptions);
      await app.ready();
      const post = async (url: string, delivery: Pick<Delivery, 'body' | 'headers'>) => {
        const response = await app.inject({ method: 'POST', url, headers: delivery.headers, payload: delivery.body });
        return { status: response.statusCode, body: response.body, json: response.json() as unknown };
      };
      return { app, fulfilled, lines, post };
    }

    it('keeps the rest of the app on Fastify\'s JSON parser', async () => {
      const { post, fulfilled } = await start();
      const delivery = paidCheckout('o_1');
      expect(await post('/v1/webhook', delivery)).toMatchObject({ status: 200, json: { received: true } });
      expect(fulfilled).toEqual(['o_1']);
      expect(await post('/echo', { body: '{"a":1}', headers: { 'content-type': 'application/json' } as Delivery['headers'] })).toMatchObject({ status: 200, json: { parsed: { a: 1 } } });
    });

    it('gets the raw bytes when the app registered its own JSON parser first', async () => {
      const { post, fulfilled } = await start({}, (app) => {
        app.removeContentTypeParser('application/json');
        app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
          done(null, { custom: JSON.parse(body as string) as unknown });
        });
      });
      const delivery = paidCheckout('o_1');
      expect(await post('/v1/webhook', delivery)).toMatchObject({ status: 200, json: { received: true } });
      expect(fulfilled).toEqual(['o_1']);
      expect(await post('/echo', { body: '{"a":1}', headers: { 'content-type': 'application/json' } as Delivery['headers'] })).toMatchObject({ json: { parsed: { custom: { a: 1 } } } });
    });

    it('verifies a body of any content type, or none, as raw bytes', async () => {
      const { post, fulfilled } = await start();
      const delivery = paidCheckout('o_1');
      const withoutType = { body: delivery.body, headers: { 'stripe-signature': delivery.headers['stripe-signature'] } as Delivery['headers'] };
      expect(await post('/v1/webhook', withoutType)).toMatchObject({ status: 200, json: { received: true } });
      const other = paidCheckout('o_2');
      expect(await post('/v1/webhook', { ...other, headers: { ...other.headers, 'content-type': 'text/plain' } })).toMatchObject({ status: 200 });
      expect(fulfilled).toEqual(['o_1', 'o_2']);
    });

    it('puts its route under the register prefix, at `path`', async () => {
      const { post } = await start({ prefix: '/stripe', path: '/events' } as Partial<StripeWebhookPluginOptions>);
      const delivery = paidCheckout('o_1');
      expect(await post('/stripe/events', delivery)).toMatchObject({ status: 200, json: { received: true } });
      expect((await post('/v1/webhook', paidCheckout('o_2'))).status).toBe(404);
    });

    it('honours the app\'s bodyLimit as maxBodyBytes, answering the contract\'s 413 body', async () => {
      const { post, fulfilled } = await start({}, undefined, { bodyLimit: 4096 });
      const delivery = paidCheckout('o_1');
      const answer = await post('/v1/webhook', delivery);
      expect(answer).toMatchObject({ status: 413, json: { error: 'payload_too_large' } });
      leakCheck(answer.body, delivery);
      expect(fulfilled).toEqual([]);
    });

    it('lets an explicit maxBodyBytes win over the app\'s bodyLimit for the webhook route only', async () => {
      const { post, fulfilled } = await start({ maxBodyBytes: 64 * 1024 }, undefined, { bodyLimit: 4096 });
      expect(await post('/v1/webhook', paidCheckout('o_1'))).toMatchObject({ status: 200, json: { received: true } });
      expect(fulfilled).toEqual(['o_1']);
      const bigEcho = await post('/echo', { body: JSON.stringify({ pad: 'x'.repeat(5000) }), headers: { 'content-type': 'application/json' } as Delivery['headers'] });
      expect(bigEcho.status).toBe(413);
    });

    it('500 body_not_raw, with the fix logged, when an app hook replaced the raw body with an object', async () => {
      const { post, lines } = await start({}, (app) => {
        app.addHook('preHandler', async (request) => {
          if (Buffer.isBuffer(request.body)) request.body = JSON.parse(request.body.toString('utf8')) as unknown;
        });
      });
      const delivery = paidCheckout('o_1');
      const answer = await post('/v1/webhook', delivery);
      expect(answer).toMatchObject({ status: 500, json: { error: 'body_not_raw' } });
      leakCheck(answer.body, delivery);
      const logged = lines.find((line) => line.level === 'error')?.message;
      expect(logged).toContain('a hook replaced `request.body`');
      // Fastify's fix only: not Express's mounting order, nor Nest's rawBody.
      expect(logged).not.toMatch(/express\.json|rawBody|request\.text/);
    });

    it('answers per the contract with a logger that throws: the app\'s error handler never sees it', async () => {
      const brokenLogger = throwingLogger();
      const caught: unknown[] = [];
      const { post } = await start({ logger: brokenLogger }, (app) => {
        app.setErrorHandler(async (error, _request, reply) => {
          caught.push(error);
          return reply.code(503).send({ error: 'caught_by_app' });
        });
      });
      const delivery = paidCheckout('o_1');
      expect(await post('/v1/webhook', { body: delivery.body, headers: { 'content-type': 'application/json' } as Delivery['headers'] })).toMatchObject({ status: 400, json: { error: 'missing_signature' } });
      expect(caught).toEqual([]);
    });

    it('answers 405 to HEAD and OPTIONS too, since the route owns every method', async () => {
      const { app } = await start();
      for (const method of ['HEAD', 'OPTIONS', 'PATCH'] as const) {
        const response = await app.inject({ method, url: '/v1/webhook' });
        expect({ method, status: response.statusCode, allow: response.headers.allow }).toEqual({ method, status: 405, allow: 'POST' });
      }
    });
  });

  it('serves a delivery to a real socket under a prefix, beside JSON routes', async () => {
    const app = fastify();
    app.post('/echo', async (request) => ({ parsed: request.body }));
    await app.register(stripeWebhookPlugin, { prefix: '/hooks', secret: testSecret, router: createWebhookRouter(), logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(`${address}/hooks/v1/webhook`, delivery), 200, { received: true }, delivery);
      const echo = await fetch(`${address}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(await echo.json()).toEqual({ parsed: { a: 1 } });
    } finally {
      await app.close();
    }
  });
});
