import { describe, expect, it } from 'vitest';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { silentLogger } from '../../src/logger.js';

const completed = (payment_status: 'paid' | 'unpaid' | 'no_payment_required') =>
  createTestEvent('checkout.session.completed', { data: { object: { payment_status, metadata: { orderId: 'o_1' } } } });

describe('createWebhookRouter', () => {
  it('runs the handlers of the event type and onAny, with a context', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter()
      .on('checkout.session.completed', (event, ctx) => {
        seen.push(`typed:${event.data.object.id === ctx.eventId ? 'wrong' : 'ok'}:${ctx.type}`);
      })
      .on('charge.refunded', () => {
        seen.push('charge');
      })
      .onAny((event) => {
        seen.push(`any:${event.type}`);
      });
    const event = createTestEvent('checkout.session.completed', { account: 'acct_123' });
    let context: unknown;
    router.onAny((_event, ctx) => {
      context = ctx;
    });
    await router.dispatch(event, { logger: silentLogger });
    expect(seen.sort()).toEqual(['any:checkout.session.completed', 'typed:ok:checkout.session.completed']);
    expect(context).toMatchObject({ eventId: event.id, type: event.type, livemode: false, account: 'acct_123', logger: silentLogger });
  });

  it('routes an array of types to one handler', async () => {
    const types: string[] = [];
    const router = createWebhookRouter().on(['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'], (event) => {
      types.push(event.type);
    });
    await router.dispatch(createTestEvent('checkout.session.async_payment_failed'));
    await router.dispatch(createTestEvent('checkout.session.async_payment_succeeded'));
    await router.dispatch(createTestEvent('checkout.session.completed'));
    expect(types).toEqual(['checkout.session.async_payment_failed', 'checkout.session.async_payment_succeeded']);
    expect([...router.eventTypes].sort()).toEqual(['checkout.session.async_payment_failed', 'checkout.session.async_payment_succeeded']);
  });

  it('fires the checkout helpers exactly after the events Stripe says to act on', async () => {
    const calls: string[] = [];
    const router = createWebhookRouter()
      .onCheckoutPaid((session, event) => {
        calls.push(`paid:${event.type}:${session.payment_status}`);
      })
      .onCheckoutAwaitingPayment((session) => {
        calls.push(`awaiting:${session.payment_status}`);
      })
      .onCheckoutPaymentFailed((session, event) => {
        calls.push(`failed:${event.type}:${session.metadata?.orderId}`);
      });
    for (const event of [
      completed('paid'),
      completed('no_payment_required'),
      completed('unpaid'),
      createTestEvent('checkout.session.async_payment_succeeded'),
      createTestEvent('checkout.session.async_payment_failed', { data: { object: { metadata: { orderId: 'o_9' } } } }),
      createTestEvent('checkout.session.expired'),
    ]) {
      await router.dispatch(event);
    }
    expect(calls).toEqual([
      'paid:checkout.session.completed:paid',
      'paid:checkout.session.completed:no_payment_required',
      'awaiting:unpaid',
      'paid:checkout.session.async_payment_succeeded:paid',
      'failed:checkout.session.async_payment_failed:o_9',
    ]);
  });

  it('runs every matching handler even when one fails, then rejects with an AggregateError and calls onError once', async () => {
    const ran: string[] = [];
    const errors: Array<[AggregateError, string]> = [];
    const boom = new Error('database down');
    const router = createWebhookRouter()
      .on('checkout.session.completed', () => {
        throw boom;
      })
      .on('checkout.session.completed', async () => {
        ran.push('second');
      })
      .onAny(() => {
        throw new NonRetryableError('unknown order');
      })
      .onError((error, event) => {
        errors.push([error, event.id]);
      });
    const event = completed('paid');
    const failure = await router.dispatch(event).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors).toHaveLength(2);
    expect((failure as AggregateError).errors[0]).toBe(boom);
    expect(NonRetryableError.is((failure as AggregateError).errors[1])).toBe(true);
    expect(ran).toEqual(['second']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toBe(failure);
    expect(errors[0]?.[1]).toBe(event.id);
  });

  it('keeps the handlers\' failure when an onError handler itself throws', async () => {
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => logged.push(message) };
    const router = createWebhookRouter()
      .onAny(() => Promise.reject(new Error('handler')))
      .onError(() => {
        throw new Error('reporter');
      });
    await expect(router.dispatch(completed('paid'), { logger })).rejects.toBeInstanceOf(AggregateError);
    expect(logged).toEqual(['an onError handler threw']);
  });

  it('resolves when nothing matches', async () => {
    await expect(createWebhookRouter().dispatch(completed('paid'))).resolves.toBeUndefined();
  });

  it('refuses a handler that is not a function and an empty type', () => {
    expect(() => createWebhookRouter().on('charge.refunded', 'nope' as never)).toThrow('router.on: `handler` must be a function; got "nope".');
    expect(() => createWebhookRouter().on('' as 'charge.refunded', () => {})).toThrow('router.on: `type` must be an event type such as "checkout.session.completed"; got "".');
  });
});
