// body_not_raw under Nest gives Nest's fix, not Express's or Fastify's: a real Nest 11 app on
// the Fastify platform whose global hook replaces the parsed body before the route runs.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { FastifyInstance } from 'fastify5';
import { afterEach, expect, it } from 'vitest';
import { StripeWebhookModule } from '../../src/adapters/nest/index.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { leakCheck, paidCheckout, testSecret } from '../support/deliveries.js';
import { startNestApp, type RunningNestApp } from '../support/nest-app.js';
import { expectAnswer, send } from '../support/status-contract.js';

let running: RunningNestApp | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

it('answers 500 body_not_raw and logs the Nest fix (no rawBody needed; something else consumed the body)', async () => {
  const { logger, lines } = capturingLogger();
  @Module({ imports: [StripeWebhookModule.forRoot({ secret: testSecret, path: 'v1/webhook', logger })] })
  class AppModule {}
  running = await startNestApp(AppModule, { platform: 'fastify', rawBody: false }, (app) => {
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    fastify.addHook('preHandler', async (request) => {
      if (Buffer.isBuffer(request.body)) request.body = JSON.parse(request.body.toString('utf8')) as unknown;
    });
  });
  const delivery = paidCheckout('o_1');
  const answer = await send(`${running.origin}/v1/webhook`, delivery);
  expectAnswer(answer, 500, { error: 'body_not_raw' }, delivery);
  leakCheck(answer.body, delivery);
  const logged = lines.find((line) => line.level === 'error')?.message;
  expect(logged).toContain('In NestJS the module reads the raw body itself and does not need `{ rawBody: true }`');
  expect(logged).not.toMatch(/In Express|In Fastify|request\.text/);
});
