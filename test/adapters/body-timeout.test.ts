// `bodyTimeoutMs` on every adapter that reads the body itself, over a real socket: a client
// announces 1000 bytes, sends 6 and stalls; the answer is 408 body_timeout and the server closes
// the connection (the test waits for the close: a server that kept it would time the test out).
import { Module } from '@nestjs/common';
import express4 from 'express4';
import express5 from 'express5';
import fastify4 from 'fastify4';
import fastify5 from 'fastify5';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { stripeWebhookPlugin } from '../../src/adapters/fastify.js';
import { StripeWebhookModule } from '../../src/entries/nest.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { nestSetups, startNestApp } from '../support/nest-app.js';
import { stalledBody } from '../support/raw-http.js';
import type { RunningServer } from '../support/status-contract.js';

const bodyTimeoutMs = 200;
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function expectTimedOut(server: RunningServer): Promise<void> {
  servers.push(server);
  const answer = await stalledBody(server.url, { announced: 1000, sent: '{"id":' });
  expect([answer.status, answer.body]).toEqual([408, '{"error":"body_timeout"}']);
  expect(answer.headers).toMatch(/^connection: close$/im);
}

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
] as const)('%s', (_name, express) => {
  it('answers a stalled body 408 body_timeout and closes the connection', async () => {
    const app = express();
    app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router: createWebhookRouter(), bodyTimeoutMs }));
    await expectTimedOut(await listening(app.listen(0, '127.0.0.1')));
  }, 30_000);
});

describe.each([
  ['Fastify 4', fastify4],
  ['Fastify 5', fastify5],
] as const)('%s', (_name, fastify) => {
  it('answers a stalled body 408 body_timeout and closes the connection', async () => {
    // Fastify 4 and 5 build alike; their types do not unite.
    const app = (fastify as typeof fastify5)();
    await app.register(stripeWebhookPlugin, { secret: testSecret, router: createWebhookRouter(), bodyTimeoutMs });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    await expectTimedOut({ url: `${address}/v1/webhook`, close: () => app.close() });
  }, 30_000);
});

describe.each(nestSetups)('Nest (%s)', (_name, setup) => {
  it('answers a stalled body 408 body_timeout and closes the connection', async () => {
    @Module({ imports: [StripeWebhookModule.forRoot({ secret: testSecret, bodyTimeoutMs })] })
    class AppModule {}
    const running = await startNestApp(AppModule, setup);
    await expectTimedOut({ url: `${running.origin}/v1/webhook`, close: running.close });
  }, 30_000);
});

describe('bodyTimeoutMs', () => {
  it('is checked when the adapter is built, with the fix in the message', () => {
    for (const bad of [0, -1, 1.5, '10s', Number.POSITIVE_INFINITY]) {
      expect(() => stripeWebhookMiddleware({ secret: testSecret, router: createWebhookRouter(), bodyTimeoutMs: bad as number })).toThrow(/stripeWebhookMiddleware: `bodyTimeoutMs` must be a whole number of milliseconds from 1 to 2147483647; got /);
    }
  });
});
