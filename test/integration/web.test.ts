// The Web adapter behind a real Hono app on @hono/node-server, and as a Next.js App Router route.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/web.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { capturingLogger } from '../support/capturing-logger.js';
import type * as RouteModule from './fixtures/next-app/app/api/webhook/route.js';
import { leakCheck, paidCheckout, testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { reliabilityContract } from '../support/reliability-contract.js';
import { expectAnswer, send, statusContract, type RunningServer } from '../support/status-contract.js';

/** A Hono app with the webhook on every method, beside a JSON route; `before` is earlier middleware. */
function honoApp(options: WebhookHandlerOptions, before?: (app: Hono) => void): Hono {
  const app = new Hono();
  before?.(app);
  const webhook = createFetchHandler(options);
  app.all('/v1/webhook', (c) => webhook(c.req.raw));
  app.post('/echo', async (c) => c.json({ parsed: await c.req.json<unknown>() }));
  return app;
}

function serveHono(app: Hono): Promise<RunningServer> {
  return listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
}

describe('Hono on @hono/node-server', () => {
  describe('status contract, over a real socket', () => {
    statusContract((options) => serveHono(honoApp(options)));
  });

  describe('reliability rows (docs/reliability.md), over a real socket', () => {
    reliabilityContract((options) => serveHono(honoApp(options)));
  });

  describe('raw body', () => {
    let server: RunningServer | undefined;
    afterEach(async () => {
      await server?.close();
    });

    it('verifies the raw body while the app\'s other routes parse JSON', async () => {
      const fulfilled: string[] = [];
      const router = createWebhookRouter().onCheckoutPaid((session) => {
        fulfilled.push(session.metadata?.orderId ?? '?');
      });
      server = await serveHono(honoApp({ secret: testSecret, router, logger: false }));
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(server.url, delivery), 200, { received: true }, delivery);
      expect(fulfilled).toEqual(['o_1']);
      const echo = await fetch(new URL('/echo', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(await echo.json()).toEqual({ parsed: { a: 1 } });
    });

    it('500 body_not_raw, at once, when middleware read the body first; the log says what to pass', async () => {
      const { logger, lines } = capturingLogger();
      server = await serveHono(
        honoApp({ secret: testSecret, router: createWebhookRouter(), logger }, (app) => {
          app.use('/v1/webhook', async (c, next) => {
            await c.req.raw.json();
            await next();
          });
        }),
      );
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(server.url, delivery), 500, { error: 'body_not_raw' }, delivery);
      const logged = lines.find((line) => line.level === 'error')?.message;
      expect(logged).toContain('a middleware read the request body before the handler');
      // A Web handler's fix only: createFetchHandler cannot be handed `await request.text()`.
      expect(logged).not.toMatch(/express\.json|rawBody|request\.text\(\)|Fastify/);
    });
  });
});

describe('Next.js App Router: export const POST = createFetchHandler(...)', () => {
  let route: typeof RouteModule;
  beforeAll(async () => {
    // The route module reads the secret from the environment when it loads, as in an app.
    const previous = process.env.STRIPE_WEBHOOK_SECRET;
    process.env.STRIPE_WEBHOOK_SECRET = testSecret;
    try {
      route = await import('./fixtures/next-app/app/api/webhook/route.js');
    } finally {
      if (previous === undefined) delete process.env.STRIPE_WEBHOOK_SECRET;
      else process.env.STRIPE_WEBHOOK_SECRET = previous;
    }
  });

  it('answers a real Request to the POST export, then the redelivery as a duplicate', async () => {
    const delivery = paidCheckout('o_next');
    const request = () => new Request('https://shop.example/api/webhook', { method: 'POST', headers: delivery.headers, body: delivery.body });
    const response = await route.POST(request());
    expect(response).toBeInstanceOf(Response);
    const body = await response.text();
    expect({ status: response.status, body: JSON.parse(body) as unknown }).toEqual({ status: 200, body: { received: true } });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    leakCheck(body, delivery);
    expect(route.paidOrders).toEqual(['o_next']);
    const again = await route.POST(request());
    expect(await again.json()).toEqual({ received: true, duplicate: true });
  });

  it('answers 400 to a forged delivery without leaking it', async () => {
    const delivery = paidCheckout('o_forged', { secret: 'whsec_attacker' });
    const response = await route.POST(new Request('https://shop.example/api/webhook', { method: 'POST', headers: delivery.headers, body: delivery.body }));
    const body = await response.text();
    expect({ status: response.status, body: JSON.parse(body) as unknown }).toEqual({ status: 400, body: { error: 'no_matching_signature' } });
    leakCheck(body, delivery);
    expect(route.paidOrders).not.toContain('o_forged');
  });
});
