// Thin notifications over real HTTP through each adapter (Express 4 and 5, Fastify 4 and 5, the
// Web handler on Hono's Node server): nothing adapter-specific, the same core answers. stripe-node
// fetches the Checkout Session from the local Stripe stand-in.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import express4 from 'express4';
import express5 from 'express5';
import type { Express } from 'express';
import fastify4 from 'fastify4';
import fastify5, { type FastifyInstance } from 'fastify5';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { stripeWebhookPlugin } from '../../src/adapters/fastify.js';
import { createFetchHandler } from '../../src/adapters/web.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { send, type RunningServer } from '../support/status-contract.js';
import { startThinObjectsServer, type ThinObjectsServer } from '../support/stripe-api/thin-objects-server.js';
import { thinCheckout } from '../support/thin-deliveries.js';

let api: ThinObjectsServer;
beforeAll(async () => {
  api = await startThinObjectsServer();
});
afterAll(() => api.close());

type Start = (options: WebhookHandlerOptions) => Promise<RunningServer>;

const expressApp = (express: typeof express5 | typeof express4): Start => async (options) => {
  const app = (express as unknown as () => Express)();
  app.post('/v1/webhook', stripeWebhookMiddleware(options));
  return listening(app.listen(0, '127.0.0.1'));
};

const fastifyApp = (fastify: typeof fastify5 | typeof fastify4): Start => async (options) => {
  const app = (fastify as unknown as () => FastifyInstance)();
  await app.register(stripeWebhookPlugin, { path: '/v1/webhook', ...options });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${address}/v1/webhook`, close: () => app.close() };
};

const honoApp: Start = async (options) => {
  const app = new Hono();
  const webhook = createFetchHandler(options);
  app.post('/v1/webhook', (c) => webhook(c.req.raw));
  return listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
};

const adapters: Array<[string, Start]> = [
  ['Express 4', expressApp(express4)],
  ['Express 5', expressApp(express5)],
  ['Fastify 4', fastifyApp(fastify4)],
  ['Fastify 5', fastifyApp(fastify5)],
  ['Web (Hono on Node)', honoApp],
];

describe.each(adapters)('%s with thin notifications', (_name, start) => {
  it('routes a thin checkout notification once, deduplicated against its snapshot twin', async () => {
    const paid: string[] = [];
    const router = createWebhookRouter().onCheckoutPaid((session) => void paid.push(session.metadata?.orderId ?? '?'));
    const server = await start({ secret: testSecret, router, logger: false, stripe: api.stripe });
    try {
      const delivery = thinCheckout(api, 'o_http');
      const first = await send(server.url, delivery);
      expect({ status: first.status, body: JSON.parse(first.body) as unknown }).toEqual({ status: 200, body: { received: true } });
      const twin = await send(server.url, delivery.snapshot);
      expect({ status: twin.status, body: JSON.parse(twin.body) as unknown }).toEqual({ status: 200, body: { received: true, duplicate: true } });
      expect(paid).toEqual(['o_http']);
    } finally {
      await server.close();
    }
  });

  it('answers 500 stripe_client_required without a Stripe client, and 400 for a bad signature', async () => {
    const server = await start({ secret: testSecret, router: createWebhookRouter(), logger: false });
    try {
      const delivery = thinCheckout(api, 'o_http_none');
      const answer = await send(server.url, delivery);
      expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ status: 500, body: { error: 'stripe_client_required' } });
      const forged = await send(server.url, { ...delivery, body: delivery.body.replace(delivery.notification.id, 'evt_forged') });
      expect(forged.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
