// Express 4 and 5, side by side: real servers on 127.0.0.1, signed deliveries sent with fetch.
import express4 from 'express4';
import express5 from 'express5';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { capturingLogger, throwingLogger } from '../support/capturing-logger.js';
import { paidCheckout, signedDelivery, testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { reliabilityContract } from '../support/reliability-contract.js';
import { expectAnswer, send, sendChunked, statusContract, type RunningServer } from '../support/status-contract.js';

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
] as const)('%s', (_name, express) => {
  describe('status contract, mounted before express.json()', () => {
    statusContract(async (options) => {
      const app = express();
      app.all('/v1/webhook', stripeWebhookMiddleware(options));
      app.use(express.json());
      return listening(app.listen(0, '127.0.0.1'));
    });
  });

  describe('reliability rows (docs/reliability.md), over a real socket', () => {
    reliabilityContract(async (options) => {
      const app = express();
      app.all('/v1/webhook', stripeWebhookMiddleware(options));
      app.use(express.json());
      return listening(app.listen(0, '127.0.0.1'));
    });
  });

  describe('raw body', () => {
    const servers: RunningServer[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    /** An app with the webhook wired by `mount`, and a JSON echo route the rest of the app uses. */
    async function start(mount: (app: Express, options: WebhookHandlerOptions) => void, options: Partial<WebhookHandlerOptions> = {}) {
      const fulfilled: string[] = [];
      const router = createWebhookRouter().onCheckoutPaid((session) => {
        fulfilled.push(session.metadata?.orderId ?? '?');
      });
      const { logger, lines } = capturingLogger();
      const app = express();
      mount(app, { secret: testSecret, router, logger, ...options });
      app.post('/echo', (req, res) => {
        res.json({ parsed: req.body as unknown });
      });
      const server = await listening(app.listen(0, '127.0.0.1'));
      servers.push(server);
      const origin = new URL(server.url).origin;
      return { url: server.url, origin, fulfilled, lines };
    }

    const echo = async (origin: string) => {
      const response = await fetch(`${origin}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      return response.json() as Promise<unknown>;
    };

    it('reads the stream itself when mounted before express.json(), which keeps parsing other routes', async () => {
      const { url, origin, fulfilled } = await start((app, options) => {
        app.post('/v1/webhook', stripeWebhookMiddleware(options));
        app.use(express.json());
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
      expect(await echo(origin)).toEqual({ parsed: { a: 1 } });
    });

    it('takes the Buffer from express.raw() on the route, after an app-wide express.json() mounted later', async () => {
      const { url, fulfilled } = await start((app, options) => {
        app.post('/v1/webhook', express.raw({ type: 'application/json' }), stripeWebhookMiddleware(options));
        app.use(express.json());
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
    });

    it('answers 413 from maxBodyBytes when express.raw() read a larger body within its own limit', async () => {
      const { url, fulfilled } = await start(
        (app, options) => {
          app.post('/v1/webhook', express.raw({ type: 'application/json', limit: '1mb' }), stripeWebhookMiddleware(options));
        },
        { maxBodyBytes: 4096 },
      );
      const delivery = signedDelivery('checkout.session.completed', { data: { object: { metadata: { note: 'x'.repeat(8000) } } } });
      expectAnswer(await send(url, delivery), 413, { error: 'payload_too_large' }, delivery);
      expect(fulfilled).toEqual([]);
    });

    it('takes req.rawBody kept by an app-wide express.json({ verify }) hook', async () => {
      const { url, origin, fulfilled } = await start((app, options) => {
        app.use(
          express.json({
            verify: (req, _res, buf) => {
              (req as typeof req & { rawBody?: Buffer }).rawBody = buf;
            },
          }),
        );
        app.post('/v1/webhook', stripeWebhookMiddleware(options));
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
      expect(await echo(origin)).toEqual({ parsed: { a: 1 } });
    });

    it('takes the string from express.text()', async () => {
      const { url, fulfilled } = await start((app, options) => {
        app.post('/v1/webhook', express.text({ type: 'application/json' }), stripeWebhookMiddleware(options));
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
    });

    it('500 body_not_raw, at once, when express.json() consumed the body first; the log names the Express fix', async () => {
      const { url, fulfilled, lines } = await start((app, options) => {
        app.use(express.json());
        app.post('/v1/webhook', stripeWebhookMiddleware(options));
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 500, { error: 'body_not_raw' }, delivery);
      expect(fulfilled).toEqual([]);
      const logged = lines.find((line) => line.level === 'error');
      expect(logged?.details).toEqual({ code: 'body_not_raw' });
      expect(logged?.message).toContain('mount the webhook route before `express.json()`');
      expect(logged?.message).toContain('express.raw({ type: "application/json" })');
      expect(logged?.message).not.toMatch(/rawBody: true|Fastify|request\.text/);
    });

    it('500 body_not_raw when earlier middleware drained the stream and kept nothing', async () => {
      const { url } = await start((app, options) => {
        app.use((req, _res, next) => {
          req.on('data', () => {});
          req.on('end', () => next());
        });
        app.post('/v1/webhook', stripeWebhookMiddleware(options));
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 500, { error: 'body_not_raw' }, delivery);
    });

    it('reads the stream when a parser of another content type only set req.body to {}', async () => {
      const { url, fulfilled } = await start((app, options) => {
        app.use(express.urlencoded({ extended: false }));
        app.post('/v1/webhook', stripeWebhookMiddleware(options));
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
    });

    it('resumes a stream that earlier middleware paused', async () => {
      const { url, fulfilled } = await start((app, options) => {
        app.use((req, _res, next) => {
          req.pause();
          next();
        });
        app.post('/v1/webhook', stripeWebhookMiddleware(options));
      });
      const delivery = paidCheckout('o_1');
      expectAnswer(await sendChunked(url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
    });
  });

  describe('the middleware chain', () => {
    let server: RunningServer | undefined;
    afterEach(async () => {
      await server?.close();
    });

    it('never calls next() after answering, for a success or a contract failure', async () => {
      let nextCalls = 0;
      const app = express();
      const after: RequestHandler = (_req, res) => {
        nextCalls++;
        res.status(418).end();
      };
      app.all('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router: createWebhookRouter(), logger: false }), after);
      server = await listening(app.listen(0, '127.0.0.1'));
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(server.url, delivery), 200, { received: true }, delivery);
      expectAnswer(await send(server.url, { ...delivery, headers: { ...delivery.headers, 'stripe-signature': 'v1=0' } }), 400, { error: 'malformed_signature' }, delivery);
      expectAnswer(await send(server.url, delivery, { method: 'GET', body: null }), 405, { error: 'method_not_allowed' });
      expect(nextCalls).toBe(0);
    });

    it('answers per the contract with a logger that throws: nothing reaches next(err)', async () => {
      const brokenLogger = throwingLogger();
      const caught: unknown[] = [];
      const app = express();
      app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router: createWebhookRouter(), logger: brokenLogger }));
      const onError: ErrorRequestHandler = (error, _req, res, _next) => {
        caught.push(error);
        res.status(503).json({ error: 'caught_by_app' });
      };
      app.use(onError);
      server = await listening(app.listen(0, '127.0.0.1'));
      const delivery = paidCheckout('o_1');
      const answer = await send(server.url, { body: delivery.body, headers: { 'content-type': 'application/json' } as typeof delivery.headers });
      expectAnswer(answer, 400, { error: 'missing_signature' }, delivery);
      expect(caught).toEqual([]);
    });
  });
});
