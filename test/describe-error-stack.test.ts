// A handler's error reaches the log with its stack, causes and inner errors, never the response.
import express from 'express5';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../src/adapters/express.js';
import { describeErrorStack, handlerErrorDetails } from '../src/describe-error-stack.js';
import { createWebhookRouter } from '../src/router/create-webhook-router.js';
import { capturingLogger } from './support/capturing-logger.js';
import { leakCheck, paidCheckout, testSecret } from './support/deliveries.js';
import { listening } from './support/listen.js';
import { undescribableThrows } from './support/reliability-contract.js';
import { expectAnswer, send, type RunningServer } from './support/status-contract.js';

describe('describeErrorStack', () => {
  it.each(undescribableThrows())('never throws for %s, and still describes it', (_what, make) => {
    const details = describeErrorStack(make());
    expect(typeof details.error).toBe('string');
    expect(details.error.length).toBeGreaterThan(0);
  });

  it('never throws for an error whose stack and cause getters throw, or whose cause chain loops', () => {
    const hostile = new Error('hostile');
    Object.defineProperty(hostile, 'stack', { get: () => { throw new Error('no stack'); } });
    Object.defineProperty(hostile, 'cause', { get: () => { throw new Error('no cause'); } });
    expect(describeErrorStack(hostile)).toEqual({ error: 'Error: hostile' });
    const loop = new Error('a');
    const other = new Error('b', { cause: loop });
    (loop as { cause?: unknown }).cause = other;
    expect(describeErrorStack(loop).causes).toHaveLength(1);
  });

  it('gives the stack, each cause with its stack, and an AggregateError\'s errors', () => {
    const root = new TypeError('connection reset');
    const wrapped = new Error('could not fulfil order o_1', { cause: root });
    const details = describeErrorStack(wrapped);
    expect(details.error).toBe('Error: could not fulfil order o_1');
    expect(details.stack).toMatch(/^Error: could not fulfil order o_1\n\s+at .*describe-error-stack\.test\.ts/);
    expect(details.causes).toEqual([expect.stringMatching(/^TypeError: connection reset\n\s+at /)]);
    const several = handlerErrorDetails([new Error('one'), 'two']);
    expect(several.error).toBe('Error: one; two');
    expect(several.errors).toEqual([expect.stringMatching(/^Error: one\n\s+at /), 'two']);
  });
});

describe('a failing handler, over real HTTP (Express)', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('logs the stack and the cause, and answers 500 handler_failed without them', async () => {
    const { logger, lines } = capturingLogger();
    const router = createWebhookRouter().onCheckoutPaid(function fulfilOrder() {
      throw new Error('could not fulfil the order', { cause: new RangeError('stock below zero') });
    });
    const app = express();
    app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router, logger }));
    server = await listening(app.listen(0, '127.0.0.1'));
    const delivery = paidCheckout('o_1');
    const answer = await send(server.url, delivery);
    expectAnswer(answer, 500, { error: 'handler_failed' }, delivery);
    leakCheck(answer.body, delivery);
    expect(answer.body).not.toMatch(/stock below zero|could not fulfil|at /);
    const logged = lines.find((line) => line.level === 'error');
    expect(logged?.message).toBe('a handler failed; Stripe will retry the delivery');
    expect(logged?.details).toMatchObject({
      eventId: delivery.event.id,
      type: 'checkout.session.completed',
      error: 'Error: could not fulfil the order',
      // The frame of the failing line, so the user can find it.
      stack: expect.stringMatching(/at fulfilOrder .*describe-error-stack\.test\.ts:\d+/),
      causes: [expect.stringMatching(/^RangeError: stock below zero\n\s+at /)],
    });
  });
});
