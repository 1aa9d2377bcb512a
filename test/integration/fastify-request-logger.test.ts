// Fastify's plugin logs through the request's own logger (pino, with reqId) when the app has
// one and the kit was given none; real servers on 127.0.0.1.
import fastify4 from 'fastify4';
import fastify5, { type FastifyInstance, type FastifyServerOptions } from 'fastify5';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookPlugin, type StripeWebhookPluginOptions } from '../../src/adapters/fastify.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';
import { expectAnswer, send } from '../support/status-contract.js';

type CreateFastify = (options?: FastifyServerOptions) => FastifyInstance;

describe.each([
  ['Fastify 4', fastify4 as unknown as CreateFastify],
  ['Fastify 5', fastify5 as CreateFastify],
] as const)('%s', (_name, fastify) => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** An app whose pino writes its JSON lines into `records`. */
  async function start(options: Partial<StripeWebhookPluginOptions> = {}) {
    const records: Array<Record<string, unknown>> = [];
    const stream = { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) };
    const app = fastify({ logger: { level: 'info', stream } });
    apps.push(app);
    const router = createWebhookRouter().onCheckoutPaid(() => {
      throw new Error('the warehouse is down');
    });
    await app.register(stripeWebhookPlugin, { secret: testSecret, router, ...options } as StripeWebhookPluginOptions);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `${address}/v1/webhook`, records };
  }

  it('writes the kit\'s lines as pino records of the request, with its reqId, details and stack', async () => {
    const { url, records } = await start();
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 500, { error: 'handler_failed' }, delivery);
    const failure = records.find((record) => record.msg === 'a handler failed; Stripe will retry the delivery');
    expect(failure).toMatchObject({ level: 50, eventId: delivery.event.id, error: 'Error: the warehouse is down', stack: expect.stringContaining('at ') });
    // The same reqId as Fastify's own "incoming request" line for this delivery.
    const incoming = records.find((record) => record.msg === 'incoming request');
    expect(failure?.reqId).toBeDefined();
    expect(failure?.reqId).toBe(incoming?.reqId);
  });

  it('logs a rejected delivery through the request\'s logger too', async () => {
    const { url, records } = await start();
    const delivery = paidCheckout('o_2', { secret: 'whsec_another_endpoint' });
    expectAnswer(await send(url, delivery), 400, { error: 'no_matching_signature' }, delivery);
    expect(records.find((record) => typeof record.msg === 'string' && record.msg.startsWith('rejected a delivery'))).toMatchObject({
      level: 40,
      code: 'no_matching_signature',
      reqId: expect.anything(),
    });
  });

  it('keeps a logger the user gave: nothing of the kit\'s goes to pino', async () => {
    const { logger, lines } = capturingLogger();
    const { url, records } = await start({ logger });
    const delivery = paidCheckout('o_3');
    expectAnswer(await send(url, delivery), 500, { error: 'handler_failed' }, delivery);
    expect(lines.find((line) => line.level === 'error')?.details).toMatchObject({ error: 'Error: the warehouse is down' });
    expect(records.filter((record) => record.eventId !== undefined)).toEqual([]);
  });
});
