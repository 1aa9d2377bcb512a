// Compile-only: the router's types narrow events from their type strings.
import type Stripe from 'stripe';
import { describe, expectTypeOf, it } from 'vitest';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';

describe('router types', () => {
  it('narrows event.data.object to a Checkout Session', () => {
    createWebhookRouter().on('checkout.session.completed', (event, ctx) => {
      expectTypeOf(event).toEqualTypeOf<Stripe.CheckoutSessionCompletedEvent>();
      expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Checkout.Session>();
      expectTypeOf(ctx.account).toEqualTypeOf<string | undefined>();
    });
  });

  it('gives the union to a handler of several types', () => {
    createWebhookRouter().on(['checkout.session.async_payment_succeeded', 'charge.refunded'], (event) => {
      expectTypeOf(event).toEqualTypeOf<Stripe.CheckoutSessionAsyncPaymentSucceededEvent | Stripe.ChargeRefundedEvent>();
      if (event.type === 'charge.refunded') expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Charge>();
    });
  });

  it('refuses an unknown event type', () => {
    // @ts-expect-error not a Stripe event type
    createWebhookRouter().on('checkout.session.complete', () => {});
    // @ts-expect-error one unknown type in the array is enough
    createWebhookRouter().on(['charge.refunded', 'charge.refundd'], () => {});
  });

  it('types the checkout helpers\' session and event', () => {
    createWebhookRouter()
      .onCheckoutPaid((session, event) => {
        expectTypeOf(session).toEqualTypeOf<Stripe.Checkout.Session>();
        expectTypeOf(event.type).toEqualTypeOf<'checkout.session.completed' | 'checkout.session.async_payment_succeeded'>();
      })
      .onCheckoutPaymentFailed((_session, event) => {
        expectTypeOf(event).toEqualTypeOf<Stripe.CheckoutSessionAsyncPaymentFailedEvent>();
      });
  });

  it('types createTestEvent from its type and checks overrides', () => {
    expectTypeOf(createTestEvent('payment_intent.succeeded')).toEqualTypeOf<Stripe.PaymentIntentSucceededEvent>();
    // @ts-expect-error payment_status is not a number
    createTestEvent('checkout.session.completed', { data: { object: { payment_status: 3 } } });
    // @ts-expect-error unknown event type
    createTestEvent('checkout.session.finished');
  });
});
